#!/usr/bin/env bash
# The prover benchmark at several sizes: chains of circomlib Poseidon(2) hashes (240
# constraints each with circom --O2) sized to just fill domains of 2^10 to 2^18, and from 2^20
# the same chain from Proofmill's C++ builder (`circuit export-r1cs poseidon_chain`: circom2
# 0.2.23, a 32-bit WebAssembly build, runs out of memory on it), each proved by proofmill,
# snarkjs and (when given) rapidsnark on the same .zkey and .wtns.
#
# usage: bench/prove_sizes.sh [--sizes "10 12 14 16 18 20"] [--runs 5] [--rapidsnark PATH]
#                             [--no-snarkjs] [--prepare-only] [--out DIR]
#                             [--path ifma|adx|portable]
# --path forces proofmill's arithmetic path (adx: PROOFMILL_NO_IFMA=1, as on CPUs without
# AVX-512 IFMA; portable: PROOFMILL_NO_ASM=1, as on CPUs without ADX, e.g. ARM servers); the
# default is the best the CPU has. Each table names the path it ran on.
# Circuits, witnesses and keys are cached under DIR (default build/bench). The keys come from
# `proofmill groth16 dev-setup` (known secrets: fine for timing, never for real use); snarkjs's
# own setup would need a 2^20 ptau, hours here. Each size prints bench/prove_vs_snarkjs.sh's
# table (median of RUNS alternated runs, peak RSS, ratios) and proofmill's per-stage medians.
# Needs the npm test peers (scripts/setup.sh) and GNU time.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SIZES="10 12 14 16 18 20" PREPARE_ONLY=0 RUNS=5 RAPID="" OUT="$ROOT/build/bench" SNARKJS_OPT=()
PM="$ROOT/build/release/src/cli/proofmill"
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) SIZES=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --rapidsnark) RAPID=$2; shift 2 ;;
    --no-snarkjs) SNARKJS_OPT=(--no-snarkjs); shift ;;
    --out) OUT=$2; shift 2 ;;
    --prepare-only) PREPARE_ONLY=1; shift ;;
    --proofmill) PM=$2; shift 2 ;;
    --path)
      case "$2" in
        ifma) ;;
        adx) export PROOFMILL_NO_IFMA=1 ;;
        portable) export PROOFMILL_NO_ASM=1 ;;
        *) echo "--path: ifma, adx or portable" >&2; exit 2 ;;
      esac
      shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
PEERS="$ROOT/tools/peers/node_modules"
[ -d "$PEERS/circom2" ] || { echo "npm test peers missing: run scripts/setup.sh" >&2; exit 2; }
[ -x "$PM" ] || { echo "no proofmill binary at $PM (scripts/build.sh release)" >&2; exit 2; }
RAPID_OPT=()
[ -n "$RAPID" ] && RAPID_OPT=(--rapidsnark "$RAPID")  # prove_vs_snarkjs.sh skips a missing one
mkdir -p "$OUT/_src"
OUT=$(cd "$OUT" && pwd)
rm -rf "$OUT/_src/circomlib"
cp -R "$PEERS/circomlib/circuits" "$OUT/_src/circomlib"
cp -p "$ROOT/tests/circuits/poseidon_chain.circom" "$OUT/_src/"
echo '{"type": "commonjs"}' > "$OUT/package.json"

for s in $SIZES; do
  # hashes * 240 + 3 (constraints plus the public inputs' rows) must fit in 2^s.
  n=$(( ((1 << s) - 3) / 240 ))
  name="poseidon_${s}"
  d="$OUT/$name"
  mkdir -p "$d"
  if [ "$s" -ge 20 ] && { [ ! -f "$d/$name.zkey" ] || [ ! -f "$d/$name.wtns" ]; }; then
    # circom2 (32-bit WebAssembly) runs out of memory here: the same chain from the C++ builder.
    echo "== preparing $name with the C++ builder: poseidon_chain n=$n" >&2
    "$PM" circuit export-r1cs poseidon_chain -p "n=$n" "$d/$name.r1cs" 2>>"$d/build.log"
    echo '{"seed": "12345", "salt": "678"}' > "$d/input.json"
    "$PM" witness poseidon_chain -p "n=$n" "$d/input.json" "$d/$name.wtns"
    "$PM" groth16 dev-setup "$d/$name.r1cs" "$d/$name.zkey.tmp" 2>>"$d/build.log"
    mv "$d/$name.zkey.tmp" "$d/$name.zkey"
  elif [ ! -f "$d/$name.zkey" ] || [ ! -f "$d/$name.wtns" ]; then
    echo "== preparing $name: $n Poseidon hashes, $((n * 240)) constraints" >&2
    printf 'pragma circom 2.0.0;\ninclude "poseidon_chain.circom";\ncomponent main {public [seed]} = PoseidonChain(%d);\n' "$n" \
      > "$OUT/_src/$name.circom"
    echo '{"seed": "12345", "salt": "678"}' > "$d/input.json"
    (cd "$OUT" && node --max-old-space-size=16000 "$PEERS/circom2/cli.js" "_src/$name.circom" --r1cs --wasm --O2 -o "$name") > "$d/build.log" 2>&1 \
      || { echo "circom2 failed, see $d/build.log" >&2; exit 1; }
    node "$d/${name}_js/generate_witness.js" "$d/${name}_js/$name.wasm" "$d/input.json" "$d/$name.wtns"
    "$PM" groth16 dev-setup "$d/$name.r1cs" "$d/$name.zkey.tmp" 2>>"$d/build.log"
    mv "$d/$name.zkey.tmp" "$d/$name.zkey"
    "$PM" wtns check "$d/$name.r1cs" "$d/$name.wtns" >/dev/null
  fi
  [ "$PREPARE_ONLY" = 1 ] && continue
  echo "== 2^$s: $name, $((n * 240)) constraints"
  "$ROOT/bench/prove_vs_snarkjs.sh" "$d/$name.zkey" "$d/$name.wtns" --runs "$RUNS" --proofmill "$PM" \
    "${RAPID_OPT[@]}" "${SNARKJS_OPT[@]}"
  echo
done
