#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL server: PROOFMILL_TEST_PG_URL names it.
#   tests/service/with_pg.sh COMMAND [ARGS...]
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DIR=$(mktemp -d /tmp/proofmill-pg.XXXXXX)
trap '"$HERE/pg.sh" destroy "$DIR" >/dev/null 2>&1' EXIT
URL=$("$HERE/pg.sh" start "$DIR" | tail -n 1) || { echo "with_pg: PostgreSQL did not start"; exit 2; }
PROOFMILL_TEST_PG_URL=$URL "$@"
