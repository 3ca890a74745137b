#pragma once
/// \file Poseidon over the BN254 scalar field, identical to circomlib's `Poseidon(n)` and
/// circomlibjs's `poseidon` (x^5 S-box, 8 full rounds, partial rounds 56, 57, 56, 60, 60, 63, 64,
/// 63, 60, 66, 60, 65, 70, 60, 64, 68 for n = 1..16 inputs, state width t = n + 1).
///
/// The round constants and MDS matrix are generated here, not copied: the Grain LFSR of the
/// Poseidon reference script (`generate_parameters_grain.sage 1 0 254 t 8 R_P r`), which is how
/// circomlibjs's constants were made. Tests compare the outputs with circomlibjs's.
///
/// Circuit cost: 3 constraints per S-box, S-boxes on constants being free, so
/// 3 * (8t + R_P) - 3 constraints: 240 for 2 inputs (circom --O2 gives 240 for circomlib's
/// Poseidon(2)), 609 for 16 inputs (docs/CIRCUITS.md has the table).

#include <span>
#include <vector>

#include "circuit/builder.hpp"

namespace pm::gadgets {

using circuit::Builder;
using circuit::Expr;
using ff::Fr;

struct PoseidonParams {
  unsigned t = 0, full_rounds = 0, partial_rounds = 0;
  std::vector<Fr> round_constants;  ///< (full + partial) * t, round-major
  std::vector<Fr> mds;              ///< t * t, row-major: new[i] = sum_j mds[i*t + j] * old[j]
};

constexpr unsigned kPoseidonMaxInputs = 16;

/// The parameters for `n_inputs` (1..16); generated once, then cached. Throws
/// Error(Errc::invalid_argument) outside 1..16.
const PoseidonParams& poseidon_params(unsigned n_inputs);

/// Direct evaluation: circomlibjs's poseidon(inputs, init_state, n_out).
std::vector<Fr> poseidon_ex(std::span<const Fr> inputs, const Fr& init_state, unsigned n_out);
Fr poseidon(std::span<const Fr> inputs);

/// The gadget: circomlib's PoseidonEx(n, n_out) / Poseidon(n).
std::vector<Expr> poseidon_ex(Builder& b, std::span<const Expr> inputs, const Expr& init_state,
                              unsigned n_out);
Expr poseidon(Builder& b, std::span<const Expr> inputs);

}  // namespace pm::gadgets
