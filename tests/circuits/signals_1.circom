pragma circom 2.0.0;

include "signals.circom";

// 1 public signals (see signals.circom).
component main {public [in]} = Signals(1);
