// The solvency batch against its native evaluation on random books, the cost per user, and each
// way an exchange could cheat: a negative balance, a debt hidden by an overflow or in the packing,
// an uncovered debt, a forged range proof, an out-of-range price or haircut.
#include "gadgets/solvency.hpp"

#include <gtest/gtest.h>

#include <random>

#include "circuit/testing.hpp"
#include "hash/poseidon.hpp"

namespace pm::gadgets::solvency {
namespace {

using json = nlohmann::ordered_json;
using circuit::testing::expect_rejected;
using circuit::testing::run_circuit;

struct Book {
  std::uint64_t round = 7;
  PriceValues prices;
  std::vector<UserValues> users;
};

circuit::Circuit batch_circuit(std::size_t users, std::size_t assets) {
  Builder b("solvency");
  Expr round = b.public_input("round");
  Prices p{b.private_inputs("price", assets), b.private_inputs("haircut", assets), {}};
  auto ids = b.private_inputs("id_hash", users);
  auto eq = b.private_inputs("equity", users * assets);
  auto de = b.private_inputs("debt", users * assets);
  std::vector<User> us;
  for (std::size_t u = 0; u < users; ++u) {
    us.push_back({ids[u], std::vector<Expr>(eq.begin() + u * assets, eq.begin() + (u + 1) * assets),
                  std::vector<Expr>(de.begin() + u * assets, de.begin() + (u + 1) * assets)});
  }
  Batch out = batch(b, us, p);
  b.public_output("root", out.root);
  b.public_outputs("equity_total", out.equity);
  b.public_outputs("debt_total", out.debt);
  b.public_output("commitment", batch_commitment(b, round, price_hash(b, p), out));
  return b.compile();
}

json inputs(const Book& k) {
  json in;
  in["round"] = std::to_string(k.round);
  in["price"] = json::array();
  in["haircut"] = json::array();
  for (auto v : k.prices.price) in["price"].push_back(std::to_string(v));
  for (auto v : k.prices.haircut) in["haircut"].push_back(std::to_string(v));
  in["id_hash"] = json::array();
  in["equity"] = json::array();
  in["debt"] = json::array();
  for (const auto& u : k.users) {
    in["id_hash"].push_back(u.id_hash.to_decimal());
    for (auto v : u.equity) in["equity"].push_back(std::to_string(v));
    for (auto v : u.debt) in["debt"].push_back(std::to_string(v));
  }
  return in;
}

std::vector<Fr> expected(const Book& k) {
  BatchValues bv;
  std::vector<Fr> leaves;
  const std::size_t assets = k.prices.price.size();
  bv.equity.assign(assets, Fr::zero());
  bv.debt.assign(assets, Fr::zero());
  for (const auto& u : k.users) {
    leaves.push_back(user_leaf(u));
    for (std::size_t a = 0; a < assets; ++a) {
      bv.equity[a] += Fr::from_u64(u.equity[a]);
      bv.debt[a] += Fr::from_u64(u.debt[a]);
    }
  }
  bv.root = tree_root(leaves);
  std::vector<Fr> out{bv.root};
  out.insert(out.end(), bv.equity.begin(), bv.equity.end());
  out.insert(out.end(), bv.debt.begin(), bv.debt.end());
  out.push_back(batch_commitment(Fr::from_u64(k.round), price_hash(k.prices), bv));
  return out;
}

// Users who meet the rule: debt in one asset against a larger collateral in others, extreme
// balances (2^64 - 1) included.
Book random_book(std::size_t users, std::size_t assets, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  Book k;
  for (std::size_t a = 0; a < assets; ++a) {
    k.prices.price.push_back(1 + rng() % 100000);
    k.prices.haircut.push_back(a == 0 ? kHaircutOne : 500000 + rng() % 500000);
  }
  for (std::size_t u = 0; u < users; ++u) {
    UserValues v{Fr::from_u64(rng() >> 8), {}, {}};
    for (std::size_t a = 0; a < assets; ++a) {
      v.equity.push_back(u == 0 && a == 0 ? ~std::uint64_t{0} : rng() % 1000000000);
      v.debt.push_back(a == assets - 1 && u % 2 == 1 ? rng() % 1000 : 0);
    }
    k.users.push_back(v);
  }
  return k;
}

TEST(Solvency, BatchMatchesNativeEvaluation) {
  for (std::uint64_t seed : {1u, 2u}) {
    Book k = random_book(5, 3, seed);
    for (const auto& u : k.users) ASSERT_TRUE(meets_collateral_rule(u, k.prices));
    run_circuit(batch_circuit(5, 3), inputs(k), expected(k), {.prove = seed == 1});
  }
}

TEST(Solvency, CollateralRuleAtItsEdge) {
  // 1,000 units of collateral at price 1,000 and haircut 0.6 are worth 600,000: a debt of 600
  // units at price 1,000 is covered exactly, 601 is not.
  Book k;
  k.prices = {{1000, 1000}, {600000, kHaircutOne}, {}};
  k.users = {{Fr::from_u64(5), {1000, 0}, {0, 600}}};
  ASSERT_TRUE(meets_collateral_rule(k.users[0], k.prices));
  run_circuit(batch_circuit(1, 2), inputs(k), expected(k), {.prove = false});
  k.users[0].debt[1] = 601;
  ASSERT_FALSE(meets_collateral_rule(k.users[0], k.prices));
  expect_rejected(batch_circuit(1, 2), inputs(k), {}, "debt is covered by haircut-weighted collateral");
}

TEST(Solvency, CostPerUserAsDocumented) {
  auto constraints = [](std::size_t users, std::size_t assets) {
    return static_cast<long>(batch_circuit(users, assets).num_constraints());
  };
  // Two more users: two more leaves and two more tree nodes.
  const long per_user = (constraints(4, 8) - constraints(2, 8)) / 2;
  // 16 range checks of 64 bits (65 constraints each), 16 products, the rule's 152-bit check (153),
  // Poseidon(9) and a tree node: 1,866 (gadgets/solvency.hpp).
  EXPECT_EQ(per_user, 2 * 8 * 65 + 2 * 8 + 153 + 417 + 240);
  EXPECT_EQ(per_user, 1866);
  // 512 users of 8 assets fit a 2^20 domain beside the batch's own terms (solvency_batch).
  EXPECT_LT(constraints(4, 8) + 508 * per_user, (1 << 20) - 2);
}

UserValues& first(Book& k) { return k.users[0]; }

TEST(Solvency, RejectsCheatingBalances) {
  const auto c = batch_circuit(2, 2);
  Book honest = random_book(2, 2, 3);
  auto in = inputs(honest);
  // A negative equity (r - 5) would lower the totals.
  in["equity"][1] = (Fr::zero() - Fr::from_u64(5)).to_decimal();
  expect_rejected(c, in, {}, "equity is a 64-bit non-negative integer");
  // A debt of 2^64 + 3 hidden by the packing's overflow into the next limb.
  in = inputs(honest);
  in["debt"][0] = "18446744073709551619";
  expect_rejected(c, in, {}, "debt is a 64-bit non-negative integer");
  // The same packed word with 2^64 moved from debt into equity (Binance's issue 4): equity then
  // no longer fits 64 bits.
  Book k = random_book(2, 2, 4);
  first(k).debt[1] = 1;
  first(k).equity[0] = 1000000;
  in = inputs(k);
  in["equity"][1] = "18446744073709551616";  // equity_1 + 2^64 * debt_1 with debt_1 = 0 instead of 1
  in["debt"][1] = "0";
  expect_rejected(c, in, {}, "equity is a 64-bit non-negative integer");
}

TEST(Solvency, RejectsAForgedRangeProof) {
  // Debt above the collateral, and a range proof that hands back only the low 152 bits of the
  // (wrapped, negative) difference: the recomposition fails.
  Book k = random_book(1, 2, 5);
  first(k).equity = {1000, 0};
  first(k).debt[1] = 1000000000000ULL;
  ASSERT_FALSE(meets_collateral_rule(first(k), k.prices));
  circuit::SolveOptions forged;
  forged.hint_overrides["to_bits"] = [](std::span<const Fr> in, std::span<Fr> out) {
    const ff::u256 v = in[0].to_canonical();
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = Fr::from_u64(ff::bit(v, static_cast<unsigned>(i)));
  };
  expect_rejected(batch_circuit(1, 2), inputs(k), forged, "debt is covered by haircut-weighted collateral");
}

TEST(Solvency, RejectsOutOfRangePricesAndHaircuts) {
  const auto c = batch_circuit(1, 2);
  Book k = random_book(1, 2, 6);
  auto in = inputs(k);
  in["haircut"][1] = "1000001";
  expect_rejected(c, in, {}, "haircut is at most 1");
  in = inputs(k);
  in["price"][0] = "18446744073709551616";
  expect_rejected(c, in, {}, "price fits in 64 bits");
}

TEST(Solvency, EveryLeafAndTotalIsCommitted) {
  Book k = random_book(3, 2, 7);
  const Fr c = expected(k).back();
  Book omitted = k;
  omitted.users.pop_back();
  EXPECT_NE(expected(omitted).back(), c);
  Book changed = k;
  changed.users[2].equity[0] += 1;
  EXPECT_NE(expected(changed).back(), c);
  // Paths reach the root.
  std::vector<Fr> leaves;
  for (const auto& u : k.users) leaves.push_back(user_leaf(u));
  const Fr root = tree_root(leaves);
  for (std::size_t i = 0; i < leaves.size(); ++i) {
    auto path = tree_path(leaves, i);
    Fr node = leaves[i];
    for (std::size_t l = 0; l < path.size(); ++l) {
      node = ((i >> l) & 1) ? hash::poseidon(std::vector<Fr>{path[l], node})
                            : hash::poseidon(std::vector<Fr>{node, path[l]});
    }
    EXPECT_EQ(node, root);
  }
}

}  // namespace
}  // namespace pm::gadgets::solvency
