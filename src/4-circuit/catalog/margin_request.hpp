#pragma once
/// \file The decimal JSON of margin requests (docs/STATEMENTS.md, "Cross margin": "Using it"): a
/// venue's accounts and markets turned into `margin_cross`'s input and parameters, account
/// leaves computed natively, and a proof's public signals decoded back into outcomes.
///
/// Request:
///   {"layout": {"perpetuals": 4, "options": 0},
///    "markets": [{"snapshot": <signed snapshot, `oracle sign`; "expiries" may be []>,
///                 "funding_index": "12.5",
///                 "tiers": [{"risk_factor": "0.02"}, {"from": "100000", "risk_factor": "0.05"}]}],
///    "accounts": [{"id": 7, "owner": [Ax, Ay], "nonce": 3, "collateral": "20000", "salt": "123",
///                  "perpetuals": [{"market": "1", "size": "-2", "entry": "64000", "funding": "10"},
///                                 null]}]}
/// A tier applies from its notional (|size| x spot, quote units) up; the first starts at 0. Risk
/// factors are decimals with at most 6 places. `null` (or size 0) is an empty slot; slots keep
/// their order, which the leaf depends on. Markets are proven in increasing feed_id order.
/// Decimals as in the options request (strings or JSON numbers, exact at 48 fractional bits).
/// Every error names the field.

#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/registry.hpp"

namespace pm::catalog::margin {

struct Prepared {
  std::string statement = "margin_cross";  ///< or "margin_portfolio" (a request with "grid")
  /// margin_cross: accounts, perpetuals, options, markets, tiers, expiries, healthier (a request
  /// with "before" and "after" instead of "accounts": the healthier rule); margin_portfolio:
  /// perpetuals, options, expiries, cdf_bits, grid, reveal
  Params params;
  nlohmann::ordered_json input;           ///< the circuit's input JSON
  std::vector<ff::Fr> snapshots;          ///< each market's signed message, in proof order
  ff::Fr risk;                            ///< the risk parameters' hash R
  std::vector<ff::Fr> leaves;             ///< each account's leaf, in request order
  std::vector<std::size_t> market_order;  ///< proof position -> request index
};

/// Checks the request (signatures included, natively) and lays it out.
Prepared prepare(const nlohmann::json& request);

/// The statement's public signal count at these parameters: margin_cross 4 markets + 2
/// accounts + 3; margin_portfolio 8 (11 with reveal).
std::size_t public_signal_count(std::string_view statement, const Params& params);

/// {"risk": R, "oracle_key", "markets": [{feed_id, timestamp, funding_index, snapshot}],
///  "accounts": [{"id", "leaf", "outcome": "healthy" | "liquidatable" | "bankrupt"}]}: the
/// outcomes read from the public signals, which must be this request's (Error(Errc::mismatch)).
nlohmann::ordered_json decode(const nlohmann::json& request, std::span<const ff::Fr> public_signals);

/// The outcome names, by the circuit's value.
inline constexpr const char* kOutcomes[3] = {"healthy", "liquidatable", "bankrupt"};
inline constexpr const char* kPortfolioOutcomes[3] = {"meets_initial", "meets_maintenance", "liquidatable"};
inline constexpr const char* kHealthierOutcomes[3] = {"healthy_after", "healthier", "neither"};

}  // namespace pm::catalog::margin
