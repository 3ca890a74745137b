pragma circom 2.0.0;

include "signals.circom";

// 8 public signals (see signals.circom).
component main {public [in]} = Signals(8);
