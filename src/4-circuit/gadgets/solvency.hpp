#pragma once
/// \file Proof of solvency (docs/STATEMENTS.md, "Solvency"): users' balances committed in
/// Poseidon leaves, summed per asset by a batch circuit that also enforces each user's
/// collateral rule, and batches joined by a top circuit into one root and one set of totals.
///
/// A user's leaf is circomlib's Poseidon(id_hash, p_1, ..., p_A) with p_a = equity_a + 2^64 *
/// debt_a, both halves range-checked to 64 bits before they are packed (so the packing is
/// injective: no debt hides in the equity's high bits). A batch's tree is a Poseidon(2) Merkle
/// tree over its leaves, padded with zero leaves to a power of two. A batch commitment is the
/// sponge of ("proofmill/solvency-batch/v1", round, price hash, batch root, equity totals, debt
/// totals); the top tree's leaves are the batch commitments.
///
/// Costs (A assets): a user 2A*65 (range checks) + 2A (products) + 153 (the collateral rule) +
/// Poseidon(A+1) + 240 (its share of the batch tree): 1,866 for A = 8, so 512 users fit a 2^20
/// domain. Pinned in solvency.test.cpp.

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "circuit/builder.hpp"

namespace pm::gadgets::solvency {

using circuit::Builder;
using circuit::Expr;
using ff::Fr;

/// Assets a leaf holds: Poseidon takes 16 inputs, one of them the id hash.
inline constexpr std::size_t kMaxAssets = 15;
/// Equity and debt of an asset, each below 2^64 (in the asset's smallest unit).
inline constexpr unsigned kBalanceBits = 64;
/// Prices (quote units per smallest unit of the asset, an integer) below 2^64.
inline constexpr unsigned kPriceBits = 64;
/// Haircuts are integers in millionths: 1,000,000 counts the collateral whole.
inline constexpr std::uint64_t kHaircutOne = 1000000;
/// The collateral rule compares sums of A products e * P * h and 10^6 * d * P: each side is below
/// 15 * 2^64 * 2^64 * 2^20 < 2^152, so their difference is range-checked to 152 bits.
inline constexpr unsigned kRuleBits = 152;

/// Reserves (on-chain balances, custodians' attested amounts) are below 2^96 each; with at most
/// 8 custodians and liabilities below 2^88 (4,096 batches of 4,096 users of 64-bit balances),
/// reserves + debt - equity lies in [0, 2^100) exactly when reserves cover net liabilities.
inline constexpr unsigned kReserveBits = 96;
inline constexpr unsigned kCoverBits = 100;
inline constexpr std::size_t kMaxCustodians = 8;

Fr batch_domain();    ///< "proofmill/solvency-batch/v1" as a big-endian integer
Fr price_domain();    ///< "proofmill/solvency-prices/v1"
Fr custody_domain();  ///< "proofmill/custody/v1"

// -- Native values.

struct UserValues {
  Fr id_hash;
  std::vector<std::uint64_t> equity, debt;  ///< one per asset
};
struct PriceValues {
  std::vector<std::uint64_t> price, haircut;
  std::vector<Fr> asset;  ///< each asset's name as a field element (margin::domain_tag); may be empty: zeros
};
struct BatchValues {
  Fr root;
  std::vector<Fr> equity, debt;  ///< per-asset totals (below B * 2^64)
};

/// Poseidon(id_hash, equity_a + 2^64 debt_a ...).
Fr user_leaf(const UserValues& u);
/// Whether debt <= haircut-weighted collateral at these prices (exact integers).
bool meets_collateral_rule(const UserValues& u, const PriceValues& p);
/// The sponge of ("proofmill/solvency-prices/v1", A, names, prices, haircuts).
Fr price_hash(const PriceValues& p);
/// The Merkle root of leaves padded with zeros to a power of two (at least 1 leaf).
Fr tree_root(std::vector<Fr> leaves);
/// Siblings of leaf `index` in the same tree, bottom-up.
std::vector<Fr> tree_path(std::vector<Fr> leaves, std::size_t index);
Fr batch_commitment(const Fr& round, const Fr& prices, const BatchValues& b);
/// What a custodian signs (EdDSA-Poseidon): the sponge of ("proofmill/custody/v1", holder,
/// round, A, then asset name and amount for each asset); the holder is the exchange's identifier,
/// so an attestation for one exchange is no use to another, and names bind amounts to assets.
Fr custody_message(const Fr& holder, const Fr& round, std::span<const Fr> assets,
                   std::span<const Fr> amounts);
/// Horner's digest of the batch commitments at z: ((c_0 z + c_1) z + ...) + c_{N-1}.
Fr batches_digest(std::span<const Fr> commitments, const Fr& z);

// -- Circuit.

struct User {
  Expr id_hash;
  std::vector<Expr> equity, debt;
};
struct Prices {
  std::vector<Expr> price, haircut;
  std::vector<Expr> asset;  ///< names (hashed only); empty: zeros
};
struct Batch {
  Expr root;
  std::vector<Expr> equity, debt;
};

/// Range-checks prices (< 2^64) and haircuts (<= 10^6) and returns the weights P_a * h_a.
std::vector<Expr> price_weights(Builder& b, const Prices& p);
Expr price_hash(Builder& b, const Prices& p);
/// Range-checks the user's balances, enforces 10^6 * sum d_a P_a <= sum e_a P_a h_a, and returns
/// the leaf.
Expr user_leaf(Builder& b, const User& u, const Prices& p, std::span<const Expr> weights);
Expr tree_root(Builder& b, std::vector<Expr> leaves);
/// The batch circuit's body: every user's leaf, the tree and the per-asset totals.
Batch batch(Builder& b, std::span<const User> users, const Prices& p);
Expr batch_commitment(Builder& b, const Expr& round, const Expr& prices, const Batch& batch);
Expr custody_message(Builder& b, const Expr& holder, const Expr& round, std::span<const Expr> assets,
                     std::span<const Expr> amounts);

}  // namespace pm::gadgets::solvency
