// A chain of Poseidon(2) hashes: the benchmark circuit.
#include "catalog/registry.hpp"
#include "gadgets/poseidon.hpp"

namespace pm::catalog {

// The same statement as tests/circuits/poseidon_chain.circom: h[0] = Poseidon(seed, salt),
// h[i] = Poseidon(h[i-1], salt + i), out = h[N-1]; seed public, salt private. 240 constraints a
// hash, so n = 273 fills 2^16 (with the public signals), 4369 fills 2^20.
CircuitDef poseidon_chain_circuit() {
  return {
      .name = "poseidon_chain",
      .description =
          "a chain of n Poseidon(2) hashes (benchmarks): out = h[n-1], h[i] = Poseidon(h[i-1], salt + i)",
      .params = {{"n", 4, 1, 1u << 20, "number of hashes"}},
      .define =
          [](circuit::Builder& b, const Params& p) {
            circuit::Expr seed = b.public_input("seed");
            circuit::Expr salt = b.private_input("salt");
            circuit::Expr h = seed;
            for (std::uint64_t i = 0; i < p.at("n"); ++i) {
              std::vector<circuit::Expr> in{h, salt + static_cast<std::int64_t>(i)};
              h = gadgets::poseidon(b, in);
            }
            b.public_output("out", h);
          },
      .example_input = R"({"seed": "12345", "salt": "678"})",
  };
}

}  // namespace pm::catalog
