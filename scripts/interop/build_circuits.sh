#!/usr/bin/env bash
# Compile Proofmill's circom test circuits and compute their witnesses.
#
# usage: scripts/interop/build_circuits.sh OUTDIR [NAME...]
#   NAME: multiplier nopublic manypublic poseidon_chain_small poseidon_chain_big signals_N
#         (signals_N: N public inputs, for N in 1, 8, 35)
#         "all" = every circuit; default = every circuit except poseidon_chain_big.
#
# For each circuit writes OUTDIR/<name>/{<name>.r1cs, <name>.sym, <name>_js/,
# input.json, <name>.wtns, info.txt, build.log}. Prints one line per circuit.
# Idempotent: a circuit whose sources, options and input are unchanged is not
# rebuilt. Env: CIRCOM_OPT=O0|O1|O2 overrides the per-circuit optimisation level;
# FORCE=1 rebuilds everything; WTNS_CHECK=0 skips `snarkjs wtns check`.
#
# circom2 is a WASI build: it can only open files below its working directory,
# so circomlib's circuits/ and our .circom files are copied into OUTDIR/_src and
# the compiler runs with OUTDIR as its working directory.
set -euo pipefail

if [ $# -lt 1 ]; then
    sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
fi

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PEERS="$ROOT/tools/peers/node_modules"
CIRCOM=(node "$PEERS/circom2/cli.js")
SNARKJS=(node "$PEERS/snarkjs/build/cli.cjs")

mkdir -p "$1"
OUT=$(cd "$1" && pwd)
shift
# One build per OUTDIR at a time: the test scripts that call this run side by side under ctest,
# and the staging below (rm, then cp) raced between them.
exec 9>"$OUT/.build.lock"
flock 9

ALL=(multiplier nopublic manypublic poseidon_chain_small poseidon_chain_big)
DEFAULT=(multiplier nopublic manypublic poseidon_chain_small)
if [ $# -eq 0 ]; then
    NAMES=("${DEFAULT[@]}")
elif [ "$1" = "all" ]; then
    NAMES=("${ALL[@]}")
else
    NAMES=("$@")
fi

# Default optimisation level per circuit. --O1 keeps linear constraints (rows
# with empty A/B), --O2 removes them; both flags are accepted by circom2 0.2.23
# (circom 2.2.3, whose own default is --O1).
opt_for() {
    if [ -n "${CIRCOM_OPT:-}" ]; then echo "$CIRCOM_OPT"; return; fi
    case "$1" in
        poseidon_chain_*) echo O2 ;;
        *) echo O1 ;;
    esac
}

# Deterministic inputs.
write_input() {
    local name=$1 file=$2
    case "$name" in
        multiplier) echo '{"a": "3", "b": "11"}' > "$file" ;;
        nopublic) echo '{"x": "123456", "y": "789"}' > "$file" ;;
        manypublic)
            node -e 'const a=[];for(let i=0;i<300;i++)a.push(String(i+2));
                     process.stdout.write(JSON.stringify({in:a})+"\n")' > "$file" ;;
        poseidon_chain_small|poseidon_chain_big)
            echo '{"seed": "12345", "salt": "678"}' > "$file" ;;
        signals_*)
            N=${name#signals_} node -e 'const a=[];for(let i=0;i<Number(process.env.N);i++)a.push(String(i+2));
                     process.stdout.write(JSON.stringify({in:a,x:"5"})+"\n")' > "$file" ;;
        *) echo "unknown circuit: $name" >&2; return 1 ;;
    esac
}

# Stage sources (cheap; cp -p keeps mtimes, the stamp uses content hashes).
SRC="$OUT/_src"
mkdir -p "$SRC"
rm -rf "$SRC/circomlib"
cp -R "$PEERS/circomlib/circuits" "$SRC/circomlib"
cp -p "$ROOT"/tests/circuits/*.circom "$SRC/"
# generate_witness.js is CommonJS; make sure no ancestor "type": "module" applies.
echo '{"type": "commonjs"}' > "$OUT/package.json"

CIRCOMLIB_VER=$(node -p "require('$PEERS/circomlib/package.json').version")
CIRCOM2_VER=$(node -p "require('$PEERS/circom2/package.json').version")

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

status=0
for name in "${NAMES[@]}"; do
    if [ ! -f "$SRC/$name.circom" ]; then
        echo "$name: no such circuit (tests/circuits/$name.circom)" >&2
        status=1; continue
    fi
    opt=$(opt_for "$name")
    dir="$OUT/$name"
    mkdir -p "$dir"
    log="$dir/build.log"

    tmp_input=$(mktemp)
    write_input "$name" "$tmp_input"
    stamp=$( { cat "$SRC"/*.circom; echo "$opt $CIRCOMLIB_VER $CIRCOM2_VER"; cat "$tmp_input"; } \
             | sha256sum | cut -d' ' -f1)

    if [ "${FORCE:-0}" != 1 ] && [ -f "$dir/.stamp" ] && [ "$(cat "$dir/.stamp")" = "$stamp" ] \
       && [ -f "$dir/$name.r1cs" ] && [ -f "$dir/$name.wtns" ] && [ -f "$dir/info.txt" ]; then
        rm -f "$tmp_input"
        echo "$(cat "$dir/info.txt") (up to date)"
        continue
    fi
    rm -f "$dir/.stamp"
    mv "$tmp_input" "$dir/input.json"
    : > "$log"

    t0=$(now)
    if ! (cd "$OUT" && "${CIRCOM[@]}" "_src/$name.circom" --r1cs --wasm --sym "--$opt" -o "$name") >>"$log" 2>&1; then
        echo "$name: circom2 failed, see $log" >&2; tail -n 20 "$log" >&2; status=1; continue
    fi
    t1=$(now)
    if ! node "$dir/${name}_js/generate_witness.js" "$dir/${name}_js/$name.wasm" \
            "$dir/input.json" "$dir/$name.wtns" >>"$log" 2>&1; then
        echo "$name: witness generation failed, see $log" >&2; tail -n 20 "$log" >&2; status=1; continue
    fi
    t2=$(now)
    if [ "${WTNS_CHECK:-1}" = 1 ]; then
        if ! "${SNARKJS[@]}" wtns check "$dir/$name.r1cs" "$dir/$name.wtns" >>"$log" 2>&1; then
            echo "$name: snarkjs wtns check failed, see $log" >&2; status=1; continue
        fi
    fi
    t3=$(now)
    info=$("${SNARKJS[@]}" r1cs info "$dir/$name.r1cs" 2>&1)
    echo "$info" >> "$log"
    field() { echo "$info" | sed -n "s/.*# of $1: *\([0-9]*\).*/\1/p" | head -n1; }
    ncons=$(field Constraints); nwires=$(field Wires)
    npub=$(( $(field "Public Inputs") + $(field Outputs) ))
    line="$name: constraints=$ncons wires=$nwires public=$npub opt=$opt"
    echo "$line" > "$dir/info.txt"
    echo "$line circom=$(secs "$t0" "$t1")s witness=$(secs "$t1" "$t2")s wtns_check=$(secs "$t2" "$t3")s"
    echo "$stamp" > "$dir/.stamp"
done
exit $status
