// Every built-in circuit through the harness at its example input, and the registry's
// parameter handling.
#include "circuits/registry.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "base/error.hpp"
#include "circuit/testing.hpp"
#include "gadgets/poseidon.hpp"

namespace pm::circuits {
namespace {

using json = nlohmann::ordered_json;

TEST(Registry, EveryCircuitRunsItsExample) {
  for (const auto& def : all()) {
    SCOPED_TRACE(def.name);
    auto c = build(def);
    auto values = c.solve(json::parse(def.example_input));
    auto pub = c.public_signals(values);
    std::size_t n_out = 0;
    for (const auto& o : c.outputs()) n_out += o.size;
    std::vector<ff::Fr> outs(pub.begin(), pub.begin() + static_cast<std::ptrdiff_t>(n_out));
    circuit::testing::run_circuit(c, json::parse(def.example_input), outs);
  }
}

TEST(Registry, PoseidonChainMatchesDirectEvaluation) {
  auto c = build(find("poseidon_chain"), {{"n", 5}});
  EXPECT_EQ(c.num_constraints(), 5u * 240u + 1u);  // the output equality
  ff::Fr h = ff::Fr::from_u64(12345);
  for (std::uint64_t i = 0; i < 5; ++i) {
    std::vector<ff::Fr> in{h, ff::Fr::from_u64(678 + i)};
    h = gadgets::poseidon(in);
  }
  std::vector<ff::Fr> expect{h};
  circuit::testing::run_circuit(c, json{{"seed", "12345"}, {"salt", "678"}}, expect);
}

TEST(Registry, ParametersAreValidated) {
  EXPECT_THROW((void)find("nope"), Error);
  EXPECT_THROW((void)build(find("poseidon"), {{"n", 17}}), Error);
  EXPECT_THROW((void)build(find("poseidon"), {{"m", 2}}), Error);
  EXPECT_THROW((void)parse_params({"n"}), Error);
  EXPECT_THROW((void)parse_params({"n=-1"}), Error);
  EXPECT_EQ(parse_params({"n=7"}).at("n"), 7u);
  EXPECT_EQ(build(find("poseidon"), {{"n", 16}}).num_constraints(), 609u + 1u);
}

}  // namespace
}  // namespace pm::circuits
