// A Groth16 proof verified inside a circuit. The inner proof is made by our prover from the
// snarkjs-made key of examples/poseidon_chain (2 public signals) and checked natively first;
// the circuit accepts it and rejects a changed public input, a tampered proof and a B outside
// G2.
#include "emulated/groth16.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "circuit/circuit.hpp"
#include "emulated/testing.hpp"

namespace pm::emulated {
namespace {

using circuit::Circuit;
using circuit::SolveOptions;
using nlohmann::ordered_json;

using namespace pm::emulated::testing;  // NOLINT(google-build-using-namespace)

Circuit verifier_circuit(const groth16::VerifyingKey& vk) {
  Builder b("groth16_in_circuit");
  Field f(b);
  const auto x = b.public_inputs("x", vk.n_public());
  const ProofVar p = proof_input(f, b.private_inputs("proof", 8 * kLimbs));
  assert_groth16_verifies(f, vk, p, x);
  return b.compile();
}

ordered_json inputs(const std::vector<Fr>& pub, const groth16::Proof& p) {
  return {{"x", to_json(pub)}, {"proof", to_json(proof_limbs({}, p))}};
}

// With the residue forced (the honest hint refuses a product other than 1), the first failure.
std::string forced_failure(const Circuit& c, const ordered_json& in) {
  SolveOptions o;
  o.hint_overrides["pairing residue"] = unit_residue();
  return first_failure(c, in, o);
}

TEST(EmulatedGroth16, PublicInputCommitmentMatchesNative) {
  const InnerProof& in = example_proof();
  Builder b("vk_x");
  Field f(b);
  const auto x = b.private_inputs("x", in.vk.n_public());
  const G1Var p = public_input_commitment(f, in.vk, x);
  const std::size_t cost = b.num_constraints();
  std::printf("public input commitment: %zu constraints for %zu inputs\n", cost, in.vk.n_public());
  EXPECT_EQ(cost, 366608u);
  const Circuit c = b.compile();
  std::mt19937_64 rng(31);
  for (int t = 0; t < 3; ++t) {
    std::vector<Fr> xs = in.public_inputs;
    if (t == 1) xs = {Fr::zero(), Fr::zero()};
    if (t == 2) xs = {Fr::from_u256_reduce({rng(), rng(), rng(), rng()}), -Fr::one()};
    const auto v = c.solve({{"x", to_json(xs)}});
    ec::G1 want = ec::G1::from_affine(in.vk.ic[0]);
    for (std::size_t i = 0; i < xs.size(); ++i) {
      want = want.add(ec::G1::from_affine(in.vk.ic[i + 1]).mul_vartime(xs[i].to_canonical()));
    }
    const ec::G1Affine w = want.to_affine();
    EXPECT_EQ(f.value(p.x, v), w.x) << "case " << t;
    EXPECT_EQ(f.value(p.y, v), w.y) << "case " << t;
  }
}

// About 5 M constraints: skipped under AddressSanitizer (the pieces run in pairing.test.cpp).
TEST(EmulatedGroth16, VerifiesAnInnerProof) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "a 5M-constraint circuit; run in release";
#endif
  const InnerProof& in = example_proof();
  const auto t0 = std::chrono::steady_clock::now();
  const Circuit c = verifier_circuit(in.vk);
  const auto t1 = std::chrono::steady_clock::now();
  (void)c.solve(inputs(in.public_inputs, in.proof));
  const auto t2 = std::chrono::steady_clock::now();
  std::printf("groth16 verifier, %zu public inputs: %zu constraints; built in %.1f s, solved in %.1f s\n",
              in.vk.n_public(), static_cast<std::size_t>(c.num_constraints()),
              std::chrono::duration<double>(t1 - t0).count(), std::chrono::duration<double>(t2 - t1).count());
  EXPECT_EQ(c.num_constraints(), 5049631u);

  // A changed public input: no residue, and the forced one fails the product.
  auto pub = in.public_inputs;
  pub[0] += Fr::one();
  EXPECT_THROW((void)c.solve(inputs(pub, in.proof)), Error);
  EXPECT_NE(forced_failure(c, inputs(pub, in.proof)).find("pairing product is 1"), std::string::npos);
  // A tampered proof (C doubled: still on the curve).
  auto bad = in.proof;
  bad.c = ec::G1::from_affine(bad.c).dbl().to_affine();
  EXPECT_THROW((void)c.solve(inputs(in.public_inputs, bad)), Error);
  EXPECT_NE(forced_failure(c, inputs(in.public_inputs, bad)).find("pairing product is 1"), std::string::npos);
}

}  // namespace
}  // namespace pm::emulated
