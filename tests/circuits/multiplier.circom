pragma circom 2.0.0;

// Proofmill test circuit: tiny, 1 public output + 1 public input.
// Public signal order (wire order): [c (output), a (public input)].
// Under --O1 the linear constraint for c survives, so the r1cs contains a
// constraint whose A and B linear combinations are empty.
template Multiplier() {
    signal input a;   // public
    signal input b;   // private
    signal output c;

    signal ab;
    signal abb;

    ab <== a * b;
    abb <== ab * b;
    c <== abb + 3 * a + 7;
}

component main {public [a]} = Multiplier();
