#pragma once
/// \file Poseidon over the BN254 scalar field, identical to circomlib's `Poseidon(n)` and
/// circomlibjs's `poseidon` (x^5 S-box, 8 full rounds, partial rounds 56, 57, 56, 60, 60, 63, 64,
/// 63, 60, 66, 60, 65, 70, 60, 64, 68 for n = 1..16 inputs, state width t = n + 1): parameters,
/// the permutation over any value type, and the direct evaluation. The circuit gadget, which runs
/// the same permutation over circuit expressions, is gadgets/poseidon.hpp.
///
/// The round constants and MDS matrix are generated here, not copied: the Grain LFSR of the
/// Poseidon reference script (`generate_parameters_grain.sage 1 0 254 t 8 R_P r`), which is how
/// circomlibjs's constants were made. Tests compare the outputs with circomlibjs's.

#include <cstddef>
#include <span>
#include <utility>
#include <vector>

#include "ff/bn254.hpp"

namespace pm::hash {

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

/// A sponge over circomlib's width-17 permutation (Poseidon(16)) for any number of inputs:
/// capacity state[0] = n * 2^64 (the length: inputs with trailing zeros hash differently), the
/// inputs added 16 at a time into state[1..16] (the last block zero-padded; at least one block),
/// one permutation a block, the hash state[1]. tests/vectors/gen_poseidon_vectors.mjs computes
/// the same with circomlibjs.
Fr poseidon_sponge(std::span<const Fr> inputs);
constexpr unsigned kPoseidonSpongeRate = 16;
/// n * 2^64, the sponge's initial capacity.
Fr poseidon_sponge_capacity(std::size_t n);

/// The sponge's schedule over any value type (Fr natively, circuit expressions in the gadget):
/// `permute(rate, capacity)` returns circomlibjs's poseidon(rate, capacity, 17), the full state.
template <class T, class Permute>
T poseidon_sponge_with(std::span<const T> inputs, const T& zero, const T& capacity, Permute permute) {
  T cap = capacity;
  std::vector<T> rate(kPoseidonSpongeRate, zero);
  const std::size_t blocks =
      inputs.empty() ? 1 : (inputs.size() + kPoseidonSpongeRate - 1) / kPoseidonSpongeRate;
  for (std::size_t k = 0; k < blocks; ++k) {
    for (std::size_t i = 0; i < kPoseidonSpongeRate && k * kPoseidonSpongeRate + i < inputs.size(); ++i) {
      rate[i] = rate[i] + inputs[k * kPoseidonSpongeRate + i];
    }
    std::vector<T> state = permute(std::span<const T>(rate), cap);
    cap = state[0];
    rate.assign(state.begin() + 1, state.end());
  }
  return rate[0];
}

/// Throws Error(Errc::invalid_argument) unless 1 <= n <= 16.
void poseidon_check_arity(std::size_t n);

/// One permutation over any value type with +, scalar * and an S-box.
template <class T, class Sbox, class Scale>
void poseidon_permute(const PoseidonParams& p, std::vector<T>& state, Sbox sbox, Scale scale) {
  const unsigned t = p.t, rounds = p.full_rounds + p.partial_rounds;
  std::vector<T> next(t);
  for (unsigned r = 0; r < rounds; ++r) {
    for (unsigned i = 0; i < t; ++i) state[i] = state[i] + T(p.round_constants[r * t + i]);
    bool full = r < p.full_rounds / 2 || r >= p.full_rounds / 2 + p.partial_rounds;
    for (unsigned i = 0; i < (full ? t : 1); ++i) state[i] = sbox(state[i]);
    for (unsigned i = 0; i < t; ++i) {
      T acc{};
      for (unsigned j = 0; j < t; ++j) acc = acc + scale(state[j], p.mds[i * t + j]);
      next[i] = acc;
    }
    std::swap(state, next);
  }
}

}  // namespace pm::hash
