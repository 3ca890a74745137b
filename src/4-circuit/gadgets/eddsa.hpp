#pragma once
/// \file EdDSA-Poseidon on Baby Jubjub, exactly as circomlib's `EdDSAPoseidonVerifier` and
/// circomlibjs's `eddsa.verifyPoseidon` / `signPoseidon`.
///
/// A signature on a field element M by public key A (a curve point) is (R8, S) with
///   S < l,   S * Base8 = R8 + (8 h) * A,   h = Poseidon(R8.x, R8.y, A.x, A.y, M)
/// (l the prime subgroup order, h taken as an integer below r). circomlibjs signs with
/// A = (s >> 3) * Base8, s from a BLAKE-512 of the 32-byte private key.
///
/// The gadget (4,199 constraints; circom --O2 gives 4,217 for circomlib's template) checks:
///  - A and R8 are on the curve (3 constraints each; circomlib checks neither);
///  - S fits in 253 bits and S < l (rejects the malleable S + l);
///  - h's bits are canonical (Num2Bits_strict: h + r is no alternative);
///  - 8 A is not the identity (A of small order is rejected);
///  - S * Base8 = R8 + h * (8 A), with circomlib's scalar-multiplication circuits.
/// Unlike circomlib it checks A and R8 to be on the curve: for an off-curve point the Montgomery
/// formulas' exceptional cases are not ruled out, and A is often the prover's choice (a key read
/// from a tree the prover opens).
/// With `enabled` (boolean) 0 the checks are switched off, as circomlib's `enabled` input
/// does (the on-curve checks too, 4 constraints a point then); the curve formulas still run, so
/// use dummy inputs such as zeros then (arbitrary off-curve values can leave a division by zero
/// unsatisfiable).

#include <array>
#include <cstdint>
#include <span>

#include "gadgets/babyjub.hpp"

namespace pm::gadgets {

using ff::Fr;

struct EddsaSignature {
  babyjub::Point r8;
  ff::u256 s;  ///< an integer below 2^253; valid only below l
};

/// h = Poseidon(R8.x, R8.y, A.x, A.y, M).
Fr eddsa_poseidon_challenge(const babyjub::Point& r8, const babyjub::Point& a, const Fr& msg);

/// circomlibjs's verifyPoseidon (A and R8 on the curve, S < l, and the equation above), and
/// like the circuit it also rejects a public key of small order (8 A the identity), for which
/// any S with R8 = S * Base8 would pass and circomlibjs says yes.
bool eddsa_poseidon_verify(const babyjub::Point& a, const EddsaSignature& sig, const Fr& msg);

/// circomlibjs's prv2pub: (s >> 3) * Base8 with s the pruned low half of BLAKE-512(prv).
babyjub::Point eddsa_public_key(std::span<const std::uint8_t> prv);
/// circomlibjs's signPoseidon, byte for byte: the same private key and message give the same
/// signature (the nonce is BLAKE-512(high half of BLAKE-512(prv) || M as 32 LE bytes) mod l).
EddsaSignature eddsa_poseidon_sign(std::span<const std::uint8_t> prv, const Fr& msg);

/// The gadget. `enabled` must be boolean (asserted unless constant).
void eddsa_poseidon_verify(circuit::Builder& b, const babyjub::PointExpr& a, const babyjub::PointExpr& r8,
                           const circuit::Expr& s, const circuit::Expr& msg,
                           const circuit::Expr& enabled = circuit::Expr(1));

}  // namespace pm::gadgets
