#!/usr/bin/env bash
# A proof of solvency end to end through the CLI (docs/STATEMENTS.md, "Solvency"): a custodian's
# attestation, a round of ten users in three batches built from a CSV, recomputed independently
# with circomlibjs, proven (batches and top), verified by Proofmill and the top by snarkjs; each
# user's inclusion checked; a changed balance, a forged path, another round's root, a changed
# batch total, a swapped batch proof, a user over the collateral rule and reserves short of
# liabilities are refused; batches and the top proven as service jobs; the round published on anvil by examples/solvency/SolvencyRounds.sol.
#   tests/solvency/solvency.sh path/to/proofmill
set -euo pipefail
PM=$(realpath "$1")
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"

refused() {  # refused WHAT PATTERN CMD...: CMD must fail with PATTERN in its error
  local what=$1 pattern=$2
  shift 2
  if "$@" >out.txt 2>err.txt; then echo "accepted: $what"; exit 1; fi
  grep -q -- "$pattern" err.txt || { echo "$what: unexpected error: $(cat err.txt)"; exit 1; }
}

# Balances in each asset's unit (USD cents, 10^-8 BTC, 10^-6 ETH); prices in 10^-12 USD a unit.
cat >round.json <<'JSON'
{"exchange": "77", "round": 3, "batch_users": 4, "slots": 4,
 "assets": [{"name": "USD", "price": "10000000000", "haircut": "1", "onchain": "900000"},
            {"name": "BTC", "price": "650000000", "haircut": "0.95", "onchain": "0"},
            {"name": "ETH", "price": "3500000000", "haircut": "0.9", "onchain": "40000000"}]}
JSON
{
  echo "user,asset,equity,debt"
  for i in $(seq 1 10); do
    echo "user$i,USD,$((i * 10000)),0"
    echo "user$i,BTC,$((i * 1000000)),0"
  done
  echo "user3,ETH,0,500000"  # 0.5 ETH (1,750 USD) borrowed against 300 USD and 0.03 BTC (2,152.5 after haircuts)
  echo "user7,ETH,5000000,0"
} >users.csv
head -c 32 /dev/urandom >secret.bin

# The BTC is with a custodian, who attests 0.6 BTC for this exchange and round.
"$PM" oracle keygen custodian.key >/dev/null
echo '{"BTC": "60000000"}' >held.json
"$PM" solvency attest round.json custodian.key held.json attestation.json
node -e '
const fs = require("fs"), r = JSON.parse(fs.readFileSync("round.json"));
r.custodians = [JSON.parse(fs.readFileSync("attestation.json"))];
fs.writeFileSync("round.json", JSON.stringify(r));'

OUT=$("$PM" solvency build users.csv round.json R --secret secret.bin -q)
echo "$OUT" | grep -q "^10 users in 3 batches" || { echo "unexpected: $OUT"; exit 1; }
echo "$OUT" | grep -q "^solvency_batch -p users=4 -p assets=3$"
echo "$OUT" | grep -q "^solvency_top -p slots=4 -p assets=3 -p custodians=1$"
node "$ROOT/tests/solvency/recompute.mjs" R

"$PM" circuit export-r1cs solvency_batch -p users=4 -p assets=3 batch.r1cs -q
"$PM" circuit export-r1cs solvency_top -p slots=4 -p assets=3 -p custodians=1 top.r1cs -q
"$PM" powersoftau dev-new 15 dev.ptau -q 2>/dev/null  # (its DEV-ONLY warning is for people)
for c in batch top; do
  "$PM" groth16 setup $c.r1cs dev.ptau ${c}0.zkey -q
  "$PM" zkey beacon ${c}0.zkey $c.zkey 0102030405060708 10 -n final -q >/dev/null
  "$PM" zkey export-vk $c.zkey $c-vk.json
