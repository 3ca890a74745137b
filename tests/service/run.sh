#!/usr/bin/env bash
# Runs the proving-service tests against a proofmill binary and prints a PASS/FAIL summary.
#
# usage: tests/service/run.sh [all|sqlite] [PROOFMILL_BINARY]
#   sqlite: api.test.mjs, hostile.test.mjs, slow.test.mjs, crash_sqlite.mjs, chaos.mjs (SQLite only)
#   all:    those, plus cluster_pg.sh and chaos.sh pg (need PostgreSQL 15 at /usr/lib/postgresql/15/bin)
# Exits non-zero when any test fails. KEEP_WORK=1 keeps every work folder (they are kept on failure).
set -uo pipefail
MODE=${1:-all}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PM=$(readlink -f "${2:-${PROOFMILL:-$ROOT/build/release/src/cli/proofmill}}")
case "$MODE" in all|sqlite) ;; *) echo "usage: $0 [all|sqlite] [PROOFMILL_BINARY]"; exit 2 ;; esac
[ -x "$PM" ] || { echo "no proofmill binary at $PM"; exit 2; }
[ -d "$ROOT/tools/peers/node_modules/snarkjs" ] || { echo "npm test peer snarkjs missing: run scripts/setup.sh"; exit 2; }
command -v node >/dev/null || { echo "node is missing"; exit 2; }

declare -a NAMES RESULTS
WORKS=()
cleanup() {
  for w in "${WORKS[@]}"; do
    for f in "$w"/pids/*; do [ -f "$f" ] && kill -9 "$(basename "$f")" 2>/dev/null; done
  done
}
trap cleanup EXIT

run_node() { # name timeout script [args...]
  local name=$1 limit=$2 script=$3
  shift 3
  local work
  work=$(mktemp -d "/tmp/proofmill-$name.XXXXXX")
  WORKS+=("$work")
  echo "=== $name"
  local t0=$SECONDS
  SVC_WORK=$work PROOFMILL=$PM timeout -k 10 "$limit" node "$ROOT/tests/service/$script" "$@"
  local rc=$?
  for f in "$work"/pids/*; do [ -f "$f" ] && kill -9 "$(basename "$f")" 2>/dev/null; done
  if [ $rc -eq 0 ] && [ "${KEEP_WORK:-}" != 1 ]; then rm -rf "$work"; else echo "(work folder kept: $work)"; fi
  [ $rc -eq 124 ] && echo "$name: timed out after $limit s"
  NAMES+=("$name ($((SECONDS - t0)) s)")
  RESULTS+=($rc)
}

T0=$SECONDS
run_node api 120 api.test.mjs
run_node hostile 120 hostile.test.mjs
run_node slow 120 slow.test.mjs
run_node crash_sqlite 150 crash_sqlite.mjs
run_node chaos_sqlite 180 chaos.mjs --cycles 5
if [ "$MODE" = all ]; then
  echo "=== cluster_pg"
  t0=$SECONDS
  "$ROOT/tests/service/cluster_pg.sh" "$PM"
  rc=$?
  NAMES+=("cluster_pg ($((SECONDS - t0)) s)")
  RESULTS+=($rc)
  echo "=== chaos_pg"
  t0=$SECONDS
  CHAOS_TIMEOUT=240 "$ROOT/tests/service/chaos.sh" pg "$PM" --cycles 5
  rc=$?
  NAMES+=("chaos_pg ($((SECONDS - t0)) s)")
  RESULTS+=($rc)
fi

echo
echo "=== service tests ($MODE, $PM), $((SECONDS - T0)) s"
fail=0
for i in "${!NAMES[@]}"; do
  if [ "${RESULTS[$i]}" -eq 0 ]; then echo "PASS ${NAMES[$i]}"; else echo "FAIL ${NAMES[$i]} (exit ${RESULTS[$i]})"; fail=1; fi
done
exit $fail
