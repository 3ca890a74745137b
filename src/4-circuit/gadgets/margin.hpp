#pragma once
/// \file Margin: committed accounts and StarkEx's cross-margin rule (docs/STATEMENTS.md, "Margin
/// and liquidation").
///
/// An account is one field element, the Poseidon sponge of its leaf (account_leaf): the owner,
/// the collateral, a salt and a fixed number of perpetual and option slots. Perpetual slot words
/// pack a position as  w = 0 (empty)  or  w = (size_raw + 2^79) + 2^80 + 2^81 market,
/// size_raw = size 2^48 in [-2^79, 2^79), market a feed id below 2^32.
///
/// The cross-margin rule, exactly over the integers (no rounding anywhere):
///   TV* = collateral_raw 2^48 + sum_i s_i (S - Phi - b_i)      (TV = TV* / 2^96)
///   TR* = sum_i |s_i| S rho_i                                   (TR = TR* / (10^6 2^96))
/// s_i the size, S the market's spot, Phi its funding index, b_i = entry - cached funding,
/// rho_i the risk factor in millionths of the tier |size| S falls in (tier boundaries in quote
/// units, per market). Outcome: 0 healthy (TV >= TR), 1 liquidatable (0 <= TV < TR),
/// 2 bankrupt (TV < 0).
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "circuit/builder.hpp"

