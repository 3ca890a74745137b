#!/usr/bin/env bash
# End-to-end prover benchmark on the same files: proofmill vs snarkjs (and rapidsnark if given).
#
# usage: bench/prove_vs_snarkjs.sh ZKEY WTNS [--runs N] [--rapidsnark PATH] [--proofmill PATH]
#                                  [--no-snarkjs]
# Runs the provers alternately, N times each (default 5), and prints for each the median wall
# time, peak resident memory (GNU time) and the ratio to proofmill, then the median time of
# each of proofmill's stages (from `prove --json`). Every proof made is checked with
# `proofmill verify` against the key's verification key. A rapidsnark path that is not an
# executable is skipped with a note.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ZKEY=$1 WTNS=$2
shift 2
RUNS=5 RAPID="" PM="$ROOT/build/release/src/cli/proofmill" WITH_SNARKJS=1
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS=$2; shift 2 ;;
    --rapidsnark) RAPID=$2; shift 2 ;;
    --proofmill) PM=$2; shift 2 ;;
    --no-snarkjs) WITH_SNARKJS=0; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
if [ -n "$RAPID" ] && [ ! -x "$RAPID" ]; then echo "rapidsnark: no executable at $RAPID, skipped" >&2; RAPID=""; fi
SNARKJS=(node "$ROOT/tools/peers/node_modules/snarkjs/build/cli.cjs")
GTIME=/usr/bin/time
[ -x "$GTIME" ] || { echo "needs GNU time (apt-get install time)" >&2; exit 2; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
"$PM" zkey export-vk "$ZKEY" "$T/vk.json"

declare -A TIMES MEMS STAGES
run_one() {  # name cmd...
  local name=$1; shift
  local t0 t1
  t0=$(date +%s%N)
  "$GTIME" -f "%M" -o "$T/time" "$@" >"$T/log" 2>&1 || { echo "$name failed:"; cat "$T/log"; exit 1; }
  t1=$(date +%s%N)
  # Wall time to the microsecond from the clock (GNU time's %e has 10 ms steps, too coarse for
  # small circuits); it includes GNU time's own fork and exec, the same for every prover.
  secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.6f", (b-a)/1e9}')
  read -r kb < "$T/time"
  "$PM" verify "$T/vk.json" "$T/public.json" "$T/proof.json" >/dev/null || { echo "$name produced an invalid proof"; exit 1; }
  TIMES[$name]+="$secs "
  MEMS[$name]+="$kb "
}
names=(proofmill)
[ "$WITH_SNARKJS" = 1 ] && names+=(snarkjs)
[ -n "$RAPID" ] && names+=(rapidsnark)
stage_keys=()
for i in $(seq "$RUNS"); do
  run_one proofmill "$PM" prove -q --json "$ZKEY" "$WTNS" "$T/proof.json" "$T/public.json"
  # Per-stage times from the JSON summary: one "key<TAB>ms" line per stage.
  while IFS=$'\t' read -r key ms; do
    [ -n "${STAGES[$key]+x}" ] || stage_keys+=("$key")
    STAGES[$key]+="$ms "
  done < <(node -e 'const j=JSON.parse(require("fs").readFileSync(0));for(const [k,v] of Object.entries(j.stages_ms))console.log(k+"\t"+v)' <"$T/log")
  [ "$WITH_SNARKJS" = 1 ] && run_one snarkjs "${SNARKJS[@]}" groth16 prove "$ZKEY" "$WTNS" "$T/proof.json" "$T/public.json"
  [ -n "$RAPID" ] && run_one rapidsnark "$RAPID" "$ZKEY" "$WTNS" "$T/proof.json" "$T/public.json"
done
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
base=$(echo "${TIMES[proofmill]}" | median)
echo "zkey: $ZKEY ($("$PM" zkey info --json "$ZKEY" | tr -d ' \n' | sed 's/.*"domain_size":\([0-9]*\).*/domain \1/'))"
# The arithmetic path proofmill takes here: what the CPU has, less what the environment turns off.
flags=$(grep -m1 '^flags' /proc/cpuinfo)
set_on() { local v=${!1:-}; [ -n "$v" ] && [ "$v" != 0 ]; }
if set_on PROOFMILL_NO_ASM || ! grep -qw adx <<<"$flags" || ! grep -qw bmi2 <<<"$flags"; then path="portable (no ADX assembly)"
elif set_on PROOFMILL_NO_IFMA || ! grep -qw avx512ifma <<<"$flags"; then path="ADX only (no AVX-512 IFMA)"
else path="AVX-512 IFMA and ADX"; fi
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) cores; proofmill's arithmetic path: $path; runs: $RUNS each, alternating"
printf "%-11s %12s %14s %16s\n" prover "median (s)" "vs proofmill" "peak RSS (MiB)"
for n in "${names[@]}"; do
  t=$(echo "${TIMES[$n]}" | median)
  m=$(echo "${MEMS[$n]}" | median)
  printf "%-11s %12.4f %13.2fx %16.0f\n" "$n" "$t" "$(awk -v a="$t" -v b="$base" 'BEGIN{print a/b}')" "$(awk -v k="$m" 'BEGIN{print k/1024}')"
done
echo "proofmill stages (median ms):"
for k in "${stage_keys[@]}"; do
  printf "  %-24s %9.1f\n" "$k" "$(echo "${STAGES[$k]}" | median)"
done
