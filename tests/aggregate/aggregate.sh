#!/usr/bin/env bash
# Aggregation through the CLI, the quick parts (docs/STATEMENTS.md, "Aggregation"): claims of two
# inner proofs (one from snarkjs, one from proofmill, on examples/poseidon_chain's key)
# recomputed with circomlibjs; refusals of a malformed --inner, a public signal >= r and a bad
# proof, each named. The circuit itself is built and solved by the unit tests
# (Aggregate.CircuitSolvesToTheRoot); its proof is measured in docs/AGGREGATION.md.
#   tests/aggregate/aggregate.sh path/to/proofmill
set -euo pipefail
PM=$(realpath "$1")
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SNARKJS="node $ROOT/tools/peers/node_modules/snarkjs/build/cli.cjs"
E=$ROOT/examples/poseidon_chain
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"

$SNARKJS groth16 prove "$E/circuit.zkey" "$E/witness.wtns" p0.json pub0.json >/dev/null
"$PM" prove "$E/circuit.zkey" "$E/witness.wtns" p1.json pub1.json
I0="$E/verification_key.json:p0.json:pub0.json"
I1="$E/verification_key.json:p1.json:pub1.json"
"$PM" aggregate claims --inner "$I0" --inner "$I1" claims.json
node "$ROOT/tests/aggregate/recompute.mjs" claims.json "$I0" "$I1"

refuse() {  # $1: expected text; the rest: the command
  local want=$1
  shift
  if "$@" >out.txt 2>&1; then
    echo "accepted: $*"
    exit 1
  fi
  grep -q "$want" out.txt || { echo "expected '$want':"; cat out.txt; exit 1; }
}
refuse "expected VK.json:PROOF.json:PUBLIC.json" "$PM" aggregate claims --inner "$E/verification_key.json:p0.json" c.json
# A public signal of r (the modulus) instead of 0 mod r.
sed 's/"12345"/"21888242871839275222246405745257275088548364400416034343698204186575808495617"/' pub0.json >big.json
refuse "is not below the field's modulus r" "$PM" aggregate claims --inner "$E/verification_key.json:p0.json:big.json" c.json
# Another public signal: the proof no longer verifies, and the message names the proof.
sed 's/"12345"/"12346"/' pub0.json >other.json
refuse "inner proof 1 does not verify" "$PM" aggregate claims --inner "$I0" --inner "$E/verification_key.json:p0.json:other.json" c.json
echo "aggregate.cli: claims recomputed with circomlibjs; refusals named"
