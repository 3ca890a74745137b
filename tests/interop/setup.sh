#!/usr/bin/env bash
# The trusted setup against snarkjs, both ways, on small powers:
#  - powers of tau: `new`, `beacon` and `prepare phase2` byte-identical to snarkjs's; our random
#    contribution accepted by `snarkjs powersoftau verify`, snarkjs's by ours;
#  - `groth16 setup` byte-identical to snarkjs's, on a circom-compiled .r1cs and on one of ours;
#  - phase 2: our `zkey contribute` accepted by `snarkjs zkey verify`, snarkjs's contribution by
#    `proofmill zkey verify`, `zkey beacon` byte-identical; proofs with the final key verified by
#    both;
#  - tampered files, an unprepared ptau and one too small rejected with a named reason.
#
# usage: tests/interop/setup.sh PROOFMILL_BINARY
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

"$ROOT/scripts/interop/build_circuits.sh" "$OUT" multiplier >/dev/null || exit 2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"
P=8
BEACON=0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20

# ---- phase 1
run "proofmill powersoftau new" -- "$PM" powersoftau new bn128 $P pm0.ptau
run "snarkjs powersoftau new" -- "${SNARKJS[@]}" powersoftau new bn128 $P sj0.ptau
same "powersoftau new" pm0.ptau sj0.ptau
run "proofmill contribute" -- "$PM" powersoftau contribute pm0.ptau pm1.ptau -n "proofmill 1" -e "some entropy"
run "snarkjs verifies our contribution" -- "${SNARKJS[@]}" powersoftau verify pm1.ptau
grep -q "Powers Of tau file OK" <<<"$LAST_LOG" && ok || bad "snarkjs did not report our contribution OK"
run "snarkjs contribute on ours" -- "${SNARKJS[@]}" powersoftau contribute pm1.ptau sj2.ptau -n="snarkjs 2" -e="more entropy"
run "proofmill verifies snarkjs's contribution" -- "$PM" powersoftau verify sj2.ptau
grep -q "Contribution #2: snarkjs 2" <<<"$LAST_LOG" && ok || bad "proofmill did not list snarkjs's contribution"
run "proofmill beacon" -- "$PM" powersoftau beacon sj2.ptau pm3.ptau $BEACON 10 -n="Final Beacon"
run "snarkjs beacon" -- "${SNARKJS[@]}" powersoftau beacon sj2.ptau sj3.ptau $BEACON 10 -n="Final Beacon"
same "powersoftau beacon" pm3.ptau sj3.ptau
run "proofmill prepare phase2" -- "$PM" powersoftau prepare phase2 pm3.ptau pm3f.ptau
run "snarkjs prepare phase2" -- "${SNARKJS[@]}" powersoftau prepare phase2 pm3.ptau sj3f.ptau
same "prepare phase2" pm3f.ptau sj3f.ptau
run "proofmill verifies the prepared file" -- "$PM" powersoftau verify pm3f.ptau --json
grep -q '"lagrange_checked": true' <<<"$LAST_LOG" && ok || bad "proofmill skipped the Lagrange check"
run "snarkjs verifies the prepared file" -- "${SNARKJS[@]}" powersoftau verify pm3f.ptau
grep -q "Powers of Tau Ok" <<<"$LAST_LOG" && ok || bad "snarkjs did not accept the prepared file"

# Tampered: one power of tau replaced by another valid point (the generator); a Lagrange point
# replaced likewise; a file without contributions.
node -e '
const fs=require("fs");const [src,dst,sec,idx,size]=process.argv.slice(1);const d=fs.readFileSync(src);
let p=12;const n=d.readUInt32LE(8);for(let i=0;i<n;i++){const t=d.readUInt32LE(p),s=Number(d.readBigUInt64LE(p+4));
if(t==+sec){const at=p+12+(+idx)*(+size);d.copy(d,at,p+12,p+12+(+size));}p+=12+s;}fs.writeFileSync(dst,d);' pm3f.ptau bad2.ptau 2 5 64
refuse "tampered tauG1" "powers of tau" -- "$PM" powersoftau verify bad2.ptau
node -e '
const fs=require("fs");const [src,dst,sec,idx,size]=process.argv.slice(1);const d=fs.readFileSync(src);
let p=12;const n=d.readUInt32LE(8);for(let i=0;i<n;i++){const t=d.readUInt32LE(p),s=Number(d.readBigUInt64LE(p+4));
if(t==+sec){const at=p+12+(+idx)*(+size);d.copy(d,at,p+12+64,p+12+64+(+size));}p+=12+s;}fs.writeFileSync(dst,d);' pm3f.ptau bad12.ptau 12 9 64
refuse "tampered Lagrange section" "not the Lagrange basis" -- "$PM" powersoftau verify bad12.ptau
refuse "no contributions" "no contribution" -- "$PM" powersoftau verify pm0.ptau
head -c 3000 pm3f.ptau > trunc.ptau
refuse "truncated ptau" "truncated" -- "$PM" powersoftau verify trunc.ptau

