// Portfolio margin of a committed account on a scenario grid (Paradex's published grid), from an
// oracle-signed snapshot: the account meets its initial margin, only its maintenance margin, or
// is liquidatable (docs/STATEMENTS.md, "Portfolio margin").
#include "catalog/registry.hpp"
#include "gadgets/bsm.hpp"
#include "gadgets/eddsa.hpp"
#include "gadgets/portfolio.hpp"

namespace pm::catalog {

CircuitDef margin_portfolio_circuit() {
  return {
      .name = "margin_portfolio",
      .description =
          "portfolio margin of a committed account (perpetuals and European options on one underlying) on a "
          "scenario grid of spot and volatility shocks (`grid` 0: Paradex's 24 scenarios), from an "
          "oracle-signed "
          "snapshot; public outcome 0 meets initial margin, 1 maintenance only, 2 liquidatable; "
          "docs/STATEMENTS.md",
      .params = {{"perpetuals", 1, 1, 64, "perpetual slots of the account layout"},
                 {"options", 2, 0, 255, "option slots of the account layout"},
                 {"expiries", 1, 1, 8, "expiries in the snapshot (flat volatilities)"},
                 {"cdf_bits", 24, 16, 32, "fractional bits of the scenario prices' normal distribution"},
                 {"grid", 0, 0, 0, "the scenario grid: 0 Paradex's (24 scenarios)"},
                 {"reveal", 0, 0, 1, "1: also publish equity, IMR and MMR (48 fractional bits)"}},
      .define =
          [](circuit::Builder& b, const Params& p) {
            using circuit::Expr;
            namespace gp = gadgets::portfolio;
            const std::size_t n_perp = p.at("perpetuals"), n_opt = p.at("options"), n_exp = p.at("expiries");
            gadgets::babyjub::PointExpr oracle{b.public_input("oracle_ax"), b.public_input("oracle_ay")};
            Expr feed = b.public_input("feed_id");
            Expr timestamp = b.public_input("timestamp");
            Expr funding = b.public_input("funding");
            Expr leaf = b.public_input("account");
            gp::Inputs in{feed,
                          timestamp,
                          b.private_input("spot"),
                          b.private_input("rate"),
                          b.private_input("yield"),
                          funding,
                          b.private_inputs("expiry", n_exp),
                          b.private_inputs("vol", n_exp),
                          {}};
            gadgets::babyjub::PointExpr r8{b.private_input("sig_r8x"), b.private_input("sig_r8y")};
            Expr sig_s = b.private_input("sig_s");
            auto& acc = in.account;
            acc.id = b.private_input("account_id");
            acc.owner_ax = b.private_input("owner_ax");
            acc.owner_ay = b.private_input("owner_ay");
            acc.nonce = b.private_input("nonce");
            acc.collateral = b.private_input("collateral");
            acc.salt = b.private_input("salt");
            acc.perp_word = b.private_inputs("perp_word", n_perp);
            acc.perp_entry = b.private_inputs("perp_entry", n_perp);
            acc.perp_funding = b.private_inputs("perp_funding", n_perp);
            if (n_opt > 0) {
              acc.option_word = b.private_inputs("option_word", n_opt);
              acc.option_strike = b.private_inputs("option_strike", n_opt);
            }
            Expr msg = gadgets::bsm::snapshot_message(b, feed, timestamp, in.spot, in.rate, in.yield,
                                                      in.expiries, in.vols);
            gadgets::eddsa_poseidon_verify(b, oracle, r8, sig_s, msg);
            b.public_output("snapshot", msg);
            b.assert_equal(gadgets::margin::account_leaf(b, acc), leaf, "account commitment matches");
            gp::Result r = gp::portfolio_margin(b, in, gp::grids().at(p.at("grid")),
                                                static_cast<unsigned>(p.at("cdf_bits")));
            b.public_output("outcome", r.outcome);
            const Expr values[3] = {r.equity.raw(), r.imr.raw(), r.mmr.raw()};
            if (p.at("reveal") == 1) b.public_outputs("margin", values);
            b.tap("margin", values);
            std::vector<Expr> losses;
            for (const auto& w : r.weighted_loss) losses.push_back(w.raw());
            b.tap("weighted_loss", losses);
            const Expr parts[3] = {r.scan.raw(), r.mdr.raw(), r.provision.raw()};
            b.tap("requirement", parts);
          },
      // examples/margin/portfolio.json laid out: S 65,000, r 5%, one expiry 30 days out at 65%
      // signed by the oracle key of private key bytes 1..32; short 1 perpetual, long 2 calls at
      // 60,000 and short 1 put at 70,000; it meets its initial margin (QuantLib and the grid in
      // double precision: equity 36,730.74, IMR 8,359.95, MMR 4,218.98).
      .example_input =
          R"({"oracle_ax": "896065755305476401461808354247786946163791272593759545333566916722200930274",)"
          R"( "oracle_ay": "15593827579675188521151566336279301697448277351142408636415170229435131417113",)"
          R"( "feed_id": "1",)"
          R"( "timestamp": "1765000000",)"
          R"( "funding": "3518437208883200",)"
          R"( "account": "19320393122237987615358111820681934645284669798338965370167014438471534696769",)"
          R"( "spot": "18295873486192640000",)"
          R"( "rate": "14073748835533",)"
          R"( "yield": "0",)"
          R"( "expiry": ["1767592000"],)"
          R"( "vol": ["182958734861926"],)"
          R"( "sig_r8x": "17760431017497380437481017970662384072469554949301474139280765488159547456846",)"
          R"( "sig_r8y": "6306148411310701922170953317792796292316072105733361733807646498452784255854",)"
          R"( "sig_s": "1391495855798060411531065043772403937954379005864839598992426118125060430815",)"
          R"( "account_id": "11",)"
          R"( "owner_ax": "5",)"
          R"( "owner_ay": "6",)"
          R"( "nonce": "0",)"
          R"( "collateral": "8444249301319680000",)"
          R"( "salt": "987654321",)"
          R"( "perp_word": ["4231240368369727134760960"],)"
          R"( "perp_entry": ["18014398509481984000"],)"
          R"( "perp_funding": ["2814749767106560"],)"
          R"( "option_word": ["36711449555085172159344851917907900479045632", "36711449555085172156927000277834217199501312"],)"
          R"( "option_strike": ["16888498602639360000", "19703248369745920000"]})",
  };
}

}  // namespace pm::catalog
