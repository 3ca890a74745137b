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
#include <optional>
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
/// Position totals (|x| < 2^52).
inline constexpr Format kTotal{kFrac, 52};
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

/// Terms shared by the options of one expiry, whatever their volatility (money: times S).
struct Expiry {
  Expr expired;  ///< boolean: tau <= 0
  Fixed tau, sqrt_tau;
  Fixed carry;  ///< (r - q) tau = ln(F / S)
  Fixed disc_r, disc_q;
  Fixed s_disc_q;      ///< S Dq
  Fixed vega_factor;   ///< S Dq sqrt(tau)
  Fixed half_inv_tau;  ///< 1 / (2 tau), kWide (up to 2^24 at tau = 1 s)
};
Expiry expiry(Builder& b, const Market& m, const Fixed& tau);

/// The volatility an option is priced at, from its standard deviation sd = sigma sqrt(tau).
struct Vol {
  Fixed sd;            ///< sigma sqrt(tau), before the floor
  Fixed v;             ///< max(sd, kVolFloor)
  Fixed drift;         ///< (r - q) tau + v^2 / 2
  Fixed theta_factor;  ///< S Dq sigma / (2 sqrt(tau)) = S Dq sd / (2 tau)
  /// Dq / (S v) where the volatility is shared (a flat one: once per expiry); otherwise S v, and
  /// each option's gamma is Dq phi(d1) / (S v), one division instead of two.
  std::optional<Fixed> gamma_factor, s_v;
  /// sigma itself, for a flat volatility (its input, range-checked once).
  std::optional<Fixed> sigma;
};
/// A flat volatility sigma (sigma_raw in kUnit, range-checked, sigma > 0): once per expiry.
Vol flat_vol(Builder& b, const Market& m, const Expiry& e, const Expr& sigma_raw);

/// An SVI slice (Gatheral's raw parameterisation, as Derive publishes it): the total implied
/// variance at log-moneyness k = ln(K / F) is
///   w(k) = a + b (rho (k - m) + sqrt((k - m)^2 + sigma^2)),
/// so the option's sigma sqrt(tau) is sqrt(w). Constraints: b >= 0, -1 < rho < 1, sigma >= 0
/// ("SVI slice is valid"); all in kUnit.
struct Svi {
  Fixed a, b, rho, m, sigma, sigma_sq;
};
Svi svi(Builder& b, const Expr& a_raw, const Expr& b_raw, const Expr& rho_raw, const Expr& m_raw,
        const Expr& sigma_raw);

/// A strike and its log-moneyness against spot, ln(K / S) (K > 0 is ln's constraint).
struct Strike {
  Fixed k, ln_moneyness;
};
Strike strike(Builder& b, const Market& m, const Expr& strike_raw);

/// The option's volatility on an SVI slice: sd = sqrt(max(w(k), 0)) at k = ln(K / S) - (r - q) tau.
/// A slice negative at this strike (not arbitrage-free there) prices at the floor, not an
/// unprovable batch.
Vol svi_vol(Builder& b, const Market& m, const Expiry& e, const Svi& s, const Strike& k);

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

/// The same for a snapshot whose expiries carry SVI slices:
///   [kSviSnapshotDomain, feed_id, timestamp, spot, rate, yield, n,
///    expiry_1, a_1, b_1, rho_1, m_1, sigma_1, ..., expiry_n, ..., sigma_n]
/// with "proofmill/bsm-svi-snapshot/v1" as the domain: a flat snapshot never reads as an SVI one.
/// slices: five raw values an expiry.
Fr svi_snapshot_message(const Fr& feed_id, std::uint64_t timestamp, const Fr& spot, const Fr& rate,
                        const Fr& yield, std::span<const std::uint64_t> expiries, std::span<const Fr> slices);
Expr svi_snapshot_message(Builder& b, const Expr& feed_id, const Expr& timestamp, const Expr& spot,
                          const Expr& rate, const Expr& yield, std::span<const Expr> expiries,
                          std::span<const Expr> slices);
Fr svi_snapshot_domain();

struct Greeks {
  Fixed price, delta, gamma, vega, theta, rho;
};
/// One option; strike in kMoney (K > 0), is_call boolean (asserted unless known).
Greeks european(Builder& b, const Market& m, const Expiry& e, const Vol& vol, const Strike& k,
                const Expr& is_call);
Greeks european(Builder& b, const Market& m, const Expiry& e, const Vol& vol, const Expr& strike_raw,
                const Expr& is_call);

/// Totals of positions: each option's size (kMoney; negative for a short position) times its price
/// and Greeks, summed and rounded once (fixed::dot: one constraint an option and Greek). price is
/// the position's value. In kTotal.
Greeks totals(Builder& b, std::span<const Fixed> sizes, std::span<const Greeks> greeks);

/// A batch's options and results as one field element (the circuit's commitment mode): the
/// Poseidon sponge of [results_domain(), M, E, n, salt, then per option slot strike, call, size,
/// price, delta, gamma, vega, theta, rho] (raw values; negative ones mod r): M the snapshot's
/// message, E expiries of n slots each. `committed` is [salt, rows...]: 1 + kResultRow E n values.
/// The salt (a private random field element) keeps a small book from being found by trying
/// candidates against the commitment.
inline constexpr std::size_t kResultRow = 9;
Fr results_commitment(const Fr& message, std::size_t expiries, std::size_t per,
                      std::span<const Fr> committed);
Expr results_commitment(Builder& b, const Expr& message, std::size_t expiries, std::size_t per,
                        std::span<const Expr> committed);
/// "proofmill/bsm-results/v1" as a big-endian integer.
Fr results_domain();

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
