pragma circom 2.0.0;

include "circomlib/bitify.circom";

// Proofmill test circuit: N public inputs plus one public output.
// Public signal order: [sum (output), in[0], ..., in[N-1]] -> nPublic = N + 1.
template ManyPublic(N) {
    signal input in[N];
    signal output sum;

    signal sq[N];
    signal prod[N];

    var acc = 0;
    for (var i = 0; i < N; i++) {
        sq[i] <== in[i] * in[i];
        acc += sq[i];
    }

    // A running product over the inputs.
    prod[0] <== in[0];
    for (var i = 1; i < N; i++) {
        prod[i] <== prod[i-1] * in[i];
    }

    // Range-check a few inputs to 16 bits.
    component rc[4];
    for (var i = 0; i < 4; i++) {
        rc[i] = Num2Bits(16);
        rc[i].in <== in[i];
    }

    sum <== acc + prod[N-1];
}

component main {public [in]} = ManyPublic(300);
