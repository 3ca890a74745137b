#!/usr/bin/env bash
# The PostgreSQL cluster test: starts a throwaway PostgreSQL (pg.sh), runs cluster_pg.mjs against it,
# and removes everything afterwards (the work folder is kept when the test fails).
#
# usage: tests/service/cluster_pg.sh [PROOFMILL_BINARY] [--jobs N]
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PM=$(readlink -f "${1:-$ROOT/build/release/src/cli/proofmill}")
shift || true
[ -x "$PM" ] || { echo "no proofmill binary at $PM"; exit 2; }

PGDIR=$(mktemp -d /tmp/proofmill-pg.XXXXXX)
WORK=${SVC_WORK:-$(mktemp -d /tmp/proofmill-cluster.XXXXXX)}
mkdir -p "$WORK"
rc=1
cleanup() {
  for f in "$WORK"/pids/*; do [ -f "$f" ] && kill -9 "$(basename "$f")" 2>/dev/null; done
  "$ROOT/tests/service/pg.sh" destroy "$PGDIR" >/dev/null 2>&1
  if [ $rc -eq 0 ] && [ -z "${SVC_WORK:-}" ] && [ "${KEEP_WORK:-}" != 1 ]; then rm -rf "$WORK"; else echo "(work folder kept: $WORK)"; fi
}
trap cleanup EXIT
URL=$("$ROOT/tests/service/pg.sh" start "$PGDIR") || { echo "could not start PostgreSQL"; exit 2; }
SVC_WORK=$WORK PROOFMILL=$PM timeout -k 10 360 node "$ROOT/tests/service/cluster_pg.mjs" --pg-url "$URL" --pg-dir "$PGDIR" "$@"
rc=$?
exit $rc
