pragma circom 2.0.0;

include "poseidon_chain.circom";

// 275 hashes x 240 constraints (--O2) = 66,000 constraints: >= 65,536, so the
// snarkjs domain is 2^17 (needs a power-17 ptau).
component main {public [seed]} = PoseidonChain(275);
