// Black-Scholes-Merton prices and Greeks against QuantLib (tests/vectors/options.json, made by
// tests/vectors/gen_options_vectors.py with QuantLib's BlackCalculator), the expired and
// low-volatility edges, the cost per option, and malicious witnesses.
#include "gadgets/bsm.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "base/error.hpp"
#include "circuit/testing.hpp"

namespace pm::gadgets::bsm {
namespace {

using json = nlohmann::ordered_json;
using ff::Fr;
using fixed::decode;
using fixed::encode_decimal;

const json& vectors() {
  static const json j = [] {
    std::ifstream in(PROOFMILL_SOURCE_DIR "/tests/vectors/options.json");
    EXPECT_TRUE(in.good()) << "missing tests/vectors/options.json";
    return json::parse(in);
  }();
  return j;
}

constexpr std::int64_t kNow = 1765000000;  // the snapshot's timestamp in these tests

// The builder wires of the six outputs of option_circuit().
std::vector<std::uint32_t> g_output_wires;

// The six results as public outputs, in this order; returns their wires.
std::vector<std::uint32_t> publish(Builder& b, const Greeks& g) {
  std::vector<std::uint32_t> wires;
  for (auto [name, v] : {std::pair{"price", &g.price},
                         {"delta", &g.delta},
                         {"gamma", &g.gamma},
                         {"vega", &g.vega},
                         {"theta", &g.theta},
                         {"rho", &g.rho}}) {
    b.public_output(name, v->raw());
    wires.push_back(*v->raw().as_wire());
  }
  return wires;
}

// One option: market, expiry and option inputs; the six results as outputs.
circuit::Circuit option_circuit() {
  Builder b("bsm");
  Market m = market(b, b.private_input("S"), b.private_input("r"), b.private_input("q"));
  Fixed tau = years_between(b, b.private_input("now"), b.private_input("expiry"));
  Expiry e = expiry(b, m, tau);
  Vol vol = flat_vol(b, m, e, b.private_input("sigma"));
  Greeks g = european(b, m, e, vol, b.private_input("K"), b.private_input("call"));
  g_output_wires = publish(b, g);
  return b.compile();
}

json inputs(const json& c) {
  auto raw = [](const json& v) { return encode_decimal(v.get<std::string>(), kFrac).to_decimal(); };
  return json{{"S", raw(c["S"])},
              {"r", raw(c["r"])},
              {"q", raw(c["q"])},
              {"now", kNow},
              {"expiry", kNow + c["tau_seconds"].get<std::int64_t>()},
              {"sigma", raw(c["sigma"])},
              {"K", raw(c["K"])},
              {"call", c["call"].get<bool>() ? 1 : 0}};
}

const circuit::Circuit& circuit_once() {
  static const circuit::Circuit c = option_circuit();
  return c;
}

// The bounds: absolute (scaled by S where the Greek is in money) or 1e-8 of the value.
struct Bound {
  const char* name;
  double abs;       // absolute bound
  bool per_spot;    // abs is a multiple of S
  bool times_spot;  // compare value * S (gamma)
};
const Bound kBounds[6] = {{"price", 1e-9, true, false}, {"delta", 1e-8, false, false},
                          {"gamma", 1e-6, false, true}, {"vega", 1e-9, true, false},
                          {"theta", 1e-7, true, false}, {"rho", 1e-8, true, false}};

// Output i of the circuit (pub) against QuantLib's value in case v: |got - want| / the bound.
struct Miss {
  double ratio, got, want;
};
Miss miss(const json& v, std::span<const Fr> pub, int i) {
  const Bound& bd = kBounds[i];
  const double S = std::stod(v["S"].get<std::string>());
  double got = static_cast<double>(decode(pub[static_cast<std::size_t>(i)], kFrac));
  double want = std::stod(v[bd.name].get<std::string>());
  if (bd.times_spot) got *= S, want *= S;
  const double allowed = std::max(bd.abs * (bd.per_spot ? S : 1.0), 1e-8 * std::fabs(want));
  return {std::fabs(got - want) / allowed, got, want};
}

TEST(Bsm, PricesAndGreeksMatchQuantLib) {
  const auto& c = circuit_once();
  ASSERT_GE(vectors()["cases"].size(), 1000u);
  double worst[6] = {0, 0, 0, 0, 0, 0};
  std::string worst_at[6];
  for (const auto& v : vectors()["cases"]) {
    auto pub = c.public_signals(c.solve(inputs(v)));
    for (int i = 0; i < 6; ++i) {
      const Miss m = miss(v, pub, i);
      if (m.ratio > worst[i]) {
        worst[i] = m.ratio;
        worst_at[i] = v.dump();
      }
      EXPECT_LE(m.ratio, 1.0) << kBounds[i].name << ": circuit " << m.got << ", QuantLib " << m.want << " at "
                              << v.dump();
    }
  }
  for (int i = 0; i < 6; ++i) {
    std::printf("%-5s worst error / bound = %.3g at %s\n", kBounds[i].name, worst[i], worst_at[i].c_str());
  }
}

TEST(Bsm, BelowTheVolatilityFloorPricesAtTheFloor) {
  const auto& c = circuit_once();
  for (const auto& v : vectors()["floor_cases"]) {
    auto pub = c.public_signals(c.solve(inputs(v)));
    for (int i : {0, 1, 2, 3, 5}) {  // theta is not the floor's (docs/STATEMENTS.md)
      const Miss m = miss(v, pub, i);
      EXPECT_LE(m.ratio, 1.0) << kBounds[i].name << ": circuit " << m.got << ", QuantLib " << m.want << " at "
                              << v.dump();
    }
  }
}

// tau <= 0: the intrinsic value, delta +-1 in the money, the other Greeks 0; never unprovable.
TEST(Bsm, ExpiredOptionsAreWorthTheirIntrinsicValue) {
  const auto& c = circuit_once();
  struct Case {
    const char* K;
    bool call;
    std::int64_t secs;
    double price, delta;
  };
  for (const Case& t :
       {Case{"90", true, 0, 10, 1}, Case{"110", true, -60, 0, 0}, Case{"110", false, 0, 10, -1},
        Case{"90", false, -86400, 0, 0}, Case{"100", true, 0, 0, 0}, Case{"100", false, -1, 0, 0}}) {
    json v{{"S", "100"},    {"K", t.K},    {"sigma", "0.5"},
           {"r", "0.05"},   {"q", "0.01"}, {"tau_seconds", t.secs},
           {"call", t.call}};
    auto pub = c.public_signals(c.solve(inputs(v)));
    EXPECT_EQ(decode(pub[0], kFrac), t.price) << v.dump();
    EXPECT_EQ(decode(pub[1], kFrac), t.delta) << v.dump();
    for (std::size_t i = 2; i < 6; ++i) EXPECT_TRUE(pub[i].is_zero()) << i << " " << v.dump();
  }
  // One second before expiry is still priced (at the volatility floor here).
  json live{{"S", "100"},  {"K", "100"},       {"sigma", "0.5"}, {"r", "0.05"},
            {"q", "0.01"}, {"tau_seconds", 1}, {"call", true}};
  EXPECT_GT(decode(c.public_signals(c.solve(inputs(live)))[0], kFrac), 0);
}

TEST(Bsm, MaliciousWitnessesAreRejected) {
  const auto& c = circuit_once();
  const json& v = vectors()["cases"][500];
  const json in = inputs(v);
  // The proof path once, with the honest witness.
  auto values = circuit::testing::run_circuit(c, in, c.public_signals(c.solve(in)));
  // A price, or any Greek, one ulp off: the output's own constraint fails.
  for (std::uint32_t w : g_output_wires) {
    auto bad = values;
    bad[w] += Fr::one();
    circuit::testing::expect_values_rejected(c, bad, "bsm option");
  }
  // Roundings that do not divide (the quotient left at the dividend): the remainder leaves its range.
  circuit::SolveOptions lazy;
  lazy.hint_overrides["fixed round"] = [](std::span<const Fr> in_, std::span<Fr> out) { out[0] = in_[0]; };
  circuit::testing::expect_rejected(c, in, lazy, "rounding remainder in range");
  // A put/call flag of 2.
  json two = in;
  two["call"] = 2;
  circuit::testing::expect_rejected(c, two, {}, "call or put is boolean");
  // A negative volatility or spot, and a zero strike, have no witness.
  for (auto [key, val] : {std::pair{"sigma", "-0.2"}, {"S", "-100"}, {"K", "0"}}) {
    json bad = in;
    bad[key] = encode_decimal(val, kFrac).to_decimal();
    EXPECT_THROW((void)c.solve(bad), Error) << key;
  }
}

// Implied volatility: sigma from the prover, checked by pricing. Against QuantLib's implied
// volatility of QuantLib's own prices (tests/vectors/options.json, iv_cases).
circuit::Circuit iv_circuit() {
  Builder b("iv");
  Market m = market(b, b.private_input("S"), b.private_input("r"), b.private_input("q"));
  Fixed tau = years_between(b, b.private_input("now"), b.private_input("expiry"));
  Fixed vol = implied_vol(b, m, tau, b.private_input("K"), b.private_input("call"), b.private_input("quote"),
                          b.private_input("eps"), b.private_input("vega_floor"));
  b.public_output("vol", vol.raw());
  return b.compile();
}

json iv_inputs(const json& c, double eps_per_spot, const char* vega_floor) {
  json in = inputs(c);
  in.erase("sigma");
  const double S = std::stod(c["S"].get<std::string>());
  char eps[64];
  std::snprintf(eps, sizeof eps, "%.17g", eps_per_spot * S);
  in["quote"] = encode_decimal(c["price"].get<std::string>(), kFrac).to_decimal();
  in["eps"] = encode_decimal(eps, kFrac).to_decimal();
  in["vega_floor"] = encode_decimal(vega_floor, kFrac).to_decimal();
  return in;
}

TEST(Bsm, ImpliedVolatilityMatchesQuantLib) {
  auto c = iv_circuit();
  ASSERT_GE(vectors()["iv_cases"].size(), 50u);
  double worst = 0;
  for (const auto& v : vectors()["iv_cases"]) {
    const double S = std::stod(v["S"].get<std::string>()), vega = std::stod(v["vega"].get<std::string>());
    auto pub = c.public_signals(c.solve(iv_inputs(v, 1e-9, "0.000001")));
    const double got = static_cast<double>(decode(pub[0], kFrac));
    const double want = std::stod(v["implied_vol"].get<std::string>());
    // (2 eps + 2 delta) / vega, delta = 1e-9 S the price's bound; and QuantLib's own 1e-12.
    const double bound = 4e-9 * S / vega + 1e-12;
    worst = std::max(worst, std::fabs(got - want) / bound);
    EXPECT_LE(std::fabs(got - want), bound) << v.dump();
  }
  std::printf("implied vol: worst error / bound = %.3g\n", worst);
  // A sigma 0.1% off prices too far from the quote; a vega floor above the vega; a sigma
  // sqrt(tau) under the volatility floor.
  const json& v = vectors()["iv_cases"][10];
  const long double wrong = std::stold(v["implied_vol"].get<std::string>()) * 1.001L;
  circuit::SolveOptions off;
  off.hint_overrides["implied volatility"] = [wrong](std::span<const Fr>, std::span<Fr> out) {
    out[0] = fixed::encode(wrong, kFrac);
  };
  circuit::testing::expect_rejected(c, iv_inputs(v, 1e-9, "0.000001"), off, "price within eps of the quote");
  circuit::testing::expect_rejected(c, iv_inputs(v, 1e-9, "1000000"), {}, "vega at least the floor");
  json low{{"S", "100"},          {"K", "100"},   {"sigma", "0.00001"}, {"r", "0.05"}, {"q", "0.01"},
           {"tau_seconds", 3600}, {"call", true}, {"price", "0.002"}};  // sigma sqrt(tau) about 4e-5
  circuit::testing::expect_rejected(c, iv_inputs(low, 1e-9, "0.000001"), {},
                                    "implied volatility above the floor");
  // A vega floor of 0 (a flat quote would admit almost any sigma) and an expired option (worth its
  // intrinsic value whatever sigma is, so a cheating prover could claim any sigma) are refused.
  circuit::testing::expect_rejected(c, iv_inputs(v, 1e-9, "0"), {}, "vega floor is positive");
  json expired{{"S", "100"},  {"K", "90"},        {"sigma", "0.5"}, {"r", "0.05"},
               {"q", "0.01"}, {"tau_seconds", 0}, {"call", true},   {"price", "10"}};
  circuit::SolveOptions any_sigma;
  any_sigma.hint_overrides["implied volatility"] = [](std::span<const Fr>, std::span<Fr> out) {
    out[0] = fixed::encode(3.0L, kFrac);
  };
  circuit::testing::expect_rejected(c, iv_inputs(expired, 1e-9, "0.000001"), any_sigma, "option not expired");
}

// One option on an SVI slice: market, expiry, slice and option inputs; the six results as outputs.
circuit::Circuit svi_circuit() {
  Builder b("bsm svi");
  Market m = market(b, b.private_input("S"), b.private_input("r"), b.private_input("q"));
  Fixed tau = years_between(b, b.private_input("now"), b.private_input("expiry"));
  Expiry e = expiry(b, m, tau);
  Svi slice = svi(b, b.private_input("svi_a"), b.private_input("svi_b"), b.private_input("svi_rho"),
                  b.private_input("svi_m"), b.private_input("svi_s"));
  Strike k = strike(b, m, b.private_input("K"));
  Vol vol = svi_vol(b, m, e, slice, k);
  Greeks g = european(b, m, e, vol, k, b.private_input("call"));
  (void)publish(b, g);
  b.public_output("sd", vol.sd.raw());
  return b.compile();
}

json svi_inputs(const json& c) {
  auto raw = [](const json& v) { return encode_decimal(v.get<std::string>(), kFrac).to_decimal(); };
  json in = inputs(c);
  in.erase("sigma");
  for (const char* k : {"a", "b", "rho", "m"}) in[std::string("svi_") + k] = raw(c["svi"][k]);
  in["svi_s"] = raw(c["svi"]["sigma"]);
  return in;
}

// Each option's volatility from its expiry's SVI slice (QuantLib's SviSmileSection), then the
// price and Greeks at that volatility, within the same bounds as a flat volatility.
TEST(Bsm, SviSlicesMatchQuantLib) {
  static const circuit::Circuit c = svi_circuit();
  ASSERT_GE(vectors()["svi_cases"].size(), 200u);
  double worst[7] = {0, 0, 0, 0, 0, 0, 0};
  for (const auto& v : vectors()["svi_cases"]) {
    auto pub = c.public_signals(c.solve(svi_inputs(v)));
    for (int i = 0; i < 6; ++i) {
      const Miss m = miss(v, pub, i);
      worst[i] = std::max(worst[i], m.ratio);
      EXPECT_LE(m.ratio, 1.0) << kBounds[i].name << ": circuit " << m.got << ", QuantLib " << m.want << " at "
                              << v.dump();
    }
    // The standard deviation itself: QuantLib's volatility times sqrt(tau), to 1e-12.
    const double tau = v["tau_seconds"].get<double>() / 31536000.0;
    const double sd = std::stod(v["sigma"].get<std::string>()) * std::sqrt(tau);
    const double err = std::fabs(static_cast<double>(decode(pub[6], kFrac)) - sd);
    worst[6] = std::max(worst[6], err / 1e-12);
    EXPECT_LE(err, 1e-12) << v.dump();
  }
  for (int i = 0; i < 7; ++i)
    std::printf("svi %-5s worst error / bound = %.3g\n", i < 6 ? kBounds[i].name : "sd", worst[i]);
}

// A slice outside SVI's domain is refused by name; a slice negative at a strike (not
// arbitrage-free there) prices that option at the floor instead of making the batch unprovable;
// a lying square root (the variance's) is rejected.
TEST(Bsm, SviEdgesAndLies) {
  static const circuit::Circuit c = svi_circuit();
  const json& v = vectors()["svi_cases"][7];
  const json in = svi_inputs(v);
  auto raw = [](const char* d) { return encode_decimal(d, kFrac).to_decimal(); };
  for (auto [field, value] :
       {std::pair{"svi_b", "-0.01"}, {"svi_rho", "1"}, {"svi_rho", "-1.5"}, {"svi_s", "-0.1"}}) {
    json bad = in;
    bad[field] = raw(value);
    circuit::testing::expect_rejected(c, bad, {}, "SVI slice is valid");
  }
  json negative = in;
  negative["svi_a"] = raw("-5");  // w < 0 everywhere
  auto pub = c.public_signals(c.solve(negative));
  EXPECT_EQ(decode(pub[6], kFrac), 0.0L);  // sd = 0: priced at the floor
  circuit::SolveOptions lie;
  lie.hint_overrides["fixed sqrt"] = [](std::span<const Fr> x, std::span<Fr> out) {
    out[0] = Fr::from_u64(1) + x[0] * Fr::zero();
  };
  circuit::testing::expect_rejected(c, in, lie, "");
}

// Two options in one circuit: a Greek copied from the other option fails a constraint.
TEST(Bsm, AGreekFromAnotherOptionIsRejected) {
  Builder b("bsm2");
  Market m = market(b, b.private_input("S"), b.private_input("r"), b.private_input("q"));
  Fixed tau = years_between(b, b.private_input("now"), b.private_input("expiry"));
  Expiry e = expiry(b, m, tau);
  Vol vol = flat_vol(b, m, e, b.private_input("sigma"));
  Greeks g1 = european(b, m, e, vol, b.private_input("K1"), Expr(1));
  Greeks g2 = european(b, m, e, vol, b.private_input("K2"), Expr(1));
  b.public_output("delta1", g1.delta.raw());
  b.public_output("delta2", g2.delta.raw());
  auto c = b.compile();
  auto raw = [](const char* d) { return encode_decimal(d, kFrac).to_decimal(); };
  json in{{"S", raw("100")},
          {"r", raw("0.03")},
          {"q", "0"},
          {"now", kNow},
          {"expiry", kNow + 30 * 86400},
          {"sigma", raw("0.6")},
          {"K1", raw("90")},
          {"K2", raw("120")}};
  auto values = c.solve(in);
  auto pub = c.public_signals(values);
  ASSERT_NE(pub[0], pub[1]);
  auto w1 = g1.delta.raw().as_wire(), w2 = g2.delta.raw().as_wire();
  ASSERT_TRUE(w1 && w2);
  auto bad = values;
  bad[*w1] = values[*w2];
  circuit::testing::expect_values_rejected(c, bad, "");
}

}  // namespace
}  // namespace pm::gadgets::bsm

