pragma circom 2.0.0;

include "circomlib/poseidon.circom";
include "circomlib/mux1.circom";

// Reference for proofmill's merkle_inclusion circuit, written with circomlib: the same
// statement (root of a private leaf along a private path, Poseidon(2), boolean index bits),
// so the constraint counts compare (tests/interop/circuits.sh).
template MerkleInclusion(levels) {
    signal input leaf;
    signal input siblings[levels];
    signal input index_bits[levels];
    signal output root;
    component h[levels];
    component mux[levels];
    signal cur[levels + 1];
    cur[0] <== leaf;
    for (var i = 0; i < levels; i++) {
        index_bits[i] * (1 - index_bits[i]) === 0;
        mux[i] = MultiMux1(2);
        mux[i].c[0][0] <== cur[i];
        mux[i].c[0][1] <== siblings[i];
        mux[i].c[1][0] <== siblings[i];
        mux[i].c[1][1] <== cur[i];
        mux[i].s <== index_bits[i];
        h[i] = Poseidon(2);
        h[i].inputs[0] <== mux[i].out[0];
        h[i].inputs[1] <== mux[i].out[1];
        cur[i + 1] <== h[i].out;
    }
    root <== cur[levels];
}

component main = MerkleInclusion(20);
