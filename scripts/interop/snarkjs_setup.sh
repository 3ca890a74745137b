#!/usr/bin/env bash
# Groth16 setup + proof with snarkjs for a circuit built by build_circuits.sh.
#
# usage: scripts/interop/snarkjs_setup.sh OUTDIR NAME PTAU
#   Needs OUTDIR/NAME/{NAME.r1cs, NAME.wtns}. Writes OUTDIR/NAME/{NAME.zkey,
#   verification_key.json, proof.snarkjs.json, public.snarkjs.json} and checks
#   the proof with `snarkjs groth16 verify`.
#   NAME.zkey = `groth16 setup` followed by one deterministic `zkey beacon`
#   contribution, so delta != generator (set NO_BEACON=1 to keep the raw
#   setup output, where delta_1/delta_2 are the generators).
# Idempotent: setup is skipped when the zkey is newer than r1cs and ptau
# (FORCE=1 to redo); prove/verify always run (snarkjs proofs are randomised).
set -euo pipefail
if [ $# -ne 3 ]; then sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; fi
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SNARKJS=(node "$ROOT/tools/peers/node_modules/snarkjs/build/cli.cjs")
D="$1/$2"
NAME=$2
PTAU=$3
for f in "$D/$NAME.r1cs" "$D/$NAME.wtns" "$PTAU"; do
    [ -f "$f" ] || { echo "$NAME: missing $f" >&2; exit 1; }
done
LOG="$D/setup.log"
: > "$LOG"
run() { if ! "${SNARKJS[@]}" "$@" >>"$LOG" 2>&1; then echo "$NAME: snarkjs $1 $2 failed, see $LOG" >&2; tail -n 20 "$LOG" >&2; exit 1; fi; }
now() { date +%s.%N; }

t0=$(now)
if [ "${FORCE:-0}" = 1 ] || [ ! -f "$D/$NAME.zkey" ] || [ "$D/$NAME.r1cs" -nt "$D/$NAME.zkey" ] || [ "$PTAU" -nt "$D/$NAME.zkey" ]; then
    rm -f "$D/$NAME.zkey" "$D/${NAME}_0000.zkey"
    run groth16 setup "$D/$NAME.r1cs" "$PTAU" "$D/${NAME}_0000.zkey"
    # snarkjs exits 0 even when setup fails (e.g. "circuit too big"): check the file.
    if [ ! -s "$D/${NAME}_0000.zkey" ] || grep -q "ERROR" "$LOG"; then
        echo "$NAME: groth16 setup failed, see $LOG" >&2; tail -n 5 "$LOG" >&2; exit 1
    fi
    if [ "${NO_BEACON:-0}" = 1 ]; then
        mv "$D/${NAME}_0000.zkey" "$D/$NAME.zkey"
    else
        run zkey beacon "$D/${NAME}_0000.zkey" "$D/$NAME.zkey" \
            202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f 10 -n="proofmill dev zkey beacon"
        rm -f "$D/${NAME}_0000.zkey"
    fi
    run zkey export verificationkey "$D/$NAME.zkey" "$D/verification_key.json"
fi
t1=$(now)
run groth16 prove "$D/$NAME.zkey" "$D/$NAME.wtns" "$D/proof.snarkjs.json" "$D/public.snarkjs.json"
t2=$(now)
run groth16 verify "$D/verification_key.json" "$D/public.snarkjs.json" "$D/proof.snarkjs.json"
t3=$(now)
grep -q "OK!" "$LOG" || { echo "$NAME: groth16 verify did not print OK" >&2; exit 1; }
awk -v n="$NAME" -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" \
    'BEGIN { printf "%s: setup=%.1fs prove=%.1fs verify=%.1fs OK\n", n, b-a, c-b, d-c }'
