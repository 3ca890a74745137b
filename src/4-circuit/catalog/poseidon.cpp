// Poseidon hashes as circuits: one hash of n private inputs, and the benchmark chain.
#include "gadgets/poseidon.hpp"

#include "catalog/registry.hpp"

namespace pm::catalog {

CircuitDef poseidon_hash_circuit() {
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
