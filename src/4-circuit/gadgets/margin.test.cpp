// Cross margin against a plain double-precision model of StarkEx's rule on random books, the cost
// per account, and malicious witnesses: each way to cheat fails a named constraint.
#include "gadgets/margin.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>

#include "base/error.hpp"
#include "circuit/testing.hpp"
#include "ff/signed.hpp"
#include "gadgets/fixed.hpp"
#include "hash/poseidon.hpp"

namespace pm::gadgets::margin {
namespace {

using json = nlohmann::ordered_json;

struct Shape {
  std::size_t markets = 3, tiers = 3, accounts = 1, perpetuals = 3, options = 0;
  bool healthier = false;  ///< two accounts, before and after: the healthier rule's outcome
};

// The margin part of margin_cross without the snapshots: markets and books as private inputs,
// leaves public, outcome, TV* and TR* as outputs.
circuit::Circuit test_circuit(const Shape& s) {
  Builder b("margin");
  std::vector<MarketTerms> markets;
  for (std::size_t m = 0; m < s.markets; ++m) {
    const std::string k = "m" + std::to_string(m) + "_";
    markets.push_back(market_terms(
        b, b.private_input(k + "feed"), b.private_input(k + "spot"), b.private_input(k + "funding"),
        s.tiers > 1 ? b.private_inputs(k + "boundary", s.tiers - 1) : std::vector<Expr>{},
        b.private_inputs(k + "factor", s.tiers)));
  }
  assert_distinct_markets(b, markets);
  b.assert_equal(risk_hash(b, markets), b.public_input("risk"), "risk parameters match");
  std::vector<Expr> outcome, tv, tr;
  std::vector<AccountInputs> accounts;
  for (std::size_t a = 0; a < s.accounts; ++a) {
    const std::string k = "a" + std::to_string(a) + "_";
    AccountInputs acc{b.private_input(k + "id"),
                      b.private_input(k + "ax"),
                      b.private_input(k + "ay"),
                      b.private_input(k + "nonce"),
                      b.private_input(k + "collateral"),
                      b.private_input(k + "salt"),
                      b.private_inputs(k + "pw", s.perpetuals),
                      b.private_inputs(k + "pe", s.perpetuals),
                      b.private_inputs(k + "pf", s.perpetuals),
                      {},
                      {}};
    if (s.options > 0) {
      acc.option_word = b.private_inputs(k + "ow", s.options);
      acc.option_strike = b.private_inputs(k + "ok", s.options);
    }
    b.assert_equal(account_leaf(b, acc), b.public_input(k + "leaf"), "account commitment matches");
    if (s.healthier) {
      accounts.push_back(acc);
      continue;
    }
    CrossMargin cm = cross_margin(b, markets, acc);
    outcome.push_back(cm.outcome);
    tv.push_back(cm.tv);
    tr.push_back(cm.tr);
  }
  if (s.healthier) {
    b.public_output("outcome", healthier(b, markets, accounts[0], accounts[1]).outcome);
    return b.compile();
  }
  b.public_outputs("outcome", outcome);
  b.public_outputs("tv", tv);
  b.public_outputs("tr", tr);
  return b.compile();
}

Fr raw(long double v) { return fixed::encode(v, kFrac); }
long double val(const Fr& r) { return fixed::decode(r, kFrac); }

struct Market {
  std::uint64_t feed;
  long double spot, funding;
  std::vector<long double> boundaries;
  std::vector<std::uint64_t> factors;
};

struct Case {
  std::vector<Market> markets;
  std::vector<Account> accounts;
  std::size_t perpetuals = 3, options = 0;
};

std::vector<MarketRisk> risk_of(const Case& c) {
  std::vector<MarketRisk> r;
  for (const Market& m : c.markets) {
    MarketRisk k{Fr::from_u64(m.feed), {}, m.factors};
    for (long double bd : m.boundaries) k.boundaries.push_back(raw(bd));
    r.push_back(k);
  }
  return r;
}

json inputs(const Case& c) {
  json in;
  for (std::size_t m = 0; m < c.markets.size(); ++m) {
    const Market& mk = c.markets[m];
    const std::string k = "m" + std::to_string(m) + "_";
    in[k + "feed"] = mk.feed;
    in[k + "spot"] = raw(mk.spot).to_decimal();
    in[k + "funding"] = raw(mk.funding).to_decimal();
    if (!mk.boundaries.empty()) {
      json bs = json::array();
      for (long double bd : mk.boundaries) bs.push_back(raw(bd).to_decimal());
      in[k + "boundary"] = bs;
    }
    in[k + "factor"] = mk.factors;
  }
  auto risk = risk_of(c);
  in["risk"] = risk_hash(risk).to_decimal();
  for (std::size_t a = 0; a < c.accounts.size(); ++a) {
    const Account& acc = c.accounts[a];
    const std::string k = "a" + std::to_string(a) + "_";
    auto pre = account_preimage(acc, c.perpetuals, c.options);
    in[k + "id"] = acc.id;
    in[k + "ax"] = acc.owner_ax.to_decimal();
    in[k + "ay"] = acc.owner_ay.to_decimal();
    in[k + "nonce"] = acc.nonce;
    in[k + "collateral"] = acc.collateral.to_decimal();
    in[k + "salt"] = acc.salt.to_decimal();
    json pw = json::array(), pe = json::array(), pf = json::array();
    for (std::size_t i = 0; i < c.perpetuals; ++i) {
      pw.push_back(pre[8 + 3 * i].to_decimal());
      pe.push_back(pre[9 + 3 * i].to_decimal());
      pf.push_back(pre[10 + 3 * i].to_decimal());
    }
    in[k + "pw"] = pw;
    in[k + "pe"] = pe;
    in[k + "pf"] = pf;
    if (c.options > 0) {
      json ow = json::array(), ok = json::array();
      for (std::size_t i = 0; i < c.options; ++i) {
        ow.push_back(pre[8 + 3 * c.perpetuals + 2 * i].to_decimal());
        ok.push_back(pre[9 + 3 * c.perpetuals + 2 * i].to_decimal());
      }
      in[k + "ow"] = ow;
      in[k + "ok"] = ok;
    }
    in[k + "leaf"] = account_leaf(acc, c.perpetuals, c.options).to_decimal();
  }
  return in;
}

// The reference: StarkEx's rule in double precision, from the same (quantised) inputs.
struct Reference {
  double tv, tr;
  int outcome;
};
Reference reference(const Case& c, const Account& acc) {
  double tv = static_cast<double>(val(acc.collateral)), tr = 0;
  for (const Perpetual& p : acc.perpetuals) {
    const double size = static_cast<double>(val(p.size));
    if (size == 0) continue;
    const Market* m = nullptr;
    for (const Market& k : c.markets) m = k.feed == p.market.to_canonical()[0] ? &k : m;
    const double spot = static_cast<double>(val(raw(m->spot))),
                 phi = static_cast<double>(val(raw(m->funding)));
    tv += size * (spot - phi - static_cast<double>(val(p.entry) - val(p.funding)));
    const double notional = std::fabs(size * spot);
    std::size_t tier = 0;
    for (long double bd : m->boundaries) tier += notional >= static_cast<double>(val(raw(bd))) ? 1 : 0;
    tr += notional * static_cast<double>(m->factors[tier]) / 1e6;
  }
  return {tv, tr, tv < 0 ? 2 : (tv < tr ? 1 : 0)};
}

Fr random_salt(std::mt19937_64& rng) {
  return Fr::from_canonical_reduced(ff::u256{rng(), rng(), rng(), rng() >> 3});
}

std::vector<Market> three_markets() {
  return {{11, 65000.25L, 12.5L, {100000, 1000000}, {20000, 50000, 100000}},
          {22, 3500.125L, -3.75L, {50000, 500000}, {25000, 60000, 150000}},
          {33, 0.8125L, 0.001L, {20000, 200000}, {50000, 100000, 200000}}};
}

// A random book of 0..perpetuals positions in distinct markets, with collateral set so that
// TV / TR lands anywhere from bankrupt to well margined.
Account random_account(std::mt19937_64& rng, const Case& c, std::uint64_t id) {
  std::uniform_real_distribution<double> u(0, 1);
  Account a;
  a.id = id;
  a.owner_ax = Fr::from_u64(rng());
  a.owner_ay = Fr::from_u64(rng());
  a.nonce = rng() % 1000;
  a.salt = random_salt(rng);
  std::vector<std::size_t> order(c.markets.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), rng);
  const std::size_t n = rng() % (std::min(c.perpetuals, c.markets.size()) + 1);
  double pnl = 0, risk = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const Market& m = c.markets[order[i]];
    // Notional from 100 to 3,000,000 quote (log-uniform): every tier is visited.
    const double notional = std::exp(std::log(100.0) + u(rng) * std::log(30000.0));
    const double size = (u(rng) < 0.5 ? -1 : 1) * notional / static_cast<double>(m.spot);
    Perpetual p{Fr::from_u64(m.feed), raw(size), raw(static_cast<long double>(m.spot) * (0.8 + 0.4 * u(rng))),
                raw((u(rng) - 0.5) * 40)};
    a.perpetuals.push_back(p);
    pnl += size * static_cast<double>(m.spot - m.funding) -
           size * static_cast<double>(val(p.entry) - val(p.funding));
    risk += notional * 0.1;
  }
  // Empty slots are anywhere in the layout.
  while (a.perpetuals.size() < c.perpetuals && u(rng) < 0.5)
    a.perpetuals.insert(a.perpetuals.begin() + static_cast<long>(rng() % (a.perpetuals.size() + 1)),
                        Perpetual{});
  a.collateral = raw(risk * (u(rng) * 2.5 - 0.5) - pnl + (u(rng) - 0.5) * 100);
  return a;
}