done
"$PM" solvency prove R batch.zkey top.zkey -q >/dev/null
ls R/proofs/batch-00002.proof.json R/proofs/top.proof.json >/dev/null
"$PM" solvency verify R batch-vk.json top-vk.json >verified.json
grep -q '"valid": true' verified.json
SNARKJS="$ROOT/tools/peers/node_modules/.bin/snarkjs"
if [ -x "$SNARKJS" ]; then "$SNARKJS" groth16 verify top-vk.json R/proofs/top.public.json R/proofs/top.proof.json | grep -q OK; fi
# Proving again keeps what is proven.
"$PM" solvency prove R batch.zkey top.zkey -q >/dev/null

# The proving service: every batch and the top as jobs, proven by two workers, solved natively;
# the service's proofs verify as the round's.
DATA="$T/service"
KEY=$("$PM" keys create --data "$DATA" --name solvency)
"$PM" serve --data "$DATA" --listen 127.0.0.1:0 --workers 2 >serve.out 2>serve.log &
SERVE=$!
trap 'rc=$?; kill -TERM $SERVE 2>/dev/null; wait $SERVE 2>/dev/null; [ $rc = 0 ] || tail -5 serve.log; rm -rf "$T"' EXIT
for _ in $(seq 100); do grep -q '^listening on ' serve.out 2>/dev/null && break; sleep 0.1; done
URL=$(sed -n 's/^listening on //p' serve.out)
[ -n "$URL" ] || { echo "the service did not start:"; cat serve.log; exit 1; }
AUTH="Authorization: Bearer $KEY"
upload() { curl -sS --fail-with-body -H "$AUTH" --data-binary @"$1" "$URL/v1/circuits" | sed -n 's/.*"id":"\([0-9a-f]*\)".*/\1/p'; }
B_CIRCUIT=$(upload batch.zkey)
T_CIRCUIT=$(upload top.zkey)
submit() {  # submit CIRCUIT STATEMENT PARAMS INPUT -> job id
  printf '{"circuit": "%s", "solvency": {"statement": "%s", "params": %s, "input": %s}}' "$1" "$2" "$3" "$(cat "$4")" >job.json
  curl -sS --fail-with-body -H "$AUTH" -H 'Content-Type: application/json' --data-binary @job.json "$URL/v1/jobs" |
    sed -n 's/.*"id":"\([0-9a-f]*\)".*/\1/p'
}
BP='{"users": 4, "assets": 3}'
TP='{"slots": 4, "assets": 3, "custodians": 1}'
JOBS=()
for k in 0 1 2; do JOBS+=("$(submit "$B_CIRCUIT" solvency_batch "$BP" R/batches/batch-0000$k.input.json)"); done
JOBS+=("$(submit "$T_CIRCUIT" solvency_top "$TP" R/top.input.json)")
mkdir -p S && cp R/round.json S/ && mkdir -p S/proofs
i=0
for stem in batch-00000 batch-00001 batch-00002 top; do
  for _ in 1 2 3; do
    curl -sS --fail-with-body -H "$AUTH" "$URL/v1/jobs/${JOBS[$i]}?wait=60" >job-result.json
    grep -q '"state":"succeeded"' job-result.json && break
  done
  node -e '
    const fs = require("fs"), [stem] = process.argv.slice(1), job = JSON.parse(fs.readFileSync("job-result.json", "utf8"));
    if (job.state !== "succeeded") throw new Error("solvency job " + stem + ": " + JSON.stringify(job));
    fs.writeFileSync(`S/proofs/${stem}.proof.json`, JSON.stringify(job.proof));
    fs.writeFileSync(`S/proofs/${stem}.public.json`, JSON.stringify(job.public));' "$stem"
  i=$((i + 1))
done
"$PM" solvency verify S batch-vk.json top-vk.json >/dev/null
# A batch for the top's key is refused by name; a batch with a negative balance fails, naming
# the constraint.
printf '{"circuit": "%s", "solvency": {"statement": "solvency_batch", "params": %s, "input": %s}}' "$T_CIRCUIT" "$BP" \
  "$(cat R/batches/batch-00000.input.json)" >mismatch.json
