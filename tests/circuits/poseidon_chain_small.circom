pragma circom 2.0.0;

include "poseidon_chain.circom";

// A few hundred constraints.
component main {public [seed]} = PoseidonChain(2);
