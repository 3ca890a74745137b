// A circuit defined outside Proofmill: the prover knows a and b below 2^32 whose product is the
// public c. Built with the circuit builder, given a development key (known secrets: for tests,
// never for production), proven and verified; a wrong public value must be rejected.
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <vector>

#include "circuit/builder.hpp"
#include "circuit/circuit.hpp"
#include "groth16/prover.hpp"
#include "groth16/verifier.hpp"
#include "setup/groth16_dev.hpp"

using namespace pm;

int main() {
  circuit::Builder b;
  circuit::Expr c = b.public_input("c");
  circuit::Expr a = b.private_input("a");
  circuit::Expr bb = b.private_input("b");
  b.assert_range(a, 32, "a");
  b.assert_range(bb, 32, "b");
  b.assert_equal(a * bb, c, "product");
  circuit::Circuit circ = b.compile();

  auto key = std::make_shared<const groth16::ProvingKey>(
      setup::dev_groth16_setup(circ.r1cs(), setup::dev_groth16_secrets_from_seed("consumer example")));
  auto values = circ.solve(
      nlohmann::ordered_json{{"c", "12193658257660824276"}, {"a", "3456789012"}, {"b", "3527452273"}});
  groth16::Proof proof = groth16::Prover(key).prove(circ.witness(values));

  std::vector<ff::u256> pub;
  for (const auto& x : circ.public_signals(values)) pub.push_back(x.to_canonical());
  bool valid = groth16::verify(key->verifying_key(), pub, proof).valid;
  pub[0] = ff::Fr::from_u64(42).to_canonical();
  bool wrong_rejected = !groth16::verify(key->verifying_key(), pub, proof).valid;
  std::printf("range_product: %zu constraints, proof %s, wrong public value %s\n", circ.num_constraints(),
              valid ? "valid" : "INVALID", wrong_rejected ? "rejected" : "ACCEPTED");
  return valid && wrong_rejected ? 0 : 1;
}
