// Poseidon against circomlibjs's answers (tests/vectors/poseidon.json, made by
// tests/vectors/gen_poseidon_vectors.mjs), natively and as a circuit, and its constraint counts
// against circom --O2's for circomlib's Poseidon(n).
#include "gadgets/poseidon.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "base/error.hpp"
#include "circuit/testing.hpp"

namespace pm::gadgets {
namespace {

using json = nlohmann::ordered_json;

const json& vectors() {
  static const json j = [] {
    std::ifstream in(PROOFMILL_SOURCE_DIR "/tests/vectors/poseidon.json");
    EXPECT_TRUE(in.good()) << "missing tests/vectors/poseidon.json";
    return json::parse(in);
  }();
  return j;
}

Fr fr(const json& s) { return Fr::from_decimal(s.get<std::string>()).value(); }

TEST(Poseidon, NativeMatchesCircomlibjs) {
  ASSERT_GE(vectors()["cases"].size(), 64u);
  for (const auto& c : vectors()["cases"]) {
    std::vector<Fr> in;
    for (const auto& x : c["inputs"]) in.push_back(fr(x));
    auto n_out = c["n_out"].get<unsigned>();
    auto out = poseidon_ex(in, fr(c["init_state"]), n_out);
    ASSERT_EQ(out.size(), c["outputs"].size());
    for (std::size_t i = 0; i < out.size(); ++i) {
      EXPECT_EQ(out[i].to_decimal(), c["outputs"][i].get<std::string>()) << c["inputs"].size() << " inputs";
    }
  }
}

TEST(Poseidon, RejectsBadArity) {
  std::vector<Fr> none, many(17, Fr::one());
  EXPECT_THROW((void)poseidon(none), Error);
  EXPECT_THROW((void)poseidon(many), Error);
  EXPECT_THROW((void)poseidon_params(0), Error);
}

// 3 constraints per S-box on a non-constant value: the first full round's S-box on the
// capacity element acts on a constant and is free. circom --O2 gives the same for circomlib.
unsigned expected_constraints(unsigned n) {
  const auto& p = poseidon_params(n);
  return 3 * (p.full_rounds * p.t + p.partial_rounds) - 3;
}

TEST(Poseidon, CircuitMatchesCircomlibjsAndCounts) {
  // circom 2.0 --O2 on circomlib 2.0.5's Poseidon(n): 240 for n = 2 and 609 for n = 16.
  EXPECT_EQ(expected_constraints(2), 240u);
  EXPECT_EQ(expected_constraints(16), 609u);
  for (const auto& c : vectors()["cases"]) {
    if (c["init_state"].get<std::string>() != "0") continue;
    std::size_t n = c["inputs"].size();
    if (n != 1 && n != 2 && n != 5 && n != 16) continue;
    circuit::Builder b("poseidon" + std::to_string(n));
    auto in = b.private_inputs("in", n);
    Expr h = poseidon(b, in);
    EXPECT_EQ(b.num_constraints(), expected_constraints(static_cast<unsigned>(n)));
    b.public_output("out", h);
    auto circ = b.compile();
    json inputs{{"in", c["inputs"]}};
    std::vector<Fr> expect{fr(c["outputs"][0])};
    bool prove = c["inputs"][0].get<std::string>() == "1";  // prove once per arity
    auto values = circuit::testing::run_circuit(circ, inputs, expect, {.prove = prove});
    // Any changed intermediate value breaks a constraint of the permutation.
    for (std::size_t w : {values.size() / 2, values.size() - 2}) {
      auto bad = values;
      bad[w] += Fr::one();
      circuit::testing::expect_values_rejected(circ, bad, "poseidon(");
    }
  }
}

TEST(Poseidon, ExCircuitWithStateAndOutputs) {
  for (const auto& c : vectors()["cases"]) {
    if (c["n_out"].get<unsigned>() == 1) continue;
    std::size_t n = c["inputs"].size();
    circuit::Builder b("poseidon_ex");
    auto in = b.private_inputs("in", n);
    Expr init = b.private_input("init");
    auto outs = poseidon_ex(b, in, init, c["n_out"].get<unsigned>());
    b.public_outputs("out", outs);
    auto circ = b.compile();
    std::vector<Fr> expect;
    for (const auto& o : c["outputs"]) expect.push_back(fr(o));
    circuit::testing::run_circuit(circ, json{{"in", c["inputs"]}, {"init", c["init_state"]}}, expect,
                                  {.prove = n <= 2});
  }
}

TEST(PoseidonSponge, NativeAndCircuitMatchCircomlibjs) {
  ASSERT_GE(vectors()["sponges"].size(), 12u);
  for (const auto& c : vectors()["sponges"]) {
    std::vector<Fr> in;
    for (const auto& x : c["inputs"]) in.push_back(fr(x));
    SCOPED_TRACE(std::to_string(in.size()) + " inputs");
    EXPECT_EQ(poseidon_sponge(in).to_decimal(), c["output"].get<std::string>());
    if (in.empty()) continue;  // a constant: nothing to prove
    circuit::Builder b("sponge");
    auto w = b.private_inputs("in", in.size());
    Expr h = poseidon_sponge(b, w);
    // One permutation per 16 inputs: 609 for the first (its capacity is a constant), 612 for
    // each further one; a short first block has constant zeros, whose first S-boxes are free.
    const std::size_t blocks = (in.size() + 15) / 16;
    if (in.size() % 16 == 0) {
      EXPECT_EQ(b.num_constraints(), 609 + 612 * (blocks - 1));
    } else {
      EXPECT_LE(b.num_constraints(), 609 + 612 * (blocks - 1));
    }
    b.public_output("out", h);
    auto circ = b.compile();
    std::vector<Fr> expect{fr(c["output"])};
    auto values =
        circuit::testing::run_circuit(circ, json{{"in", c["inputs"]}}, expect, {.prove = in.size() == 17});
    auto bad = values;
    bad[values.size() - 3] += Fr::one();
    circuit::testing::expect_values_rejected(circ, bad, "poseidon sponge(");
  }
  // The length is absorbed: [7] and [7, 0] differ (circomlibjs's answers differ too).
  std::vector<Fr> one{Fr::from_u64(7)}, two{Fr::from_u64(7), Fr::zero()};
  EXPECT_NE(poseidon_sponge(one), poseidon_sponge(two));
}

}  // namespace
}  // namespace pm::gadgets
