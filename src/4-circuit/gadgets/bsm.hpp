#pragma once
/// \file European options under Black-Scholes-Merton (continuous yield q; Black-76 on a forward
/// is q = r): price and the five Greeks, in fixed point, as constraints.
///
/// With k = K / S (ln k = ln K - ln S):
///   d1 = (drift - ln k) / v,  d2 = d1 - v,  v = max(sigma sqrt(tau), 1e-4),
///   drift = (r - q) tau + v^2 / 2,  D = e^(-r tau),  Dq = e^(-q tau),  w = +1 call / -1 put,
///   price = S (Dq w N(w d1) - k D w N(w d2)),   delta = Dq w N(w d1),
///   gamma = Dq phi(d1) / (S v),   vega = S Dq phi(d1) sqrt(tau),   rho = S k tau D w N(w d2),
///   theta = S (-Dq phi(d1) sigma / (2 sqrt(tau)) - r k D w N(w d2) + q Dq w N(w d1))  (per year).
/// w N(w x) is N(x) for a call and N(x) - 1 for a put: a selection, not a branch. An option whose
/// expiry is not after the snapshot (tau <= 0) is worth its intrinsic value, with delta +-1 in the
/// money and 0 otherwise and the other Greeks 0; its expiry's terms are computed at tau = 1 s so
/// the rest stays satisfiable. sigma sqrt(tau) below 1e-4 is floored there (Lyra and Derive
/// clamp too); above it the errors are those docs/STATEMENTS.md states and bsm.test.cpp asserts
/// against QuantLib.
///
/// Domains (constraints, not only witness code): 0 < S < 2^40, 0 < K with K / S < 2^16,
/// 0 < sigma < 2^16, |r|, |q| < 2^16, tau < 2^16 years.

#include <cstdint>
#include <span>

#include "gadgets/fixed.hpp"

namespace pm::gadgets::bsm {

using circuit::Builder;
using circuit::Expr;
using ff::Fr;
using fixed::Fixed;
using fixed::Format;

/// Fractional bits of every value (resolution 2^-kFrac).
inline constexpr unsigned kFrac = 48;
/// Per unit of spot: moneyness, d's, N, discount factors, tau (|x| < 2^16).
inline constexpr Format kUnit{kFrac, 16};
/// Spot, strikes, prices and the scaled Greeks (|x| < 2^48).
inline constexpr Format kMoney{kFrac, 48};
/// d1 and d2 before the normal CDF (|d| < 2^24: ln 5 / 1e-4 and more).
inline constexpr Format kWide{kFrac, 24};
/// Seconds in a year (ACT/365): tau = (expiry - timestamp) / kYearSeconds.
inline constexpr std::int64_t kYearSeconds = 31536000;
/// The floor on sigma sqrt(tau), as a decimal.
inline constexpr const char* kVolFloor = "0.0001";

struct Market {
  Fixed spot;   ///< kMoney
  Fixed rate;   ///< kUnit
  Fixed yield;  ///< kUnit
  Fixed ln_spot;
};

/// Range-checks the inputs into their formats, S > 0, and ln S.
Market market(Builder& b, const Expr& spot_raw, const Expr& rate_raw, const Expr& yield_raw);

/// tau in years from two timestamps in seconds (each < 2^40): (to - from) / kYearSeconds,
/// rounded to 2^-48; negative when `to` is earlier.
Fixed years_between(Builder& b, const Expr& from, const Expr& to);

/// Terms shared by the options of one expiry (money: times S).
struct Expiry {
  Expr expired;  ///< boolean: tau <= 0
  Fixed tau, sqrt_tau, sigma;
  Fixed sd;  ///< sigma sqrt(tau), before the floor
  Fixed v;   ///< max(sd, kVolFloor)
  Fixed drift, disc_r, disc_q;
  Fixed s_disc_q;      ///< S Dq
  Fixed vega_factor;   ///< S Dq sqrt(tau)
  Fixed theta_factor;  ///< S Dq sigma / (2 sqrt(tau))
  Fixed gamma_factor;  ///< Dq / (S v)
};
/// sigma_raw in kUnit, range-checked (sigma > 0).
Expiry expiry(Builder& b, const Market& m, const Fixed& tau, const Expr& sigma_raw);

/// The oracle's signed message for a snapshot: the Poseidon sponge of
///   [kSnapshotDomain, feed_id, timestamp, spot, rate, yield, n, expiry_1, vol_1, ..., expiry_n, vol_n]
/// (spot, rate, yield and vols as raw fixed-point values at kFrac bits, negative ones mod r;
/// timestamps in seconds). EdDSA-Poseidon signs this field element.
Fr snapshot_message(const Fr& feed_id, std::uint64_t timestamp, const Fr& spot, const Fr& rate,
                    const Fr& yield, std::span<const std::uint64_t> expiries, std::span<const Fr> vols);
Expr snapshot_message(Builder& b, const Expr& feed_id, const Expr& timestamp, const Expr& spot,
                      const Expr& rate, const Expr& yield, std::span<const Expr> expiries,
                      std::span<const Expr> vols);
/// "proofmill/bsm-snapshot/v1" read as a big-endian integer: the message's first element, so
/// that no other message the oracle signs can be read as a snapshot.
Fr snapshot_domain();

struct Greeks {
  Fixed price, delta, gamma, vega, theta, rho;
};
/// One option; strike_raw in kMoney (K > 0), is_call boolean (asserted unless known).
Greeks european(Builder& b, const Market& m, const Expiry& e, const Expr& strike_raw, const Expr& is_call);

/// The implied-volatility statement: sigma comes from a hint (bisection on the price, natively)
/// and is constrained instead of iterated: the option priced at sigma is within `eps` of
/// `quote` ("price within eps of the quote"), its vega is at least `vega_floor` ("vega at least
/// the floor"), and sigma sqrt(tau) is at least the volatility floor (no floored pricing). Since
/// the price increases with sigma, sigma is then within (2 eps + 2 delta) / vega of the true
/// implied volatility (delta: the price's own error; docs/STATEMENTS.md). quote, eps and
/// vega_floor are raw kMoney values.
Fixed implied_vol(Builder& b, const Market& m, const Fixed& tau, const Expr& strike_raw, const Expr& is_call,
                  const Expr& quote_raw, const Expr& eps_raw, const Expr& vega_floor_raw);

}  // namespace pm::gadgets::bsm
