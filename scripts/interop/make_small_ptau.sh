#!/usr/bin/env bash
# Make a small, phase-2-prepared powers-of-tau file with snarkjs (dev/test only).
#
# usage: scripts/interop/make_small_ptau.sh POWER OUT
#   POWER <= 12 recommended (snarkjs is slow above that on this machine).
#   Runs: powersoftau new bn128 POWER -> contribute (non-interactive, -e entropy)
#         -> prepare phase2 -> OUT. Prints one line with the elapsed time.
# Note: `contribute -e` mixes the given entropy with OS randomness, so the
# result is NOT reproducible (tau is unknown). Set BEACON=1 to use
# `powersoftau beacon` instead, which is deterministic.
# Idempotent: does nothing if OUT already exists (FORCE=1 to rebuild).
set -euo pipefail
if [ $# -ne 2 ]; then sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; fi
POWER=$1
OUT=$2
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SNARKJS=(node "$ROOT/tools/peers/node_modules/snarkjs/build/cli.cjs")

if [ -f "$OUT" ] && [ "${FORCE:-0}" != 1 ]; then
    echo "ptau power=$POWER: $OUT exists (up to date)"
    exit 0
fi
mkdir -p "$(dirname "$OUT")"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
LOG="$TMP/log"

t0=$(date +%s.%N)
run() { if ! "${SNARKJS[@]}" "$@" >>"$LOG" 2>&1; then cat "$LOG" >&2; exit 1; fi; }
run powersoftau new bn128 "$POWER" "$TMP/pot_0000.ptau"
if [ "${BEACON:-0}" = 1 ]; then
    run powersoftau beacon "$TMP/pot_0000.ptau" "$TMP/pot_0001.ptau" \
        0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20 10 -n="proofmill dev beacon"
else
    run powersoftau contribute "$TMP/pot_0000.ptau" "$TMP/pot_0001.ptau" \
        --name="proofmill dev" -e="proofmill dev entropy $POWER"
fi
t1=$(date +%s.%N)
run powersoftau prepare phase2 "$TMP/pot_0001.ptau" "$TMP/final.ptau"
t2=$(date +%s.%N)
mv "$TMP/final.ptau" "$OUT"
awk -v p="$POWER" -v a="$t0" -v b="$t1" -v c="$t2" -v o="$OUT" \
    'BEGIN { printf "ptau power=%d: new+contribute=%.1fs prepare=%.1fs total=%.1fs -> %s\n", p, b-a, c-b, c-a, o }'
