#include "export/solidity.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "base/error.hpp"
#include "export/calldata.hpp"
#include "formats/json.hpp"

namespace pm::evm {
namespace {

const std::string kSource = PROOFMILL_SOURCE_DIR;

std::string read_text(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

groth16::VerifyingKey example_vk() {
  const std::string path = kSource + "/examples/poseidon_chain/verification_key.json";
  return formats::vk_from_json(formats::read_json_file(path), path);
}

// A key with `n` public signals made from the example's points (not a real key: for the shape).
groth16::VerifyingKey vk_with_publics(std::size_t n) {
  auto vk = example_vk();
  vk.ic.resize(n + 1, vk.ic[1]);
  return vk;
}

std::size_t count(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (auto at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
  return n;
}

// Regenerate after a deliberate change to the template with (from the repository root)
//   build/release/src/cli/proofmill export solidity examples/poseidon_chain/verification_key.json
//   tests/golden/poseidon_chain_verifier.sol
TEST(Solidity, MatchesTheGoldenFileByteForByte) {
  const std::string golden = read_text(kSource + "/tests/golden/poseidon_chain_verifier.sol");
  ASSERT_FALSE(golden.empty()) << "tests/golden/poseidon_chain_verifier.sol is missing";
  EXPECT_TRUE(solidity_verifier(example_vk()) == golden)
      << "the generated verifier differs from tests/golden/poseidon_chain_verifier.sol; if the template "
         "changed on purpose, regenerate the golden file (see this test's comment)";
}

TEST(Solidity, IsDeterministicAndFillsEveryPlaceholder) {
  auto a = solidity_verifier(example_vk()), b = solidity_verifier(example_vk());
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.find("{{"), std::string::npos);
  EXPECT_EQ(a.find("}}"), std::string::npos);
  EXPECT_NE(a.find("contract Groth16Verifier {"), std::string::npos);
  EXPECT_NE(a.find("uint256[2] calldata pubSignals"), std::string::npos);
}

TEST(Solidity, StoresTheG2PointsNegatedImaginaryPartFirst) {
  auto vk = example_vk();
  auto s = solidity_verifier(vk);
  auto neg = vk.beta2.neg();
  EXPECT_NE(s.find("BETA_NEG_X_IM = " + vk.beta2.x.c1.to_decimal() + ";"), std::string::npos);
  EXPECT_NE(s.find("BETA_NEG_X_RE = " + vk.beta2.x.c0.to_decimal() + ";"), std::string::npos);
  EXPECT_NE(s.find("BETA_NEG_Y_IM = " + neg.y.c1.to_decimal() + ";"), std::string::npos);
  EXPECT_NE(s.find("BETA_NEG_Y_RE = " + neg.y.c0.to_decimal() + ";"), std::string::npos);
  EXPECT_NE(s.find("DELTA_NEG_Y_RE = " + vk.delta2.neg().y.c0.to_decimal() + ";"), std::string::npos);
  EXPECT_NE(s.find("ALPHA_Y = " + vk.alpha1.y.to_decimal() + ";"), std::string::npos);
}

TEST(Solidity, ZeroPublicSignalsGiveAThreeArgumentVerifyProof) {
  auto s = solidity_verifier(vk_with_publics(0));
  EXPECT_EQ(s.find("uint256[0]"), std::string::npos);
  EXPECT_NE(s.find("uint256[2] calldata pC\n    ) external view"), std::string::npos);
  EXPECT_NE(s.find("N_PUBLIC = 0;"), std::string::npos);
  EXPECT_EQ(count(s, "// IC["), 1u);
}

TEST(Solidity, ManyPublicSignalsGiveOneTableEntryEach) {
  auto s = solidity_verifier(vk_with_publics(301));
  EXPECT_NE(s.find("uint256[301] calldata pubSignals"), std::string::npos);
  EXPECT_EQ(count(s, "// IC["), 302u);
  EXPECT_NE(s.find("M_IC_END = 0x7280;"), std::string::npos);  // 0x140 + 302 * 0x60
  EXPECT_GT(estimated_code_size(301), estimated_code_size(2));
}

TEST(Solidity, StraightLineSingleProofCodeUpTo32SignalsThenALoop) {
  for (std::size_t n : {1, 2, 32}) {
    auto s = solidity_verifier(vk_with_publics(n));
    EXPECT_EQ(count(s, "_storeIC();"), 1u) << n;  // the batch's only
    EXPECT_EQ(count(s, "] * pubSignals["), n);
    EXPECT_NE(s.find("s := calldataload(pub)\n"), std::string::npos);
  }
  auto s = solidity_verifier(vk_with_publics(33));
  EXPECT_EQ(count(s, "_storeIC();"), 2u);
  EXPECT_EQ(count(s, "] * pubSignals["), 0u);
  EXPECT_NE(s.find("One loop over the IC table"), std::string::npos);
}

TEST(Solidity, ContractNameMustBeAnIdentifier) {
  SolidityOptions o;
  o.contract_name = "MyVerifier_2";
  EXPECT_NE(solidity_verifier(example_vk(), o).find("contract MyVerifier_2 {"), std::string::npos);
  for (const char* bad : {"", "2Verifier", "My Verifier", "a-b", "x{"}) {
    o.contract_name = bad;
    EXPECT_THROW(solidity_verifier(example_vk(), o), Error) << bad;
  }
}

// Every precompile call forwards a bounded amount of gas, never gas(): a refused input consumes
// what it was forwarded, and forwarding gas() let one bad proof burn the caller's whole limit.
TEST(Solidity, EveryPrecompileCallForwardsItsPriceOnly) {
  for (std::size_t n : {0, 1, 2, 32, 33, 301}) {
    auto s = solidity_verifier(vk_with_publics(n));
    EXPECT_EQ(count(s, "staticcall(gas()"), 0u) << n;
    // Every ECMUL and ECADD result is checked, even on the key's points (a fork may raise a price).
    EXPECT_EQ(count(s, "pop(staticcall"), 0u) << n;
    EXPECT_EQ(count(s, "staticcall("),
              count(s, "staticcall(GAS_ECMUL, 7,") + count(s, "staticcall(GAS_ECADD, 6,") +
                  count(s, "staticcall(forwarded, 8,") + count(s, "staticcall(GAS_PAIRING_4, 8,"))
        << n;
    EXPECT_NE(s.find("GAS_ECADD = 150;"), std::string::npos);
    EXPECT_NE(s.find("GAS_ECMUL = 6000;"), std::string::npos);
    EXPECT_NE(s.find("GAS_PAIRING_BASE = 45000;"), std::string::npos);
    EXPECT_NE(s.find("GAS_PAIRING_PAIR = 34000;"), std::string::npos);
    EXPECT_NE(s.find("EIP-1108's prices (Istanbul)"), std::string::npos);
  }
  // One proof: 45,000 + 4 * 34,000 forwarded to the pairing; after a failure, gas() <= 181,000 / 63
  // + 1 may mean the call was starved (EIP-150 leaves at most (181,000 + 1) / 63 = 2,873).
  auto s = solidity_verifier(vk_with_publics(2));
  EXPECT_NE(s.find("GAS_PAIRING_4 = 181000;"), std::string::npos);
  EXPECT_NE(s.find("STARVED_PAIRING_4 = 2875;"), std::string::npos);
  EXPECT_NE(s.find("STARVED_ECMUL = 97;"), std::string::npos);
}

TEST(Solidity, PrecompilePricesOfOtherChains) {
  EXPECT_EQ(PrecompileGas::parse("istanbul").ecmul, 6000u);
  auto b = PrecompileGas::parse("byzantium");
  EXPECT_EQ(b.ecadd, 500u);
  EXPECT_EQ(b.ecmul, 40000u);
  EXPECT_EQ(b.pairing_base, 100000u);
  EXPECT_EQ(b.pairing_per_pair, 80000u);
  auto c = PrecompileGas::parse("1,2,3,4");
  EXPECT_EQ(c.ecadd, 1u);
  EXPECT_EQ(c.pairing_per_pair, 4u);
  for (const char* bad :
       {"", "london", "1,2,3", "1,2,3,4,5", "1,,3,4", "1,2,3,x", "-1,2,3,4", "1,2,3,4,", " 1,2,3,4"}) {
    EXPECT_THROW(PrecompileGas::parse(bad), Error) << bad;
  }
  SolidityOptions o;
  o.precompile_gas = b;
  auto s = solidity_verifier(example_vk(), o);
  EXPECT_NE(s.find("GAS_ECMUL = 40000;"), std::string::npos);
  EXPECT_NE(s.find("GAS_PAIRING_4 = 420000;"), std::string::npos);
  EXPECT_NE(s.find("EIP-196/197's prices (Byzantium)"), std::string::npos);
  o.precompile_gas = {0, 1, 1, 1};
  EXPECT_THROW(solidity_verifier(example_vk(), o), Error);
  o.precompile_gas = {1, 1, 1, (1u << 24) + 1};
  EXPECT_THROW(solidity_verifier(example_vk(), o), Error);
  o.precompile_gas = {1, 1, 1, 1u << 24};
  EXPECT_NO_THROW(solidity_verifier(example_vk(), o));
}

// The contract does not check ECMUL/ECADD calls on the key's points, so the key must be valid.
TEST(Solidity, RefusesAKeyWithAPointOffItsCurve) {
  auto vk = example_vk();
  vk.ic[1].y = vk.ic[1].x;
  try {
    solidity_verifier(vk);
    FAIL() << "accepted IC[1] off the curve";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Errc::invalid_point);
    EXPECT_NE(std::string(e.what()).find("IC[1]"), std::string::npos) << e.what();
  }
}

groth16::Proof generator_proof() { return {ec::g1_generator(), ec::g2_generator(), ec::g1_generator()}; }

std::string w(const char* hex_digits) {
  std::string s(hex_digits);
  return "\"0x" + std::string(64 - s.size(), '0') + s + "\"";
}

// The G2 generator's coordinates (EIP-197), imaginary parts first as the precompile takes them.
const char* kG2XIm = "198e9393920d483a7260bfb731fb5d25f1aa493335a9e71297e485b7aef312c2";
const char* kG2XRe = "1800deef121f1e76426a00665e5c4479674322d4f75edadd46debd5cd992f6ed";
const char* kG2YIm = "090689d0585ff075ec9e99ad690c3395bc4b313370b38ef355acdadcd122975b";
const char* kG2YRe = "12c85ea5db8c6deb4aab71808dcb408fe3d1e7690c43d37b4ce6cc0166fa7daa";

TEST(Calldata, SnarkjsFormatWithImaginaryPartsFirst) {
  ff::u256 r_plus_1 = {0x43e1f593f0000002, 0x2833e84879b97091, 0xb85045b68181585d, 0x30644e72e131a029};
  std::vector<ff::u256> pub = {{5, 0, 0, 0}, r_plus_1};
  std::string want = "[" + w("1") + ", " + w("2") + "],[[" + w(kG2XIm) + ", " + w(kG2XRe) + "],[" +
                     w(kG2YIm) + ", " + w(kG2YRe) + "]],[" + w("1") + ", " + w("2") + "],[" + w("5") + "," +
                     w("30644e72e131a029b85045b68181585d2833e84879b97091"
                       "43e1f593f0000002") +
                     "]";
  EXPECT_EQ(solidity_calldata(generator_proof(), pub), want);
  EXPECT_EQ(solidity_calldata(generator_proof(), {}).substr(want.find("]],") + 3),
            "[" + w("1") + ", " + w("2") + "],[]");
}

TEST(Calldata, BatchIsTwoFlatArrays) {
  std::vector<groth16::Proof> proofs = {generator_proof(), generator_proof()};
  std::vector<std::vector<ff::u256>> pub = {{{1, 0, 0, 0}}, {{2, 0, 0, 0}}};
  std::string one = w("1") + "," + w("2") + "," + w(kG2XIm) + "," + w(kG2XRe) + "," + w(kG2YIm) + "," +
                    w(kG2YRe) + "," + w("1") + "," + w("2");
  EXPECT_EQ(solidity_batch_calldata(proofs, pub),
            "[" + one + "," + one + "],[" + w("1") + "," + w("2") + "]");
  pub[1].push_back({3, 0, 0, 0});
  EXPECT_THROW(solidity_batch_calldata(proofs, pub), Error);
  pub.pop_back();
  EXPECT_THROW(solidity_batch_calldata(proofs, pub), Error);
}

TEST(Calldata, HexWord) {
  EXPECT_EQ(hex_word({0, 0, 0, 0}), "0x" + std::string(64, '0'));
  EXPECT_EQ(hex_word({0xab, 0, 0, 0x1000000000000000}), "0x1" + std::string(61, '0') + "ab");
}

}  // namespace
}  // namespace pm::evm
