#!/usr/bin/env bash
# Byte-for-byte check of `proofmill powersoftau dev-new` against the JS reference
# writer scripts/interop/dev_ptau.mjs (itself checked byte-identical to snarkjs's
# `powersoftau prepare phase2`, see docs/FORMATS.md section 9).
#
# usage: scripts/interop/check_dev_ptau.sh PROOFMILL [POWER]
#   PROOFMILL: the proofmill binary. POWER: default 8 (the JS writer is slow above ~12).
#   Two comparisons, each a `cmp` of the two files:
#     1. explicit secrets: --tau/--alpha/--beta given to both writers;
#     2. seed: proofmill --seed S, against the JS writer given the secrets that
#        Node's own SHA-256 derives from S (an independent check of the derivation
#        documented in src/3-proof/setup/ptau_dev.hpp).
#   Exit 0: identical; 1: a difference; 2: usage; 77: skipped (no node or
#   tools/peers/node_modules).
set -euo pipefail
if [ $# -lt 1 ] || [ $# -gt 2 ]; then sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; fi
PROOFMILL=$1
POWER=${2:-8}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
if ! command -v node >/dev/null || [ ! -d "$ROOT/tools/peers/node_modules/ffjavascript" ]; then
    echo "check_dev_ptau: SKIP (needs node and tools/peers/node_modules)" >&2
    exit 77
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

compare() {  # name, then the secrets as three decimals, then proofmill's secret options
    local name=$1 tau=$2 alpha=$3 beta=$4
    shift 4
    node "$ROOT/scripts/interop/dev_ptau.mjs" "$POWER" "$TMP/js.ptau" \
        --tau "$tau" --alpha "$alpha" --beta "$beta" 2>/dev/null
    "$PROOFMILL" powersoftau dev-new "$POWER" "$TMP/pm.ptau" -q "$@" 2>/dev/null
    if cmp "$TMP/js.ptau" "$TMP/pm.ptau"; then
        echo "check_dev_ptau: power $POWER, $name: identical ($(stat -c %s "$TMP/pm.ptau") bytes)"
    else
        echo "check_dev_ptau: power $POWER, $name: FILES DIFFER" >&2
        exit 1
    fi
}

TAU=1234567890123456789012345678901234567890
ALPHA=987654321987654321987654321
BETA=555555555555555555555555555555
compare "explicit secrets" "$TAU" "$ALPHA" "$BETA" --tau "$TAU" --alpha "$ALPHA" --beta "$BETA"

SEED="proofmill check_dev_ptau"
read -r S_TAU S_ALPHA S_BETA < <(node -e '
const crypto = require("node:crypto");
const r = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
const derive = (label) => BigInt("0x" + crypto.createHash("sha256").update(Buffer.concat([
    Buffer.from("proofmill dev ptau v1 " + label), Buffer.from([0]), Buffer.from(process.argv[1])])).digest("hex")) % r;
console.log(["tau", "alpha", "beta"].map(derive).join(" "));' "$SEED")
compare "seed \"$SEED\"" "$S_TAU" "$S_ALPHA" "$S_BETA" --seed "$SEED"
