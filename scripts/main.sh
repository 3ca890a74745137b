#!/usr/bin/env bash
# The main job: set up, build, then prove and verify the bundled example end to end.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$ROOT/scripts/setup.sh" --no-peers
"$ROOT/scripts/build.sh" release
PM="$ROOT/build/release/src/cli/proofmill"
EX="$ROOT/examples/poseidon_chain"
OUT="$ROOT/build/example"
mkdir -p "$OUT"
echo
echo "Example: $EX (circom circuit, snarkjs proving key)"
"$PM" r1cs info "$EX/circuit.r1cs"
start=$(date +%s.%N)
"$PM" prove "$EX/circuit.zkey" "$EX/witness.wtns" "$OUT/proof.json" "$OUT/public.json" --r1cs "$EX/circuit.r1cs"
end=$(date +%s.%N)
echo "Proved in $(awk -v a="$start" -v b="$end" 'BEGIN{printf "%.2f", b-a}') s -> $OUT/proof.json, $OUT/public.json"
"$PM" verify "$EX/verification_key.json" "$OUT/public.json" "$OUT/proof.json"
echo "Public signals: $(tr -d ' \n' < "$OUT/public.json")"
