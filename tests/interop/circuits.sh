#!/usr/bin/env bash
# Built-in C++ circuits (proofmill circuit ...) against snarkjs and circom:
#  - the exported .r1cs/.sym read by `snarkjs r1cs info`, our .wtns accepted by `snarkjs wtns check`;
#  - `snarkjs groth16 setup` on our .r1cs; `proofmill circuit prove` proofs verified by snarkjs,
#    snarkjs proofs of our witnesses verified by proofmill;
#  - poseidon_chain gives the same public output as circomlib's chain compiled by circom;
#  - a bad input is refused with the failing constraint's name.
#
# usage: tests/interop/circuits.sh PROOFMILL_BINARY
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

BEACON=1 "$ROOT/scripts/interop/make_small_ptau.sh" 10 "$OUT/ptau/pot10.ptau" >/dev/null || exit 2
"$ROOT/scripts/interop/build_circuits.sh" "$OUT" poseidon_chain_small >/dev/null || exit 2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# Constraint counts against circomlib's templates compiled by circom --O2: within 10%.
CC="$T/circom"; mkdir -p "$CC/circomlib"
cp -r "$ROOT/tools/peers/node_modules/circomlib/circuits/." "$CC/circomlib/"
for pair in "merkle_inclusion_ref|merkle_inclusion|-p n=20" "eddsa_poseidon_ref|eddsa_poseidon|"; do
  IFS='|' read -r ref name params <<<"$pair"
  cp "$ROOT/tests/circuits/$ref.circom" "$CC/"
  theirs=$(cd "$CC" && node "$ROOT/tools/peers/node_modules/circom2/cli.js" "$ref.circom" --r1cs --O2 2>&1 | sed -n 's/.*non-linear constraints: \([0-9]*\).*/\1/p')
  # shellcheck disable=SC2086
  ours=$("$PM" circuit info "$name" $params --json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).constraints))')
  echo "constraints: $name $ours, circomlib (circom --O2) ${theirs:-?}"
  if [ -n "$theirs" ] && [ $((ours * 10)) -le $((theirs * 11)) ] && [ $((ours * 10)) -ge $((theirs * 9)) ]; then ok; else
    bad "$name: $ours constraints, circomlib's ${theirs:-?}: not within 10%"; fi
done

# EdDSA (4,193 constraints) needs 2^13: a dev ptau (byte-identical to what snarkjs's prepare
# phase2 makes of the same secrets, without its minutes).
if [ ! -f "$OUT/ptau/dev13.ptau" ]; then
  "$PM" powersoftau dev-new 13 "$OUT/ptau/dev13.ptau.tmp" >/dev/null 2>&1 && mv "$OUT/ptau/dev13.ptau.tmp" "$OUT/ptau/dev13.ptau" || { echo "dev ptau failed"; exit 2; }
fi
EDDSA_INPUT=$("$PM" circuit info eddsa_poseidon --json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.stringify(JSON.parse(s).example_input)))')

