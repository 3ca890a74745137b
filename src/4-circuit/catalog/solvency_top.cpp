// The top of a proof of solvency: the batches' commitments joined into one root of all users and
// one set of per-asset totals, bound to the proven batches by a digest, and the reserves (on-chain
// balances and custodians' signed attestations) shown to cover net liabilities per asset
// (docs/STATEMENTS.md, "Solvency").
#include <nlohmann/json.hpp>

#include "catalog/registry.hpp"
#include "gadgets/eddsa.hpp"
#include "gadgets/poseidon.hpp"
#include "gadgets/solvency.hpp"

namespace pm::catalog {
namespace {

namespace sv = gadgets::solvency;

// Two batches in four slots of the default eight assets; on-chain reserves that cover them.
std::string example() {
  nlohmann::ordered_json in;
  in["exchange"] = "77";
  in["round"] = "1";
  sv::PriceValues p{{1, 65000, 3500, 150, 1, 1, 20, 7},
                    {1000000, 950000, 900000, 800000, 1000000, 990000, 700000, 600000},
                    {}};
  for (std::uint64_t a = 1; a <= 8; ++a) p.asset.push_back(ff::Fr::from_u64(a));
  in["price_hash"] = sv::price_hash(p).to_decimal();
  for (int a = 0; a < 8; ++a) {
    in["price"].push_back(std::to_string(p.price[a]));
    in["haircut"].push_back(std::to_string(p.haircut[a]));
    in["asset"].push_back(std::to_string(a + 1));
  }
  in["z"] = "987654321";
  in["batches"] = "2";
  for (int a = 0; a < 8; ++a) in["onchain"].push_back(std::to_string(10000 * (a + 1)));
  for (int i = 0; i < 4; ++i) {
    in["active"].push_back(i < 2 ? "1" : "0");
    in["batch_root"].push_back(i < 2 ? std::to_string(555 + i) : "0");
    for (int a = 0; a < 8; ++a) {
      in["batch_equity"].push_back(i < 2 ? std::to_string(3000 * (a + 1)) : "0");
      in["batch_debt"].push_back(i < 2 && a == 7 ? "500" : "0");
    }
  }
  for (const char* k : {"custodian_x", "custodian_y", "custody", "custody_r8x", "custody_r8y", "custody_s"}) {
    in[k] = nlohmann::ordered_json::array();
  }
  return in.dump();
}

}  // namespace

CircuitDef solvency_top_circuit() {
  return {
      .name = "solvency_top",
      .description =
          "proof of solvency, the top: up to `slots` batches (the public `batches` of them) joined "
          "into one root (a Poseidon(2) tree over Poseidon(batch root, batch commitment)) and "
          "per-asset totals, their Horner digest at the public z (binding the proven batches), and reserves "
          "(on-chain plus `custodians` EdDSA-Poseidon attestations) >= equity - debt per asset; "
          "docs/STATEMENTS.md",
      .params = {{"slots", 4, 1, 4096,
                  "batches the key holds (a round uses 1..slots; the tree is padded with zero leaves)"},
                 {"assets", 8, 1, sv::kMaxAssets, "assets per user (equity and debt each)"},
                 {"custodians", 0, 0, sv::kMaxCustodians,
                  "custodians whose signed attestations count as reserves"}},
      .define =
          [](circuit::Builder& b, const Params& p) {
            using circuit::Expr;
            const std::size_t n = p.at("slots"), assets = p.at("assets"), k = p.at("custodians");
            Expr exchange = b.public_input("exchange");
            Expr round = b.public_input("round");
            Expr prices = b.public_input("price_hash");
            Expr z = b.public_input("z");
            Expr batches = b.public_input("batches");
            auto onchain = b.public_inputs("onchain", assets);
            auto cx = b.public_inputs("custodian_x", k);
            auto cy = b.public_inputs("custodian_y", k);
            // The round's assets, prices and haircuts, bound to the public price hash.
            sv::Prices p_in{b.private_inputs("price", assets), b.private_inputs("haircut", assets),
                            b.private_inputs("asset", assets)};
            b.assert_equal(sv::price_hash(b, p_in), prices, "assets and prices match the price hash");
            auto roots = b.private_inputs("batch_root", n);
            auto equity = b.private_inputs("batch_equity", n * assets);
            auto debt = b.private_inputs("batch_debt", n * assets);
            auto custody = b.private_inputs("custody", k * assets);
            auto r8x = b.private_inputs("custody_r8x", k);
            auto r8y = b.private_inputs("custody_r8y", k);
            auto s = b.private_inputs("custody_s", k);

            // Slots 0..count-1 hold proven batches, the rest are empty: active_i is 1 exactly for
            // i < count (boolean, non-increasing, summing to count).
            std::vector<Expr> active = b.private_inputs("active", n);
            Expr count(0);
            for (std::size_t i = 0; i < n; ++i) {
              b.assert_boolean(active[i], "slot flag is boolean");
              if (i > 0)
                b.assert_product(active[i], Expr(1) - active[i - 1], Expr(0),
                                 "slot flags are non-increasing");
              count = count + active[i];
            }
            b.assert_equal(count, batches, "batch count matches the slots in use");
            b.assert_equal(active[0], Expr(1), "at least one batch");
            // Each batch's commitment, as its proof made it public, and the digest the verifier
            // recomputes from the batch proofs' public signals; the top tree over Poseidon(batch
            // root, commitment), so a user's path is Poseidon(2) all the way.
            std::vector<Expr> leaves;
            sv::Batch total{Expr(0), std::vector<Expr>(assets, Expr(0)), std::vector<Expr>(assets, Expr(0))};
            Expr digest(0);
            for (std::size_t i = 0; i < n; ++i) {
              sv::Batch one{roots[i], {}, {}};
              b.assert_product(Expr(1) - active[i], roots[i], Expr(0), "an empty slot is zero");
              for (std::size_t a = 0; a < assets; ++a) {
                one.equity.push_back(equity[i * assets + a]);
                one.debt.push_back(debt[i * assets + a]);
                b.assert_product(Expr(1) - active[i], one.equity.back(), Expr(0), "an empty slot is zero");
                b.assert_product(Expr(1) - active[i], one.debt.back(), Expr(0), "an empty slot is zero");
                // Each batch total is below 2^76 (its proof's range checks): no sum wraps.
                total.equity[a] = total.equity[a] + one.equity.back();
                total.debt[a] = total.debt[a] + one.debt.back();
              }
              const Expr c = sv::batch_commitment(b, round, prices, one);
              // The top leaf binds the batch's commitment too, so the root fixes every batch's
              // commitment before z (which hashes the root) is drawn; zero in an empty slot.
              leaves.push_back(
                  b.mul(active[i], gadgets::poseidon(b, std::vector<Expr>{roots[i], c}), "top leaf"));
              digest =
                  b.select(active[i], (i == 0 ? Expr(0) : b.mul(digest, z, "digest")) + c, digest, "digest");
            }
            b.public_output("root", sv::tree_root(b, leaves));
            b.public_outputs("equity_total", total.equity);
            b.public_outputs("debt_total", total.debt);
            b.public_output("digest", digest);

            // Custodians: distinct keys (one attestation cannot count twice), each signature valid.
            for (std::size_t i = 0; i < k; ++i) {
              for (std::size_t j = i + 1; j < k; ++j) {
                b.assert_equal(b.logical_and(b.is_equal(cx[i], cx[j]), b.is_equal(cy[i], cy[j])), Expr(0),
                               "custodian keys are distinct");
              }
              std::span<const Expr> amounts(custody.data() + i * assets, assets);
              for (const auto& v : amounts)
                b.assert_range(v, sv::kReserveBits, "attested amount fits in 96 bits");
              gadgets::eddsa_poseidon_verify(b, {cx[i], cy[i]}, {r8x[i], r8y[i]}, s[i],
                                             sv::custody_message(b, exchange, round, p_in.asset, amounts));
            }
            // Reserves cover net liabilities: onchain + attested + debt - equity in [0, 2^100).
            for (std::size_t a = 0; a < assets; ++a) {
              b.assert_range(onchain[a], sv::kReserveBits, "on-chain reserve fits in 96 bits");
              Expr reserves = onchain[a];
              for (std::size_t i = 0; i < k; ++i) reserves = reserves + custody[i * assets + a];
              b.assert_range(reserves + total.debt[a] - total.equity[a], sv::kCoverBits,
                             "reserves cover net liabilities");
            }
          },
      .example_input = example(),
  };
}

}  // namespace pm::catalog
