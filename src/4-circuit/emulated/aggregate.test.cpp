// The aggregation statement: claims, their tree and paths (checked through gadgets::merkle_root's
// direct evaluation), inner proofs refused by name before any circuit is built, and the circuit
// itself solving to the native root.
#include "emulated/aggregate.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/error.hpp"
#include "circuit/circuit.hpp"
#include "emulated/testing.hpp"
#include "gadgets/merkle.hpp"

namespace pm::emulated {
namespace {

using ff::Fr;

using namespace pm::emulated::testing;  // NOLINT(google-build-using-namespace)

TEST(Aggregate, ClaimsTreeAndPaths) {
  std::vector<InnerProof> inner(3, example_proof());
  inner[1].public_inputs[0] += Fr::one();  // claims differ (the tree does not verify proofs)
  const ClaimsTree t = claims_tree(inner);
  EXPECT_EQ(t.depth, 2u);
  EXPECT_NE(t.claims[0], t.claims[1]);
  EXPECT_EQ(t.claims[0], t.claims[2]);
  EXPECT_EQ(t.claims[0], claim_hash(key_hash(inner[0].vk), inner[0].public_inputs));
  for (std::size_t i = 0; i < inner.size(); ++i) {
    const auto path = t.path(i);
    const bool bits[2] = {(i & 1) != 0, (i & 2) != 0};
    EXPECT_EQ(gadgets::merkle_root(t.claims[i], path, bits), t.root) << "claim " << i;
  }
  // Another key, another key hash.
  auto other = inner[0];
  other.vk.ic[0] = other.vk.ic[1];
  EXPECT_NE(key_hash(other.vk), key_hash(inner[0].vk));
  // One proof: a tree of depth 1 with a zero sibling.
  const ClaimsTree one = claims_tree(std::span(inner).first(1));
  EXPECT_EQ(one.depth, 1u);
  EXPECT_EQ(one.path(0)[0], Fr::zero());
}

TEST(Aggregate, BadInnerProofsNamedBeforeBuilding) {
  std::vector<InnerProof> inner(2, example_proof());
  inner[1].proof.c = ec::G1::from_affine(inner[1].proof.c).dbl().to_affine();
  try {
    (void)build_aggregation(inner);
    ADD_FAILURE() << "a bad inner proof was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Errc::unsatisfied);
    EXPECT_NE(std::string(e.what()).find("inner proof 1"), std::string::npos) << e.what();
  }
  inner[1] = example_proof();
  inner[1].public_inputs.pop_back();
  EXPECT_THROW((void)build_aggregation(inner), Error);
  EXPECT_THROW((void)build_aggregation(std::vector<InnerProof>{}), Error);
}

// About 5 M constraints and 6 GB: skipped under AddressSanitizer.
TEST(Aggregate, CircuitSolvesToTheRoot) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "a 5M-constraint circuit; run in release";
#endif
  const std::vector<InnerProof> inner = {example_proof()};
  const Aggregation agg = build_aggregation(inner);
  EXPECT_EQ(agg.circuit.num_public(), 1u);
  const auto v = agg.circuit.solve(agg.input);
  EXPECT_EQ(agg.circuit.public_signals(v)[0], agg.claims.root);
  // A changed inner public input: the residue hint finds no residue.
  auto bad = agg.input;
  bad["x0"][0] = (inner[0].public_inputs[0] + Fr::one()).to_decimal();
  EXPECT_THROW((void)agg.circuit.solve(bad), Error);
  // A claim that does not match its proof, with a residue forced (c = 1): a named failure.
  circuit::SolveOptions o;
  o.hint_overrides["pairing residue"] = unit_residue();
  EXPECT_NE(first_failure(agg.circuit, bad, o).find("pairing product is 1"), std::string::npos);
}

}  // namespace
}  // namespace pm::emulated
