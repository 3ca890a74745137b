// EdDSA-Poseidon signature verification (circomlib's EdDSAPoseidonVerifier).
#include "catalog/registry.hpp"
#include "gadgets/eddsa.hpp"

namespace pm::catalog {

// The example is a signature made by circomlibjs (tests/vectors/eddsa.json, signature 3).
CircuitDef eddsa_poseidon_circuit() {
  return {
      .name = "eddsa_poseidon",
      .description =
          "the holder of public key (Ax, Ay) signed M (EdDSA-Poseidon on Baby Jubjub, as "
          "circomlib); signature (R8x, R8y, S) private",
      .params = {},
      .define =
          [](circuit::Builder& b, const Params&) {
            gadgets::babyjub::PointExpr a{b.public_input("Ax"), b.public_input("Ay")};
            circuit::Expr m = b.public_input("M");
            gadgets::babyjub::PointExpr r8{b.private_input("R8x"), b.private_input("R8y")};
            circuit::Expr s = b.private_input("S");
            gadgets::eddsa_poseidon_verify(b, a, r8, s, m);
          },
      .example_input =
          R"({"Ax": "18453405050368501163500492570875085880566314368203360183914299883590787158116",)"
          R"( "Ay": "7964639621922358199237702726224892894450957478242205726157673532949426780064",)"
          R"( "M": "18998611416985995744211608065526114536577577621080319286986741826740014865411",)"
          R"( "R8x": "20550209475867709957165405014837052637659100498689569168614749706823113155322",)"
          R"( "R8y": "7709443182648930402220851024548042433957777178491787833653272426013508254885",)"
          R"( "S": "1728253452067547054890409421168945724760899534954986900271946904113678833887"})",
  };
}

}  // namespace pm::catalog
