// European options priced under Black-Scholes-Merton from an oracle-signed market snapshot:
// price and five Greeks per option (docs/STATEMENTS.md, "Option prices and Greeks").
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
                 {"options", 2, 1, 128, "options per expiry"}},
      .define =
          [](circuit::Builder& b, const Params& p) {
            using circuit::Expr;
            namespace bsm = gadgets::bsm;
            const std::size_t n_exp = p.at("expiries"), per = p.at("options"), n = n_exp * per;
            // Public: who signed, which feed, when; the expiries and the options.
            gadgets::babyjub::PointExpr oracle{b.public_input("oracle_ax"), b.public_input("oracle_ay")};
            Expr feed = b.public_input("feed_id");
            Expr timestamp = b.public_input("timestamp");
            auto expiries = b.public_inputs("expiry", n_exp);
            auto strikes = b.public_inputs("strike", n);
            auto calls = b.public_inputs("call", n);
            // Private: the signed market data and the signature.
            Expr spot = b.private_input("spot");
            Expr rate = b.private_input("rate");
            Expr yield = b.private_input("yield");
            auto vols = b.private_inputs("vol", n_exp);
            gadgets::babyjub::PointExpr r8{b.private_input("sig_r8x"), b.private_input("sig_r8y")};
            Expr sig_s = b.private_input("sig_s");

            Expr msg = bsm::snapshot_message(b, feed, timestamp, spot, rate, yield, expiries, vols);
            gadgets::eddsa_poseidon_verify(b, oracle, r8, sig_s, msg);
            b.public_output("snapshot", msg);

            bsm::Market m = bsm::market(b, spot, rate, yield);
            std::vector<Expr> out[6];
            for (std::size_t e = 0; e < n_exp; ++e) {
              bsm::Fixed tau = bsm::years_between(b, timestamp, expiries[e]);
              bsm::Expiry ex = bsm::expiry(b, m, tau, vols[e]);
              for (std::size_t j = 0; j < per; ++j) {
                bsm::Greeks g = bsm::european(b, m, ex, strikes[e * per + j], calls[e * per + j]);
                const bsm::Fixed* v[6] = {&g.price, &g.delta, &g.gamma, &g.vega, &g.theta, &g.rho};
                for (int k = 0; k < 6; ++k) out[k].push_back(v[k]->raw());
              }
            }
            const char* names[6] = {"price", "delta", "gamma", "vega", "theta", "rho"};
            for (int k = 0; k < 6; ++k) b.public_outputs(names[k], out[k]);
          },
      // A snapshot signed by the oracle key of private key bytes 1..32: S 65,000, r 5%, q 0, one
      // expiry 30 days out at 65% volatility; a 60,000 call and a 70,000 put (registry.test.cpp
      // checks the results against QuantLib).
      .example_input =
          R"({"oracle_ax": "896065755305476401461808354247786946163791272593759545333566916722200930274",)"
          R"( "oracle_ay": "15593827579675188521151566336279301697448277351142408636415170229435131417113",)"
          R"( "feed_id": "1",)"
          R"( "timestamp": "1765000000",)"
          R"( "expiry": ["1767592000"],)"
          R"( "strike": ["16888498602639360000", "19703248369745920000"],)"
          R"( "call": [1, 0],)"
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
