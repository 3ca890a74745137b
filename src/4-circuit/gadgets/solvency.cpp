#include "gadgets/solvency.hpp"

#include <string>

#include "base/error.hpp"
#include "gadgets/margin.hpp"
#include "gadgets/poseidon.hpp"

namespace pm::gadgets::solvency {
namespace {

Fr pack(std::uint64_t equity, std::uint64_t debt) {
  return Fr::from_canonical_reduced(ff::u256{equity, debt, 0, 0});
}

void check_assets(std::size_t a, std::size_t b, const char* what) {
  if (a == 0 || a > kMaxAssets || a != b) {
    throw Error(Errc::invalid_argument, std::string(what) + ": 1 to " + std::to_string(kMaxAssets) +
                                            " assets, the same number of each kind");
  }
}

// a * b * c exactly (below 2^192).
ff::u256 product(std::uint64_t a, std::uint64_t b, std::uint64_t c) {
  const ff::u128 ab = static_cast<ff::u128>(a) * b;
  const ff::u128 lo = static_cast<ff::u128>(static_cast<std::uint64_t>(ab)) * c;
  const ff::u128 hi = static_cast<ff::u128>(static_cast<std::uint64_t>(ab >> 64)) * c + (lo >> 64);
  return {static_cast<std::uint64_t>(lo), static_cast<std::uint64_t>(hi),
          static_cast<std::uint64_t>(hi >> 64), 0};
}

std::size_t padded(std::size_t n) {
  std::size_t w = 1;
  while (w < n) w *= 2;
  return w;
}

}  // namespace

Fr batch_domain() { return margin::domain_tag("proofmill/solvency-batch/v1"); }
Fr price_domain() { return margin::domain_tag("proofmill/solvency-prices/v1"); }
Fr custody_domain() { return margin::domain_tag("proofmill/custody/v1"); }

Fr custody_message(const Fr& holder, const Fr& round, std::span<const Fr> assets,
                   std::span<const Fr> amounts) {
  check_assets(assets.size(), amounts.size(), "custody_message");
  std::vector<Fr> in{custody_domain(), holder, round, Fr::from_u64(amounts.size())};
  for (std::size_t a = 0; a < assets.size(); ++a) in.insert(in.end(), {assets[a], amounts[a]});
  return poseidon_sponge(in);
}

Expr custody_message(Builder& b, const Expr& holder, const Expr& round, std::span<const Expr> assets,
                     std::span<const Expr> amounts) {
  check_assets(assets.size(), amounts.size(), "custody_message");
  std::vector<Expr> in{Expr(custody_domain()), holder, round, Expr(Fr::from_u64(amounts.size()))};
  for (std::size_t a = 0; a < assets.size(); ++a) in.insert(in.end(), {assets[a], amounts[a]});
  return poseidon_sponge(b, in);
}

Fr user_leaf(const UserValues& u) {
  check_assets(u.equity.size(), u.debt.size(), "user_leaf");
  std::vector<Fr> in{u.id_hash};
  for (std::size_t a = 0; a < u.equity.size(); ++a) in.push_back(pack(u.equity[a], u.debt[a]));
  return poseidon(in);
}

bool meets_collateral_rule(const UserValues& u, const PriceValues& p) {
  check_assets(u.equity.size(), p.price.size(), "meets_collateral_rule");
  // Exact in 256-bit integers: each side is below 2^152.
  ff::u256 collateral{}, debt{};
  for (std::size_t a = 0; a < u.equity.size(); ++a) {
    (void)ff::add_carry(collateral, collateral, product(p.price[a], p.haircut[a], u.equity[a]));
    (void)ff::add_carry(debt, debt, product(p.price[a], u.debt[a], kHaircutOne));
  }
  return !ff::lt(collateral, debt);
}

Fr price_hash(const PriceValues& p) {
  check_assets(p.price.size(), p.haircut.size(), "price_hash");
  std::vector<Fr> in{price_domain(), Fr::from_u64(p.price.size())};
  for (std::size_t a = 0; a < p.price.size(); ++a) in.push_back(a < p.asset.size() ? p.asset[a] : Fr::zero());
  for (auto v : p.price) in.push_back(Fr::from_u64(v));
  for (auto v : p.haircut) in.push_back(Fr::from_u64(v));
  return poseidon_sponge(in);
}

Fr tree_root(std::vector<Fr> leaves) {
  if (leaves.empty()) throw Error(Errc::invalid_argument, "tree_root: no leaves");
  leaves.resize(padded(leaves.size()), Fr::zero());
  while (leaves.size() > 1) {
    std::vector<Fr> up;
    for (std::size_t i = 0; i < leaves.size(); i += 2)
      up.push_back(poseidon(std::vector<Fr>{leaves[i], leaves[i + 1]}));
    leaves = std::move(up);
  }
  return leaves[0];
}

std::vector<Fr> tree_path(std::vector<Fr> leaves, std::size_t index) {
  if (index >= leaves.size()) throw Error(Errc::invalid_argument, "tree_path: index beyond the leaves");
  leaves.resize(padded(leaves.size()), Fr::zero());
  std::vector<Fr> path;
  while (leaves.size() > 1) {
    path.push_back(leaves[index ^ 1]);
    std::vector<Fr> up;
    for (std::size_t i = 0; i < leaves.size(); i += 2)
      up.push_back(poseidon(std::vector<Fr>{leaves[i], leaves[i + 1]}));
    leaves = std::move(up);
    index /= 2;
  }
  return path;
}

Fr batch_commitment(const Fr& round, const Fr& prices, const BatchValues& b) {
  check_assets(b.equity.size(), b.debt.size(), "batch_commitment");
  std::vector<Fr> in{batch_domain(), round, prices, b.root};
  in.insert(in.end(), b.equity.begin(), b.equity.end());
  in.insert(in.end(), b.debt.begin(), b.debt.end());
  return poseidon_sponge(in);
}

Fr batches_digest(std::span<const Fr> commitments, const Fr& z) {
  Fr d = Fr::zero();
  for (const auto& c : commitments) d = d * z + c;
  return d;
}

std::vector<Expr> price_weights(Builder& b, const Prices& p) {
  check_assets(p.price.size(), p.haircut.size(), "price_weights");
  std::vector<Expr> w;
  for (std::size_t a = 0; a < p.price.size(); ++a) {
    b.assert_range(p.price[a], kPriceBits, "price fits in 64 bits");
    b.assert_less_or_equal(b.assert_range(p.haircut[a], 20, "haircut fits in 20 bits"),
                           b.assert_range(Expr(Fr::from_u64(kHaircutOne)), 20), "haircut is at most 1");
    w.push_back(b.mul(p.price[a], p.haircut[a], "price weight"));
  }
  return w;
}

Expr price_hash(Builder& b, const Prices& p) {
  std::vector<Expr> in{Expr(price_domain()), Expr(Fr::from_u64(p.price.size()))};
  for (std::size_t a = 0; a < p.price.size(); ++a) in.push_back(a < p.asset.size() ? p.asset[a] : Expr(0));
  in.insert(in.end(), p.price.begin(), p.price.end());
  in.insert(in.end(), p.haircut.begin(), p.haircut.end());
  return poseidon_sponge(b, in);
}

Expr user_leaf(Builder& b, const User& u, const Prices& p, std::span<const Expr> weights) {
  check_assets(u.equity.size(), u.debt.size(), "user_leaf");
  check_assets(u.equity.size(), weights.size(), "user_leaf");
  const Expr shift(Fr::from_canonical_reduced(ff::u256{0, 1, 0, 0}));  // 2^64
  std::vector<Expr> in{u.id_hash};
  Expr collateral(Fr::zero()), debt(Fr::zero());
  for (std::size_t a = 0; a < u.equity.size(); ++a) {
    b.assert_range(u.equity[a], kBalanceBits, "equity is a 64-bit non-negative integer");
    b.assert_range(u.debt[a], kBalanceBits, "debt is a 64-bit non-negative integer");
    in.push_back(u.equity[a] + u.debt[a] * shift);
    collateral = collateral + b.mul(u.equity[a], weights[a], "collateral value");
    debt = debt + b.mul(u.debt[a], p.price[a], "debt value");
  }
  // 10^6 * debt <= collateral, both sides below 2^152 (kRuleBits).
  b.assert_range(collateral - debt * Expr(Fr::from_u64(kHaircutOne)), kRuleBits,
                 "debt is covered by haircut-weighted collateral");
  return poseidon(b, in);
}

Expr tree_root(Builder& b, std::vector<Expr> leaves) {
  if (leaves.empty()) throw Error(Errc::invalid_argument, "tree_root: no leaves");
  leaves.resize(padded(leaves.size()), Expr(Fr::zero()));
  while (leaves.size() > 1) {
    std::vector<Expr> up;
    for (std::size_t i = 0; i < leaves.size(); i += 2)
      up.push_back(poseidon(b, std::vector<Expr>{leaves[i], leaves[i + 1]}));
    leaves = std::move(up);
  }
  return leaves[0];
}

Batch batch(Builder& b, std::span<const User> users, const Prices& p) {
  if (users.empty()) throw Error(Errc::invalid_argument, "batch: no users");
  const auto weights = price_weights(b, p);
  const std::size_t assets = p.price.size();
  Batch out{Expr(Fr::zero()), std::vector<Expr>(assets, Expr(Fr::zero())),
            std::vector<Expr>(assets, Expr(Fr::zero()))};
  std::vector<Expr> leaves;
  for (const auto& u : users) {
    leaves.push_back(user_leaf(b, u, p, weights));
    // Sums of at most 2^32 balances below 2^64 each: below 2^96, far from r.
    for (std::size_t a = 0; a < assets; ++a) {
      out.equity[a] = out.equity[a] + u.equity[a];
      out.debt[a] = out.debt[a] + u.debt[a];
    }
  }
  out.root = tree_root(b, std::move(leaves));
  return out;
}

Expr batch_commitment(Builder& b, const Expr& round, const Expr& prices, const Batch& batch) {
  std::vector<Expr> in{Expr(batch_domain()), round, prices, batch.root};
  in.insert(in.end(), batch.equity.begin(), batch.equity.end());
  in.insert(in.end(), batch.debt.begin(), batch.debt.end());
  return poseidon_sponge(b, in);
}

}  // namespace pm::gadgets::solvency
