#!/usr/bin/env bash
# Interop and hostile-input tests of proofmill against snarkjs, on circom2-compiled circuits.
#
# usage: tests/interop/interop.sh PROOFMILL_BINARY [full|quick]
#   full : every circuit, the >= 2^16-constraint one included (keys from snarkjs on a native
#          dev ptau of power 17); quick: the small circuits only (for the sanitizer build).
# Needs the npm test peers (scripts/setup.sh installs them into tools/peers).
# Artifacts are cached under build/interop (circuits, ptau files, snarkjs keys).
set -uo pipefail
MODE=${2:-full}
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
MUT=(node "$ROOT/tests/interop/mutate.mjs")

SMALL=(multiplier nopublic manypublic poseidon_chain_small)
CIRCUITS=("${SMALL[@]}")
[ "$MODE" = full ] && CIRCUITS+=(poseidon_chain_big)

echo "== building circuits (circom2) and keys (snarkjs)"
"$ROOT/scripts/interop/build_circuits.sh" "$OUT" "${CIRCUITS[@]}" || exit 2
BEACON=1 "$ROOT/scripts/interop/make_small_ptau.sh" 10 "$OUT/ptau/pot10.ptau" || exit 2
if [ "$MODE" = full ]; then
  if [ ! -f "$OUT/ptau/dev17.ptau" ]; then
    "$PM" powersoftau dev-new 17 "$OUT/ptau/dev17.ptau.tmp" >/dev/null 2>&1 && mv "$OUT/ptau/dev17.ptau.tmp" "$OUT/ptau/dev17.ptau" || { echo "dev ptau failed"; exit 2; }
  fi
fi
for c in "${CIRCUITS[@]}"; do
  ptau="$OUT/ptau/pot10.ptau"
  [ "$c" = poseidon_chain_big ] && ptau="$OUT/ptau/dev17.ptau"
  "$ROOT/scripts/interop/snarkjs_setup.sh" "$OUT" "$c" "$ptau" || exit 2
done

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
# A G2 point on the twist but outside the order-r subgroup, from the noble-made vectors.
NOT_IN_G2=$(node -e 'const v=require(process.argv[1]).g2_not_in_subgroup[0].P;console.log(JSON.stringify([v[0],v[1],["1","0"]]))' "$ROOT/tests/vectors/bn254_curve.json")

