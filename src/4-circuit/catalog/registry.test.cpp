// Every built-in circuit through the harness at its example input, and the registry's
// parameter handling.
#include "catalog/registry.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "base/error.hpp"
#include "catalog/margin_request.hpp"
#include "circuit/testing.hpp"
#include "formats/r1cs.hpp"
#include "gadgets/bsm.hpp"
#include "gadgets/eddsa.hpp"
#include "gadgets/merkle.hpp"
#include "gadgets/poseidon.hpp"
#include "gadgets/solvency.hpp"
#include "hash/sha256.hpp"

namespace pm::catalog {
namespace {

using json = nlohmann::ordered_json;

// The solvency examples evaluated natively (gadgets/solvency.hpp).
std::vector<ff::Fr> solvency_example_outputs(const std::string& name) {
  namespace sv = gadgets::solvency;
  auto in = json::parse(find(name).example_input);
  auto fr = [](const json& v) { return *ff::Fr::from_decimal(v.get<std::string>()); };
  auto u64 = [](const json& v) { return std::stoull(v.get<std::string>()); };
  const std::size_t assets = 8;
  if (name == "solvency_batch") {
    sv::PriceValues p;
    for (std::size_t a = 0; a < assets; ++a) {
      p.asset.push_back(fr(in["asset"][a]));
      p.price.push_back(u64(in["price"][a]));
      p.haircut.push_back(u64(in["haircut"][a]));
    }
    sv::BatchValues bv{ff::Fr::zero(), std::vector<ff::Fr>(assets), std::vector<ff::Fr>(assets)};
    std::vector<ff::Fr> leaves;
    for (std::size_t u = 0; u < in["id_hash"].size(); ++u) {
      sv::UserValues v{fr(in["id_hash"][u]), {}, {}};
      for (std::size_t a = 0; a < assets; ++a) {
        v.equity.push_back(u64(in["equity"][u * assets + a]));
        v.debt.push_back(u64(in["debt"][u * assets + a]));
        bv.equity[a] += ff::Fr::from_u64(v.equity.back());
        bv.debt[a] += ff::Fr::from_u64(v.debt.back());
      }
      EXPECT_TRUE(sv::meets_collateral_rule(v, p));
      leaves.push_back(sv::user_leaf(v));
    }
    bv.root = sv::tree_root(leaves);
    return {sv::batch_commitment(fr(in["round"]), sv::price_hash(p), bv)};
  }
  std::vector<ff::Fr> commitments, equity(assets), debt(assets);
  for (std::size_t i = 0; i < std::stoull(in["batches"].get<std::string>()); ++i) {
    sv::BatchValues bv{fr(in["batch_root"][i]), {}, {}};
    for (std::size_t a = 0; a < assets; ++a) {
      bv.equity.push_back(fr(in["batch_equity"][i * assets + a]));
      bv.debt.push_back(fr(in["batch_debt"][i * assets + a]));
      equity[a] += bv.equity.back();
      debt[a] += bv.debt.back();
    }
    commitments.push_back(sv::batch_commitment(fr(in["round"]), fr(in["price_hash"]), bv));
  }
  const ff::Fr digest = sv::batches_digest(commitments, fr(in["z"]));
  // The top tree is over Poseidon(batch root, commitment), zero in empty slots.
  std::vector<ff::Fr> leaves;
  for (std::size_t i = 0; i < commitments.size(); ++i) {
    leaves.push_back(gadgets::poseidon(std::vector<ff::Fr>{fr(in["batch_root"][i]), commitments[i]}));
  }
  leaves.resize(in["batch_root"].size(), ff::Fr::zero());
  std::vector<ff::Fr> out{sv::tree_root(leaves)};
  out.insert(out.end(), equity.begin(), equity.end());
  out.insert(out.end(), debt.begin(), debt.end());
  out.push_back(digest);
  return out;
}

ff::Fr native_chain(std::uint64_t seed, std::uint64_t salt, std::uint64_t n) {
  ff::Fr h = ff::Fr::from_u64(seed);
  for (std::uint64_t i = 0; i < n; ++i) {
    std::vector<ff::Fr> in{h, ff::Fr::from_u64(salt + i)};
    h = gadgets::poseidon(in);
  }
  return h;
}

// bsm_options' example: the snapshot message computed natively (and its signature verified
// natively); the prices and Greeks checked against QuantLib's BlackCalculator (S 65,000, r 5%,
// q 0, sigma 65%, 30 days; a 60,000 call and a 70,000 put) within docs/STATEMENTS.md's bounds.
std::vector<ff::Fr> bsm_example_outputs() {
  namespace bsm = gadgets::bsm;
  const auto& def = find("bsm_options");
  auto in = json::parse(def.example_input);
  auto f = [&](const json& v) { return *ff::Fr::from_decimal(v.get<std::string>()); };
  std::uint64_t expiries[1] = {std::stoull(in["expiry"][0].get<std::string>())};
  ff::Fr vols[1] = {f(in["vol"][0])};
  ff::Fr msg = bsm::snapshot_message(f(in["feed_id"]), std::stoull(in["timestamp"].get<std::string>()),
                                     f(in["spot"]), f(in["rate"]), f(in["yield"]), expiries, vols);
  EXPECT_TRUE(gadgets::eddsa_poseidon_verify(
      {f(in["oracle_ax"]), f(in["oracle_ay"])},
      {{f(in["sig_r8x"]), f(in["sig_r8y"])}, f(in["sig_s"]).to_canonical()}, msg));
  auto c = build(def);
  auto pub = c.public_signals(c.solve(in));
  EXPECT_EQ(pub[0], msg);
  // QuantLib 1.29: price, delta, gamma, vega, theta (per year), rho; outputs are grouped by kind.
  const double want[2][6] = {{7716.20321843955, 0.7070401790393023, 2.8394102923832325e-05, 6409.093574348591,
                              -27254.694596192436, 3143.1294591053484},
                             {7704.16182835949, -0.6112028900030593, 3.164790036058578e-05, 7143.538057418526,
                              -25875.122584781187, -3898.5492886486277}};
  const double S = 65000, bound[6] = {1e-9 * S, 1e-8, 1e-6 / S, 1e-9 * S, 1e-7 * S, 1e-8 * S};
  for (int opt = 0; opt < 2; ++opt) {
    for (int k = 0; k < 6; ++k) {
      double got = static_cast<double>(
          gadgets::fixed::decode(pub[1 + static_cast<std::size_t>(k) * 2 + opt], bsm::kFrac));
      EXPECT_NEAR(got, want[opt][k], std::max(bound[k], 1e-8 * std::fabs(want[opt][k])))
          << "option " << opt << " output " << k;
    }
  }
  // Totals of one long call and two short puts, then the public inputs (sizes last).
  for (int k = 0; k < 6; ++k) {
    double got =
        static_cast<double>(gadgets::fixed::decode(pub[13 + static_cast<std::size_t>(k)], bsm::kFrac));
    double want_total = want[0][k] - 2 * want[1][k];
    EXPECT_NEAR(got, want_total, 3 * std::max(bound[k], 1e-8 * std::fabs(want[1][k]))) << "total " << k;
  }
  EXPECT_EQ(pub.size(), 19u + 4u + 1u + 6u);
  return {pub.begin(), pub.begin() + 19};
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
  if (name == "bsm_options") return bsm_example_outputs();
  if (name == "margin_portfolio") {
    // examples/margin/portfolio.json laid out; it meets its initial margin (outcome 0: equity
    // 36,730.74 against an IMR of 8,359.95 by QuantLib and the grid in double precision;
    // portfolio.test.cpp checks the figures on random books).
    std::ifstream f(PROOFMILL_SOURCE_DIR "/examples/margin/portfolio.json");
    auto p = margin::prepare(json::parse(f));
    EXPECT_EQ(p.input, json::parse(find(name).example_input));
    return {p.snapshots[0], ff::Fr::zero()};
  }
  if (name == "margin_cross") {
    // The example is examples/margin/request.json laid out; its snapshots are the oracle's
    // messages, and its one account is healthy (TV 31,820 >= TR 15,250).
    std::ifstream f(PROOFMILL_SOURCE_DIR "/examples/margin/request.json");
    auto p = margin::prepare(json::parse(f));
    EXPECT_EQ(p.input, json::parse(find(name).example_input));
    std::vector<ff::Fr> out = p.snapshots;
    out.push_back(ff::Fr::zero());
    return out;
  }
  if (name == "bsm_implied_vol") {
    // QuantLib's implied volatility of its own 20% price: 0.19999999999999707. The circuit's
    // sigma is within (2 eps + 2 delta) / vega = (2e-7 + 2e-7) / 23.79 of it.
    auto c = build(find(name));
    auto pub = c.public_signals(c.solve(json::parse(find(name).example_input)));
    EXPECT_NEAR(static_cast<double>(gadgets::fixed::decode(pub[0], gadgets::bsm::kFrac)), 0.19999999999999707,
                1.7e-8);
    return {pub[0]};
  }
  if (name == "solvency_batch" || name == "solvency_top") return solvency_example_outputs(name);
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
      {"bsm_options", "0b2aba537adfa01097509759dd4d0931cd81e87ccf985e030fbf7b6f89d4437c"},
      {"bsm_implied_vol", "b1678d4f84cb160aca077b706112c9cfd8e68be5a620cadcb3722b194bc40bfb"},
      {"margin_cross", "132fa57c42128966e2ee90a91a2db7782a82fef04e4f3afb362a0173799704b3"},
      {"margin_portfolio", "1eaf7459a9ee16b73618a44dd044d61db5a091233b93654b9bd1ea38f029c3f5"},
      {"solvency_batch", "657756be5363625048e1127d7d5d6530267af8c5c7f66ae934e2be86722dfcf7"},
      {"solvency_top", "ace975da4cb3488ba4969e611e3c54a052fc584f39d8706544d877e540a1507e"},
  };
  // Parameters that change a circuit's structure, not only its size, are pinned too.
  const std::pair<Params, std::string> bsm_variants[] = {
      {{{"surface", 1}}, "ccd6081a417edb1423973948154961b17b68d37759dce7e8e752f3b1c18b2c01"},
      {{{"commit", 1}}, "3149bfe50208ee4e631fcd9f3c69e428fc93f3817955c108178a0378e15658bf"},
      {{{"surface", 1}, {"commit", 1}}, "ed2b771fd5a30f22e533c8caf6c485faed0411c84c695074c5b1977ae2336bc7"},
  };
  for (const auto& [params, sha] : bsm_variants) {
    auto c = build(find("bsm_options"), params);
    EXPECT_EQ(hash::sha256_hex(formats::write_r1cs(c.r1cs(), c.wire_labels())), sha)
        << "bsm_options surface=" << params.count("surface") << " commit=" << params.count("commit");
  }
  for (const auto& def : all()) {
    auto c = build(def);
    auto bytes = formats::write_r1cs(c.r1cs(), c.wire_labels());
    auto it = pinned.find(def.name);
    ASSERT_NE(it, pinned.end()) << def.name << " has no pinned hash: add it here, deliberately";
    EXPECT_EQ(hash::sha256_hex(bytes), it->second) << def.name << "'s R1CS changed";
  }
}

// The snapshot binds the proof: another feed, another (later) timestamp than the one signed, a
// forged signature, another oracle key, and a changed spot each fail the signature check.
TEST(Registry, BsmOptionsRejectsForgedOrMismatchedSnapshots) {
  const auto& def = find("bsm_options");
  auto c = build(def);
  const auto in = json::parse(def.example_input);
  const char* failure = "S * Base8 = R8 + 8 h A";
  for (const char* key : {"feed_id", "timestamp", "sig_s", "spot"}) {
    json bad = in;
    ff::Fr v = *ff::Fr::from_decimal(bad[key].get<std::string>());
    bad[key] = (v + ff::Fr::one()).to_decimal();
    SCOPED_TRACE(key);
    circuit::testing::expect_rejected(c, bad, {}, failure);
  }
  json other = in;  // a valid key (on the curve), not the signer's
  auto k = gadgets::eddsa_public_key(std::vector<std::uint8_t>(32, 7));
  other["oracle_ax"] = k.x.to_decimal();
  other["oracle_ay"] = k.y.to_decimal();
  circuit::testing::expect_rejected(c, other, {}, failure);
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
