#include "circuit/testing.hpp"

#include <gtest/gtest.h>

#include "base/error.hpp"
#include "formats/r1cs.hpp"
#include "groth16/prover.hpp"
#include "groth16/verifier.hpp"
#include "setup/groth16_dev.hpp"

namespace pm::circuit::testing {

std::vector<Fr> run_circuit(const Circuit& c, const nlohmann::ordered_json& inputs,
                            std::span<const Fr> expected_outputs, RunOptions opts) {
  std::vector<Fr> values = c.solve(inputs);
  auto pub = c.public_signals(values);
  std::size_t n_out = 0;
  for (const auto& o : c.outputs()) n_out += o.size;
  EXPECT_EQ(n_out, expected_outputs.size());
  for (std::size_t i = 0; i < std::min(n_out, expected_outputs.size()); ++i) {
    EXPECT_EQ(pub[i].to_decimal(), expected_outputs[i].to_decimal()) << "output " << i;
  }
  // The exported R1CS, through its file bytes, accepts the witness.
  auto bytes = formats::write_r1cs(c.r1cs(), c.wire_labels());
  auto r1cs = formats::parse_r1cs(bytes, c.name() + ".r1cs");
  EXPECT_EQ(r1cs.n_constraints, c.num_constraints());
  EXPECT_EQ(r1cs.n_wires, c.num_wires());
  auto w = c.witness(values);
  EXPECT_EQ(r1cs::first_unsatisfied(r1cs, w), -1);
  if (!opts.prove) return values;

  auto pk = std::make_shared<const groth16::ProvingKey>(
      setup::dev_groth16_setup(r1cs, setup::dev_groth16_secrets_from_seed("circuit harness " + c.name())));
  groth16::Prover prover(pk);
  auto proof = prover.prove(w);
  std::vector<ff::u256> pub_u;
  for (const auto& x : pub) pub_u.push_back(x.to_canonical());
  EXPECT_TRUE(groth16::verify(pk->verifying_key(), pub_u, proof).valid);
  if (!pub_u.empty()) {
    auto other = pub_u;
    other[0] = (pub[0] + Fr::one()).to_canonical();
    EXPECT_FALSE(groth16::verify(pk->verifying_key(), other, proof).valid)
        << "changed public signal accepted";
  }
  auto t = proof;
  t.c = ec::G1::from_affine(t.c).dbl().to_affine();
  EXPECT_FALSE(groth16::verify(pk->verifying_key(), pub_u, t).valid) << "tampered proof accepted";
  return values;
}

void expect_values_rejected(const Circuit& c, std::span<const Fr> values, std::string_view failure) {
  auto bad = c.first_failure(values);
  ASSERT_TRUE(bad.has_value()) << "a malicious witness satisfies every constraint";
  EXPECT_NE(bad->find(failure), std::string::npos) << *bad;
  auto r1cs = c.r1cs();
  EXPECT_GE(r1cs::first_unsatisfied(r1cs, c.witness(values)), 0) << "the exported R1CS accepts it";
}

void expect_rejected(const Circuit& c, const nlohmann::ordered_json& inputs, const SolveOptions& malicious,
                     std::string_view failure) {
  SolveOptions o = malicious;
  o.check = false;
  auto values = c.solve(inputs, o);
  expect_values_rejected(c, values, failure);
  // The checked solve reports the same failure as an error.
  try {
    (void)c.solve(inputs, malicious);
    ADD_FAILURE() << "checked solve accepted a malicious witness";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Errc::unsatisfied);
    EXPECT_NE(std::string(e.what()).find(failure), std::string::npos) << e.what();
  }
}

}  // namespace pm::circuit::testing
