#include "gadgets/merkle.hpp"

#include "base/error.hpp"
#include "gadgets/poseidon.hpp"

namespace pm::gadgets {
namespace {

void check_path(std::size_t siblings, std::size_t bits) {
  if (siblings != bits) {
    throw Error(Errc::invalid_argument, "Merkle path: " + std::to_string(siblings) + " siblings but " +
                                            std::to_string(bits) + " index bits");
  }
}

}  // namespace

Expr merkle_root(Builder& b, const Expr& leaf, std::span<const Expr> siblings,
                 std::span<const Expr> index_bits) {
  check_path(siblings.size(), index_bits.size());
  auto s = b.scope("merkle");
  Expr cur = leaf;
  for (std::size_t i = 0; i < siblings.size(); ++i) {
    auto level = b.scope("level " + std::to_string(i));
    // left = bit ? sibling : cur; right = cur + sibling - left (free).
    Expr left = b.select(index_bits[i], siblings[i], cur, "index bit is boolean");
    Expr right = cur + siblings[i] - left;
    std::vector<Expr> in{left, right};
    cur = poseidon(b, in);
  }
  return cur;
}

Fr merkle_root(const Fr& leaf, std::span<const Fr> siblings, std::span<const bool> index_bits) {
  check_path(siblings.size(), index_bits.size());
  Fr cur = leaf;
  for (std::size_t i = 0; i < siblings.size(); ++i) {
    std::vector<Fr> in =
        index_bits[i] ? std::vector<Fr>{siblings[i], cur} : std::vector<Fr>{cur, siblings[i]};
    cur = poseidon(in);
  }
  return cur;
}

SumNode merkle_sum_root(Builder& b, const SumNode& leaf, std::span<const SumNode> siblings,
                        std::span<const Expr> index_bits, unsigned sum_bits) {
  check_path(siblings.size(), index_bits.size());
  if (sum_bits == 0 || sum_bits > 125)
    throw Error(Errc::invalid_argument, "Merkle-sum: sum_bits must be in 1..125");
  auto s = b.scope("merkle_sum");
  b.assert_range(leaf.sum, sum_bits, "leaf sum in range");
  SumNode cur = leaf;
  for (std::size_t i = 0; i < siblings.size(); ++i) {
    auto level = b.scope("level " + std::to_string(i));
    b.assert_range(siblings[i].sum, sum_bits, "sibling sum in range");
    Expr lh = b.select(index_bits[i], siblings[i].hash, cur.hash, "index bit is boolean");
    Expr rh = cur.hash + siblings[i].hash - lh;
    Expr ls = b.select(index_bits[i], siblings[i].sum, cur.sum);
    Expr rs = cur.sum + siblings[i].sum - ls;
    std::vector<Expr> in{lh, ls, rh, rs};
    Expr sum = ls + rs;
    // Both parts are < 2^sum_bits <= 2^125, so the sum is their true integer sum; bounding it
    // keeps every ancestor's sum meaningful (no total can exceed 2^sum_bits).
    b.assert_range(sum, sum_bits, "parent sum does not overflow");
    cur = {poseidon(b, in), sum};
  }
  return cur;
}

SumValue merkle_sum_root(const SumValue& leaf, std::span<const SumValue> siblings,
                         std::span<const bool> index_bits) {
  check_path(siblings.size(), index_bits.size());
  SumValue cur = leaf;
  for (std::size_t i = 0; i < siblings.size(); ++i) {
    const SumValue& l = index_bits[i] ? siblings[i] : cur;
    const SumValue& r = index_bits[i] ? cur : siblings[i];
    std::vector<Fr> in{l.hash, l.sum, r.hash, r.sum};
    cur = {poseidon(in), l.sum + r.sum};
  }
  return cur;
}

}  // namespace pm::gadgets
