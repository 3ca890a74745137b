#pragma once
/// \file Portfolio margin on a scenario grid (SPAN-like, as Paradex publishes it): one
/// underlying's perpetuals and European options re-priced under every scenario of a grid of
/// spot and implied-volatility shocks (docs/STATEMENTS.md, "Portfolio margin").
///
///   shocked spot   S_s = S (1 + delta_s)
///   shocked vol    sigma_s = sigma (1 + nu_s (30 / max(1, DTE))^VP),  VP = vp_short if DTE < 30
///                  else vp_long
///   loss           L_s = V_0 - V_s (options at Black-Scholes-Merton, perpetuals linear)
///   SCAN           max(0, max_s w_s L_s)
///   MDR            (mdr_net |net delta| + mdr_hedged hedged delta) S,
///                  hedged = (sum |delta_i| - |net|) / 2
///   IMR = max(SCAN, MDR) + provision,  MMR = mm max(SCAN, MDR) + provision,
///   provision = provision rate x sum |size| S
///   equity = collateral + perpetual PnL less funding + options at the model's value
///   outcome 0 equity >= IMR, 1 MMR <= equity < IMR, 2 equity < MMR (liquidatable).
///
/// The grid is compiled into the circuit (a named, versioned table: a verifying key pins it),
/// so its shocks and weights are constants: the shocked spot and ln(1 + delta_s) cost nothing.
/// Everything per expiry (tau, discount factors, the volatility scaling) and per expiry and
/// scenario (the shocked volatility, 1 / v) is at 48 fractional bits; each option's price under
/// a scenario uses normal_cdf at `cdf_bits` (its accuracy is stated in docs/STATEMENTS.md).
#include <cstdint>
#include <string>
#include <vector>

#include "gadgets/fixed.hpp"
#include "gadgets/margin.hpp"

namespace pm::gadgets::portfolio {

using circuit::Builder;
using circuit::Expr;
using ff::Fr;
using fixed::Fixed;

struct Scenario {
  int spot_pct;         ///< delta_s in percent
  int vol_pct;          ///< nu_s in percent
  const char* weight;   ///< w_s, a decimal
  const char* ln_spot;  ///< ln(1 + delta_s) to 30 digits (the circuit is the same on every host)
};
struct Grid {
  const char* name;
  std::vector<Scenario> scenarios;  ///< the base scenario (0, 0) is always evaluated besides
  const char* vp_short;             ///< VegaPower below 30 days
  const char* vp_long;
  const char* mm;          ///< MMR's fraction of the net IMR
  const char* mdr_net;     ///< minimum delta requirement, on |net delta|
  const char* mdr_hedged;  ///< on the hedged delta
  const char* provision;   ///< fee provision, a fraction of |size| S per position
};
/// The built-in grids, by the circuit parameter `grid`: 0 is Paradex's published grid (24
/// scenarios; the fee provision, which Paradex does not publish as a formula, is 0.03% of
/// notional).
const std::vector<Grid>& grids();

/// One underlying's market and its account, as circuit inputs.
struct Inputs {
  Expr feed, timestamp, spot, rate, yield, funding;  ///< spot, rate, yield raw at 48 bits
  std::vector<Expr> expiries, vols;                  ///< the snapshot's expiries (seconds), flat vols
  margin::AccountInputs account;
};

struct Result {
  Expr outcome;                                  ///< 0 meets IMR, 1 meets MMR only, 2 liquidatable
  Fixed equity, imr, mmr, scan, mdr, provision;  ///< at 48 bits
  std::vector<Fixed> weighted_loss;              ///< w_s L_s per scenario of the grid
};

/// The statement's rule for one account; option slots must name `feed` and one of the snapshot's
/// expiries, which must be after `timestamp`.
Result portfolio_margin(Builder& b, const Inputs& in, const Grid& grid, unsigned cdf_bits);

/// Option slot words (margin::option_word's layout): w' = 0 or
/// (size_raw + 2^79) + 2^80 + 2^81 call + 2^82 market + 2^114 expiry.
struct OptionSlot {
  Expr used, call, size;    ///< size raw (0 when empty)
  std::vector<Expr> sigma;  ///< [expiry = expiries[e]]
};
OptionSlot decode_option(Builder& b, const Expr& word, const Expr& feed, std::span<const Expr> expiries);

}  // namespace pm::gadgets::portfolio
