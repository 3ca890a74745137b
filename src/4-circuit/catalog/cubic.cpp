// The README's worked example: knowledge of x with x^3 + x + 5 = out.
#include "catalog/registry.hpp"

namespace pm::catalog {

CircuitDef cubic_circuit() {
  return {
      .name = "cubic",
      .description = "knowledge of a private x with x^3 + x + 5 = out (public)",
      .params = {},
      .define =
          [](circuit::Builder& b, const Params&) {
            circuit::Expr x = b.private_input("x");
            circuit::Expr x3 = x * x * x;  // two constraints
            b.public_output("out", x3 + x + 5);
          },
      .example_input = R"({"x": "3"})",
  };
}

}  // namespace pm::catalog
