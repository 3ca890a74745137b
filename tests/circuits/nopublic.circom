pragma circom 2.0.0;

include "circomlib/bitify.circom";

// Proofmill test circuit: zero public signals (no outputs, all inputs private).
// nPublic = 0, so the verification key has a single IC point and public.json is [].
template NoPublic() {
    signal input x;
    signal input y;

    signal xy;
    xy <== x * y;

    // Range-check the product to 32 bits (adds boolean constraints).
    component bits = Num2Bits(32);
    bits.in <== xy;
}

component main = NoPublic();
