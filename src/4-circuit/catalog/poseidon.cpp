// One Poseidon hash of n private inputs.
#include "gadgets/poseidon.hpp"

#include "catalog/registry.hpp"

namespace pm::catalog {

CircuitDef poseidon_circuit() {
  return {
      .name = "poseidon",
      .description = "out = Poseidon(in[0..n-1]) (circomlib's Poseidon(n)), inputs private",
      .params = {{"n", 2, 1, 16, "number of inputs"}},
      .define =
          [](circuit::Builder& b, const Params& p) {
            auto in = b.private_inputs("in", p.at("n"));
            b.public_output("out", gadgets::poseidon(b, in));
          },
      .example_input = R"({"in": ["1", "2"]})",
  };
}

}  // namespace pm::catalog
