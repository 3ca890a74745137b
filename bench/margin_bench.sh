#!/usr/bin/env bash
# Margin proofs timed: `proofmill margin prove` (request checked, circuit built, witness solved
# natively, Groth16 proof, outcomes decoded), RUNS times; prints the median.
#   portfolio: the issue's book, 20 European options on 4 expiries and 4 perpetuals on one
#              underlying, Paradex's 24 scenarios (margin_portfolio, cdf_bits 24);
#   cross:     16 accounts of 8 perpetuals each over 8 markets with 3 tiers (margin_cross).
# Keys from a DEV-ONLY ptau and a beacon (timing does not depend on the key's secrets).
#   bench/margin_bench.sh [portfolio|cross] [RUNS=5] [PROOFMILL=...]
set -euo pipefail
KIND=${1:-portfolio}
RUNS=${2:-5}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PM=$(realpath "${3:-$ROOT/build/release/src/cli/proofmill}")
W="$ROOT/build/bench/margin_$KIND"
mkdir -p "$W"
cd "$W"
rm -f oracle.key
"$PM" oracle keygen oracle.key >/dev/null
T0=1765000000
if [ "$KIND" = portfolio ]; then
  E=(); for d in 7 30 60 120; do E+=($((T0 + d * 86400))); done
  printf '{"feed_id": "1", "timestamp": %d, "spot": "65000", "rate": "0.05", "yield": "0.01", "expiries": [' $T0 >s1.json
  printf '{"expiry": %d, "vol": "0.70"}, {"expiry": %d, "vol": "0.62"}, {"expiry": %d, "vol": "0.58"}, {"expiry": %d, "vol": "0.55"}]}\n' "${E[@]}" >>s1.json
  "$PM" oracle sign s1.json oracle.key signed1.json
  {
    printf '{"grid": "paradex", "layout": {"perpetuals": 4, "options": 20},\n'
    printf ' "markets": [{"snapshot": %s, "funding_index": "12.5"}],\n' "$(cat signed1.json)"
    printf ' "accounts": [{"id": 1, "owner": ["5", "6"], "nonce": 0, "collateral": "250000", "salt": "42",\n'
    printf '  "perpetuals": [{"market": "1", "size": "-1.5", "entry": "64000", "funding": "10"}, {"market": "1", "size": "0.5", "entry": "66000", "funding": "11"}, null, null],\n'
    printf '  "options": ['
    for i in $(seq 0 19); do
      [ "$i" -gt 0 ] && printf ', '
      printf '{"expiry": %d, "type": "%s", "strike": "%d", "size": "%s"}' "${E[$((i % 4))]}" \
        "$([ $((i % 2)) = 0 ] && echo call || echo put)" $((50000 + 1500 * i)) "$([ $((i % 3)) = 0 ] && echo -1 || echo 2)"
    done
    printf ']}]}\n'
  } >request.json
else
  MARKETS=""
  for m in 1 2 3 4 5 6 7 8; do
    printf '{"feed_id": "%d", "timestamp": %d, "spot": "%d", "rate": "0", "yield": "0", "expiries": []}\n' $m $T0 $((1000 * m)) >s$m.json
    "$PM" oracle sign s$m.json oracle.key signed$m.json
    [ $m -gt 1 ] && MARKETS+=", "
    MARKETS+="{\"snapshot\": $(cat signed$m.json), \"funding_index\": \"0.5\", \"tiers\": [{\"risk_factor\": \"0.02\"}, {\"from\": \"100000\", \"risk_factor\": \"0.05\"}, {\"from\": \"1000000\", \"risk_factor\": \"0.1\"}]}"
  done
  {
    printf '{"layout": {"perpetuals": 8, "options": 0}, "markets": [%s], "accounts": [' "$MARKETS"
    for a in $(seq 1 16); do
      [ "$a" -gt 1 ] && printf ', '
      printf '{"id": %d, "owner": ["5", "6"], "nonce": 0, "collateral": "%d", "salt": "%d", "perpetuals": [' "$a" $((20000 * a)) "$a"
      for m in 1 2 3 4 5 6 7 8; do
        [ "$m" -gt 1 ] && printf ', '
        printf '{"market": "%d", "size": "%s", "entry": "%d", "funding": "0.25"}' "$m" "$([ $(((a + m) % 2)) = 0 ] && echo 3 || echo -2)" $((1000 * m + a))
      done
      printf ']}'
    done
    printf ']}\n'
  } >request.json
fi
LINE=$("$PM" margin input request.json input.json)
CIRCUIT=${LINE%% *}
PARAMS=${LINE#* }
# shellcheck disable=SC2086
"$PM" circuit export-r1cs "$CIRCUIT" $PARAMS margin.r1cs -q
CONSTRAINTS=$("$PM" r1cs info margin.r1cs | sed -n 's/^ *constraints: *\([0-9]*\)/\1/p')
POWER=1
while [ $((1 << POWER)) -lt $((CONSTRAINTS + 200)) ]; do POWER=$((POWER + 1)); done
if [ ! -f "dev$POWER.ptau" ]; then "$PM" powersoftau dev-new "$POWER" "dev$POWER.ptau" -q 2>/dev/null; fi
if [ ! -f margin.zkey ] || [ margin.r1cs -nt margin.zkey ]; then
  "$PM" groth16 setup margin.r1cs "dev$POWER.ptau" margin0.zkey -q
  "$PM" zkey beacon margin0.zkey margin.zkey 0102030405060708 10 -n bench -q >/dev/null
fi
times=()
for r in $(seq 1 "$RUNS"); do
  t0=$(date +%s.%N)
  "$PM" margin prove request.json margin.zkey proof.json public.json --results results.json -q
  t1=$(date +%s.%N)
  times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')")
  echo "run $r: ${times[-1]} s" >&2
done
MEDIAN=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((RUNS + 1) / 2))p")
CPU=$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)
OUTCOMES=$(node -e 'const r = JSON.parse(require("fs").readFileSync("results.json")); const c = {}; for (const a of r.accounts) c[a.outcome] = (c[a.outcome] || 0) + 1; console.log(JSON.stringify(c))')
echo "$KIND ($CIRCUIT $PARAMS): constraints $CONSTRAINTS (domain 2^$POWER), runs ${times[*]}, median ${MEDIAN} s," \
  "outcomes $OUTCOMES, on $(nproc) cores of $CPU"
