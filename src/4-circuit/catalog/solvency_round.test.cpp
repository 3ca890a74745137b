// A solvency round from a CSV through both circuits: batch commitments and the top's public
// signals as the native round computes them, every user's inclusion file checked, and each way to
// cheat refused: forged paths, a changed balance, an omitted user, a batch total that differs from
// its leaves, reserves short of liabilities, a repeated custodian, a bad attestation, a user over
// the collateral rule, and malformed CSV rows.
#include "catalog/solvency_round.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "base/error.hpp"
#include "catalog/registry.hpp"
#include "circuit/testing.hpp"

namespace pm::catalog::solvency {
namespace {

using circuit::testing::expect_rejected;

const std::array<std::uint8_t, 16> kSecret{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

json config_json() {
  return json::parse(R"({"exchange": "77", "round": 3, "batch_users": 2, "slots": 4,
    "assets": [{"name": "USD", "price": "1000000", "haircut": "1", "onchain": "5000"},
               {"name": "BTC", "price": "650000000", "haircut": "0.9", "onchain": "30"},
               {"name": "ETH", "price": "35000000", "haircut": "0.8"}]})");
}

const char* kCsv =
    "user,asset,equity,debt\n"
    "alice,USD,1000,0\nalice,BTC,10,0\n"
    "bob,BTC,5,0\nbob,ETH,0,50\n"  // ETH debt worth 1.75e9 against BTC worth 2.925e9 after haircut
    "carol,USD,2500,0\n"
    "dave,ETH,7,0\n"
    "erin,USD,0,0\r\n";

std::vector<User> users_of(const char* csv, const Config& c) {
  std::istringstream in(csv);
  return read_users(in, c, kSecret);
}

std::vector<ff::Fr> solve_public(const std::string& name, const Params& p, const json& input,
                                 const circuit::SolveOptions& o = {}) {
  auto c = build(find(name), p);
  return c.public_signals(c.solve(input, o));
}

TEST(SolvencyRound, CircuitsAgreeWithTheRound) {
  const Config c = read_config(config_json());
  const auto users = users_of(kCsv, c);
  ASSERT_EQ(users.size(), 5u);
  const Round r = build(c, users);
  ASSERT_EQ(r.batches.size(), 3u);
  for (std::size_t k = 0; k < r.batches.size(); ++k) {
    EXPECT_EQ(solve_public("solvency_batch", {{"users", 2}, {"assets", 3}}, batch_input(r, users, k)),
              std::vector<ff::Fr>{r.commitments[k]});
  }
  const Params top{{"slots", 4}, {"assets", 3}};
  EXPECT_EQ(solve_public("solvency_top", top, top_input(r)), top_public_signals(r));
  // Totals: USD 3,500, BTC 15, ETH 7 equity and 50 debt; reserves 5,000 USD, 30 BTC and 0 ETH
  // + 50 ETH of debt cover them.
  EXPECT_EQ(r.equity[0], ff::Fr::from_u64(3500));
  EXPECT_EQ(r.debt[2], ff::Fr::from_u64(50));
  // The whole top proven, a changed signal and a tampered proof refused (the harness).
  const auto signals = top_public_signals(r);
  circuit::testing::run_circuit(build(find("solvency_top"), top), top_input(r), std::span(signals).first(8));
}

TEST(SolvencyRound, EveryUserIsIncludedAndForgeriesAreRefused) {
  const Config c = read_config(config_json());
  const auto users = users_of(kCsv, c);
  const Round r = build(c, users);
  for (std::size_t i = 0; i < users.size(); ++i) EXPECT_EQ(verify_inclusion(inclusion(r, users, i)), r.root);
  const json honest = inclusion(r, users, 2);
  auto refused = [](const json& j) {
    try {
      (void)verify_inclusion(j);
      return false;
    } catch (const Error&) {
      return true;
    }
  };
  json j = honest;
  j["balances"][1]["equity"] = "6";  // a changed balance
  EXPECT_TRUE(refused(j));
  j = honest;
  j["batch_path"][0] = "12345";  // a forged sibling
  EXPECT_TRUE(refused(j));
  j = honest;
  j["index"] = 1;  // another position
  EXPECT_TRUE(refused(j));
  j = honest;
  j["top_path"][0] = "3499";  // another batch beside this one
  EXPECT_TRUE(refused(j));
  j = honest;
  j["batch"] = 2;  // another batch's place
  EXPECT_TRUE(refused(j));
  j = honest;
  j["commitment"] = "1";  // a batch commitment other than the proven one
  EXPECT_TRUE(refused(j));
  j = honest;
  j["nonce"] = std::string(64, '0');  // another id hash
  EXPECT_TRUE(refused(j));
  j = honest;
  j["user"] = "mallory";
  EXPECT_TRUE(refused(j));
  // A user left out of the round changes its batch's commitment: their old inclusion file no
  // longer reaches the new root, and the batch proven without them has another commitment.
  std::vector<User> fewer(users.begin(), users.end());
  fewer.erase(fewer.begin() + 3);
  const Round r2 = build(c, fewer);
  EXPECT_NE(r2.commitments[1], r.commitments[1]);
  json old = inclusion(r, users, 3);
  old["root"] = ff::Fr(r2.root).to_decimal();
  EXPECT_TRUE(refused(old));
}

TEST(SolvencyRound, TheTopRefusesCheatingBatchesAndReserves) {
  const Config c = read_config(config_json());
  const auto users = users_of(kCsv, c);
  const Round r = build(c, users);
  const Params p{{"slots", 4}, {"assets", 3}};
  const auto top = build(find("solvency_top"), p);
  // A batch total lowered in the top: the circuit still solves, but its root (whose leaves bind
  // each batch's commitment, so z is drawn after the commitments are fixed), totals and digest
  // are no longer those of the proven batches, which the verifier recomputes.
  json in = top_input(r);
  in["batch_equity"][0] = "999";
  const auto pub = solve_public("solvency_top", p, in);
  EXPECT_NE(pub[0], r.root);
  EXPECT_NE(pub[1], r.equity[0]);
  EXPECT_NE(pub[7], r.digest);
  // Slots: an empty slot carrying totals, flags out of order, a wrong count.
  in = top_input(r);
  in["batch_equity"][3 * 3] = "1";
  expect_rejected(top, in, {}, "an empty slot is zero");
  in = top_input(r);
  in["active"][1] = "0";
  expect_rejected(top, in, {}, "slot flags are non-increasing");
  in = top_input(r);
  in["batches"] = "2";
  expect_rejected(top, in, {}, "batch count matches the slots in use");
  in = top_input(r);  // no batch at all: an empty round would publish zero liabilities
  for (auto& f : in["active"]) f = "0";
  for (const char* k : {"batch_root", "batch_equity", "batch_debt"}) {
    for (auto& v : in[k]) v = "0";
  }
  in["batches"] = "0";
  expect_rejected(top, in, {}, "at least one batch");
  // Reserves short of net liabilities: 3,499 USD on chain against 3,500 of equity.
  in = top_input(r);
  in["onchain"][0] = "3499";
  expect_rejected(top, in, {}, "reserves cover net liabilities");
  json short_config = config_json();
  short_config["assets"][0]["onchain"] = "3499";
  EXPECT_THROW((void)build(read_config(short_config), users), Error);
}

TEST(SolvencyRound, CustodiansAttestReserves) {
  json cj = config_json();
  cj["assets"][1]["onchain"] = "0";  // BTC held by two custodians instead
  const std::vector<std::string> assets{"USD", "BTC", "ETH"};
  std::array<std::uint8_t, 32> k1{}, k2{};
  k1[0] = 1;
  k2[0] = 2;
  auto attest = [&](std::span<const std::uint8_t> key, const char* btc) {
    json a{{"exchange", "77"}, {"round", 3}, {"amounts", {{"BTC", btc}}}};
    return sign_custody(a, assets, key);
  };
  cj["custodians"] = json::array({attest(k1, "10"), attest(k2, "6")});
  const Config c = read_config(cj);
  const auto users = users_of(kCsv, c);
  const Round r = build(c, users);
  const Params p{{"slots", 4}, {"assets", 3}, {"custodians", 2}};
  const auto top = build(find("solvency_top"), p);
  EXPECT_EQ(top.public_signals(top.solve(top_input(r))), top_public_signals(r));
  // One attestation counted twice: the same key and signature in both places.
  json in = top_input(r);
  for (const char* k : {"custodian_x", "custodian_y", "custody_r8x", "custody_r8y", "custody_s"})
    in[k][1] = in[k][0];
  for (std::size_t a = 0; a < 3; ++a) in["custody"][3 + a] = in["custody"][a];
  // (both attest 10 BTC now: 20 covers the 15 owed, so only the repeat is wrong)
  expect_rejected(top, in, {}, "custodian keys are distinct");
  // An attested amount changed after signing.
  in = top_input(r);
  in["custody"][1] = "11";
  EXPECT_THROW((void)top.solve(in), Error);
  // Natively: 15 BTC of equity against 10 + 4 attested is refused, and so is a changed signature.
  cj["custodians"][1] = attest(k2, "4");
  EXPECT_THROW((void)build(read_config(cj), users), Error);
  cj["custodians"][1] = attest(k2, "6");
  cj["custodians"][1]["amounts"]["BTC"] = "7";
  EXPECT_THROW((void)read_config(cj), Error);
  // An attestation for another exchange is no use here.
  json other{{"exchange", "78"}, {"round", 3}, {"amounts", {{"BTC", "16"}}}};
  cj["custodians"] = json::array({sign_custody(other, assets, k1)});
  EXPECT_THROW((void)read_config(cj), Error);
}

TEST(SolvencyRound, BadInputIsNamed) {
  const Config c = read_config(config_json());
  auto error_of = [&](const char* csv) {
    try {
      (void)users_of(csv, c);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_NE(error_of("user,asset,equity\n").find("header"), std::string::npos);
  EXPECT_NE(error_of("user,asset,equity,debt\nalice,DOGE,1,0\n").find("line 2.asset"), std::string::npos);
  EXPECT_NE(error_of("user,asset,equity,debt\nalice,USD,-1,0\n").find("line 2.equity"), std::string::npos);
  EXPECT_NE(error_of("user,asset,equity,debt\nalice,USD,18446744073709551616,0\n").find("below 2^64"),
            std::string::npos);
  EXPECT_NE(error_of("user,asset,equity,debt\nalice,USD,1,0\nalice,USD,2,0\n").find("repeats user"),
            std::string::npos);
  EXPECT_NE(error_of("user,asset,equity,debt\nalice,USD,1\n").find("4 fields"), std::string::npos);
  EXPECT_NE(error_of("user,asset,equity,debt\n").find("no users"), std::string::npos);
  // A user whose debt exceeds the haircut-weighted collateral is named.
  const auto users = users_of("user,asset,equity,debt\nzed,USD,10,0\nzed,ETH,0,1\n", c);
  try {
    (void)build(c, users);
    ADD_FAILURE() << "an undercollateralised user was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("user `zed`"), std::string::npos) << e.what();
  }
  json bad = config_json();
  bad["assets"][1]["haircut"] = "1.5";
  EXPECT_THROW((void)read_config(bad), Error);
  bad = config_json();
  bad["assets"][1]["name"] = "USD";
  EXPECT_THROW((void)read_config(bad), Error);
  // More batches than the top key's slots.
  bad = config_json();
  bad["slots"] = 2;
  EXPECT_THROW((void)build(read_config(bad), users_of(kCsv, c)), Error);
}

}  // namespace
}  // namespace pm::catalog::solvency
