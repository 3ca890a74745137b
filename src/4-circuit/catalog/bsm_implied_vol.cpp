// The implied volatility of a quoted European option price under Black-Scholes-Merton:
// sigma supplied by the prover and checked, not iterated (docs/STATEMENTS.md).
#include "catalog/registry.hpp"
#include "gadgets/bsm.hpp"

namespace pm::catalog {

CircuitDef bsm_implied_vol_circuit() {
  return {
      .name = "bsm_implied_vol",
      .description =
          "vol = the Black-Scholes-Merton implied volatility of a quoted option price: the option priced at "
          "vol is within eps of the quote, with vega at least vega_floor (docs/STATEMENTS.md)",
      .params = {},
      .define =
          [](circuit::Builder& b, const Params&) {
            using circuit::Expr;
            namespace bsm = gadgets::bsm;
            Expr timestamp = b.public_input("timestamp");
            Expr expiry = b.public_input("expiry");
            Expr spot = b.public_input("spot");
            Expr rate = b.public_input("rate");
            Expr yield = b.public_input("yield");
            Expr strike = b.public_input("strike");
            Expr call = b.public_input("call");
            Expr quote = b.public_input("quote");
            Expr eps = b.public_input("eps");
            Expr vega_floor = b.public_input("vega_floor");
            bsm::Market m = bsm::market(b, spot, rate, yield);
            bsm::Fixed tau = bsm::years_between(b, timestamp, expiry);
            bsm::Fixed vol = bsm::implied_vol(b, m, tau, strike, call, quote, eps, vega_floor);
            b.public_output("vol", vol.raw());
          },
      // S 100, K 95, r 5%, q 1%, half a year (15,768,000 s), the call quoted at QuantLib's price
      // for 20% volatility (9.512025248982622); eps 1e-7, vega floor 1: values at 48 bits.
      .example_input =
          R"({"timestamp": "1765000000", "expiry": "1780768000", "spot": "28147497671065600",)"
          R"( "rate": "14073748835533", "yield": "2814749767107", "strike": "26740122787512320",)"
          R"( "call": 1, "quote": "2677397085428555", "eps": "28147498", "vega_floor": "281474976710656"})",
  };
}

}  // namespace pm::catalog
