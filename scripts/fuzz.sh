#!/usr/bin/env bash
# A fuzzing campaign: each libFuzzer target (or those named) for SECONDS of wall time, one worker
# each, in a scratch corpus seeded from tests/fuzz/NAME; prints executions, coverage and features
# per target and keeps crashing inputs in build/fuzz/crashes/NAME. Record results in
# docs/SECURITY.md; add crashing inputs (once fixed) to tests/fuzz/NAME so CI replays them.
#   scripts/fuzz.sh [--cpu] SECONDS [NAME ...]
# With --cpu, SECONDS are CPU seconds of the fuzzer: it runs until it has used them (then is
# interrupted, which prints its final stats), however busy the machine is with other work.
# FUZZ_NO_BUILD=1 skips the build (for a second campaign started beside a running one).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CPU_BUDGET=0
if [ "${1:-}" = "--cpu" ]; then CPU_BUDGET=1; shift; fi
SECONDS_EACH=${1:?usage: scripts/fuzz.sh [--cpu] SECONDS [NAME ...]}
shift
cd "$ROOT"
if [ "${FUZZ_NO_BUILD:-0}" != 1 ]; then
  cmake --preset fuzz >/dev/null
  cmake --build --preset fuzz -j "$(nproc)" >/dev/null
fi
TICKS=$(getconf CLK_TCK)
# CPU seconds (user + system, all threads) a running process has used so far.
cpu_of() { awk -v t="$TICKS" '{ sub(/.*\) /, ""); printf "%d", ($12 + $13) / t }' "/proc/$1/stat" 2>/dev/null || echo 0; }
NAMES=("$@")
if [ ${#NAMES[@]} -eq 0 ]; then
  for d in tests/fuzz/*/; do NAMES+=("$(basename "$d")"); done
fi
for name in "${NAMES[@]}"; do
  bin=$(find build/fuzz/src -type f -name "fuzz_$name" | head -1)
  [ -n "$bin" ] || { echo "no target fuzz_$name"; exit 1; }
  work="build/fuzz/campaign/$name"
  crashes="build/fuzz/crashes/$name"
  mkdir -p "$work" "$crashes"
  cp -n "tests/fuzz/$name"/* "$work"/ 2>/dev/null || true
  log="build/fuzz/campaign/$name.log"
  unit=s
  [ "$CPU_BUDGET" = 1 ] && unit="CPU s"
  echo "fuzz_$name: ${SECONDS_EACH} $unit" >&2
  wall=$SECONDS_EACH
  [ "$CPU_BUDGET" = 1 ] && wall=$((SECONDS_EACH * 50))
  rc=0
  started=$SECONDS
  # CPU seconds are what a campaign is measured in: beside other work, wall time overstates them.
  /usr/bin/time -f "%U %S" -o "$log.cpu" \
    "$bin" "$work" -max_total_time="$wall" -rss_limit_mb=2048 -timeout=30 -max_len=65536 \
    -artifact_prefix="$crashes/" -print_final_stats=1 >"$log" 2>&1 &
  timer=$!
  if [ "$CPU_BUDGET" = 1 ]; then
    sleep 1
    fuzzer=$(pgrep -P "$timer" | head -1 || true)
    while [ -n "$fuzzer" ] && kill -0 "$fuzzer" 2>/dev/null; do
      if [ "$(cpu_of "$fuzzer")" -ge "$SECONDS_EACH" ]; then kill -INT "$fuzzer"; break; fi
      sleep 5
    done
  fi
  wait "$timer" || rc=$?
  [ "$CPU_BUDGET" = 1 ] && [ "$rc" = 72 ] && rc=0  # 72: libFuzzer's exit on the interrupt above
  cpu=$(tail -n 1 "$log.cpu" 2>/dev/null | awk '{printf "%.0f", $1 + $2}')  # after any exit-status line
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
  ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1)
  corpus=$(find "$work" -type f | wc -l)
  found=$(find "$crashes" -type f | wc -l)
  echo "fuzz_$name: ${execs:-0} executions in $((SECONDS - started)) s (${cpu} CPU s), ${cov:-cov: ?}, ${ft:-ft: ?}, corpus $corpus, crashes $found (exit $rc)"
done