CODE=$(curl -sS -o mismatch.out -w '%{http_code}' -H "$AUTH" -H 'Content-Type: application/json' --data-binary @mismatch.json "$URL/v1/jobs")
[ "$CODE" = 422 ] && grep -q 'is not solvency_batch' mismatch.out || { echo "mismatched key: HTTP $CODE $(cat mismatch.out)"; exit 1; }
node -e 'const f = require("fs"), j = JSON.parse(f.readFileSync("R/batches/batch-00000.input.json"));
  j.equity[0] = "21888242871839275222246405745257275088548364400416034343698204186575808495616"; f.writeFileSync("negative.json", JSON.stringify(j));'
JOB=$(submit "$B_CIRCUIT" solvency_batch "$BP" negative.json)
for _ in 1 2 3; do
  curl -sS --fail-with-body -H "$AUTH" "$URL/v1/jobs/$JOB?wait=60" >neg-result.json
  grep -q '"state":"failed"' neg-result.json && break
done
grep -q 'equity is a 64-bit non-negative integer' neg-result.json || { echo "negative balance job: $(cat neg-result.json)"; exit 1; }

# On chain: examples/solvency/SolvencyRounds.sol with the two generated verifiers on anvil.
ANVIL="$ROOT/tools/peers/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil"
if [ -x "$ANVIL" ] && [ -d "$ROOT/tools/peers/node_modules/solc" ]; then
  node "$ROOT/tests/solvency/solvency_evm.mjs" --proofmill "$PM" --batch-zkey batch.zkey --top-zkey top.zkey \
    --round R --work "$T"
else
  echo "anvil and solc (npm test peers) are missing: run scripts/setup.sh"; exit 1
fi

# Every user checks their inclusion against the published root.
for i in $(seq 1 10); do
  "$PM" solvency inclusion R "user$i" inc$i.json
  "$PM" solvency verify-inclusion inc$i.json --round R/round.json >checked.json
done
grep -q '"included": true' checked.json
node -e 'const c = JSON.parse(require("fs").readFileSync("checked.json")); if (!(c.check_ms < 1)) { console.error("inclusion check took " + c.check_ms + " ms"); process.exit(1); }'
refused "an unknown user" "no user" "$PM" solvency inclusion R mallory x.json
sed 's/"equity": "30000"/"equity": "30001"/' inc3.json >changed.json
refused "a changed balance" "does not reach the stated root" "$PM" solvency verify-inclusion changed.json
node -e 'const f = require("fs"), j = JSON.parse(f.readFileSync("inc3.json")); j.batch_path[1] = "1"; f.writeFileSync("forged.json", JSON.stringify(j));'
refused "a forged path" "does not reach the stated root" "$PM" solvency verify-inclusion forged.json
node -e 'const f = require("fs"), j = JSON.parse(f.readFileSync("inc3.json")); j.round = 4; f.writeFileSync("other.json", JSON.stringify(j));'
refused "another round" "does not reach the stated root" "$PM" solvency verify-inclusion other.json

# A published round altered after proving: a batch total, or a batch proof swapped.
cp -r R R2
node -e 'const f = require("fs"), p = "R2/round.json", j = JSON.parse(f.readFileSync(p)); j.batches[1].equity[0] = "1"; f.writeFileSync(p, JSON.stringify(j));'
refused "a changed batch total" "not what the record's batches and assets give" "$PM" solvency verify R2 batch-vk.json top-vk.json
rm -rf R2 && cp -r R R2
cp R2/proofs/batch-00000.proof.json R2/proofs/batch-00001.proof.json
refused "a swapped batch proof" "does not verify" "$PM" solvency verify R2 batch-vk.json top-vk.json

# A user over the collateral rule, and reserves short of net liabilities, are named at build.
{ cat users.csv; echo "user11,ETH,0,1000000"; } >over.csv
refused "an undercollateralised user" "user \`user11\`" "$PM" solvency build over.csv round.json R3 --secret secret.bin -q
sed 's/"onchain":"900000"/"onchain":"549999"/' round.json >short.json
refused "short reserves" "reserves of \`USD\`" "$PM" solvency build users.csv short.json R3 --secret secret.bin -q
sed 's/"60000000"/"60000001"/' round.json >forged-att.json
refused "a changed attestation" "does not verify" "$PM" solvency build users.csv forged-att.json R3 --secret secret.bin -q
echo "solvency: ok"
