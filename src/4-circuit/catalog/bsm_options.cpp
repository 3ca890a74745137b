// European options priced under Black-Scholes-Merton from an oracle-signed market snapshot:
// price and five Greeks per option (docs/STATEMENTS.md, "Option prices and Greeks").
#include <optional>

#include "catalog/registry.hpp"
#include "gadgets/bsm.hpp"
#include "gadgets/eddsa.hpp"

namespace pm::catalog {

CircuitDef bsm_options_circuit() {
  return {
      .name = "bsm_options",
      .description =
          "prices and Greeks (Black-Scholes-Merton) of `options` options on each of `expiries` expiries "
          "from an oracle-signed snapshot (EdDSA-Poseidon); docs/STATEMENTS.md",
      .params = {{"expiries", 1, 1, 8, "expiries in the snapshot"},
                 {"options", 2, 1, 128, "options per expiry"},
                 {"surface", 0, 0, 1,
                  "volatility per expiry: 0 a flat vol, 1 an SVI slice (a, b, rho, m, sigma)"},
                 {"commit", 0, 0, 1,
                  "0: options and results are public signals; 1: they are private, behind one Poseidon "
                  "commitment (`results`)"}},
      .define =
          [](circuit::Builder& b, const Params& p) {
            using circuit::Expr;
            namespace bsm = gadgets::bsm;
            const std::size_t n_exp = p.at("expiries"), per = p.at("options"), n = n_exp * per;
            const bool svi = p.at("surface") == 1, commit = p.at("commit") == 1;
            // Public: who signed, which feed, when, the expiries; the options unless committed.
            gadgets::babyjub::PointExpr oracle{b.public_input("oracle_ax"), b.public_input("oracle_ay")};
            Expr feed = b.public_input("feed_id");
            Expr timestamp = b.public_input("timestamp");
            auto expiries = b.public_inputs("expiry", n_exp);
            auto option_inputs = [&](const char* name) {
              return commit ? b.private_inputs(name, n) : b.public_inputs(name, n);
            };
            auto strikes = option_inputs("strike");
            auto calls = option_inputs("call");
            auto sizes = option_inputs("size");
            // Private: the signed market data and the signature.
            Expr spot = b.private_input("spot");
            Expr rate = b.private_input("rate");
            Expr yield = b.private_input("yield");
            auto vols = b.private_inputs(svi ? "svi" : "vol", svi ? 5 * n_exp : n_exp);
            gadgets::babyjub::PointExpr r8{b.private_input("sig_r8x"), b.private_input("sig_r8y")};
            Expr sig_s = b.private_input("sig_s");
            std::optional<Expr> salt;
            if (commit) salt = b.private_input("salt");

            Expr msg = svi ? bsm::svi_snapshot_message(b, feed, timestamp, spot, rate, yield, expiries, vols)
                           : bsm::snapshot_message(b, feed, timestamp, spot, rate, yield, expiries, vols);
            gadgets::eddsa_poseidon_verify(b, oracle, r8, sig_s, msg);
            b.public_output("snapshot", msg);

            bsm::Market m = bsm::market(b, spot, rate, yield);
            std::vector<bsm::Greeks> greeks;
            std::vector<bsm::Fixed> size_values;
            for (std::size_t e = 0; e < n_exp; ++e) {
              bsm::Fixed tau = bsm::years_between(b, timestamp, expiries[e]);
              bsm::Expiry ex = bsm::expiry(b, m, tau);
              std::optional<bsm::Vol> flat;
              std::optional<bsm::Svi> slice;
              if (svi) {
                slice = bsm::svi(b, vols[5 * e], vols[5 * e + 1], vols[5 * e + 2], vols[5 * e + 3],
                                 vols[5 * e + 4]);
              } else {
                flat = bsm::flat_vol(b, m, ex, vols[e]);
              }
              for (std::size_t j = 0; j < per; ++j) {
                const std::size_t i = e * per + j;
                bsm::Strike k = bsm::strike(b, m, strikes[i]);
                bsm::Vol vol = svi ? bsm::svi_vol(b, m, ex, *slice, k) : *flat;
                greeks.push_back(bsm::european(b, m, ex, vol, k, calls[i]));
                size_values.push_back(gadgets::fixed::from_raw(b, sizes[i], bsm::kMoney));
              }
            }
            std::vector<Expr> out[6], rows;
            if (commit) rows.push_back(*salt);
            for (std::size_t i = 0; i < n; ++i) {
              const auto& g = greeks[i];
              const bsm::Fixed* v[6] = {&g.price, &g.delta, &g.gamma, &g.vega, &g.theta, &g.rho};
              for (int k = 0; k < 6; ++k) out[k].push_back(v[k]->raw());
              rows.insert(rows.end(), {strikes[i], calls[i], sizes[i]});
              for (int k = 0; k < 6; ++k) rows.push_back(v[k]->raw());
            }
            if (commit) {
              b.public_output("results", bsm::results_commitment(b, msg, n_exp, per, rows));
              b.tap("rows", rows);
            } else {
              const char* names[6] = {"price", "delta", "gamma", "vega", "theta", "rho"};
              for (int k = 0; k < 6; ++k) b.public_outputs(names[k], out[k]);
            }
            bsm::Greeks t = bsm::totals(b, size_values, greeks);
            const Expr totals[6] = {t.price.raw(), t.delta.raw(), t.gamma.raw(),
                                    t.vega.raw(),  t.theta.raw(), t.rho.raw()};
            b.public_outputs("totals", totals);
          },
      // A snapshot signed by the oracle key of private key bytes 1..32: S 65,000, r 5%, q 0, one
      // expiry 30 days out at 65% volatility; a 60,000 call and a 70,000 put, one long and two
      // short (registry.test.cpp checks the results against QuantLib).
      .example_input =
          R"({"oracle_ax": "896065755305476401461808354247786946163791272593759545333566916722200930274",)"
          R"( "oracle_ay": "15593827579675188521151566336279301697448277351142408636415170229435131417113",)"
          R"( "feed_id": "1",)"
          R"( "timestamp": "1765000000",)"
          R"( "expiry": ["1767592000"],)"
          R"( "strike": ["16888498602639360000", "19703248369745920000"],)"
          R"( "call": [1, 0],)"
          R"( "size": ["281474976710656", "-562949953421312"],)"
          R"( "spot": "18295873486192640000",)"
          R"( "rate": "14073748835533",)"
          R"( "yield": "0",)"
          R"( "vol": ["182958734861926"],)"
          R"( "sig_r8x": "17760431017497380437481017970662384072469554949301474139280765488159547456846",)"
          R"( "sig_r8y": "6306148411310701922170953317792796292316072105733361733807646498452784255854",)"
          R"( "sig_s": "1391495855798060411531065043772403937954379005864839598992426118125060430815"})",
  };
}

}  // namespace pm::catalog