namespace pm::gadgets::margin {

using circuit::Builder;
using circuit::Expr;
using ff::Fr;

/// Fractional bits of every value (sizes, prices, collateral), as in the option statement.
inline constexpr unsigned kFrac = 48;
/// Risk factors are integers in millionths: 20,000 is 2%.
inline constexpr std::uint64_t kRiskScale = 1000000;
/// Most perpetual slots an account layout has (the bounds on TV* and TR* assume it).
inline constexpr std::size_t kMaxPerpetuals = 64;
inline constexpr std::size_t kMaxOptions = 255;

/// A domain tag read as a big-endian integer ("proofmill/account/v1").
Fr domain_tag(std::string_view tag);
Fr account_domain();
Fr risk_domain();

// -- Native values (raw fixed point at kFrac bits; negative values as r - |x|).

struct Perpetual {
  Fr market;   ///< feed id, below 2^32
  Fr size;     ///< raw, |size| < 2^31 contracts; 0 for none
  Fr entry;    ///< entry price, raw in [0, 2^88)
  Fr funding;  ///< the funding index cached at the last settlement, raw in (-2^88, 2^88)
};
struct OptionPosition {
  Fr market, size, strike;
  bool call = true;
  std::uint64_t expiry = 0;
};
struct Account {
  std::uint64_t id = 0;  ///< the leaf's index in the venue's account tree, below 2^32
  Fr owner_ax, owner_ay;
  std::uint64_t nonce = 0;
  Fr collateral;  ///< raw, |c| < 2^63 quote units
  Fr salt;
  std::vector<Perpetual> perpetuals;  ///< at most the layout's perpetual slots
  std::vector<OptionPosition> options;
};

/// The slot words (Error(Errc::invalid_argument) naming the field out of range).
Fr perpetual_word(const Perpetual& p);
Fr option_word(const OptionPosition& o);

/// The leaf's preimage for a layout of `perpetuals` and `options` slots:
///   [D_A, perpetuals + 2^8 options, id, Ax, Ay, nonce, collateral, salt,
///    w_0, entry_0, funding_0, ..., w'_0, strike_0, ...]  (empty slots all zero)
std::vector<Fr> account_preimage(const Account& a, std::size_t perpetuals, std::size_t options);
Fr account_leaf(const Account& a, std::size_t perpetuals, std::size_t options);

/// The risk parameters of a set of markets: per market (feed ids strictly increasing) T - 1 tier
/// boundaries (notional in quote units, raw, strictly increasing, below 2^100) and T risk
/// factors (millionths, at most 10^6). R = sponge[D_R, markets, T, per market feed, B..., rho...].
struct MarketRisk {
  Fr feed;
  std::vector<Fr> boundaries;          ///< T - 1, raw
  std::vector<std::uint64_t> factors;  ///< T
};
Fr risk_hash(std::span<const MarketRisk> markets);

// -- Circuit.

/// The private values of one account as circuit inputs.
struct AccountInputs {
  Expr id, owner_ax, owner_ay, nonce, collateral, salt;
  std::vector<Expr> perp_word, perp_entry, perp_funding;  ///< one per perpetual slot
  std::vector<Expr> option_word, option_strike;           ///< one per option slot
};
Expr account_leaf(Builder& b, const AccountInputs& a);

/// One market as the margin rule reads it, range-checked (market_terms).
struct MarketTerms {
  Expr feed, spot, funding;
  std::vector<Expr> boundary;  ///< per boundary, raw (hashed into R)
  std::vector<Expr> beta;      ///< per boundary: min(ceil(B 2^48 / S), 2^80 - 1), the |size_raw| threshold
  std::vector<Expr> factor;    ///< per tier, in [0, 10^6]
  std::vector<Expr> risk;      ///< per tier, S rho: a position's risk is |size_raw| times its tier's
};
/// feed in [0, 2^32), spot raw in [1, 2^88), funding raw in (-2^88, 2^88), boundaries raw in
/// [0, 2^100) and increasing, factors in [0, 10^6]; the size thresholds from a hinted, proven
/// ceiling division.
MarketTerms market_terms(Builder& b, const Expr& feed, const Expr& spot, const Expr& funding,
                         std::span<const Expr> boundaries, std::span<const Expr> factors);
Expr risk_hash(Builder& b, std::span<const MarketTerms> markets);
/// Feed ids strictly increasing ("markets are distinct").
void assert_distinct_markets(Builder& b, std::span<const MarketTerms> markets);

/// A perpetual slot's word decoded (w = 0, or (size_raw + 2^79) + 2^80 + 2^81 market), its
/// market one of `feeds`: sigma[m] = [market = feeds[m]], all zero for an empty slot.
struct PerpetualSlot {
  Expr used, size, size_abs, nonneg;  ///< size: raw, 0 when empty; nonneg: [size >= 0]
  std::vector<Expr> sigma;
};
PerpetualSlot decode_perpetual(Builder& b, const Expr& word, std::span<const Expr> feeds);

/// [x < 0] for |x| < 2^n (n + 3 constraints): the bit is the hint `hint_name` (so a test can
/// lie about it), proven by a range check labelled `label`.
Expr sign_bit(Builder& b, const Expr& x, unsigned n, std::string_view hint_name, std::string_view label);

struct CrossMargin {
  Expr tv;            ///< TV*, |TV*| < 2^176
  Expr tr;            ///< TR*, in [0, 2^193)
  Expr outcome;       ///< 0 healthy, 1 liquidatable, 2 bankrupt
  Expr below_margin;  ///< [TV < TR]
};
/// The cross-margin rule for one account's perpetual slots; its option slots must be empty
/// ("no option in a cross-margin account").
CrossMargin cross_margin(Builder& b, std::span<const MarketTerms> markets, const AccountInputs& a);

/// StarkNet Perpetual's "healthier" rule for a change of an account's positions (a trade,
/// a deposit), by cross-multiplication: after the change the account is healthy, or its risk
/// fell (TR' < TR) and its ratio did not (TV' / TR' >= TV / TR, as TV' TR >= TV TR' on TV and TR
/// quantised to 2^-48 quote: value rounded down, risk up). outcome 0 healthy after, 1 not
/// healthy but healthier, 2 neither. Both accounts must be the same (id, owner); TV and TR each
/// within (-2^52, 2^52) quote units (`total value within the format`, `total risk within the
/// format`).
struct Healthier {
  Expr outcome;
  CrossMargin before, after;
};
Healthier healthier(Builder& b, std::span<const MarketTerms> markets, const AccountInputs& before,
                    const AccountInputs& after);

}  // namespace pm::gadgets::margin
