// Merkle inclusion: a private leaf along a private path to a public root.
#include "catalog/registry.hpp"
#include "gadgets/merkle.hpp"

namespace pm::catalog {

// root = the Poseidon Merkle root of a private leaf along a private path: publishing the root
// proves the leaf is in the tree without saying which leaf it is.
CircuitDef merkle_inclusion_circuit() {
  return {
      .name = "merkle_inclusion",
      .description = "root = Merkle root (Poseidon(2)) of a private leaf along a private path of depth n",
      .params = {{"n", 4, 1, 64, "tree depth"}},
      .define =
          [](circuit::Builder& b, const Params& p) {
            circuit::Expr leaf = b.private_input("leaf");
            auto siblings = b.private_inputs("siblings", p.at("n"));
            auto bits = b.private_inputs("index_bits", p.at("n"));
            b.public_output("root", gadgets::merkle_root(b, leaf, siblings, bits));
          },
      .example_input = R"({"leaf": "7", "siblings": ["11", "22", "33", "44"], "index_bits": [1, 0, 1, 1]})",
  };
}

}  // namespace pm::catalog