TEST(Margin, CrossMarginMatchesADoubleModelOnRandomBooks) {
  Shape s{3, 3, 4, 3, 0};
  const auto c = test_circuit(s);
  std::mt19937_64 rng(20261207);
  int counts[3] = {0, 0, 0}, checked = 0;
  for (int round = 0; round < 40; ++round) {
    Case k{three_markets(), {}, s.perpetuals, 0};
    for (std::size_t a = 0; a < s.accounts; ++a) k.accounts.push_back(random_account(rng, k, 100 + a));
    auto values = c.solve(inputs(k));
    auto pub = c.public_signals(values);
    for (std::size_t a = 0; a < s.accounts; ++a) {
      const Reference ref = reference(k, k.accounts[a]);
      const double tv = static_cast<double>(val(pub[s.accounts + a]) / std::pow(2.0L, 48));
      const double tr = static_cast<double>(val(pub[2 * s.accounts + a]) / std::pow(2.0L, 48) / 1e6L);
      const double scale = std::max({1.0, std::fabs(ref.tv), ref.tr});
      EXPECT_NEAR(tv, ref.tv, 1e-9 * scale) << "round " << round << " account " << a;
      EXPECT_NEAR(tr, ref.tr, 1e-9 * scale) << "round " << round << " account " << a;
      // The outcome bit agrees unless the reference sits within rounding of a boundary.
      if (std::fabs(ref.tv - ref.tr) > 1e-9 * scale && std::fabs(ref.tv) > 1e-9 * scale) {
        EXPECT_EQ(pub[a], Fr::from_u64(static_cast<std::uint64_t>(ref.outcome)))
            << "round " << round << " account " << a << " TV " << ref.tv << " TR " << ref.tr;
        ++checked;
      }
      ++counts[ref.outcome];
    }
  }
  EXPECT_GE(checked, 150);
  EXPECT_GE(counts[0], 20);  // every outcome visited
  EXPECT_GE(counts[1], 20);
  EXPECT_GE(counts[2], 20);
}

}  // namespace
}  // namespace pm::gadgets::margin
namespace pm::gadgets::margin {
namespace {

std::uint32_t constraints(const Shape& s) { return test_circuit(s).num_constraints(); }

// docs/STATEMENTS.md's table: an account of 8 perpetual slots (the target: at most
// 5,000 for 8 positions, which need 8 markets), and what a proof pays once for its markets
// (without their snapshots' sponges and signatures).
TEST(Margin, CostsAsDocumented) {
  struct Row {
    std::size_t markets, tiers;
    std::uint32_t account, block;
  };
  const Row rows[] = {{1, 1, 3130, 824},  {1, 3, 4458, 2187}, {2, 2, 3899, 2447},
                      {8, 1, 3401, 3954}, {8, 2, 4193, 9566}, {8, 3, 4985, 15986}};
  for (const Row& r : rows) {
    const std::uint32_t one = constraints({r.markets, r.tiers, 1, 8, 0}),
                        two = constraints({r.markets, r.tiers, 2, 8, 0});
    EXPECT_EQ(two - one, r.account) << r.markets << " markets, " << r.tiers << " tiers";
    EXPECT_EQ(2 * one - two, r.block) << r.markets << " markets, " << r.tiers << " tiers";
  }
}

}  // namespace
}  // namespace pm::gadgets::margin
namespace pm::gadgets::margin {
namespace {

using circuit::SolveOptions;
using circuit::testing::expect_rejected;

// One account of three slots over three markets: long 2 in market 11 (notional 130,000: tier 1
// of 3), short 100 in market 22, and an empty slot.
Case honest_case() {
  Case k{three_markets(), {}, 3, 0};
  Account a;
  a.id = 7;
  a.owner_ax = Fr::from_u64(5);
  a.owner_ay = Fr::from_u64(6);
  a.nonce = 3;
  a.salt = Fr::from_u64(123456789);
  a.collateral = raw(20000);
  a.perpetuals = {Perpetual{Fr::from_u64(11), raw(2), raw(64000), raw(10)}, Perpetual{},
                  Perpetual{Fr::from_u64(22), raw(-100), raw(3600), raw(-2)}};
  k.accounts.push_back(a);
  return k;
}

const circuit::Circuit& one_account() {
  static const circuit::Circuit c = test_circuit({3, 3, 1, 3, 0});
  return c;
}

std::vector<Fr> outputs(const Case& k) {
  auto values = one_account().solve(inputs(k));
  return one_account().public_signals(values);
}

TEST(Margin, HonestBookAndItsOutcomes) {
  Case k = honest_case();
  // TV = 20000 + 2 (65000.25 - 12.5 - (64000 - 10)) - 100 (3500.125 + 3.75 - (3600 + 2)) = 31,808;
  // TR = 130,000.5 x 5% (tier 1 of market 11) + 350,012.5 x 6% (tier 1 of 22) = 27,500.775.
  auto pub = outputs(k);
  EXPECT_EQ(pub[0], Fr::zero());
  EXPECT_EQ(val(pub[1]) / std::pow(2.0L, 48), 31808.0L);
  EXPECT_NEAR(static_cast<double>(val(pub[2]) / std::pow(2.0L, 48) / 1e6L), 27500.775, 1e-9);
  // 4,500 less collateral: 0 <= TV < TR, liquidatable; 40,000 less: bankrupt.
  k.accounts[0].collateral = raw(15500);
  EXPECT_EQ(outputs(k)[0], Fr::one());
  k.accounts[0].collateral = raw(-20000);
  EXPECT_EQ(outputs(k)[0], Fr::from_u64(2));
}

TEST(Margin, TheBoundariesAreExact) {
  // Long 1 at 50,000 with no PnL or funding: TR = 50,000 x 2% = 1,000 exactly, TV = collateral.
  Case k = honest_case();
  k.markets[0].spot = 50000;
  k.markets[0].funding = 0;
  k.accounts[0].perpetuals = {Perpetual{Fr::from_u64(11), raw(1), raw(50000), Fr::zero()}};
  const Fr ulp = Fr::one();
  const std::pair<Fr, std::uint64_t> cases[] = {{raw(1000), 0},        // TV = TR: healthy
                                                {raw(1000) - ulp, 1},  // 2^-48 below: liquidatable
                                                {Fr::zero(), 1},       // TV = 0: liquidatable
                                                {-ulp, 2}};            // TV < 0: bankrupt
  for (const auto& [collateral, outcome] : cases) {
    k.accounts[0].collateral = collateral;
    EXPECT_EQ(outputs(k)[0], Fr::from_u64(outcome)) << val(collateral);
  }
  // The tier boundary: a notional of exactly 100,000 is in tier 1 (5%), 2^-48 contracts less in tier 0.
  k.accounts[0].perpetuals[0].size = raw(2);
  k.accounts[0].perpetuals[0].entry = raw(50000);
  EXPECT_EQ(val(outputs(k)[2]) / std::pow(2.0L, 48) / 1e6L, 5000.0L);
  k.accounts[0].perpetuals[0].size = raw(2) - ulp;
  EXPECT_LT(val(outputs(k)[2]) / std::pow(2.0L, 48) / 1e6L, 2000.0L);
}

TEST(Margin, HidingAPositionBreaksTheCommitment) {
  Case k = honest_case();
  json in = inputs(k);
  in["a0_pw"][2] = "0";  // the short leaves the book, the leaf stays
  in["a0_pe"][2] = "0";
  in["a0_pf"][2] = "0";
  expect_rejected(one_account(), in, {}, "account commitment matches");
  // A smaller size instead.
  Case smaller = honest_case();
  smaller.accounts[0].perpetuals[2].size = raw(-1);
  json in2 = inputs(smaller);
  in2["a0_leaf"] = in["a0_leaf"];
  expect_rejected(one_account(), in2, {}, "account commitment matches");
}

TEST(Margin, AnEmptySlotCannotHoldASize) {
  Case k = honest_case();
  Account& a = k.accounts[0];
  json in = inputs(k);
  // Slot 1 holds a size with the used bit clear: w = u, no 2^80, no market.
  in["a0_pw"][1] = (raw(-5) + Fr::from_canonical_reduced(ff::pow2_u256(79))).to_decimal();
  std::vector<Fr> pre = account_preimage(a, 3, 0);
  pre[8 + 3] = raw(-5) + Fr::from_canonical_reduced(ff::pow2_u256(79));
  in["a0_leaf"] = pm::hash::poseidon_sponge(pre).to_decimal();
  expect_rejected(one_account(), in, {}, "empty slot is zero");
}

TEST(Margin, APositionMustNameOneOfTheProofsMarkets) {
  Case k = honest_case();
  k.accounts[0].perpetuals[0].market = Fr::from_u64(44);  // a market the proof does not carry
  expect_rejected(one_account(), inputs(k), {}, "position market is one of the proof's markets");
  // Priced at another market's terms: the selector points at market 33 for the position in 11.
  SolveOptions wrong;
  wrong.hint_overrides["perpetual slot selector"] = [](std::span<const Fr> in, std::span<Fr> out) {
    const bool used = !in[3].is_zero();
    out[0] = Fr::zero();
    out[1] = in[3] == in[1] && used ? Fr::one() : Fr::zero();
    out[2] = in[3] == in[0] && used ? Fr::one() : Fr::zero();
  };
  expect_rejected(one_account(), inputs(honest_case()), wrong,
                  "position market is one of the proof's markets");
}

TEST(Margin, ASplitPositionIsRefused) {
  // Long 2 in market 11 as two slots of 1: each 65,000 notional, below the 100,000 boundary.
  Case k = honest_case();
  k.accounts[0].perpetuals[0].size = raw(1);
  k.accounts[0].perpetuals[1] = k.accounts[0].perpetuals[0];
  expect_rejected(one_account(), inputs(k), {}, "one position per market");
}

TEST(Margin, TheTierThresholdIsTheCeiling) {
  // A threshold of 2^80 - 1 puts every position in the first tier.
  SolveOptions low_tier;
  low_tier.hint_overrides["tier threshold"] = [](std::span<const Fr>, std::span<Fr> out) {
    out[0] = Fr::from_canonical_reduced(ff::pow2_u256(90));
  };
  expect_rejected(one_account(), inputs(honest_case()), low_tier, "tier threshold remainder");
  // Off by one either way.
  for (int delta : {-1, 1}) {
    SolveOptions off;
    off.hint_overrides["tier threshold"] = [delta](std::span<const Fr> in, std::span<Fr> out) {
      ff::u256 rem;
      ff::u256 q = ff::udiv((in[0] * Fr::from_canonical_reduced(ff::pow2_u256(48))).to_canonical(),
                            in[1].to_canonical(), &rem);
      out[0] = Fr::from_canonical_reduced(q) + (ff::is_zero(rem) ? Fr::zero() : Fr::one());
      out[0] += delta > 0 ? Fr::one() : -Fr::one();
    };
    expect_rejected(one_account(), inputs(honest_case()), off, "tier threshold remainder");
  }
}

TEST(Margin, ALiquidatableAccountCannotBeProvenHealthy) {
  Case k = honest_case();
  k.accounts[0].collateral = raw(15500);  // liquidatable
  SolveOptions lie;
  lie.hint_overrides["liquidation sign"] = [](std::span<const Fr>, std::span<Fr> out) {
    out[0] = Fr::zero();
  };
  expect_rejected(one_account(), inputs(k), lie, "margin sign");
  // And a healthy one cannot be proven liquidatable.
  SolveOptions accuse;
  accuse.hint_overrides["liquidation sign"] = [](std::span<const Fr>, std::span<Fr> out) {
    out[0] = Fr::one();
  };
  expect_rejected(one_account(), inputs(honest_case()), accuse, "margin sign");
  // Nor a bankrupt one merely liquidatable.
  k.accounts[0].collateral = raw(-20000);
  SolveOptions solvent;
  solvent.hint_overrides["bankrupt sign"] = [](std::span<const Fr>, std::span<Fr> out) {
    out[0] = Fr::zero();
  };
  expect_rejected(one_account(), inputs(k), solvent, "total value sign");
}

TEST(Margin, SlotDecodingIsUnique) {
  // A market read one higher leaves a negative remainder, which has no 81-bit decomposition.
  SolveOptions shifted;
  shifted.hint_overrides["perpetual slot market"] = [](std::span<const Fr> in, std::span<Fr> out) {
    out[0] = Fr::from_canonical_reduced(ff::udiv(in[0].to_canonical(), ff::pow2_u256(81)));
    if (!in[0].is_zero()) out[0] += Fr::one();
  };
  expect_rejected(one_account(), inputs(honest_case()), shifted, "perpetual slot decodes");
}

TEST(Margin, RiskParametersAndOptionSlotsAreBound) {
  json in = inputs(honest_case());
  in["m0_factor"][1] = 10000;  // 1% instead of the hashed 5%
  expect_rejected(one_account(), in, {}, "risk parameters match");
  // A factor above 100% (hashed consistently) is refused by range.
  Case k = honest_case();
  k.markets[1].factors[2] = 1000001;
  expect_rejected(one_account(), inputs(k), {}, "risk factor at most 10^6");
  // Boundaries must increase.
  Case order = honest_case();
  order.markets[0].boundaries = {1000000, 100000};
  expect_rejected(one_account(), inputs(order), {}, "risk tiers increase");
  // An option in a cross-margin account.
  static const circuit::Circuit with_options = test_circuit({3, 3, 1, 3, 1});
  Case opt = honest_case();
  opt.options = 1;
  opt.accounts[0].options.push_back(OptionPosition{Fr::from_u64(11), raw(1), raw(60000), true, 1767592000});
  try {
    (void)with_options.solve(inputs(opt));
    ADD_FAILURE() << "an option slot was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no option in a cross-margin account"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace pm::gadgets::margin
namespace pm::gadgets::margin {
namespace {

// StarkNet Perpetual's rule in doubles: healthy after, or TR' < TR and TV' / TR' >= TV / TR.
int healthier_reference(const Case& k) {
  const Reference before = reference(k, k.accounts[0]), after = reference(k, k.accounts[1]);
  if (after.tv >= after.tr) return 0;
  const bool better = after.tr < before.tr && after.tv * before.tr >= before.tv * after.tr;
  return better ? 1 : 2;
}

TEST(Margin, TheHealthierRule) {
  static const circuit::Circuit c = test_circuit({3, 3, 2, 3, 0, true});
  auto outcome = [&](const Case& k) { return c.public_signals(c.solve(inputs(k)))[0]; };
  Case k = honest_case();
  k.accounts[0].collateral = raw(15500);  // liquidatable before: TV 27,308 < TR 27,500.775
  k.accounts.push_back(k.accounts[0]);
  Account& after = k.accounts[1];
  after.nonce += 1;
  // Closing half the short and paying 5,450 out: TV' = 16,951.75 < TR' = 17,000.4, but TR' < TR
  // and TV'/TR' = 0.99714 >= TV/TR = 0.99299. Healthier, not yet healthy.
  after.perpetuals[2].size = raw(-50);
  after.collateral = raw(10050);
  EXPECT_EQ(healthier_reference(k), 1);
  EXPECT_EQ(outcome(k), Fr::one());
  // A deposit makes it healthy.
  after.collateral = raw(40000);
  EXPECT_EQ(healthier_reference(k), 0);
  EXPECT_EQ(outcome(k), Fr::zero());
  // Adding to the short: more risk. Neither.
  after.collateral = raw(15500);
  after.perpetuals[2].size = raw(-150);
  EXPECT_EQ(healthier_reference(k), 2);
  EXPECT_EQ(outcome(k), Fr::from_u64(2));
  // Less risk but a lower ratio (closing half the short and withdrawing too much).
  after.perpetuals[2].size = raw(-50);
  after.collateral = raw(1000);
  EXPECT_EQ(healthier_reference(k), 2);
  EXPECT_EQ(outcome(k), Fr::from_u64(2));
  // Random changes agree with the reference (away from its ties).
  std::mt19937_64 rng(19);
  int seen[3] = {0, 0, 0};
  for (int round = 0; round < 80; ++round) {
    Case r{three_markets(), {}, 3, 0};
    r.accounts.push_back(random_account(rng, r, 5));
    Account next = r.accounts[0];
    std::uniform_real_distribution<double> u(0.2, 1.5);
    for (Perpetual& p : next.perpetuals)
      if (!p.size.is_zero()) p.size = raw(static_cast<double>(val(p.size)) * u(rng));
    next.collateral = raw(static_cast<double>(val(next.collateral)) * u(rng));
    r.accounts.push_back(next);
    const int want = healthier_reference(r);
    const Reference b0 = reference(r, r.accounts[0]), b1 = reference(r, r.accounts[1]);
    const double tie = std::fabs(b1.tv * b0.tr - b0.tv * b1.tr), scale = std::fabs(b1.tv * b0.tr) + 1;
    if (tie < 1e-9 * scale || std::fabs(b1.tv - b1.tr) < 1e-9 * (std::fabs(b1.tv) + 1)) continue;
    EXPECT_EQ(outcome(r), Fr::from_u64(static_cast<std::uint64_t>(want))) << "round " << round;
    ++seen[want];
  }
  EXPECT_GE(seen[0] + seen[1] + seen[2], 40);
  EXPECT_GE(seen[1], 3);  // each outcome occurs
  EXPECT_GE(seen[0], 3);
  EXPECT_GE(seen[2], 3);
}

TEST(Margin, TheHealthierRuleCannotBeForged) {
  static const circuit::Circuit c = test_circuit({3, 3, 2, 3, 0, true});
  Case k = honest_case();
  k.accounts[0].collateral = raw(15500);
  k.accounts.push_back(k.accounts[0]);
  k.accounts[1].perpetuals[2].size = raw(-150);  // more risk: outcome 2
  SolveOptions lie;
  lie.hint_overrides["ratio sign"] = [](std::span<const Fr>, std::span<Fr> out) { out[0] = Fr::zero(); };
  // The ratio did fall here, and the risk rose: a lie about the ratio alone still gives 2; the
  // risk comparison is unhinted. Lie about both signs of the after account instead.
  lie.hint_overrides["liquidation sign"] = [](std::span<const Fr>, std::span<Fr> out) {
    out[0] = Fr::zero();
  };
  expect_rejected(c, inputs(k), lie, "margin sign");
  SolveOptions ratio;
  ratio.hint_overrides["ratio sign"] = [](std::span<const Fr> in, std::span<Fr> out) {
    out[0] = ff::to_signed(in[0]).neg ? Fr::zero() : Fr::one();
  };
  expect_rejected(c, inputs(k), ratio, "ratio comparison");
  // Another account's book as "after".
  Case other = k;
  other.accounts[1].id = 8;
  expect_rejected(c, inputs(other), {}, "same account");
}

}  // namespace
}  // namespace pm::gadgets::margin
