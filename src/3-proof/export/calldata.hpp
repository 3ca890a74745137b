#pragma once
/// \file Arguments for the generated Solidity verifier, as text to paste into a call.

#include <span>
#include <string>
#include <vector>

#include "ff/u256.hpp"
#include "groth16/keys.hpp"

namespace pm::evm {

/// One proof's verifyProof arguments in the format of `snarkjs zkey export soliditycalldata`:
/// ["0x..", "0x.."],[["0x..", "0x.."],["0x..", "0x.."]],["0x..", "0x.."],["0x..",...]
/// (A, B with each Fp2 coordinate imaginary part first, C, the public signals), 0x and 64 hex
/// digits a number. The public signals are printed as given, even when >= r.
std::string solidity_calldata(const groth16::Proof& proof, std::span<const ff::u256> public_signals);

/// verifyBatch's two arguments for these proofs: [proof words...],[public signal words...], eight
/// words a proof (A.x, A.y, B.x.im, B.x.re, B.y.im, B.y.re, C.x, C.y) and the signals of proof i
/// after those of proof i - 1. `public_signals` has one list per proof.
std::string solidity_batch_calldata(std::span<const groth16::Proof> proofs,
                                    std::span<const std::vector<ff::u256>> public_signals);

/// 0x followed by 64 lower-case hex digits.
std::string hex_word(const ff::u256& v);

}  // namespace pm::evm