# ---- circuit-specific setup: circom's multiplier and one of our built-in circuits
run "export poseidon r1cs" -- "$PM" circuit export-r1cs poseidon -p n=2 poseidon.r1cs -q
cp "$OUT/multiplier/multiplier.r1cs" multiplier.r1cs
for c in multiplier poseidon; do
  run "$c: proofmill groth16 setup" -- "$PM" groth16 setup $c.r1cs pm3f.ptau $c.0.zkey
  run "$c: snarkjs groth16 setup" -- "${SNARKJS[@]}" groth16 setup $c.r1cs pm3f.ptau $c.sj0.zkey
  same "$c: groth16 setup" $c.0.zkey $c.sj0.zkey
  run "$c: proofmill zkey contribute" -- "$PM" zkey contribute $c.0.zkey $c.1.zkey -n "proofmill" -e "entropy"
  run "$c: snarkjs zkey verify of our contribution" -- "${SNARKJS[@]}" zkey verify $c.r1cs pm3f.ptau $c.1.zkey
  grep -q "ZKey Ok" <<<"$LAST_LOG" && ok || bad "$c: snarkjs did not accept our contribution"
  run "$c: snarkjs zkey contribute" -- "${SNARKJS[@]}" zkey contribute $c.1.zkey $c.2.zkey -n="snarkjs" -e="entropy"
  run "$c: proofmill zkey verify of snarkjs's contribution" -- "$PM" zkey verify $c.r1cs pm3f.ptau $c.2.zkey
  grep -q "contribution #2 snarkjs" <<<"$LAST_LOG" && ok || bad "$c: proofmill did not list snarkjs's contribution"
  run "$c: proofmill zkey beacon" -- "$PM" zkey beacon $c.2.zkey $c.3.zkey 0a0b0c0d 10 -n="final"
  run "$c: snarkjs zkey beacon" -- "${SNARKJS[@]}" zkey beacon $c.2.zkey $c.sj3.zkey 0a0b0c0d 10 -n="final"
  same "$c: zkey beacon" $c.3.zkey $c.sj3.zkey
  run "$c: snarkjs zkey verify of the final key" -- "${SNARKJS[@]}" zkey verify $c.r1cs pm3f.ptau $c.3.zkey
  grep -q "ZKey Ok" <<<"$LAST_LOG" && ok || bad "$c: snarkjs did not accept the final key"
  run "$c: proofmill zkey verify of the final key" -- "$PM" zkey verify $c.r1cs pm3f.ptau $c.3.zkey
  # Another circuit's key, and a key whose C section was scaled by a different delta.
  other=$([ $c = multiplier ] && echo poseidon || echo multiplier)
  [ -f $other.3.zkey ] && refuse "$c: verify against another circuit" "differ" -- "$PM" zkey verify $c.r1cs pm3f.ptau $other.3.zkey
  node -e '
const fs=require("fs");const [src,dst]=process.argv.slice(1);const d=fs.readFileSync(src);
let p=12;const n=d.readUInt32LE(8);for(let i=0;i<n;i++){const t=d.readUInt32LE(p),s=Number(d.readBigUInt64LE(p+4));
if(t==9&&s>=128){d.copy(d,p+12,p+12+64,p+12+128);}p+=12+s;}fs.writeFileSync(dst,d);' $c.3.zkey $c.bad.zkey
  refuse "$c: tampered H section" "divided by delta" -- "$PM" zkey verify $c.r1cs pm3f.ptau $c.bad.zkey
done

# Proofs with the final multiplier key, both ways.
W="$OUT/multiplier/multiplier.wtns"
run "export vk" -- "${SNARKJS[@]}" zkey export verificationkey multiplier.3.zkey vk.json
run "proofmill prove" -- "$PM" prove multiplier.3.zkey "$W" proof.json public.json
run "snarkjs verifies" -- "${SNARKJS[@]}" groth16 verify vk.json public.json proof.json
run "snarkjs prove" -- "${SNARKJS[@]}" groth16 prove multiplier.3.zkey "$W" proof2.json public2.json
run "proofmill verifies" -- "$PM" verify vk.json public2.json proof2.json
refuse "proofmill prove with the key before the contributions, undeclared" "no phase-2 contribution" -- "$PM" prove multiplier.0.zkey "$W" proof0.json public0.json
run "proofmill prove with the key before the contributions" -- "$PM" prove multiplier.0.zkey "$W" proof0.json public0.json --allow-dev-key
refuse "that proof against the final key's vk" "INVALID: pairing check failed" -- "$PM" verify vk.json public0.json proof0.json

# Bad inputs to setup.
refuse "groth16 setup on an unprepared ptau" "not prepared" -- "$PM" groth16 setup multiplier.r1cs pm3.ptau x.zkey
run "small ptau" -- "$PM" powersoftau new bn128 2 tiny.ptau -q
run "small ptau beacon" -- "$PM" powersoftau beacon tiny.ptau tiny1.ptau 01 10 -q
run "small ptau prepare" -- "$PM" powersoftau prepare phase2 tiny1.ptau tiny1f.ptau
refuse "groth16 setup on a too-small ptau" "needs a ptau of power" -- "$PM" groth16 setup poseidon.r1cs tiny1f.ptau x.zkey
refuse "beacon with 0x" "without the 0x" -- "$PM" zkey beacon multiplier.0.zkey x.zkey 0x0a0b 10
refuse "beacon exponent" "10..63" -- "$PM" zkey beacon multiplier.0.zkey x.zkey 0a0b 5

finish "setup interop"
