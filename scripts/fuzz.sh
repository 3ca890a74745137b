#!/usr/bin/env bash
# A fuzzing campaign: each libFuzzer target (or those named) for SECONDS of wall time, one worker
# each, in a scratch corpus seeded from tests/fuzz/NAME; prints executions, coverage and features
# per target and keeps crashing inputs in build/fuzz/crashes/NAME. Record results in
# docs/SECURITY.md; add crashing inputs (once fixed) to tests/fuzz/NAME so CI replays them.
#   scripts/fuzz.sh SECONDS [NAME ...]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SECONDS_EACH=${1:?usage: scripts/fuzz.sh SECONDS [NAME ...]}
shift
cd "$ROOT"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$(nproc)" >/dev/null
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
  echo "fuzz_$name: ${SECONDS_EACH} s" >&2
  rc=0
  # CPU seconds are what a campaign is measured in: beside other work, wall time overstates them.
  /usr/bin/time -f "%U %S" -o "$log.cpu" \
    "$bin" "$work" -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 -timeout=30 -max_len=65536 \
    -artifact_prefix="$crashes/" -print_final_stats=1 >"$log" 2>&1 || rc=$?
  cpu=$(tail -n 1 "$log.cpu" 2>/dev/null | awk '{printf "%.0f", $1 + $2}')  # after any exit-status line
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
  ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1)
  corpus=$(find "$work" -type f | wc -l)
  found=$(find "$crashes" -type f | wc -l)
  echo "fuzz_$name: ${execs:-0} executions in ${SECONDS_EACH} s (${cpu} CPU s), ${cov:-cov: ?}, ${ft:-ft: ?}, corpus $corpus, crashes $found (exit $rc)"
done
