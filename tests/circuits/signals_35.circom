pragma circom 2.0.0;

include "signals.circom";

// 35 public signals (see signals.circom).
component main {public [in]} = Signals(35);
