# Shared by the interop scripts (sourced after `set -uo pipefail`, with the proofmill binary as
# $1): the paths, the peer checks, and the check helpers that count passes and failures.
PM=$(readlink -f "$1")
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT="$ROOT/build/interop"
SNARKJS=(node "$ROOT/tools/peers/node_modules/snarkjs/build/cli.cjs")
[ -x "$PM" ] || { echo "no proofmill binary at $1"; exit 2; }
[ -d "$ROOT/tools/peers/node_modules/snarkjs" ] || { echo "npm test peers missing: run scripts/setup.sh"; exit 2; }

pass=0 fail=0
LAST_LOG=
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
# expect CODE DESCRIPTION -- command...: the command must exit with CODE.
expect() {
  local want=$1 what=$2; shift 3
  local log; log=$("$@" 2>&1); local got=$?
  if [ "$got" = "$want" ]; then ok; else bad "$what: exit $got, expected $want"; echo "$log" | tail -n 5 | sed 's/^/    /'; fi
  LAST_LOG=$log
}
# expect_msg CODE PATTERN DESCRIPTION -- command...: exit CODE and output matching PATTERN.
expect_msg() {
  local want=$1 pat=$2 what=$3; shift 4
  expect "$want" "$what" -- "$@"
  if ! grep -qiE "$pat" <<<"$LAST_LOG"; then bad "$what: output does not match /$pat/: $(head -c 300 <<<"$LAST_LOG")"; fi
}
run() { # run DESCRIPTION -- command...: must exit 0
  local what=$1; shift 2
  local log; if log=$("$@" 2>&1); then ok; else bad "$what"; echo "$log" | tail -n 5 | sed 's/^/    /'; fi
  LAST_LOG=$log
}
refuse() { # refuse DESCRIPTION PATTERN -- command...: must fail and print PATTERN
  local what=$1 pattern=$2; shift 3
  local log; if log=$("$@" 2>&1); then bad "$what: accepted"; elif grep -q -- "$pattern" <<<"$log"; then ok; else
    bad "$what: failed without naming '$pattern'"; echo "$log" | tail -n 3 | sed 's/^/    /'; fi
}
same() { cmp -s "$2" "$3" && ok || bad "$1: $(basename "$2") and $(basename "$3") differ"; }
# finish LABEL: the summary line, and the exit status.
finish() {
  echo "$1: $pass passed, $fail failed"
  [ "$fail" -eq 0 ]
}
