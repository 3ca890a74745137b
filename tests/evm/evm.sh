#!/usr/bin/env bash
# The generated Solidity verifier on a local EVM node (anvil, from the npm test peers): proofs
# from proofmill and snarkjs verify, hostile calls return false, batches catch one bad proof, and
# gas is measured beside snarkjs's generated verifier (written to build/evm/gas.json).
#
# usage: tests/evm/evm.sh PROOFMILL_BINARY
# Uses the circuits, snarkjs keys and proofs under build/interop that tests/interop/interop.sh
# leaves (CTest runs that first, through a fixture); builds the missing ones itself otherwise.
set -uo pipefail
PM=$(readlink -f "$1")
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT="$ROOT/build/interop"
PEERS="$ROOT/tools/peers/node_modules"
[ -x "$PM" ] || { echo "no proofmill binary at $1"; exit 2; }
for p in snarkjs solc @foundry-rs/anvil-linux-amd64; do
  [ -d "$PEERS/$p" ] || { echo "npm test peer $p missing: run scripts/setup.sh"; exit 2; }
done

CIRCUITS=(poseidon_chain_small nopublic manypublic signals_1 signals_8 signals_35)
"$ROOT/scripts/interop/build_circuits.sh" "$OUT" "${CIRCUITS[@]}" >/dev/null || exit 2
for c in "${CIRCUITS[@]}"; do
  if [ ! -f "$OUT/$c/$c.zkey" ] || [ ! -f "$OUT/$c/proof.snarkjs.json" ] || [ "$OUT/$c/$c.r1cs" -nt "$OUT/$c/$c.zkey" ]; then
    BEACON=1 "$ROOT/scripts/interop/make_small_ptau.sh" 10 "$OUT/ptau/pot10.ptau" >/dev/null || exit 2
    "$ROOT/scripts/interop/snarkjs_setup.sh" "$OUT" "$c" "$OUT/ptau/pot10.ptau" || exit 2
  fi
done

WORK=$(mktemp -d)
# The test kills the anvils it starts; if node itself dies, kill those anvils (by their ids) here.
cleanup() {
  for f in "$WORK"/anvil*.pid; do
    if [ -f "$f" ]; then kill -9 "$(cat "$f")" 2>/dev/null; fi
  done
  rm -rf "$WORK"
}
trap cleanup EXIT
timeout -k 10 400 node "$ROOT/tests/evm/evm_test.mjs" --proofmill "$PM" --interop "$OUT" --work "$WORK" \
  --report "$ROOT/build/evm/gas.json" --timeout 300
