// A batch of a proof of solvency: B users' balances in A assets, each user's collateral rule at
// the round's prices, and one public commitment to the batch's root and per-asset totals
// (docs/STATEMENTS.md, "Solvency").
#include <nlohmann/json.hpp>

#include "catalog/registry.hpp"
#include "gadgets/solvency.hpp"

namespace pm::catalog {
namespace {

namespace sv = gadgets::solvency;

// Four users of the default eight assets: two plain holders, one borrowing asset 7 against assets
// 0 and 1, one empty; prices and haircuts as a venue might set them.
std::string example() {
  nlohmann::ordered_json in;
  in["round"] = "1";
  for (int a = 0; a < 8; ++a) in["asset"].push_back(std::to_string(a + 1));
  const std::uint64_t price[8] = {1, 65000, 3500, 150, 1, 1, 20, 7};
  const std::uint64_t haircut[8] = {1000000, 950000, 900000, 800000, 1000000, 990000, 700000, 600000};
  for (int a = 0; a < 8; ++a) {
    in["price"].push_back(std::to_string(price[a]));
    in["haircut"].push_back(std::to_string(haircut[a]));
  }
  for (int u = 0; u < 4; ++u) {
    in["id_hash"].push_back(std::to_string(1000 + u));
    for (int a = 0; a < 8; ++a) {
      in["equity"].push_back(u == 3 ? "0" : std::to_string((u + 1) * (a + 1) * 1000));
      in["debt"].push_back(u == 2 && a == 7 ? "5000" : "0");
    }
  }
  return in.dump();
}

}  // namespace

CircuitDef solvency_batch_circuit() {
  return {
      .name = "solvency_batch",
      .description =
          "proof of solvency, one batch: `users` leaves Poseidon(id_hash, equity + 2^64 debt per asset) with "
          "64-bit balances and debt <= haircut-weighted collateral at the round's prices; public: the batch "
          "commitment (round, price hash of asset names, prices and haircuts, root, per-asset totals); "
          "docs/STATEMENTS.md",
      .params = {{"users", 4, 1, 4096, "users in the batch (the tree is padded with zero leaves)"},
                 {"assets", 8, 1, sv::kMaxAssets, "assets per user (equity and debt each)"}},
      .define =
          [](circuit::Builder& b, const Params& p) {
            const std::size_t users = p.at("users"), assets = p.at("assets");
            circuit::Expr round = b.private_input("round");
            sv::Prices prices{b.private_inputs("price", assets), b.private_inputs("haircut", assets),
                              b.private_inputs("asset", assets)};
            auto ids = b.private_inputs("id_hash", users);
            auto equity = b.private_inputs("equity", users * assets);
            auto debt = b.private_inputs("debt", users * assets);
            std::vector<sv::User> us;
            for (std::size_t u = 0; u < users; ++u) {
              const auto at = static_cast<std::ptrdiff_t>(u * assets),
                         end = at + static_cast<std::ptrdiff_t>(assets);
              us.push_back({ids[u],
                            {equity.begin() + at, equity.begin() + end},
                            {debt.begin() + at, debt.begin() + end}});
            }
            const sv::Batch out = sv::batch(b, us, prices);
            b.public_output("commitment", sv::batch_commitment(b, round, sv::price_hash(b, prices), out));
          },
      .example_input = example(),
  };
}

}  // namespace pm::catalog
