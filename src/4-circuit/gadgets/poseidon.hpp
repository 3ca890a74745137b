#pragma once
/// \file The Poseidon gadget (circuit), identical to circomlib's `Poseidon(n)` and
/// circomlibjs's `poseidon` (x^5 S-box, 8 full rounds, partial rounds 56, 57, 56, 60, 60, 63, 64,
/// 63, 60, 66, 60, 65, 70, 60, 64, 68 for n = 1..16 inputs, state width t = n + 1).
///
/// Circuit cost: 3 constraints per S-box, S-boxes on constants being free, so
/// 3 * (8t + R_P) - 3 constraints: 240 for 2 inputs (circom --O2 gives 240 for circomlib's
/// Poseidon(2)), 609 for 16 inputs (docs/CIRCUITS.md has the table).

#include <span>
#include <vector>

#include "circuit/builder.hpp"
#include "hash/poseidon.hpp"

namespace pm::gadgets {

using circuit::Builder;
using circuit::Expr;
using ff::Fr;

// The parameters and the direct evaluation (hash/poseidon.hpp), beside the gadget's overloads.
using hash::kPoseidonMaxInputs;
using hash::poseidon;
using hash::poseidon_ex;
using hash::poseidon_params;
using hash::poseidon_sponge;
using hash::PoseidonParams;

/// The gadget: circomlib's PoseidonEx(n, n_out) / Poseidon(n).
std::vector<Expr> poseidon_ex(Builder& b, std::span<const Expr> inputs, const Expr& init_state,
                              unsigned n_out);
Expr poseidon(Builder& b, std::span<const Expr> inputs);
/// The sponge for any number of inputs (hash::poseidon_sponge): one width-17 permutation per 16
/// inputs, 609 constraints for the first and 612 for each further one (docs/CIRCUITS.md).
Expr poseidon_sponge(Builder& b, std::span<const Expr> inputs);

}  // namespace pm::gadgets
