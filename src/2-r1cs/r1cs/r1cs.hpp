#pragma once
/// \file Rank-1 constraint systems: A * B = C over linear combinations of wires, in Fr.
///
/// Wire 0 is the constant 1, then public outputs, public inputs, private inputs, and internal
/// wires (circom's order). This tier sits under both the circuit builder (which produces an
/// R1cs) and the proving side (setup, file formats), and needs only the field.

#include <cstdint>
#include <span>
#include <vector>

#include "ff/bn254.hpp"

namespace pm::r1cs {

struct R1csTerm {
  std::uint32_t wire;
  ff::Fr coeff;
};

struct R1cs {
  std::uint32_t n_wires = 0;
  std::uint32_t n_pub_out = 0, n_pub_in = 0, n_prv_in = 0;
  std::uint64_t n_labels = 0;
  std::uint32_t n_constraints = 0;
  /// Terms of all linear combinations, constraint-major: A, B, C of constraint 0, then 1, ...
  std::vector<R1csTerm> terms;
  /// terms[lc_begin[3i + k] .. lc_begin[3i + k + 1]) is LC k (0 = A, 1 = B, 2 = C) of constraint i.
  std::vector<std::uint64_t> lc_begin;

  std::uint32_t n_public() const { return n_pub_out + n_pub_in; }
  std::span<const R1csTerm> lc(std::uint32_t constraint, int k) const {
    std::size_t i = 3 * std::size_t{constraint} + static_cast<std::size_t>(k);
    return {terms.data() + lc_begin[i], terms.data() + lc_begin[i + 1]};
  }
};

/// Evaluates a linear combination at a witness.
ff::Fr eval_lc(std::span<const R1csTerm> lc, std::span<const ff::Fr> witness);

/// Index of the first constraint the witness violates, or -1 when all hold (checked in parallel).
std::int64_t first_unsatisfied(const R1cs& r1cs, std::span<const ff::Fr> witness);

}  // namespace pm::r1cs