# name, parameters, input, ptau
cases=(
  "cubic||{\"x\": \"3\"}|pot10"
  "poseidon|-p n=3|{\"in\": [\"1\", \"2\", \"3\"]}|pot10"
  "poseidon_chain|-p n=2|{\"seed\": \"12345\", \"salt\": \"678\"}|pot10"
  "merkle_inclusion|-p n=2|{\"leaf\": \"5\", \"siblings\": [\"6\", \"7\"], \"index_bits\": [0, 1]}|pot10"
  "eddsa_poseidon||$EDDSA_INPUT|dev13"
)
for entry in "${cases[@]}"; do
  IFS='|' read -r name params input ptau <<<"$entry"
  D="$T/$name"; mkdir -p "$D"
  echo "$input" > "$D/input.json"
  # shellcheck disable=SC2086
  run "$name: export-r1cs" -- "$PM" circuit export-r1cs "$name" $params "$D/c.r1cs" --sym "$D/c.sym" -q
  n=$("$PM" circuit info "$name" $params --json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).constraints))')
  run "$name: snarkjs r1cs info" -- "${SNARKJS[@]}" r1cs info "$D/c.r1cs"
  grep -q "# of Constraints: $n\b" <<<"$LAST_LOG" && ok || bad "$name: snarkjs counts other than $n constraints"
  run "$name: witness" -- "$PM" witness "$name" $params "$D/input.json" "$D/c.wtns"
  run "$name: snarkjs wtns check" -- "${SNARKJS[@]}" wtns check "$D/c.r1cs" "$D/c.wtns"
  run "$name: snarkjs groth16 setup" -- "${SNARKJS[@]}" groth16 setup "$D/c.r1cs" "$OUT/ptau/$ptau.ptau" "$D/c.zkey"
  run "$name: snarkjs export vk" -- "${SNARKJS[@]}" zkey export verificationkey "$D/c.zkey" "$D/vk.json"
  # The key straight from `groth16 setup` has no phase-2 contribution: refused unless declared a
  # development key.
  refuse "$name: circuit prove with an uncontributed key" "no phase-2 contribution" -- "$PM" circuit prove "$name" $params "$D/input.json" "$D/c.zkey" "$D/proof.json" "$D/public.json" -q
  run "$name: proofmill circuit prove" -- "$PM" circuit prove "$name" $params "$D/input.json" "$D/c.zkey" "$D/proof.json" "$D/public.json" -q --allow-dev-key
  run "$name: snarkjs verifies proofmill's proof" -- "${SNARKJS[@]}" groth16 verify "$D/vk.json" "$D/public.json" "$D/proof.json"
  run "$name: snarkjs prove on our witness" -- "${SNARKJS[@]}" groth16 prove "$D/c.zkey" "$D/c.wtns" "$D/proof2.json" "$D/public2.json"
  run "$name: proofmill verifies snarkjs's proof" -- "$PM" verify "$D/vk.json" "$D/public2.json" "$D/proof2.json" --allow-dev-key
  cmp -s "$D/public.json" "$D/public2.json" && ok || bad "$name: public signals differ between proofmill and snarkjs"
  # A tampered public signal is rejected by snarkjs.
  node -e 'const f=process.argv[1];const p=require(f);p[0]=(BigInt(p[0])+1n).toString();require("fs").writeFileSync(f+".bad.json",JSON.stringify(p))' "$D/public.json"
  if "${SNARKJS[@]}" groth16 verify "$D/vk.json" "$D/public.json.bad.json" "$D/proof.json" >/dev/null 2>&1; then
    bad "$name: snarkjs accepted a changed public signal"
  else ok; fi
done

# Same statement as circomlib's chain compiled by circom: same public output for the same input.
ref="$OUT/poseidon_chain_small"
run "circom chain public signals" -- "${SNARKJS[@]}" wtns export json "$ref/poseidon_chain_small.wtns" "$T/ref_wtns.json"
want=$(node -e 'console.log(require(process.argv[1])[1])' "$T/ref_wtns.json")
got=$(node -e 'console.log(require(process.argv[1])[0])' "$T/poseidon_chain/public.json")
cmp -s "$ref/input.json" "$T/poseidon_chain/input.json" || diff <(node -e 'console.log(JSON.stringify(require(process.argv[1])))' "$ref/input.json") <(node -e 'console.log(JSON.stringify(require(process.argv[1])))' "$T/poseidon_chain/input.json") >/dev/null || bad "reference input differs"
[ "$want" = "$got" ] && ok || bad "poseidon_chain output $got differs from circom's $want"

# A witness that cannot satisfy the circuit is refused, naming the constraint.
echo '{"in": ["1", "2", "3"], "extra": "1"}' > "$T/extra.json"
if log=$("$PM" witness poseidon -p n=3 "$T/extra.json" "$T/x.wtns" 2>&1); then bad "unknown input accepted"
elif grep -q '`extra` is not an input' <<<"$log"; then ok; else bad "unknown input message: $log"; fi
echo '{"in": ["21888242871839275222246405745257275088548364400416034343698204186575808495617", "2", "3"]}' > "$T/big.json"
if log=$("$PM" witness poseidon -p n=3 "$T/big.json" "$T/x.wtns" 2>&1); then bad "input >= r accepted"
elif grep -q 'not below the field modulus' <<<"$log"; then ok; else bad "input >= r message: $log"; fi

finish "circuits interop"