for c in "${CIRCUITS[@]}"; do
  D="$OUT/$c"
  echo "== $c ($(cat "$D/info.txt"))"
  expect 0 "$c: snarkjs proof verifies with proofmill" -- "$PM" verify "$D/verification_key.json" "$D/public.snarkjs.json" "$D/proof.snarkjs.json"
  expect 0 "$c: proofmill prove" -- "$PM" prove "$D/$c.zkey" "$D/$c.wtns" "$T/$c.proof.json" "$T/$c.public.json" --r1cs "$D/$c.r1cs"
  expect 0 "$c: proofmill proof verifies with proofmill" -- "$PM" verify "$D/verification_key.json" "$T/$c.public.json" "$T/$c.proof.json"
  expect_msg 0 "OK" "$c: proofmill proof verifies with snarkjs" -- "${SNARKJS[@]}" groth16 verify "$D/verification_key.json" "$T/$c.public.json" "$T/$c.proof.json"
  expect 0 "$c: public.json identical to snarkjs's" -- cmp "$T/$c.public.json" "$D/public.snarkjs.json"
  "$PM" zkey export-vk "$D/$c.zkey" "$T/$c.vk.json"
  expect 0 "$c: exported verification key identical to snarkjs's" -- cmp "$T/$c.vk.json" "$D/verification_key.json"

  # Tampered proofs and statements are rejected (exit 1).
  P="$T/$c.proof.json" PUB="$T/$c.public.json" VK="$D/verification_key.json"
  "${MUT[@]}" swap-json "$P" "$T/t1.json" pi_a pi_c
  expect 1 "$c: swapped proof points rejected" -- "$PM" verify "$VK" "$PUB" "$T/t1.json"
  "${MUT[@]}" json "$P" "$T/t2.json" 'pi_a[1]' '"5"'
  expect_msg 1 "not on the curve" "$c: point off the curve rejected" -- "$PM" verify "$VK" "$PUB" "$T/t2.json"
  "${MUT[@]}" json "$P" "$T/t3.json" pi_b "$NOT_IN_G2"
  expect_msg 1 "subgroup" "$c: pi_b outside the G2 subgroup rejected" -- "$PM" verify "$VK" "$PUB" "$T/t3.json"
  "${MUT[@]}" json "$P" "$T/t4.json" 'pi_c' "$(node -e 'const p=JSON.parse(require("fs").readFileSync(process.argv[1]));console.log(JSON.stringify(p.pi_a))' "$D/proof.snarkjs.json")"
  expect 1 "$c: proof mixed from two proofs rejected" -- "$PM" verify "$VK" "$PUB" "$T/t4.json"
  npub=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).length)' "$PUB")
  if [ "$npub" -gt 0 ]; then
    v=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1]))[0])' "$PUB")
    "${MUT[@]}" json "$PUB" "$T/p1.json" '0' "\"$(node -e "console.log((BigInt('$v')+1n).toString())")\""
    expect 1 "$c: wrong public input rejected" -- "$PM" verify "$VK" "$T/p1.json" "$P"
    "${MUT[@]}" json "$PUB" "$T/p2.json" '0' "\"$(node -e "console.log((BigInt('$v')+21888242871839275222246405745257275088548364400416034343698204186575808495617n).toString())")\""
    expect_msg 1 "less than the field order" "$c: public input + r (aliasing) rejected" -- "$PM" verify "$VK" "$T/p2.json" "$P"
  fi
  node -e 'const p=JSON.parse(require("fs").readFileSync(process.argv[1]));p.push("1");console.log(JSON.stringify(p))' "$PUB" > "$T/p3.json"
  expect_msg 1 "expected $npub public inputs" "$c: extra public input rejected" -- "$PM" verify "$VK" "$T/p3.json" "$P"

  # Hostile files: a clear error and exit 2, never a crash.
  size=$(stat -c %s "$D/$c.zkey")
  "${MUT[@]}" truncate "$D/$c.zkey" "$T/trunc.zkey" $((size / 2))
  expect_msg 2 "zkey .*trunc.zkey.*(truncated|past the end)" "$c: truncated zkey" -- "$PM" prove "$T/trunc.zkey" "$D/$c.wtns" "$T/x.json" "$T/y.json"
  "${MUT[@]}" flip "$D/$c.zkey" "$T/magic.zkey" 0
  expect_msg 2 "bad magic" "$c: zkey with a bad magic" -- "$PM" prove "$T/magic.zkey" "$D/$c.wtns" "$T/x.json" "$T/y.json"
  "${MUT[@]}" flip-section "$D/$c.zkey" "$T/point.zkey" 9 5   # H[0].x
  expect_msg 2 "zkey .*section 9 .*offset .*not on the curve" "$c: zkey with a point off the curve" -- "$PM" prove "$T/point.zkey" "$D/$c.wtns" "$T/x.json" "$T/y.json"
  "${MUT[@]}" flip-section "$D/$c.zkey" "$T/q.zkey" 5 31   # A[0].x top byte: >= q
  expect_msg 2 "zkey .*section 5 .*>= q" "$c: zkey with a coordinate >= q" -- "$PM" prove "$T/q.zkey" "$D/$c.wtns" "$T/x.json" "$T/y.json"
  wsize=$(stat -c %s "$D/$c.wtns")
  "${MUT[@]}" truncate "$D/$c.wtns" "$T/trunc.wtns" $((wsize - 7))
  expect_msg 2 "wtns .*trunc.wtns" "$c: truncated wtns" -- "$PM" prove "$D/$c.zkey" "$T/trunc.wtns" "$T/x.json" "$T/y.json"
  "${MUT[@]}" wtns-set "$D/$c.wtns" "$T/big.wtns" 1 21888242871839275222246405745257275088548364400416034343698204186575808495617
  expect_msg 2 ">= r" "$c: witness value >= r" -- "$PM" prove "$D/$c.zkey" "$T/big.wtns" "$T/x.json" "$T/y.json"
  last=$(( wsize / 32 - 3 ))
  "${MUT[@]}" wtns-add "$D/$c.wtns" "$T/wrong.wtns" "$last"
  expect_msg 1 "does not satisfy constraint" "$c: wrong witness refused before proving" -- "$PM" prove "$D/$c.zkey" "$T/wrong.wtns" "$T/x.json" "$T/y.json" --r1cs "$D/$c.r1cs"
  expect 1 "$c: wtns check names the unsatisfied witness" -- "$PM" wtns check "$D/$c.r1cs" "$T/wrong.wtns"
  echo '{"pi_a": [' > "$T/broken.json"
  expect_msg 2 "not valid JSON" "$c: malformed proof JSON" -- "$PM" verify "$VK" "$PUB" "$T/broken.json"
done

# Keys from our dev setup (a zkey we write) work in snarkjs, both ways.
for c in "${SMALL[@]}"; do
  D="$OUT/$c"
  expect 0 "$c: groth16 dev-setup" -- "$PM" groth16 dev-setup -q "$D/$c.r1cs" "$T/$c.dev.zkey"
  "$PM" zkey export-vk "$T/$c.dev.zkey" "$T/$c.dev.vk.json"
  expect 0 "$c: snarkjs proves with our dev zkey" -- "${SNARKJS[@]}" groth16 prove "$T/$c.dev.zkey" "$D/$c.wtns" "$T/$c.sj.proof.json" "$T/$c.sj.public.json"
  expect 0 "$c: ... and proofmill verifies it" -- "$PM" verify "$T/$c.dev.vk.json" "$T/$c.sj.public.json" "$T/$c.sj.proof.json"
  expect 0 "$c: proofmill proves with the dev zkey" -- "$PM" prove "$T/$c.dev.zkey" "$D/$c.wtns" "$T/$c.dp.json" "$T/$c.dpub.json"
  expect_msg 0 "OK" "$c: ... and snarkjs verifies it" -- "${SNARKJS[@]}" groth16 verify "$T/$c.dev.vk.json" "$T/$c.dpub.json" "$T/$c.dp.json"
  expect 1 "$c: a proof for the snarkjs key does not verify under the dev key" -- "$PM" verify "$T/$c.dev.vk.json" "$T/$c.public.json" "$T/$c.proof.json"
done

# A witness of one circuit with the key of another.
expect_msg 2 "expects" "witness/key mismatch" -- "$PM" prove "$OUT/multiplier/multiplier.zkey" "$OUT/nopublic/nopublic.wtns" "$T/x.json" "$T/y.json"

finish "interop"
