// Cross margin under StarkEx's rule for committed accounts, from oracle-signed snapshots: each
// account's outcome (healthy, liquidatable, bankrupt) and nothing else about its book
// (docs/STATEMENTS.md, "Cross margin").
#include "base/error.hpp"
#include "catalog/registry.hpp"
#include "gadgets/bsm.hpp"
#include "gadgets/eddsa.hpp"
#include "gadgets/margin.hpp"

namespace pm::catalog {

CircuitDef margin_cross_circuit() {
  return {
      .name = "margin_cross",
      .description =
          "cross margin (StarkEx: TV = collateral + sum size mark, TR = sum |size mark| tiered risk factor) "
          "of "
          "`accounts` committed accounts over `markets` oracle-signed snapshots; public outcome per account: "
          "0 healthy, 1 liquidatable, 2 bankrupt; docs/STATEMENTS.md",
      .params = {{"accounts", 1, 1, 16, "accounts proven together (they share the market block)"},
                 {"perpetuals", 4, 1, 64, "perpetual slots of the account layout"},
                 {"options", 0, 0, 255,
                  "option slots of the account layout (empty in a cross-margin account)"},
                 {"markets", 2, 1, 8, "markets (one signed snapshot each); at most one position a market"},
                 {"tiers", 2, 1, 8, "risk tiers per market (tiers - 1 notional boundaries)"},
                 {"expiries", 0, 0, 8, "option expiries in each market's snapshot (hashed only)"},
                 {"healthier", 0, 0, 1,
                  "1: StarkNet Perpetual's healthier rule for a change of one account (accounts = 2: before, "
                  "after); "
                  "one outcome: 0 healthy after, 1 healthier, 2 neither"}},
      .define =
          [](circuit::Builder& b, const Params& p) {
            using circuit::Expr;
            namespace margin = gadgets::margin;
            const std::size_t n_acc = p.at("accounts"), n_perp = p.at("perpetuals"), n_opt = p.at("options"),
                              mk = p.at("markets"), tiers = p.at("tiers"), n_exp = p.at("expiries");
            const bool healthier = p.at("healthier") == 1;
            if (healthier && n_acc != 2)
              throw Error(Errc::invalid_argument, "margin_cross: healthier=1 proves one change: accounts=2");
            auto inputs = [&](const char* name, std::size_t n, bool pub) {
              if (n == 0) return std::vector<Expr>{};
              return pub ? b.public_inputs(name, n) : b.private_inputs(name, n);
            };
            // Public: the oracle, each market's feed, time and funding index, the risk
            // parameters' hash and the accounts' leaves.
            gadgets::babyjub::PointExpr oracle{b.public_input("oracle_ax"), b.public_input("oracle_ay")};
            auto feeds = inputs("feed_id", mk, true);
            auto timestamps = inputs("timestamp", mk, true);
            auto fundings = inputs("funding", mk, true);
            Expr risk = b.public_input("risk");
            auto leaves = inputs("account", n_acc, true);
            // Private: the signed market data, the tier tables, the books.
            auto spots = inputs("spot", mk, false);
            auto rates = inputs("rate", mk, false);
            auto yields = inputs("yield", mk, false);
            auto expiries = inputs("expiry", mk * n_exp, false);
            auto vols = inputs("vol", mk * n_exp, false);
            auto r8x = inputs("sig_r8x", mk, false);
            auto r8y = inputs("sig_r8y", mk, false);
            auto sig_s = inputs("sig_s", mk, false);
            auto boundaries = inputs("boundary", mk * (tiers - 1), false);
            auto factors = inputs("risk_factor", mk * tiers, false);
            auto ids = inputs("account_id", n_acc, false);
            auto owner_ax = inputs("owner_ax", n_acc, false);
            auto owner_ay = inputs("owner_ay", n_acc, false);
            auto nonces = inputs("nonce", n_acc, false);
            auto collateral = inputs("collateral", n_acc, false);
            auto salts = inputs("salt", n_acc, false);
            auto perp_word = inputs("perp_word", n_acc * n_perp, false);
            auto perp_entry = inputs("perp_entry", n_acc * n_perp, false);
            auto perp_funding = inputs("perp_funding", n_acc * n_perp, false);
            auto option_word = inputs("option_word", n_acc * n_opt, false);
            auto option_strike = inputs("option_strike", n_acc * n_opt, false);

            std::vector<Expr> messages;
            std::vector<margin::MarketTerms> markets;
            for (std::size_t m = 0; m < mk; ++m) {
              auto sc = b.scope("snapshot");
              std::span<const Expr> ex(expiries.data() + m * n_exp, n_exp),
                  vo(vols.data() + m * n_exp, n_exp);
              Expr msg = gadgets::bsm::snapshot_message(b, feeds[m], timestamps[m], spots[m], rates[m],
                                                        yields[m], ex, vo);
              gadgets::eddsa_poseidon_verify(b, oracle, {r8x[m], r8y[m]}, sig_s[m], msg);
              messages.push_back(msg);
              markets.push_back(
                  margin::market_terms(b, feeds[m], spots[m], fundings[m],
                                       std::span<const Expr>(boundaries.data() + m * (tiers - 1), tiers - 1),
                                       std::span<const Expr>(factors.data() + m * tiers, tiers)));
            }
            margin::assert_distinct_markets(b, markets);
            b.assert_equal(margin::risk_hash(b, markets), risk, "risk parameters match");
            b.public_outputs("snapshot", messages);

            std::vector<Expr> outcomes;
            std::vector<margin::AccountInputs> books;
            for (std::size_t a = 0; a < n_acc; ++a) {
              margin::AccountInputs acc{
                  ids[a], owner_ax[a], owner_ay[a], nonces[a], collateral[a], salts[a], {}, {}, {}, {}, {}};
              for (std::size_t i = 0; i < n_perp; ++i) {
                acc.perp_word.push_back(perp_word[a * n_perp + i]);
                acc.perp_entry.push_back(perp_entry[a * n_perp + i]);
                acc.perp_funding.push_back(perp_funding[a * n_perp + i]);
              }
              for (std::size_t i = 0; i < n_opt; ++i) {
                acc.option_word.push_back(option_word[a * n_opt + i]);
                acc.option_strike.push_back(option_strike[a * n_opt + i]);
              }
              b.assert_equal(margin::account_leaf(b, acc), leaves[a], "account commitment matches");
              if (healthier) {
                books.push_back(acc);
              } else {
                outcomes.push_back(margin::cross_margin(b, markets, acc).outcome);
              }
            }
            if (healthier) {
              b.public_output("outcome", margin::healthier(b, markets, books[0], books[1]).outcome);
            } else {
              b.public_outputs("outcome", outcomes);
            }
          },
      // Two markets (feeds 1 and 2, S 65,000 and 3,500) signed by the oracle key of private key
      // bytes 1..32, two tiers each; one account long 2 in market 1 and short 100 in market 2
      // (examples/margin/request.json; healthy: TV 31,820, TR 15,250).
      .example_input =
          R"({"oracle_ax": "896065755305476401461808354247786946163791272593759545333566916722200930274",)"
          R"( "oracle_ay": "15593827579675188521151566336279301697448277351142408636415170229435131417113",)"
          R"( "feed_id": ["1", "2"],)"
          R"( "timestamp": ["1765000000", "1765000000"],)"
          R"( "funding": ["3518437208883200", "21888242871839275222246405745257275088548364400416034343698203131044645830657"],)"
          R"( "risk": "572123428783964433254363478001096646322836229691703646453528586966744606119",)"
          R"( "account": ["10249495205950003641489931355789718000594397441883169551575438876307764780726"],)"
          R"( "spot": ["18295873486192640000", "985162418487296000"],)"
          R"( "rate": ["0", "0"],)"
          R"( "yield": ["0", "0"],)"
          R"( "sig_r8x": ["12851617413438123263265562314885014137606131896766439447367627354633887839300", "19188416234125504628258783101844653867374586239011378034540057130018101899799"],)"
          R"( "sig_r8y": ["21731219618490672077698830653551633902827156136658603804726473423793278326850", "15857055619891400756112092735461756368762908296377970801789755218927376697100"],)"
          R"( "sig_s": ["1306287008049110470168620743718992683822237801581252034882260873118652414596", "921492314697589558734776756146041836240658185383292962349633128729235704096"],)"
          R"( "boundary": ["28147497671065600000", "140737488355328000000"],)"
          R"( "risk_factor": [20000, 50000, 25000, 60000],)"
          R"( "account_id": ["7"],)"
          R"( "owner_ax": ["5"],)"
          R"( "owner_ay": ["6"],)"
          R"( "nonce": ["3"],)"
          R"( "collateral": ["5629499534213120000"],)"
          R"( "salt": ["123456789"],)"
          R"( "perp_word": ["4231240369214152064892928", "0", "6649091979732962789818368", "0"],)"
          R"( "perp_entry": ["18014398509481984000", "0", "1013309916158361600", "0"],)"
          R"( "perp_funding": ["2814749767106560", "0", "21888242871839275222246405745257275088548364400416034343698203623625855074305", "0"]})",
  };
}

}  // namespace pm::catalog
