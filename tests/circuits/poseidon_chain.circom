pragma circom 2.0.0;

include "circomlib/poseidon.circom";

// Proofmill test circuit library: a chain of N circomlib Poseidon(2) hashes.
//   h[0]   = Poseidon(seed, salt)
//   h[i]   = Poseidon(h[i-1], salt + i)
//   out    = h[N-1]
// Instantiated by poseidon_chain_small.circom and poseidon_chain_big.circom.
// Public signal order: [out (output), seed (public input)]; salt is private.
template PoseidonChain(N) {
    signal input seed;
    signal input salt;
    signal output out;

    component h[N];
    for (var i = 0; i < N; i++) {
        h[i] = Poseidon(2);
        if (i == 0) {
            h[i].inputs[0] <== seed;
        } else {
            h[i].inputs[0] <== h[i-1].out;
        }
        h[i].inputs[1] <== salt + i;
    }
    out <== h[N-1].out;
}
