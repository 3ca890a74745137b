#pragma once
/// \file Binary Merkle trees with Poseidon: inclusion of a leaf, and Merkle-sum trees whose
/// nodes also commit to the sum of the balances below them (solvency proofs).
///
/// Paths are bottom-up: siblings[0] is the leaf's sibling; index bit i is 1 when the node at
/// level i is a right child. Costs per level (d levels):
///   merkle_root:      240 (Poseidon(2)) + 1 (index bit boolean) + 1 (left/right select) = 242
///   merkle_sum_root:  297 (Poseidon(4)) + 1 (boolean) + 2 (selects) + 2 (sum_bits + 1) (the
///                     sibling's and the parent's range checks), plus sum_bits + 1 for the leaf
/// Merkle-sum node: hash = Poseidon(left.hash, left.sum, right.hash, right.sum), sum = left.sum +
/// right.sum, and every sum (sibling sums and each parent sum) is range-checked to `sum_bits`
/// bits (<= 125, so two of them never wrap mod r): no sum can overflow or go negative, so the
/// root's sum bounds every leaf balance on the path.

#include <span>
#include <vector>

#include "circuit/builder.hpp"

namespace pm::gadgets {

using circuit::Builder;
using circuit::Expr;
using ff::Fr;

/// The root reached from `leaf` along the path. index_bits are asserted boolean.
Expr merkle_root(Builder& b, const Expr& leaf, std::span<const Expr> siblings,
                 std::span<const Expr> index_bits);
/// Direct evaluation.
Fr merkle_root(const Fr& leaf, std::span<const Fr> siblings, std::span<const bool> index_bits);

struct SumNode {
  Expr hash, sum;
};

/// Root (hash, sum) from a leaf (hash, sum) and the siblings' (hash, sum). Range-checks the leaf
/// sum, every sibling sum and every parent sum to `sum_bits` bits (1..125).
SumNode merkle_sum_root(Builder& b, const SumNode& leaf, std::span<const SumNode> siblings,
                        std::span<const Expr> index_bits, unsigned sum_bits);

struct SumValue {
  Fr hash, sum;
};
/// Direct evaluation (no range checks).
SumValue merkle_sum_root(const SumValue& leaf, std::span<const SumValue> siblings,
                         std::span<const bool> index_bits);

}  // namespace pm::gadgets
