pragma circom 2.0.0;

// Proofmill test template: N public inputs, each bound to the private x by one constraint.
// Wrapped by signals_N.circom for the EVM test's gas comparison at N public signals.
template Signals(N) {
    signal input in[N];
    signal input x;
    signal p[N];
    for (var i = 0; i < N; i++) {
        p[i] <== in[i] * x;
    }
}
