// Every built-in circuit through the harness at its example input, and the registry's
// parameter handling.
#include "catalog/registry.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "base/error.hpp"
#include "circuit/testing.hpp"
#include "formats/r1cs.hpp"
#include "gadgets/eddsa.hpp"
#include "gadgets/merkle.hpp"
#include "gadgets/poseidon.hpp"
#include "hash/sha256.hpp"

namespace pm::catalog {
namespace {

using json = nlohmann::ordered_json;

ff::Fr native_chain(std::uint64_t seed, std::uint64_t salt, std::uint64_t n) {
  ff::Fr h = ff::Fr::from_u64(seed);
  for (std::uint64_t i = 0; i < n; ++i) {
    std::vector<ff::Fr> in{h, ff::Fr::from_u64(salt + i)};
    h = gadgets::poseidon(in);
  }
  return h;
}

// The outputs of each circuit's example input, computed directly (not by the circuit). A
// circuit added to the registry without an entry here fails the test.
std::vector<ff::Fr> expected_example_outputs(const std::string& name) {
  if (name == "cubic") return {ff::Fr::from_u64(35)};
  if (name == "poseidon") {
    std::vector<ff::Fr> in{ff::Fr::from_u64(1), ff::Fr::from_u64(2)};
    return {gadgets::poseidon(in)};
  }
  if (name == "poseidon_chain") return {native_chain(12345, 678, 4)};
  if (name == "merkle_inclusion") {
    std::vector<ff::Fr> sib{ff::Fr::from_u64(11), ff::Fr::from_u64(22), ff::Fr::from_u64(33),
                            ff::Fr::from_u64(44)};
    bool bits[] = {true, false, true, true};
    return {gadgets::merkle_root(ff::Fr::from_u64(7), sib, bits)};
  }
  if (name == "eddsa_poseidon") {
    // No outputs; the example must be a valid signature by the native verifier too.
    auto in = json::parse(find(name).example_input);
    auto f = [&](const char* k) { return *ff::Fr::from_decimal(in[k].get<std::string>()); };
    EXPECT_TRUE(gadgets::eddsa_poseidon_verify({f("Ax"), f("Ay")},
                                               {{f("R8x"), f("R8y")}, f("S").to_canonical()}, f("M")));
    return {};
  }
  ADD_FAILURE() << "no direct evaluation of " << name << "'s example in registry.test.cpp";
  return {};
}

TEST(Registry, EveryCircuitRunsItsExample) {
  for (const auto& def : all()) {
    SCOPED_TRACE(def.name);
    circuit::testing::run_circuit(build(def), json::parse(def.example_input),
                                  expected_example_outputs(def.name));
  }
}

// The SHA-256 of each built-in circuit's .r1cs at default parameters. A ceremony's zkey belongs
// to one R1CS: any change to a circuit (a gadget, a constant, the wire order) must be deliberate,
// and shows here. The R1CS is built with integer arithmetic only (the fixed-point series are
// committed tables), so every host, compiler and libm gives these hashes.
TEST(Registry, R1csHashesArePinned) {
  const std::map<std::string, std::string> pinned = {
      {"cubic", "b47029e0872bf111fdf76086b0e50b5d2400f6d81fd9360c17fe2aa67ea3a832"},
      {"poseidon", "952f43eaf0f50dcf0ef270ccd5e776336b8f92e9a9796b782ef83b4c89d3e05f"},
      {"poseidon_chain", "d61bf619cd250a9b8f198c81d090b64cd7d75af9cad6f1c8d87ea4a6965fa099"},
      {"merkle_inclusion", "b6b237ddfe4f55866ac0d6f5d23fe81c1b5d7ef038ba11077b7cbac88b36ab60"},
      {"eddsa_poseidon", "13a3972f902013cbbbe41c940a571e001dd45fb3e5faad565329855ab24a6e0b"},
  };
  for (const auto& def : all()) {
    auto c = build(def);
    auto bytes = formats::write_r1cs(c.r1cs(), c.wire_labels());
    auto it = pinned.find(def.name);
    ASSERT_NE(it, pinned.end()) << def.name << " has no pinned hash: add it here, deliberately";
    EXPECT_EQ(hash::sha256_hex(bytes), it->second) << def.name << "'s R1CS changed";
  }
}

TEST(Registry, PoseidonChainMatchesDirectEvaluation) {
  auto c = build(find("poseidon_chain"), {{"n", 5}});
  EXPECT_EQ(c.num_constraints(), 5u * 240u + 1u);  // the output equality
  std::vector<ff::Fr> expect{native_chain(12345, 678, 5)};
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
}  // namespace pm::catalog
