#pragma once
/// \file Verifying a Groth16 proof (BN254) inside a BN254 circuit: the inner proof of recursive
/// aggregation.
///
/// The verification key is fixed when the circuit is built; the proof and the public inputs are
/// wires. The circuit proves
///   - A and C on G1, B on the twist and in G2 (psi(B)-criterion below: the twist has points of
///     other orders, which would break the pairing equation's meaning);
///   - vk_x = IC_0 + sum x_i IC_i, by fixed-base windows: each input's 254 bits in 4-bit
///     windows select a precomputed point [d 16^j] IC_i + R_ij (R_ij points of unknown discrete
///     logarithm, so no entry is infinity and an honest sum meets no equal x), the R's sum
///     subtracted as a constant;
///   - e(-A, B) e(vk_x, gamma) e(C, delta) e(alpha, beta) = 1 with one pairing check: gamma and
///     delta by precomputed lines, e(alpha, beta)'s Miller value a constant.
/// G2 membership: [x+1]B + psi([x]B) + psi^2([x]B) = psi^3([2x]B) (El Housni, Guillevic,
/// Piellard, eprint 2022/348, section 5.1), about 63 doublings and 28 additions.

#include <span>
#include <vector>

#include "emulated/pairing.hpp"
#include "groth16/keys.hpp"

namespace pm::emulated {

struct ProofVar {
  G1Var a;
  G2Var b;
  G1Var c;
};

/// Limbs for input files: A.x, A.y, B.x.c0, B.x.c1, B.y.c0, B.y.c1, C.x, C.y.
std::vector<Fr> proof_limbs(const Layout& l, const groth16::Proof& p);
/// A proof from 8 groups of limb wires, its points proven on their curves and B in G2.
ProofVar proof_input(Field& f, std::span<const Expr> limbs);

void assert_g2_in_subgroup(Field& f, const G2Var& q);

/// IC_0 + sum x_i IC_i for public inputs x_i (native wires; any representative of x_i mod r
/// gives the same point).
G1Var public_input_commitment(Field& f, const groth16::VerifyingKey& vk, std::span<const Expr> inputs);

/// The proof verifies against vk for these public inputs.
void assert_groth16_verifies(Field& f, const groth16::VerifyingKey& vk, const ProofVar& proof,
                             std::span<const Expr> public_inputs);

}  // namespace pm::emulated
