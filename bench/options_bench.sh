#!/usr/bin/env bash
# Options proven per second: one signed snapshot, one expiry, N options (price and five Greeks
# each), `proofmill options prove` (witness solved natively, then the Groth16 proof) timed RUNS
# times; prints the median and options per second. The key comes from a DEV-ONLY ptau (timing
# does not depend on the key's secrets). SURFACE=svi prices on an SVI slice instead of a flat
# volatility; OUTPUTS=commitment commits to the results instead of publishing them.
#   [SURFACE=flat|svi] [OUTPUTS=public|commitment] bench/options_bench.sh [N=100] [RUNS=5] [PROOFMILL=...]
set -euo pipefail
N=${1:-100}
RUNS=${2:-5}
SURFACE=${SURFACE:-flat}
OUTPUTS=${OUTPUTS:-public}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PM=$(realpath "${3:-$ROOT/build/release/src/cli/proofmill}")
W="$ROOT/build/bench/options_${N}_${SURFACE}_$OUTPUTS"
mkdir -p "$W"
cd "$W"
rm -f oracle.key
"$PM" oracle keygen oracle.key >/dev/null
VOL='"vol": "0.65"'
[ "$SURFACE" = svi ] && VOL='"svi": {"a": "0.03", "b": "0.04", "rho": "-0.3", "m": "0.01", "sigma": "0.2"}'
cat >snapshot.json <<JSON
{"feed_id": "1", "timestamp": 1765000000, "spot": "65000", "rate": "0.05", "yield": "0.01",
 "expiries": [{"expiry": 1767592000, $VOL}]}
JSON
"$PM" oracle sign snapshot.json oracle.key signed.json
{
  printf '{"snapshot": %s, "outputs": "%s", "options": [' "$(cat signed.json)" "$OUTPUTS"
  for i in $(seq 1 "$N"); do
    [ "$i" -gt 1 ] && printf ','
    printf '{"strike": "%d", "expiry": 1767592000, "type": "%s"}' $((40000 + 500 * i)) "$([ $((i % 2)) = 0 ] && echo call || echo put)"
  done
  printf ']}\n'
} >request.json
PARAMS=$("$PM" options input request.json input.json | sed 's/^bsm_options //')
# shellcheck disable=SC2086
"$PM" circuit export-r1cs bsm_options $PARAMS bsm.r1cs -q
CONSTRAINTS=$("$PM" r1cs info bsm.r1cs | sed -n 's/^ *constraints: *\([0-9]*\)/\1/p')
POWER=1
while [ $((1 << POWER)) -lt $((CONSTRAINTS + 200)) ]; do POWER=$((POWER + 1)); done
if [ ! -f "dev$POWER.ptau" ]; then "$PM" powersoftau dev-new "$POWER" "dev$POWER.ptau" -q 2>/dev/null; fi
if [ ! -f bsm.zkey ] || [ bsm.r1cs -nt bsm.zkey ]; then
  "$PM" groth16 setup bsm.r1cs "dev$POWER.ptau" bsm0.zkey -q
  "$PM" zkey beacon bsm0.zkey bsm.zkey 0102030405060708 10 -n bench -q >/dev/null
fi
times=()
for r in $(seq 1 "$RUNS"); do
  t0=$(date +%s.%N)
  "$PM" options prove request.json bsm.zkey proof.json public.json --results results.json -q
  t1=$(date +%s.%N)
  times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')")
  echo "run $r: ${times[-1]} s" >&2
done
MEDIAN=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((RUNS + 1) / 2))p")
CPU=$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)
echo "options $N ($SURFACE, $OUTPUTS), constraints $CONSTRAINTS (domain 2^$POWER), runs ${times[*]}, median ${MEDIAN} s," \
  "$(awk -v n="$N" -v m="$MEDIAN" 'BEGIN { printf "%.2f", n / m }') options/s on $(nproc) cores of $CPU"
