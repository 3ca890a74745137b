// Merkle and Merkle-sum inclusion: honest paths prove and verify; forged siblings, non-boolean
// index bits, negative and overflowing sums are rejected by the constraints.
#include "gadgets/merkle.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "circuit/testing.hpp"

namespace pm::gadgets {
namespace {

using json = nlohmann::ordered_json;
constexpr unsigned kDepth = 4;

Fr F(std::uint64_t v) { return Fr::from_u64(v); }

json strs(const std::vector<Fr>& v) {
  json a = json::array();
  for (const auto& x : v) a.push_back(x.to_decimal());
  return a;
}

circuit::Circuit inclusion_circuit() {
  circuit::Builder b("merkle_inclusion");
  Expr root = b.public_input("root");
  Expr leaf = b.private_input("leaf");
  auto sib = b.private_inputs("siblings", kDepth);
  auto bits = b.private_inputs("index_bits", kDepth);
  b.assert_equal(merkle_root(b, leaf, sib, bits), root, "root matches");
  return b.compile();
}

TEST(Merkle, InclusionProvesAndRejectsForgeries) {
  auto c = inclusion_circuit();
  // Cost: 240 + 1 + 1 per level, plus the root equality.
  EXPECT_EQ(c.num_constraints(), kDepth * 242 + 1);
  std::vector<Fr> sib{F(11), F(22), F(33), F(44)};
  bool bits[kDepth] = {true, false, true, true};
  Fr root = merkle_root(F(7), sib, bits);
  json in{{"root", root.to_decimal()}, {"leaf", "7"}, {"siblings", strs(sib)}, {"index_bits", {1, 0, 1, 1}}};
  circuit::testing::run_circuit(c, in, {});

  json forged = in;
  forged["siblings"][2] = "34";
  circuit::testing::expect_rejected(c, forged, {}, "root matches");
  json other_leaf = in;
  other_leaf["leaf"] = "8";
  circuit::testing::expect_rejected(c, other_leaf, {}, "root matches");
  json swapped = in;
  swapped["index_bits"][0] = 0;
  circuit::testing::expect_rejected(c, swapped, {}, "root matches");
  json two = in;
  two["index_bits"][1] = 2;
  circuit::testing::expect_rejected(c, two, {}, "index bit is boolean");
}

circuit::Circuit sum_circuit(unsigned bits) {
  circuit::Builder b("merkle_sum");
  Expr root_hash = b.public_input("root_hash");
  Expr root_sum = b.public_input("root_sum");
  SumNode leaf{b.private_input("leaf_hash"), b.private_input("leaf_sum")};
  auto sh = b.private_inputs("sibling_hashes", kDepth);
  auto ss = b.private_inputs("sibling_sums", kDepth);
  auto idx = b.private_inputs("index_bits", kDepth);
  std::vector<SumNode> sib;
  for (unsigned i = 0; i < kDepth; ++i) sib.push_back({sh[i], ss[i]});
  SumNode root = merkle_sum_root(b, leaf, sib, idx, bits);
  b.assert_equal(root.hash, root_hash, "root hash matches");
  b.assert_equal(root.sum, root_sum, "root sum matches");
  return b.compile();
}

json sum_input(const SumValue& leaf, const std::vector<SumValue>& sib, const std::vector<bool>& idx) {
  std::vector<Fr> hs, ss;
  for (const auto& s : sib) hs.push_back(s.hash), ss.push_back(s.sum);
  bool b[kDepth];
  json bits = json::array();
  for (unsigned i = 0; i < kDepth; ++i) b[i] = idx[i], bits.push_back(idx[i] ? 1 : 0);
  SumValue root = merkle_sum_root(leaf, sib, std::span<const bool>(b, kDepth));
  return json{{"root_hash", root.hash.to_decimal()},
              {"root_sum", root.sum.to_decimal()},
              {"leaf_hash", leaf.hash.to_decimal()},
              {"leaf_sum", leaf.sum.to_decimal()},
              {"sibling_hashes", strs(hs)},
              {"sibling_sums", strs(ss)},
              {"index_bits", bits}};
}

TEST(MerkleSum, InclusionAndSumsChecked) {
  const unsigned bits = 64;
  auto c = sum_circuit(bits);
  // Per level: Poseidon(4), boolean, two selects, two range checks; the leaf's range check; the
  // root hash and root sum equalities (linear, kept: they relate inputs to sums of wires).
  EXPECT_EQ(c.num_constraints(), kDepth * (297 + 3 + 2 * (bits + 1)) + (bits + 1) + 2);
  std::vector<SumValue> sib{{F(101), F(5)}, {F(202), F(1000)}, {F(303), F(0)}, {F(404), F(77)}};
  std::vector<bool> idx{false, true, true, false};
  json in = sum_input({F(9), F(250)}, sib, idx);
  circuit::testing::run_circuit(c, in, {});
  EXPECT_EQ(in["root_sum"], "1332");

  // A negative sibling balance (r - 1000) that makes the total smaller.
  auto neg = sib;
  neg[1].sum = -F(1000);
  circuit::testing::expect_rejected(c, sum_input({F(9), F(250)}, neg, idx), {}, "sibling sum in range");
  // Sums that each fit but whose total overflows the bound.
  std::vector<SumValue> big{
      {F(101), F(5)}, {F(202), Fr::from_u256_reduce({~0ull, 0, 0, 0})}, {F(303), F(0)}, {F(404), F(0)}};
  circuit::testing::expect_rejected(c, sum_input({F(9), F(250)}, big, idx), {},
                                    "parent sum does not overflow");
  // A forged sibling hash, and a claimed total other than the tree's.
  json forged = in;
  forged["sibling_hashes"][3] = "405";
  circuit::testing::expect_rejected(c, forged, {}, "root hash matches");
  json lie = in;
  lie["root_sum"] = "1331";
  circuit::testing::expect_rejected(c, lie, {}, "root sum matches");
  // A range-check hint that hides a negative sum in its bits.
  circuit::SolveOptions bad;
  bad.hint_overrides["to_bits"] = [](std::span<const Fr>, std::span<Fr> out) {
    for (auto& o : out) o = Fr::zero();
  };
  circuit::testing::expect_rejected(c, sum_input({F(9), F(250)}, neg, idx), bad, "in range");
}

}  // namespace
}  // namespace pm::gadgets
