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

Fr snapshot_domain() {
  constexpr std::string_view tag = "proofmill/bsm-snapshot/v1";
  Fr v = Fr::zero();
  for (char c : tag) v = v * Fr::from_u64(256) + Fr::from_u64(static_cast<unsigned char>(c));
  return v;
}

Fr snapshot_message(const Fr& feed_id, std::uint64_t timestamp, const Fr& spot, const Fr& rate,
                    const Fr& yield, std::span<const std::uint64_t> expiries, std::span<const Fr> vols) {
  if (expiries.size() != vols.size())
    throw Error(Errc::invalid_argument, "snapshot: one volatility per expiry");
  std::vector<Fr> m{
      snapshot_domain(), feed_id, Fr::from_u64(timestamp), spot, rate, yield, Fr::from_u64(expiries.size())};
  for (std::size_t i = 0; i < expiries.size(); ++i) {
    m.push_back(Fr::from_u64(expiries[i]));
    m.push_back(vols[i]);
  }
  return hash::poseidon_sponge(m);
}

Expr snapshot_message(Builder& b, const Expr& feed_id, const Expr& timestamp, const Expr& spot,
                      const Expr& rate, const Expr& yield, std::span<const Expr> expiries,
                      std::span<const Expr> vols) {
  if (expiries.size() != vols.size())
    throw Error(Errc::invalid_argument, "snapshot: one volatility per expiry");
  std::vector<Expr> m{Expr(snapshot_domain()),
                      feed_id,
                      timestamp,
                      spot,
                      rate,
                      yield,
                      Expr(static_cast<std::int64_t>(expiries.size()))};
  for (std::size_t i = 0; i < expiries.size(); ++i) {
    m.push_back(expiries[i]);
    m.push_back(vols[i]);
  }
  return poseidon_sponge(b, m);
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

Expiry expiry(Builder& b, const Market& m, const Fixed& tau_in, const Expr& sigma_raw) {
  auto s = b.scope("bsm expiry");
  Expr expired = fixed::less_or_equal(tau_in, zero());
  // Expired: the terms at one second, so that nothing below divides by zero.
  const Fixed tau_min = constant_decimal("0.0000000317097919837645865043", kUnit);  // 1 s in years
  Fixed tau = fixed::select(expired, tau_min, tau_in);
  Fixed sigma = fixed::from_raw(b, sigma_raw, kUnit);
  b.assert_equal(fixed::less_than(zero(), sigma), Expr(1), "volatility is positive");
  Fixed sqrt_tau = fixed::sqrt(tau);
  Fixed sd = sigma * sqrt_tau;
  Fixed v = fixed::max(sd, constant_decimal(kVolFloor, kUnit));
  Fixed inv_v = fixed::div(b, one(), v, kUnit);
  // Black's d1 = (ln(F / K) + v^2 / 2) / v with ln F / S = (r - q) tau: v^2, not sigma^2 tau, so
  // that below the floor the option is priced at the standard deviation v throughout.
  // (One costly operation a statement: C++ leaves the order of operands unspecified, and the
  // R1CS must not depend on the compiler; docs/CIRCUITS.md.)
  Fixed carry = (m.rate - m.yield) * tau;
  Fixed var = v * v;
  Fixed drift = carry + var * constant_ratio(1, 2, kUnit);
  Fixed rt = m.rate * tau;
  Fixed disc_r = fixed::exp(-rt);
  Fixed qt = m.yield * tau;
  Fixed disc_q = fixed::exp(-qt);
  Fixed s_disc_q = fixed::mul(b, disc_q, m.spot, kMoney);
  Fixed vega_factor = fixed::mul(b, s_disc_q, sqrt_tau, kMoney);
  Fixed theta_factor = fixed::mul(b, s_disc_q, fixed::div(b, sigma, sqrt_tau * 2, kUnit), kMoney);
  Fixed gamma_factor = fixed::div(b, disc_q * inv_v, m.spot, kMoney);
  return {expired, tau,    sqrt_tau, sigma,       sd,           v,           drift,
          disc_r,  disc_q, s_disc_q, vega_factor, theta_factor, gamma_factor};
}

Greeks european(Builder& b, const Market& m, const Expiry& e, const Expr& strike_raw, const Expr& is_call) {
  auto s = b.scope("bsm option");
  b.assert_boolean(is_call, "call or put is boolean");
  Fixed strike = fixed::from_raw(b, strike_raw, kMoney);
  Fixed lnk = fixed::ln(strike) - m.ln_spot;  // K > 0 is ln's constraint
  Fixed d1 = fixed::div(b, e.drift - lnk, e.v, kWide);
  Fixed d2 = d1 - e.v;
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
  Fixed gamma = money(phi, e.gamma_factor);
  Fixed vega = money(phi, e.vega_factor);
  Fixed theta_q = money(m.yield, a);
  Fixed theta_t = money(phi, e.theta_factor);
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
  Expiry e = expiry(b, m, tau, sigma_raw);
  // An expired option is worth its intrinsic value whatever sigma is: no implied volatility.
  b.assert_equal(e.expired, Expr(0), "option not expired");
  b.assert_equal(fixed::less_or_equal(constant_decimal(kVolFloor, kUnit), e.sd), Expr(1),
                 "implied volatility above the floor");
  Greeks g = european(b, m, e, strike_raw, is_call);
  Fixed quote = fixed::from_raw(b, quote_raw, kMoney);
  Fixed eps = fixed::from_raw(b, eps_raw, kMoney);
  Fixed vega_floor = fixed::from_raw(b, vega_floor_raw, kMoney);
  // A vega floor of 0 would let a flat quote (deep out of the money) admit almost any sigma.
  b.assert_equal(fixed::less_than(constant_ratio(0, 1, kMoney), vega_floor), Expr(1),
                 "vega floor is positive");
  Fixed miss = fixed::abs(g.price - quote);
  b.assert_equal(fixed::less_or_equal(miss, eps), Expr(1), "price within eps of the quote");
  b.assert_equal(fixed::less_or_equal(vega_floor, g.vega), Expr(1), "vega at least the floor");
  return e.sigma;
}

}  // namespace pm::gadgets::bsm
