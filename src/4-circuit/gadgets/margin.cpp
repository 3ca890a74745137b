#include "gadgets/margin.hpp"

#include <string>

#include "base/error.hpp"
#include "ff/signed.hpp"
#include "gadgets/poseidon.hpp"

namespace pm::gadgets::margin {
namespace {

Fr pow2(unsigned k) { return Fr::from_canonical_reduced(ff::pow2_u256(k)); }

[[noreturn]] void bad(const std::string& what) { throw Error(Errc::invalid_argument, "account: " + what); }

bool signed_below(const Fr& v, unsigned bits) {  // |v| < 2^bits
  return ff::bit_length(ff::to_signed(v).mag) <= bits;
}
bool unsigned_below(const Fr& v, unsigned bits) { return ff::bit_length(v.to_canonical()) <= bits; }

// The size as the slot stores it: size_raw + 2^79 in [0, 2^80).
Fr offset_size(const Fr& size, const char* what) {
  const ff::SignedInt s = ff::to_signed(size);
  const bool fits =
      s.neg ? (ff::bit_length(s.mag) <= 79 || s.mag == ff::pow2_u256(79)) : ff::bit_length(s.mag) <= 79;
  if (!fits) bad(std::string(what) + " size must be within [-2^31, 2^31) contracts");
  return size + pow2(79);
}

const Fr& check_market(const Fr& m, const char* what) {
  if (!unsigned_below(m, 32)) bad(std::string(what) + " market (feed id) must be below 2^32");
  return m;
}

// [x + 2^(n+1) neg in [0, 2^(n+1))] for |x| < 2^n: neg is x's sign, hinted then proven; n + 2
// constraints. The hint is named so that a test can lie about the sign.
Expr sign_of(Builder& b, const Expr& x, unsigned n, std::string_view hint_name, std::string_view label) {
  Expr neg = b.hint1(hint_name, std::span<const Expr>(&x, 1), [](std::span<const Fr> in, std::span<Fr> out) {
    out[0] = ff::to_signed(in[0]).neg ? Fr::one() : Fr::zero();
  });
  b.assert_boolean(neg, label);
  (void)b.assert_range(x + neg * pow2(n + 1), n + 1, label);
  return neg;
}

}  // namespace

Fr domain_tag(std::string_view tag) {
  Fr v = Fr::zero();
  for (char c : tag) v = v * Fr::from_u64(256) + Fr::from_u64(static_cast<unsigned char>(c));
  return v;
}
Fr account_domain() { return domain_tag("proofmill/account/v1"); }
Fr risk_domain() { return domain_tag("proofmill/cross-risk/v1"); }

Fr perpetual_word(const Perpetual& p) {
  if (p.size.is_zero()) {
    // An empty slot is all zero, whatever else the caller filled in.
    return Fr::zero();
  }
  return offset_size(p.size, "perpetual") + pow2(80) + check_market(p.market, "perpetual") * pow2(81);
}

Fr option_word(const OptionPosition& o) {
  if (o.size.is_zero()) return Fr::zero();
  if (o.expiry >= (std::uint64_t{1} << 40)) bad("option expiry must be below 2^40 seconds");
  return offset_size(o.size, "option") + pow2(80) + (o.call ? pow2(81) : Fr::zero()) +
         check_market(o.market, "option") * pow2(82) + Fr::from_u64(o.expiry) * pow2(114);
}

std::vector<Fr> account_preimage(const Account& a, std::size_t perpetuals, std::size_t options) {
  if (perpetuals > kMaxPerpetuals || options > kMaxOptions) bad("layout too large");
  if (a.perpetuals.size() > perpetuals)
    bad("holds " + std::to_string(a.perpetuals.size()) + " perpetual positions; the layout has " +
        std::to_string(perpetuals) + " slots");
  if (a.options.size() > options)
    bad("holds " + std::to_string(a.options.size()) + " option positions; the layout has " +
        std::to_string(options) + " slots");
  if (a.id >= (std::uint64_t{1} << 32)) bad("id must be below 2^32");
  if (!signed_below(a.collateral, 111)) bad("collateral must be within (-2^63, 2^63)");
  std::vector<Fr> m{account_domain(),   Fr::from_u64(perpetuals + 256 * options),
                    Fr::from_u64(a.id), a.owner_ax,
                    a.owner_ay,         Fr::from_u64(a.nonce),
                    a.collateral,       a.salt};
  for (std::size_t i = 0; i < perpetuals; ++i) {
    if (i < a.perpetuals.size() && !a.perpetuals[i].size.is_zero()) {
      const Perpetual& p = a.perpetuals[i];
      if (!unsigned_below(p.entry, 88)) bad("perpetual entry price must be in [0, 2^40)");
      if (!signed_below(p.funding, 88)) bad("perpetual funding index must be within (-2^40, 2^40)");
      m.insert(m.end(), {perpetual_word(p), p.entry, p.funding});
    } else {
      m.insert(m.end(), {Fr::zero(), Fr::zero(), Fr::zero()});
    }
  }
  for (std::size_t i = 0; i < options; ++i) {
    if (i < a.options.size() && !a.options[i].size.is_zero()) {
      const OptionPosition& o = a.options[i];
      if (o.strike.is_zero() || !unsigned_below(o.strike, 88)) bad("option strike must be in (0, 2^40)");
      m.insert(m.end(), {option_word(o), o.strike});
    } else {
      m.insert(m.end(), {Fr::zero(), Fr::zero()});
    }
  }
  return m;
}

Fr account_leaf(const Account& a, std::size_t perpetuals, std::size_t options) {
  return hash::poseidon_sponge(account_preimage(a, perpetuals, options));
}

Fr risk_hash(std::span<const MarketRisk> markets) {
  if (markets.empty()) throw Error(Errc::invalid_argument, "risk parameters: no market");
  const std::size_t t = markets[0].factors.size();
  std::vector<Fr> m{risk_domain(), Fr::from_u64(markets.size()), Fr::from_u64(t)};
  for (const MarketRisk& k : markets) {
    if (k.factors.size() != t || k.boundaries.size() + 1 != t)
      throw Error(Errc::invalid_argument,
                  "risk parameters: every market needs T factors and T - 1 boundaries");
    m.push_back(k.feed);
    m.insert(m.end(), k.boundaries.begin(), k.boundaries.end());
    for (std::uint64_t f : k.factors) m.push_back(Fr::from_u64(f));
  }
  return hash::poseidon_sponge(m);
}

Expr account_leaf(Builder& b, const AccountInputs& a) {
  auto sc = b.scope("account leaf");
  const std::size_t np = a.perp_word.size(), no = a.option_word.size();
  if (np > kMaxPerpetuals || no > kMaxOptions || a.perp_entry.size() != np || a.perp_funding.size() != np ||
      a.option_strike.size() != no)
    throw Error(Errc::invalid_argument, "account_leaf: inconsistent slots");
  std::vector<Expr> m{Expr(account_domain()),
                      Expr(Fr::from_u64(np + 256 * no)),
                      a.id,
                      a.owner_ax,
                      a.owner_ay,
                      a.nonce,
                      a.collateral,
                      a.salt};
  for (std::size_t i = 0; i < np; ++i)
    m.insert(m.end(), {a.perp_word[i], a.perp_entry[i], a.perp_funding[i]});
  for (std::size_t i = 0; i < no; ++i) m.insert(m.end(), {a.option_word[i], a.option_strike[i]});
  return poseidon_sponge(b, m);
}

MarketTerms market_terms(Builder& b, const Expr& feed, const Expr& spot, const Expr& funding,
                         std::span<const Expr> boundaries, std::span<const Expr> factors) {
  auto sc = b.scope("market terms");
  if (factors.empty() || boundaries.size() + 1 != factors.size())
    throw Error(Errc::invalid_argument, "market_terms: T factors and T - 1 boundaries");
  MarketTerms t{feed, spot, funding, {}, {}, {}, {}};
  (void)b.assert_range(feed, 32, "feed id fits in 32 bits");
  circuit::Bounded s = b.assert_range(spot, 88, "spot within its range");
  b.assert_nonzero(spot, "spot is positive");
  (void)b.assert_range(funding + pow2(88), 89, "funding index within its range");
  std::optional<circuit::Bounded> previous;
  for (const Expr& raw : boundaries) {
    circuit::Bounded bound = b.assert_range(raw, 100, "tier boundary within its range");
    if (previous) b.assert_less_than(*previous, bound, "risk tiers increase");
    previous = bound;
    // beta = ceil(B 2^48 / S): beta S - B 2^48 = rem in [0, S). Then |size_raw| S >= B 2^96
    // exactly when |size_raw| >= beta, |size_raw| being an integer.
    Expr beta = b.hint1("tier threshold", std::vector<Expr>{raw, spot},
                        [](std::span<const Fr> in, std::span<Fr> out) {
                          ff::u256 rem;
                          const ff::u256 num = (in[0] * pow2(kFrac)).to_canonical();
                          const ff::u256 den = in[1].to_canonical();
                          if (ff::is_zero(den))
                            throw Error(Errc::unsatisfied, "tier threshold: spot is zero");
                          ff::u256 q = ff::udiv(num, den, &rem);
                          out[0] = Fr::from_canonical_reduced(q);
                          if (!ff::is_zero(rem)) out[0] += Fr::one();
                        });
    circuit::Bounded beta_b = b.assert_range(beta, 149, "tier threshold remainder");
    Expr rem = b.mul(beta, spot, "tier threshold remainder") - raw * pow2(kFrac);
    circuit::Bounded rem_b = b.assert_range(rem, 88, "tier threshold remainder");
    b.assert_less_than(rem_b, s, "tier threshold remainder");
    // Clamp to 2^80 - 1, above any |size_raw| (at most 2^79): keeps the per-position comparison
    // on 80 bits.
    const Fr cap = pow2(80) - Fr::one();
    Expr below = b.less_than_unchecked(beta_b, Expr(cap), 149, "tier threshold clamp");
    t.beta.push_back(b.select(below, beta, Expr(cap), "tier threshold clamp"));
    t.boundary.push_back(raw);
  }
  for (const Expr& f : factors) {
    circuit::Bounded fb = b.assert_range(f, 20, "risk factor at most 10^6");
    b.assert_less_or_equal(fb, b.assert_range(Expr(Fr::from_u64(kRiskScale)), 20),
                           "risk factor at most 10^6");
    t.factor.push_back(f);
    t.risk.push_back(b.mul(spot, f, "tier risk per unit"));
  }
  return t;
}

void assert_distinct_markets(Builder& b, std::span<const MarketTerms> markets) {
  for (std::size_t m = 1; m < markets.size(); ++m)
    b.assert_less_than(markets[m - 1].feed, markets[m].feed, 32, "markets are distinct");
}

Expr risk_hash(Builder& b, std::span<const MarketTerms> markets) {
  auto sc = b.scope("risk parameters");
  if (markets.empty()) throw Error(Errc::invalid_argument, "risk_hash: no market");
  std::vector<Expr> m{Expr(risk_domain()), Expr(Fr::from_u64(markets.size())),
                      Expr(Fr::from_u64(markets[0].factor.size()))};
  for (const MarketTerms& k : markets) {
    m.push_back(k.feed);
    m.insert(m.end(), k.boundary.begin(), k.boundary.end());
    m.insert(m.end(), k.factor.begin(), k.factor.end());
  }
  return poseidon_sponge(b, m);
}

PerpetualSlot decode_perpetual(Builder& b, const Expr& w, std::span<const Expr> feeds) {
  const std::size_t mk = feeds.size();
  if (mk == 0) throw Error(Errc::invalid_argument, "decode_perpetual: no market");
  // w = low + 2^81 market, low = u + 2^80 used in 81 bits: one decomposition.
  Expr market = b.hint1(
      "perpetual slot market", std::span<const Expr>(&w, 1), [](std::span<const Fr> in, std::span<Fr> out) {
        out[0] = Fr::from_canonical_reduced(ff::udiv(in[0].to_canonical(), ff::pow2_u256(81)));
      });
  auto bits = b.to_bits(w - market * pow2(81), 81, "perpetual slot decodes");
  Expr u;
  Fr p = Fr::one();
  for (unsigned k = 0; k < 80; ++k, p += p) u += bits[k] * p;
  PerpetualSlot slot;
  slot.used = bits[80];
  // An empty slot holds no size (and no market, below). Its entry and funding fields do not
  // enter any margin; the venue writes them as zero.
  b.assert_product(1 - slot.used, u, Expr(0), "empty slot is zero");
  // The market is one of the proof's: selectors sigma_m, one-hot when used, all zero when not.
  if (mk == 1) {
    slot.sigma.push_back(slot.used);
  } else {
    std::vector<Expr> in(feeds.begin(), feeds.end());
    in.push_back(market);
    slot.sigma = b.hint("perpetual slot selector", in, mk, [mk](std::span<const Fr> v, std::span<Fr> out) {
      for (std::size_t m = 0; m < mk; ++m)
        out[m] = (!v[mk].is_zero() && v[m] == v[mk]) ? Fr::one() : Fr::zero();
    });
    Expr sum;
    for (const Expr& s : slot.sigma) {
      b.assert_boolean(s, "position market is one of the proof's markets");
      sum += s;
    }
    b.assert_equal(sum, slot.used, "position market is one of the proof's markets");
  }
  Expr named;
  for (std::size_t m = 0; m < mk; ++m)
    named += b.mul(slot.sigma[m], feeds[m], "position market is one of the proof's markets");
  b.assert_equal(named, market, "position market is one of the proof's markets");
  slot.size = u - slot.used * pow2(79);  // 0 for an empty slot (u = 0 there)
  slot.nonneg = bits[79];
  slot.size_abs = b.select(bits[79], slot.size, -slot.size, "size magnitude");
  return slot;
}

Expr sign_bit(Builder& b, const Expr& x, unsigned n, std::string_view hint_name, std::string_view label) {
  return sign_of(b, x, n, hint_name, label);
}

CrossMargin cross_margin(Builder& b, std::span<const MarketTerms> markets, const AccountInputs& a) {
  auto sc = b.scope("cross margin");
  const std::size_t mk = markets.size(), tiers = markets.empty() ? 0 : markets[0].factor.size();
  if (mk == 0) throw Error(Errc::invalid_argument, "cross_margin: no market");
  for (const Expr& w : a.option_word) b.assert_equal(w, Expr(0), "no option in a cross-margin account");
  for (const Expr& k : a.option_strike) b.assert_equal(k, Expr(0), "no option in a cross-margin account");
  // collateral raw in (-2^111, 2^111).
  (void)b.assert_range(a.collateral + pow2(111), 112, "collateral within its range");
  Expr tv = a.collateral * pow2(kFrac), tr;
  std::vector<Expr> per_market(mk);  // sum over slots of the market selectors
  for (std::size_t i = 0; i < a.perp_word.size(); ++i) {
    std::vector<Expr> feeds;
    for (const MarketTerms& t : markets) feeds.push_back(t.feed);
    const PerpetualSlot slot = decode_perpetual(b, a.perp_word[i], feeds);
    const std::vector<Expr>& sigma = slot.sigma;
    for (std::size_t m = 0; m < mk; ++m) per_market[m] += sigma[m];
    auto pick = [&](auto get) -> Expr {
      if (mk == 1) return get(markets[0]);
      Expr e;
      for (std::size_t m = 0; m < mk; ++m) e += b.mul(sigma[m], get(markets[m]), "market selection");
      return e;
    };
    // The basis b = entry - cached funding index: TV reads entry and funding only through it.
    Expr basis = a.perp_entry[i] - a.perp_funding[i];
    (void)b.assert_range(basis + pow2(89), 90, "perpetual basis within its range");
    const Expr& size = slot.size;
    const Expr& size_abs = slot.size_abs;
    // TV term: s (S - Phi - b), |.| < 2^79 2^90.
    Expr price = pick([](const MarketTerms& t) { return t.spot - t.funding; });
    tv += b.mul(size, price - basis, "position value");
    // Tier: c_j = [|s| >= beta_j] (beta never decreases in j: a prefix of ones); the risk per
    // unit S rho_0 + sum_j c_j (S rho_j - S rho_{j-1}) = S rho_tier, no branch.
    Expr unit_risk = pick([](const MarketTerms& t) { return t.risk[0]; });
    for (std::size_t j = 1; j < tiers; ++j) {
      Expr beta = pick([j](const MarketTerms& t) { return t.beta[j - 1]; });
      Expr step = pick([j](const MarketTerms& t) { return t.risk[j] - t.risk[j - 1]; });
      Expr below = b.less_than_unchecked(size_abs, beta, 80, "tier comparison");
      unit_risk += b.mul(1 - below, step, "tier factor");
    }
    tr += b.mul(size_abs, unit_risk, "position risk");
  }
  // A position split over two slots of one market would fall into lower tiers: at most one
  // slot a market.
  if (a.perp_word.size() > 1) {
    for (const Expr& count : per_market)
      b.assert_product(count, count - 1, Expr(0), "one position per market");
  }
  // With n slots, 2^lg >= n: |v_i| <= 2^79 2^90, so |TV*| < 2^159 + n 2^169 < 2^(170 + lg);
  // r_i <= 2^79 2^88 10^6 < 2^187, TR* < 2^(187 + lg); |10^6 TV* - TR*| < 2^(191 + lg), at most
  // 2^197 for 64 slots: far below r / 2, so the signs are the integers'.
  unsigned lg = 0;
  while ((std::size_t{1} << lg) < a.perp_word.size()) ++lg;
  Expr bankrupt = sign_of(b, tv, 170 + lg, "bankrupt sign", "total value sign");
  Expr liquidatable =
      sign_of(b, tv * Fr::from_u64(kRiskScale) - tr, 191 + lg, "liquidation sign", "margin sign");
  return {tv, tr, liquidatable + bankrupt, liquidatable};
}

namespace {

// floor(x / 2^48) for a signed x, |x| < 2^(n); the quotient range-checked to (-2^100, 2^100).
Expr floor_raw(Builder& b, const Expr& x, std::string_view label) {
  Expr q = b.hint1("total value quantised", std::span<const Expr>(&x, 1),
                   [](std::span<const Fr> in, std::span<Fr> out) {
                     out[0] = ff::from_signed(ff::floor_div(ff::to_signed(in[0]), ff::pow2_u256(kFrac)));
                   });
  (void)b.assert_range(x - q * pow2(kFrac), kFrac, "quantisation remainder in range");
  (void)b.assert_range(q + pow2(100), 101, label);
  return q;
}

// ceil(x / (10^6 2^48)) for x in [0, 2^200): q D - x in [0, D), q in [0, 2^100).
Expr ceil_risk(Builder& b, const Expr& x, std::string_view label) {
  const Fr d = Fr::from_u64(kRiskScale) * pow2(kFrac);
  Expr q = b.hint1("total risk quantised", std::span<const Expr>(&x, 1),
                   [d](std::span<const Fr> in, std::span<Fr> out) {
                     ff::u256 rem;
                     const ff::u256 quot = ff::udiv(in[0].to_canonical(), d.to_canonical(), &rem);
                     out[0] = Fr::from_canonical_reduced(quot) + (ff::is_zero(rem) ? Fr::zero() : Fr::one());
                   });
  circuit::Bounded rem = b.assert_range(q * d - x, 68, "quantisation remainder in range");
  b.assert_less_than(rem, b.assert_range(Expr(d), 68), "quantisation remainder in range");
  (void)b.assert_range(q, 100, label);
  return q;
}

}  // namespace

Healthier healthier(Builder& b, std::span<const MarketTerms> markets, const AccountInputs& before,
                    const AccountInputs& after) {
  auto sc = b.scope("healthier");
  b.assert_equal(before.id, after.id, "same account");
  b.assert_equal(before.owner_ax, after.owner_ax, "same account");
  b.assert_equal(before.owner_ay, after.owner_ay, "same account");
  Healthier h{Expr(), cross_margin(b, markets, before), cross_margin(b, markets, after)};
  Expr tv = floor_raw(b, h.before.tv, "total value within the format");
  Expr tr = ceil_risk(b, h.before.tr, "total risk within the format");
  Expr tv2 = floor_raw(b, h.after.tv, "total value within the format");
  Expr tr2 = ceil_risk(b, h.after.tr, "total risk within the format");
  // TR' < TR (both in [0, 2^100)); TV' TR - TV TR' >= 0 (|.| < 2^202).
  Expr less_risk = b.less_than_unchecked(tr2, tr, 100, "risk comparison");
  Expr cross = b.mul(tv2, tr, "ratio cross-product") - b.mul(tv, tr2, "ratio cross-product");
  Expr lower_ratio = sign_bit(b, cross, 202, "ratio sign", "ratio comparison");
  Expr hr = b.logical_and(less_risk, 1 - lower_ratio, "healthier");
  // outcome = [not healthy after] (2 - hr).
  h.outcome = b.mul(h.after.below_margin, 2 - hr, "healthier outcome");
  return h;
}

}  // namespace pm::gadgets::margin
