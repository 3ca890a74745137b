pragma circom 2.0.0;

include "circomlib/eddsaposeidon.circom";

// circomlib's verifier, to compare constraint counts with proofmill's eddsa_poseidon.
component main {public [Ax, Ay, M]} = EdDSAPoseidonVerifier();
