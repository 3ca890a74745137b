#include "gadgets/bsm.hpp"

#include <cmath>
#include <string_view>
#include <vector>

#include "base/error.hpp"
#include "gadgets/poseidon.hpp"

namespace pm::gadgets::bsm {
namespace {

using fixed::constant_decimal;
using fixed::constant_ratio;

Fixed one() { return constant_ratio(1, 1, kUnit); }
Fixed zero() { return constant_ratio(0, 1, kUnit); }

// w N(w x): N(x) for a call, N(x) - 1 for a put (free: the two differ by a constant).
Fixed signed_cdf(const Expr& is_call, const Fixed& n) { return fixed::select(is_call, n, n - one()); }

}  // namespace

namespace {
Fr tag_value(std::string_view tag) {
  Fr v = Fr::zero();
  for (char c : tag) v = v * Fr::from_u64(256) + Fr::from_u64(static_cast<unsigned char>(c));
  return v;
}

template <class T, class Time>
std::vector<T> message_fields(const T& domain, const T& feed_id, const T& timestamp, const T& spot,
                              const T& rate, const T& yield, std::span<const Time> expiries,
                              std::span<const T> per_expiry, std::size_t stride, T (*of_time)(const Time&)) {
  if (per_expiry.size() != expiries.size() * stride)
    throw Error(Errc::invalid_argument,
                "snapshot: " + std::to_string(stride) + " volatility values an expiry");
  std::vector<T> m{domain, feed_id, timestamp, spot, rate, yield, T(Fr::from_u64(expiries.size()))};
  for (std::size_t i = 0; i < expiries.size(); ++i) {
    m.push_back(of_time(expiries[i]));
    for (std::size_t k = 0; k < stride; ++k) m.push_back(per_expiry[i * stride + k]);
  }
  return m;
}
Fr fr_of_time(const std::uint64_t& t) { return Fr::from_u64(t); }
Expr expr_of_time(const Expr& t) { return t; }
}  // namespace

Fr snapshot_domain() { return tag_value("proofmill/bsm-snapshot/v1"); }
Fr svi_snapshot_domain() { return tag_value("proofmill/bsm-svi-snapshot/v1"); }
Fr results_domain() { return tag_value("proofmill/bsm-results/v1"); }

Fr svi_snapshot_message(const Fr& feed_id, std::uint64_t timestamp, const Fr& spot, const Fr& rate,
                        const Fr& yield, std::span<const std::uint64_t> expiries,
                        std::span<const Fr> slices) {
  return hash::poseidon_sponge(message_fields<Fr, std::uint64_t>(svi_snapshot_domain(), feed_id,
                                                                 Fr::from_u64(timestamp), spot, rate, yield,
                                                                 expiries, slices, 5, fr_of_time));
}

Expr svi_snapshot_message(Builder& b, const Expr& feed_id, const Expr& timestamp, const Expr& spot,
                          const Expr& rate, const Expr& yield, std::span<const Expr> expiries,
                          std::span<const Expr> slices) {
  return poseidon_sponge(b, message_fields<Expr, Expr>(Expr(svi_snapshot_domain()), feed_id, timestamp, spot,
                                                       rate, yield, expiries, slices, 5, expr_of_time));
}

Fr results_commitment(const Fr& message, std::size_t expiries, std::size_t per,
                      std::span<const Fr> committed) {
  if (committed.size() != 1 + kResultRow * expiries * per)
    throw Error(Errc::invalid_argument, "results: a salt and 9 values an option slot");
  std::vector<Fr> m{results_domain(), message, Fr::from_u64(expiries), Fr::from_u64(per)};
  m.insert(m.end(), committed.begin(), committed.end());
  return hash::poseidon_sponge(m);
}

Expr results_commitment(Builder& b, const Expr& message, std::size_t expiries, std::size_t per,
                        std::span<const Expr> committed) {
  if (committed.size() != 1 + kResultRow * expiries * per)
    throw Error(Errc::invalid_argument, "results: a salt and 9 values an option slot");
  std::vector<Expr> m{Expr(results_domain()), message, Expr(static_cast<std::int64_t>(expiries)),
                      Expr(static_cast<std::int64_t>(per))};
  m.insert(m.end(), committed.begin(), committed.end());
  return poseidon_sponge(b, m);
}

Fr snapshot_message(const Fr& feed_id, std::uint64_t timestamp, const Fr& spot, const Fr& rate,
                    const Fr& yield, std::span<const std::uint64_t> expiries, std::span<const Fr> vols) {
  return hash::poseidon_sponge(message_fields<Fr, std::uint64_t>(
      snapshot_domain(), feed_id, Fr::from_u64(timestamp), spot, rate, yield, expiries, vols, 1, fr_of_time));
}

Expr snapshot_message(Builder& b, const Expr& feed_id, const Expr& timestamp, const Expr& spot,
                      const Expr& rate, const Expr& yield, std::span<const Expr> expiries,
                      std::span<const Expr> vols) {
  return poseidon_sponge(b, message_fields<Expr, Expr>(Expr(snapshot_domain()), feed_id, timestamp, spot,
                                                       rate, yield, expiries, vols, 1, expr_of_time));
}

Market market(Builder& b, const Expr& spot_raw, const Expr& rate_raw, const Expr& yield_raw) {
  auto s = b.scope("bsm market");
  Fixed spot = fixed::from_raw(b, spot_raw, Format{kFrac, 40});
  // S > 0 is ln's own constraint ("ln of a positive number").
  return {fixed::narrow(b, spot, kMoney), fixed::from_raw(b, rate_raw, kUnit),
          fixed::from_raw(b, yield_raw, kUnit), fixed::ln(spot)};
}

Fixed years_between(Builder& b, const Expr& from, const Expr& to) {
  auto s = b.scope("bsm years");
  b.assert_range(from, 40, "timestamp fits in 40 bits");
  b.assert_range(to, 40, "timestamp fits in 40 bits");
  // (to - from) seconds as a fixed-point value (proven within 2^41 by the ranges above).
  Fixed secs = fixed::from_raw(b, (to - from) * fixed::encode(1, kFrac), Format{kFrac, 41});
  return fixed::div(b, secs, constant_ratio(kYearSeconds, 1, Format{kFrac, 41}), kUnit);
}

Expiry expiry(Builder& b, const Market& m, const Fixed& tau_in) {
  auto s = b.scope("bsm expiry");
  Expr expired = fixed::less_or_equal(tau_in, zero());
  // Expired: the terms at one second, so that nothing below divides by zero.
  const Fixed tau_min = constant_decimal("0.0000000317097919837645865043", kUnit);  // 1 s in years
  Fixed tau = fixed::select(expired, tau_min, tau_in);
  Fixed sqrt_tau = fixed::sqrt(tau);
  // (One costly operation a statement: C++ leaves the order of operands unspecified, and the
  // R1CS must not depend on the compiler; docs/CIRCUITS.md.)
  Fixed carry = (m.rate - m.yield) * tau;
  Fixed rt = m.rate * tau;
  Fixed disc_r = fixed::exp(-rt);
  Fixed qt = m.yield * tau;
  Fixed disc_q = fixed::exp(-qt);
  Fixed s_disc_q = fixed::mul(b, disc_q, m.spot, kMoney);
  Fixed vega_factor = fixed::mul(b, s_disc_q, sqrt_tau, kMoney);
  Fixed half_inv_tau = fixed::div(b, constant_ratio(1, 2, kWide), tau, kWide);
  return {expired, tau, sqrt_tau, carry, disc_r, disc_q, s_disc_q, vega_factor, half_inv_tau};
}

namespace {

// The terms of a volatility given sd = sigma sqrt(tau); `shared`: priced for many options (a
// flat volatility), so gamma's division is done here once.
Vol vol_of_sd(Builder& b, const Market& m, const Expiry& e, const Fixed& sd_in, bool shared) {
  // Expired: the selection discards the results, but the terms below must stay in their formats
  // at tau = 1 s whatever the volatility (sd / (2 tau) would leave kWide for sd > 1.06).
  Fixed sd = fixed::select(e.expired, zero(), sd_in);
  Fixed v = fixed::max(sd, constant_decimal(kVolFloor, kUnit));
  // Black's d1 = (ln(F / K) + v^2 / 2) / v with ln F / S = (r - q) tau: v^2, not sigma^2 tau, so
  // that below the floor the option is priced at the standard deviation v throughout.
  Fixed var = v * v;
  Fixed drift = e.carry + var * constant_ratio(1, 2, kUnit);
  // sigma / (2 sqrt(tau)) = sd / (2 tau): up to 2^24 (kWide) at tau = 1 s.
  Fixed half_rate = fixed::mul(b, sd, e.half_inv_tau, kWide);
  Fixed theta_factor = fixed::mul(b, e.s_disc_q, half_rate, kMoney);
  Vol out{sd, v, drift, theta_factor, std::nullopt, std::nullopt, std::nullopt};
  if (shared) {
    Fixed inv_v = fixed::div(b, one(), v, kUnit);
    Fixed dq_inv_v = e.disc_q * inv_v;
    out.gamma_factor = fixed::div(b, dq_inv_v, m.spot, kMoney);
  } else {
    out.s_v = fixed::mul(b, m.spot, v, kMoney);
  }
  return out;
}

}  // namespace

Vol flat_vol(Builder& b, const Market& m, const Expiry& e, const Expr& sigma_raw) {
  auto s = b.scope("bsm flat vol");
  Fixed sigma = fixed::from_raw(b, sigma_raw, kUnit);
  b.assert_equal(fixed::less_than(zero(), sigma), Expr(1), "volatility is positive");
  Fixed sd = sigma * e.sqrt_tau;
  Vol vol = vol_of_sd(b, m, e, sd, true);
  vol.sigma = sigma;
  return vol;
}

Svi svi(Builder& b, const Expr& a_raw, const Expr& b_raw, const Expr& rho_raw, const Expr& m_raw,
        const Expr& sigma_raw) {
  auto s = b.scope("bsm svi slice");
  Fixed a = fixed::from_raw(b, a_raw, kUnit);
  Fixed bb = fixed::from_raw(b, b_raw, kUnit);
  Fixed rho = fixed::from_raw(b, rho_raw, kUnit);
  Fixed mm = fixed::from_raw(b, m_raw, kUnit);
  Fixed sigma = fixed::from_raw(b, sigma_raw, kUnit);
  Expr b_ok = fixed::less_or_equal(zero(), bb);
  Expr rho_ok = fixed::less_than(fixed::abs(rho), one());
  Expr sigma_ok = fixed::less_or_equal(zero(), sigma);
  const Expr checks[3] = {b_ok, rho_ok, sigma_ok};
  b.assert_equal(b.all_of(checks), Expr(1), "SVI slice is valid (b >= 0, |rho| < 1, sigma >= 0)");
  Fixed sigma_sq = sigma * sigma;
  return {a, bb, rho, mm, sigma, sigma_sq};
}

Strike strike(Builder& b, const Market& m, const Expr& strike_raw) {
  auto s = b.scope("bsm strike");
  Fixed k = fixed::from_raw(b, strike_raw, kMoney);
  Fixed lnk = fixed::ln(k) - m.ln_spot;  // K > 0 is ln's constraint
  return {k, lnk};
}

Vol svi_vol(Builder& b, const Market& m, const Expiry& e, const Svi& sv, const Strike& k) {
  auto s = b.scope("bsm svi vol");
  Fixed x = k.ln_moneyness - e.carry - sv.m;  // ln(K / F) - m
  Fixed x_sq = x * x;
  Fixed root = fixed::sqrt(x_sq + sv.sigma_sq);
  Fixed rho_x = sv.rho * x;
  Fixed wing = sv.b * (rho_x + root);
  Fixed w = fixed::max(sv.a + wing, zero());
  Fixed sd = fixed::sqrt(w);
  return vol_of_sd(b, m, e, sd, false);
}

Greeks european(Builder& b, const Market& m, const Expiry& e, const Vol& vol, const Expr& strike_raw,
                const Expr& is_call) {
  return european(b, m, e, vol, bsm::strike(b, m, strike_raw), is_call);
}

Greeks european(Builder& b, const Market& m, const Expiry& e, const Vol& vol, const Strike& k,
                const Expr& is_call) {
  auto s = b.scope("bsm option");
  b.assert_boolean(is_call, "call or put is boolean");
  const Fixed& strike = k.k;
  Fixed d1 = fixed::div(b, vol.drift - k.ln_moneyness, vol.v, kWide);
  Fixed d2 = d1 - vol.v;
  Fixed n1w = signed_cdf(is_call, fixed::narrow(b, fixed::normal_cdf(b, d1, kWide), kUnit));
  Fixed n2w = signed_cdf(is_call, fixed::narrow(b, fixed::normal_cdf(b, d2, kWide), kUnit));
  // phi(d1) = e^(-d1^2 / 2) / sqrt(2 pi), with |d1| clamped at 12 (phi(12) < 1e-31).
  Fixed d1c = fixed::narrow(b, fixed::min(fixed::abs(d1), constant_ratio(12, 1, kWide)), kUnit);
  Fixed d1sq = d1c * d1c;
  Fixed phi = fixed::exp(-(d1sq * constant_ratio(1, 2, kUnit))) *
              constant_decimal("0.398942280401432677939946059934", kUnit);

  auto money = [&](const Fixed& x, const Fixed& y) { return fixed::mul(b, x, y, kMoney); };
  Fixed a = money(e.s_disc_q, n1w);               // S Dq w N(w d1)
  Fixed c = money(money(strike, e.disc_r), n2w);  // K D w N(w d2)
  Fixed price = a - c;
  Fixed delta = e.disc_q * n1w;
  Fixed gamma =
      vol.gamma_factor ? money(phi, *vol.gamma_factor) : fixed::div(b, e.disc_q * phi, *vol.s_v, kMoney);
  Fixed vega = money(phi, e.vega_factor);
  Fixed theta_q = money(m.yield, a);
  Fixed theta_t = money(phi, vol.theta_factor);
  Fixed theta_r = money(m.rate, c);
  Fixed theta = theta_q - theta_t - theta_r;
  Fixed rho = money(e.tau, c);

  // Expired: intrinsic value w (S - K) if positive; delta w when in the money; the rest 0.
  Fixed x = fixed::select(is_call, m.spot - strike, strike - m.spot);
  const Fixed zero_m = constant_ratio(0, 1, kMoney);
  Expr itm = fixed::less_than(zero_m, x);
  Fixed intrinsic = fixed::select(itm, x, zero_m);
  Fixed delta_exp = fixed::select(itm, fixed::select(is_call, one(), -one()), zero());
  auto pick = [&](const Fixed& expired, const Fixed& live) {
    return fixed::select(e.expired, expired, live);
  };
  return {pick(intrinsic, price), pick(delta_exp, delta), pick(zero_m, gamma),
          pick(zero_m, vega),     pick(zero_m, theta),    pick(zero_m, rho)};
}

Greeks totals(Builder& b, std::span<const Fixed> sizes, std::span<const Greeks> greeks) {
  auto s = b.scope("bsm totals");
  if (sizes.size() != greeks.size() || sizes.empty())
    throw Error(Errc::invalid_argument, "totals: one size an option");
  Fixed Greeks::*fields[6] = {&Greeks::price, &Greeks::delta, &Greeks::gamma,
                              &Greeks::vega,  &Greeks::theta, &Greeks::rho};
  std::vector<Fixed> out;
  for (auto f : fields) {
    std::vector<Fixed> col;
    for (const auto& g : greeks) col.push_back(g.*f);
    out.push_back(fixed::dot(b, sizes, col, kTotal));
  }
  return {out[0], out[1], out[2], out[3], out[4], out[5]};
}

namespace {

// The witness side of implied_vol only (constrained after): BSM's price in long double.
long double bsm_price(long double S, long double K, long double tau, long double r, long double q,
                      long double sigma, bool call) {
  const long double v = sigma * std::sqrt(tau);
  const long double d1 = (std::log(S / K) + (r - q) * tau + v * v / 2) / v, d2 = d1 - v;
  auto N = [](long double x) { return 0.5L * std::erfc(-x / std::sqrt(2.0L)); };
  const long double w = call ? 1 : -1;
  return w * (S * std::exp(-q * tau) * N(w * d1) - K * std::exp(-r * tau) * N(w * d2));
}

}  // namespace

Fixed implied_vol(Builder& b, const Market& m, const Fixed& tau, const Expr& strike_raw, const Expr& is_call,
                  const Expr& quote_raw, const Expr& eps_raw, const Expr& vega_floor_raw) {
  auto s = b.scope("bsm implied vol");
  std::vector<Expr> in{m.spot.raw(), m.rate.raw(), m.yield.raw(), tau.raw(), strike_raw, is_call, quote_raw};
  Expr sigma_raw = b.hint1("implied volatility", in, [](std::span<const Fr> v, std::span<Fr> out) {
    auto d = [&](std::size_t i) { return fixed::decode(v[i], kFrac); };
    const long double S = d(0), r = d(1), q = d(2), tau_y = d(3), K = d(4), quote = d(6);
    const bool call = !v[5].is_zero();
    if (!(S > 0 && K > 0 && tau_y > 0))
      throw Error(Errc::unsatisfied, "implied volatility: needs S, K and tau > 0");
    long double lo = 1e-8L, hi = 50;  // the price increases with sigma: bisect
    for (int i = 0; i < 200; ++i) {
      const long double mid = (lo + hi) / 2;
      (bsm_price(S, K, tau_y, r, q, mid, call) < quote ? lo : hi) = mid;
    }
    out[0] = fixed::encode((lo + hi) / 2, kFrac);
  });
  Expiry e = expiry(b, m, tau);
  Vol vol = flat_vol(b, m, e, sigma_raw);
  // An expired option is worth its intrinsic value whatever sigma is: no implied volatility.
  b.assert_equal(e.expired, Expr(0), "option not expired");
  b.assert_equal(fixed::less_or_equal(constant_decimal(kVolFloor, kUnit), vol.sd), Expr(1),
                 "implied volatility above the floor");
  Greeks g = european(b, m, e, vol, strike_raw, is_call);
  Fixed quote = fixed::from_raw(b, quote_raw, kMoney);
  Fixed eps = fixed::from_raw(b, eps_raw, kMoney);
  Fixed vega_floor = fixed::from_raw(b, vega_floor_raw, kMoney);
  // A vega floor of 0 would let a flat quote (deep out of the money) admit almost any sigma.
  b.assert_equal(fixed::less_than(constant_ratio(0, 1, kMoney), vega_floor), Expr(1),
                 "vega floor is positive");
  Fixed miss = fixed::abs(g.price - quote);
  b.assert_equal(fixed::less_or_equal(miss, eps), Expr(1), "price within eps of the quote");
  b.assert_equal(fixed::less_or_equal(vega_floor, g.vega), Expr(1), "vega at least the floor");
  return *vol.sigma;
}

}  // namespace pm::gadgets::bsm
