#!/usr/bin/env bash
# The chaos test (chaos.mjs) on SQLite, or on a throwaway PostgreSQL (pg.sh) that is removed
# afterwards. CI runs a few cycles; the campaign in docs/SECURITY.md ran --cycles 100 on both.
#
# usage: tests/service/chaos.sh sqlite|pg [PROOFMILL_BINARY] [--cycles N] [--concurrent C] ...
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
MODE=${1:?usage: chaos.sh sqlite|pg [PROOFMILL_BINARY] [chaos.mjs options]}
PM=$(readlink -f "${2:-$ROOT/build/release/src/cli/proofmill}")
shift 2 || shift || true
[ -x "$PM" ] || { echo "no proofmill binary at $PM"; exit 2; }
WORK=${SVC_WORK:-$(mktemp -d /tmp/proofmill-chaos.XXXXXX)}
mkdir -p "$WORK"
PGDIR=""
rc=1
cleanup() {
  for f in "$WORK"/pids/*; do [ -f "$f" ] && kill -9 "$(basename "$f")" 2>/dev/null; done
  [ -n "$PGDIR" ] && "$ROOT/tests/service/pg.sh" destroy "$PGDIR" >/dev/null 2>&1
  if [ $rc -eq 0 ] && [ -z "${SVC_WORK:-}" ] && [ "${KEEP_WORK:-}" != 1 ]; then rm -rf "$WORK"; else echo "(work folder kept: $WORK)"; fi
}
trap cleanup EXIT
PGARGS=()
if [ "$MODE" = pg ]; then
  PGDIR=$(mktemp -d /tmp/proofmill-pg.XXXXXX)
  URL=$("$ROOT/tests/service/pg.sh" start "$PGDIR") || { echo "could not start PostgreSQL"; exit 2; }
  PGARGS=(--pg-url "$URL" --pg-dir "$PGDIR")
elif [ "$MODE" != sqlite ]; then
  echo "usage: chaos.sh sqlite|pg [PROOFMILL_BINARY] [chaos.mjs options]"; exit 2
fi
SVC_WORK=$WORK PROOFMILL=$PM timeout -k 10 "${CHAOS_TIMEOUT:-3600}" node "$ROOT/tests/service/chaos.mjs" "${PGARGS[@]}" "$@"
rc=$?
exit $rc