namespace pm::gadgets::bsm {
namespace {

TEST(Bsm, CostsAsDocumented) {
  Builder b("cost");
  std::size_t at = 0;
  auto step = [&](const char* what) {
    std::size_t n = b.num_constraints() - at;
    at = b.num_constraints();
    std::printf("%-14s %zu constraints\n", what, n);
    return n;
  };
  Market m = market(b, b.private_input("S"), b.private_input("r"), b.private_input("q"));
  const auto n_market = step("market");
  Fixed tau = years_between(b, b.private_input("now"), b.private_input("expiry"));
  const auto n_years = step("years_between");
  Expiry e = expiry(b, m, tau);
  Vol vol = flat_vol(b, m, e, b.private_input("sigma"));
  const auto n_expiry = step("expiry");
  (void)european(b, m, e, vol, b.private_input("K"), b.private_input("call"));
  const auto n_option = step("option");
  Svi slice = svi(b, b.private_input("a"), b.private_input("b"), b.private_input("rho"), b.private_input("m"),
                  b.private_input("s"));
  const auto n_slice = step("svi slice");
  Strike k = strike(b, m, b.private_input("K2"));
  (void)european(b, m, e, svi_vol(b, m, e, slice, k), k, b.private_input("call2"));
  const auto n_svi_option = step("svi option");
  // docs/STATEMENTS.md: per proof (market), per expiry (years_between, expiry), per option.
  EXPECT_EQ(n_market, 1997u);
  EXPECT_EQ(n_years, 391u);
  EXPECT_EQ(n_expiry, 6420u);
  EXPECT_EQ(n_option, 9560u);
  EXPECT_LE(n_option, 10000u);  // the budget: price and five Greeks
  EXPECT_EQ(n_slice, 721u);
  EXPECT_EQ(n_svi_option, 11573u);
}

}  // namespace
}  // namespace pm::gadgets::bsm
