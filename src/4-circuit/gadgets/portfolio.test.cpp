// Portfolio margin against QuantLib and a plain double-precision grid
// (tests/vectors/portfolio.json, made by tests/vectors/gen_portfolio_vectors.py), the cost of the
// issue's book, and malicious witnesses: each way to cheat fails a named constraint.
#include "gadgets/portfolio.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "base/error.hpp"
#include "circuit/testing.hpp"

namespace pm::gadgets::portfolio {
namespace {

using json = nlohmann::json;
using ordered_json = nlohmann::ordered_json;
using fixed::decode;
using fixed::encode_decimal;

constexpr std::size_t kPerps = 2, kOptions = 6, kExpiries = 2;
constexpr unsigned kCdfBits = 24;

const json& vectors() {
  static const json j = [] {
    std::ifstream in(PROOFMILL_SOURCE_DIR "/tests/vectors/portfolio.json");
    EXPECT_TRUE(in.good()) << "missing tests/vectors/portfolio.json";
    return json::parse(in);
  }();
  return j;
}

// The margin part of margin_portfolio without the snapshot's signature: market and book as
// private inputs, the leaf public, the outcome published and the margin figures tapped.
circuit::Circuit test_circuit(std::size_t perps, std::size_t options, std::size_t expiries,
                              unsigned cdf_bits) {
  Builder b("portfolio");
  Inputs in{b.private_input("feed"),
            b.private_input("timestamp"),
            b.private_input("spot"),
            b.private_input("rate"),
            b.private_input("yield"),
            b.private_input("funding"),
            b.private_inputs("expiry", expiries),
            b.private_inputs("vol", expiries),
            {}};
  auto& a = in.account;
  a.id = b.private_input("id");
  a.owner_ax = b.private_input("ax");
  a.owner_ay = b.private_input("ay");
  a.nonce = b.private_input("nonce");
  a.collateral = b.private_input("collateral");
  a.salt = b.private_input("salt");
  a.perp_word = b.private_inputs("pw", perps);
  a.perp_entry = b.private_inputs("pe", perps);
  a.perp_funding = b.private_inputs("pf", perps);
  a.option_word = b.private_inputs("ow", options);
  a.option_strike = b.private_inputs("ok", options);
  b.assert_equal(margin::account_leaf(b, a), b.public_input("leaf"), "account commitment matches");
  Result r = portfolio_margin(b, in, grids()[0], cdf_bits);
  b.public_output("outcome", r.outcome);
  const Expr figures[6] = {r.equity.raw(), r.imr.raw(), r.mmr.raw(),
                           r.scan.raw(),   r.mdr.raw(), r.provision.raw()};
  b.tap("figures", figures);
  std::vector<Expr> losses;
  for (const auto& w : r.weighted_loss) losses.push_back(w.raw());
  b.tap("losses", losses);
  return b.compile();
}

const circuit::Circuit& small() {
  static const circuit::Circuit c = test_circuit(kPerps, kOptions, kExpiries, kCdfBits);
  return c;
}

Fr raw(const json& v) { return encode_decimal(v.get<std::string>(), margin::kFrac); }
long double val(const Fr& f) { return decode(f, margin::kFrac); }

// The account of a vector case (market 1, id 9) and the circuit's input.
ordered_json inputs(const json& c) {
  margin::Account acc;
  acc.id = 9;
  acc.owner_ax = Fr::from_u64(5);
  acc.owner_ay = Fr::from_u64(6);
  acc.nonce = 1;
  acc.collateral = raw(c["collateral"]);
  const std::uint64_t market = c.contains("option_market") ? c["option_market"].get<std::uint64_t>() : 1;
  acc.salt = Fr::from_u64(77);
  for (const auto& p : c["perpetuals"])
    acc.perpetuals.push_back({Fr::one(), raw(p["size"]), raw(p["entry"]), raw(p["funding"])});
  for (const auto& o : c["options"])
    acc.options.push_back({Fr::from_u64(market), raw(o["size"]), raw(o["strike"]), o["type"] == "call",
                           o["expiry"].get<std::uint64_t>()});
  auto pre = margin::account_preimage(acc, kPerps, kOptions);
  ordered_json in;
  in["feed"] = 1;
  in["timestamp"] = c["timestamp"];
  in["spot"] = raw(c["spot"]).to_decimal();
  in["rate"] = raw(c["rate"]).to_decimal();
  in["yield"] = raw(c["yield"]).to_decimal();
  in["funding"] = raw(c["funding_index"]).to_decimal();
  in["expiry"] = c["expiries"];
  ordered_json vols = ordered_json::array();
  for (const auto& v : c["vols"]) vols.push_back(raw(v).to_decimal());
  in["vol"] = vols;
  in["id"] = 9;
  in["ax"] = 5;
  in["ay"] = 6;
  in["nonce"] = 1;
  in["collateral"] = acc.collateral.to_decimal();
  in["salt"] = 77;
  for (const char* k : {"pw", "pe", "pf", "ow", "ok"}) in[k] = ordered_json::array();
  for (std::size_t i = 0; i < kPerps; ++i) {
    in["pw"].push_back(pre[8 + 3 * i].to_decimal());
    in["pe"].push_back(pre[9 + 3 * i].to_decimal());
    in["pf"].push_back(pre[10 + 3 * i].to_decimal());
  }
  for (std::size_t i = 0; i < kOptions; ++i) {
    in["ow"].push_back(pre[8 + 3 * kPerps + 2 * i].to_decimal());
    in["ok"].push_back(pre[9 + 3 * kPerps + 2 * i].to_decimal());
  }
  in["leaf"] = margin::account_leaf(acc, kPerps, kOptions).to_decimal();
  return in;
}

// The accuracy bound of a case (docs/STATEMENTS.md): per option contract and scenario
// 2e-8 (6 S + K) at cdf_bits 24 (two normal_cdf at 2^-24, the rounded d1, the weighted sum;
// 6 S the largest shocked spot), summed over the book.
double bound(const json& c) {
  double b = 1e-9;
  const double S = std::stod(c["spot"].get<std::string>());
  for (const auto& o : c["options"])
    b += std::fabs(std::stod(o["size"].get<std::string>())) * 2e-8 *
         (6 * S + std::stod(o["strike"].get<std::string>()));
  return b;
}

TEST(Portfolio, MatchesQuantLibAndADoubleGrid) {
  const auto& cases = vectors()["cases"];
  ASSERT_GE(cases.size(), 16u);
  double worst = 0;
  int outcomes[3] = {0, 0, 0};
  for (std::size_t k = 0; k < cases.size(); ++k) {
    const json& c = cases[k];
    auto values = small().solve(inputs(c));
    auto pub = small().public_signals(values);
    auto fig = small().tap("figures", values);
    auto losses = small().tap("losses", values);
    const double b = bound(c);
    for (std::size_t s = 0; s < losses.size(); ++s) {
      const double got = static_cast<double>(val(losses[s])), want = c["weighted_loss"][s].get<double>();
      worst = std::max(worst, std::fabs(got - want) / b);
      EXPECT_NEAR(got, want, b) << "case " << k << " scenario " << s + 1;
    }
    const char* names[6] = {"equity", "imr", "mmr", "scan", "mdr", "provision"};
    for (int f = 0; f < 6; ++f) {
      const double got = static_cast<double>(val(fig[static_cast<std::size_t>(f)])),
                   want = c[names[f]].get<double>();
      EXPECT_NEAR(got, want, b + 1e-9 * std::fabs(want)) << "case " << k << " " << names[f];
    }
    EXPECT_EQ(pub[0], Fr::from_u64(c["outcome"].get<std::uint64_t>())) << "case " << k;
    ++outcomes[c["outcome"].get<int>()];
  }
  std::printf("portfolio: worst weighted-loss error %.4f of the bound\n", worst);
  EXPECT_GE(outcomes[0], 2);
  EXPECT_GE(outcomes[1], 2);
  EXPECT_GE(outcomes[2], 2);
}

using circuit::SolveOptions;
using circuit::testing::expect_rejected;

// The first case of the given outcome.
const json& case_with(int outcome) {
  for (const auto& c : vectors()["cases"])
    if (c["outcome"] == outcome) return c;
  throw Error(Errc::invalid_argument, "no such case");
}

TEST(Portfolio, TheMaximumIsTheMaximum) {
  const json& c = case_with(0);
  // A max that is not the max: the second largest weighted loss (the worst scenario skipped).
  SolveOptions second;
  second.hint_overrides["scenario max"] = [](std::span<const Fr> v, std::span<Fr> out) {
    std::vector<std::pair<long double, std::size_t>> w;
    for (std::size_t s = 0; s < v.size(); ++s) w.emplace_back(val(v[s]), s);
    std::sort(w.rbegin(), w.rend());
    for (auto& o : out) o = Fr::zero();
    out[w[1].second] = Fr::one();
  };
  expect_rejected(small(), inputs(c), second, "scenario loss at most the margin");
  // Two scenarios at once (their sum, above every loss).
  SolveOptions two;
  two.hint_overrides["scenario max"] = [](std::span<const Fr>, std::span<Fr> out) {
    for (auto& o : out) o = Fr::zero();
    out[0] = out[1] = Fr::one();
  };
  expect_rejected(small(), inputs(c), two, "exactly one scenario is the maximum");
}

TEST(Portfolio, ALossAtAnotherVolatilityFails) {
  // The shocked volatility's rounding replaced by that of a volatility 1% higher.
  SolveOptions vol;
  vol.hint_overrides["shocked volatility"] = [](std::span<const Fr> in, std::span<Fr> out) {
    const long double v = decode(in[0], 96) * 1.01L;
    out[0] = fixed::encode(v, 48);
  };
  expect_rejected(small(), inputs(case_with(0)), vol, "rounding remainder in range");
}

TEST(Portfolio, ALiquidatableAccountCannotBeProvenHealthy) {
  const json& c = case_with(2);
  SolveOptions lie;
  auto healthy = [](std::span<const Fr>, std::span<Fr> out) { out[0] = Fr::zero(); };
  lie.hint_overrides["initial margin sign"] = healthy;
  lie.hint_overrides["maintenance margin sign"] = healthy;
  expect_rejected(small(), inputs(c), lie, "initial margin sign");
  SolveOptions only_mm;
  only_mm.hint_overrides["maintenance margin sign"] = healthy;
  expect_rejected(small(), inputs(c), only_mm, "maintenance margin sign");
}

TEST(Portfolio, TheBookIsTheCommittedOne) {
  const json& c = case_with(1);
  auto in = inputs(c);
  in["ow"][0] = "0";  // the first option leaves the book, the leaf stays
  in["ok"][0] = "0";
  expect_rejected(small(), in, {}, "account commitment matches");
  // An option on an expiry the snapshot does not carry, on another market, or a snapshot expiry
  // in the past.
  json other = c;
  other["options"][0]["expiry"] = c["timestamp"].get<std::uint64_t>() + 999;
  expect_rejected(small(), inputs(other), {}, "option expiry is one of the snapshot's");
  json market = c;
  market["option_market"] = 2;
  expect_rejected(small(), inputs(market), {}, "option market is the proof's market");
  json expired = c;
  expired["expiries"][0] = c["timestamp"].get<std::uint64_t>() - 60;
  for (auto& o : expired["options"])
    if (o["expiry"] == c["expiries"][0]) o["expiry"] = expired["expiries"][0];
  expect_rejected(small(), inputs(expired), {}, "option expiry after the snapshot");
}

// The issue's book: 20 option slots on 4 expiries and 4 perpetual slots, 24 scenarios and the
// base, without the snapshot's signature (margin_portfolio pins the whole circuit).
TEST(Portfolio, CostOfTheIssuesBook) { EXPECT_EQ(test_circuit(4, 20, 4, 24).num_constraints(), 936863u); }

}  // namespace
}  // namespace pm::gadgets::portfolio
