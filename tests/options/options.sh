#!/usr/bin/env bash
# Option prices and Greeks end to end through the CLI (docs/STATEMENTS.md, "Using it"): an oracle
# key, a signed snapshot, a request proven with bsm_options, the proof verified by Proofmill and
# by snarkjs, the results decoded; a changed price, another request and a changed snapshot are
# refused.
#   tests/options/options.sh path/to/proofmill
set -euo pipefail
PM=$(realpath "$1")
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"

"$PM" oracle keygen oracle.key >oracle.pub
[ "$(stat -c %a oracle.key)" = 600 ] || { echo "oracle key file is not mode 0600"; exit 1; }
if "$PM" oracle keygen oracle.key 2>/dev/null; then echo "keygen overwrote an existing key"; exit 1; fi
cat >snapshot.json <<'JSON'
{"feed_id": "1", "timestamp": 1765000000, "spot": "65000", "rate": "0.05", "yield": "0",
 "expiries": [{"expiry": 1767592000, "vol": "0.65"}]}
JSON
"$PM" oracle sign snapshot.json oracle.key signed.json
printf '{"snapshot": %s, "options": [
  {"id": "C60", "strike": "60000", "expiry": 1767592000, "type": "call"},
  {"id": "P70", "strike": "70000", "expiry": 1767592000, "type": "put"}]}\n' "$(cat signed.json)" >request.json

PARAMS=$("$PM" options input request.json input.json)
[ "$PARAMS" = "bsm_options -p commit=0 -p expiries=1 -p options=2 -p surface=0" ] ||
  { echo "unexpected parameters: $PARAMS"; exit 1; }
"$PM" circuit export-r1cs bsm_options -p expiries=1 -p options=2 bsm.r1cs -q
"$PM" powersoftau dev-new 16 dev.ptau -q 2>/dev/null  # (its DEV-ONLY warning is for people)
"$PM" groth16 setup bsm.r1cs dev.ptau bsm0.zkey -q
# A key without a phase-2 contribution (delta = gamma) is refused: anyone could forge its proofs.
if "$PM" options prove request.json bsm0.zkey proof.json public.json -q 2>err.txt; then
  echo "options prove accepted an uncontributed key"; exit 1
fi
grep -q "no phase-2 contribution" err.txt
if "$PM" export solidity bsm0.zkey V.sol 2>/dev/null; then echo "export solidity accepted an uncontributed key"; exit 1; fi
"$PM" zkey beacon bsm0.zkey bsm.zkey 0102030405060708 10 -n final -q >/dev/null
"$PM" options prove request.json bsm.zkey proof.json public.json --results results.json -q
"$PM" zkey export-vk bsm.zkey vk.json
"$PM" verify vk.json public.json proof.json >/dev/null
SNARKJS="$ROOT/tools/peers/node_modules/.bin/snarkjs"
if [ -x "$SNARKJS" ]; then "$SNARKJS" groth16 verify vk.json public.json proof.json | grep -q OK; fi

# The results: the call's price against QuantLib 1.29 (7716.20321843955) within 1e-9 S.
"$PM" options decode request.json public.json >decoded.json
cmp <(tr -d ' \n' <decoded.json) <(tr -d ' \n' <results.json)
PRICE=$(tr -d ' \n' <results.json | sed 's/.*"id":"C60"[^}]*"price":"\([^"]*\)".*/\1/')
awk -v p="$PRICE" 'BEGIN { d = p - 7716.20321843955; if (d < 0) d = -d; exit !(d <= 65e-6) }' ||
  { echo "C60 price $PRICE is not QuantLib's"; exit 1; }

# A changed price in public.json fails verification; another request does not decode these
# signals; a snapshot changed after signing is refused before proving.
# (line 2 of public.json is the snapshot hash, line 3 the first price)
awk 'NR==3 { sub(/"[0-9]+"/, "\"1\"") } { print }' public.json >bad_public.json
if "$PM" verify vk.json bad_public.json proof.json >/dev/null 2>&1; then echo "a changed price verified"; exit 1; fi
sed 's/"60000"/"61000"/' request.json >other.json
if "$PM" options decode other.json public.json 2>err.txt; then echo "another request decoded"; exit 1; fi
grep -q "not this request's" err.txt
sed 's/"spot": "65000"/"spot": "65001"/' request.json >changed.json
if "$PM" options input changed.json x.json 2>err.txt; then echo "a changed snapshot was accepted"; exit 1; fi
grep -q "snapshot.signature. does not verify" err.txt

# An SVI surface, positions with sizes, and commitment mode: the options and their results stay
# private behind one Poseidon commitment; the values travel beside the proof and are checked
# against it.
cat >svi-snapshot.json <<'JSON'
{"feed_id": "7", "timestamp": 1765000000, "spot": "3000", "rate": "0.04", "yield": "0.01",
 "expiries": [{"expiry": 1767592000, "svi": {"a": "0.02", "b": "0.05", "rho": "-0.3", "m": "0.01", "sigma": "0.2"}}]}
JSON
"$PM" oracle sign svi-snapshot.json oracle.key svi-signed.json
# (a fixed salt, so that the service's results can be compared with the CLI's; without one each
# proof draws its own)
printf '{"snapshot": %s, "outputs": "commitment", "salt": "123456789", "options": [
  {"id": "C3000", "strike": "3000", "expiry": 1767592000, "type": "call", "size": "2.5"},
  {"id": "P2500", "strike": "2500", "expiry": 1767592000, "type": "put", "size": "-4"}]}\n' "$(cat svi-signed.json)" >svi-request.json
PARAMS=$("$PM" options input svi-request.json svi-input.json)
[ "$PARAMS" = "bsm_options -p commit=1 -p expiries=1 -p options=2 -p surface=1" ] ||
  { echo "unexpected parameters: $PARAMS"; exit 1; }
"$PM" circuit export-r1cs bsm_options -p expiries=1 -p options=2 -p surface=1 -p commit=1 svi.r1cs -q
"$PM" groth16 setup svi.r1cs dev.ptau svi0.zkey -q
"$PM" zkey beacon svi0.zkey svi.zkey 0102030405060708 10 -n final -q >/dev/null
"$PM" options prove svi-request.json svi.zkey svi-proof.json svi-public.json --results svi-results.json -q
"$PM" zkey export-vk svi.zkey svi-vk.json
"$PM" verify svi-vk.json svi-public.json svi-proof.json >/dev/null
[ "$(node -e 'console.log(JSON.parse(require("fs").readFileSync("svi-public.json")).length)')" = 13 ] ||
  { echo "commitment mode: not 13 public signals"; exit 1; }
"$PM" options decode svi-request.json svi-public.json --values svi-results.json >svi-decoded.json
cmp <(tr -d ' \n' <svi-decoded.json) <(tr -d ' \n' <svi-results.json)
# Without the values, or with one committed value changed, nothing decodes.
if "$PM" options decode svi-request.json svi-public.json 2>err.txt; then echo "decoded without values"; exit 1; fi
grep -q "committed_rows" err.txt
node -e '
  const fs = require("fs");
  const r = JSON.parse(fs.readFileSync("svi-results.json", "utf8"));
  r.committed_rows[4] = (BigInt(r.committed_rows[4]) + 1n).toString();  // the first price, one ulp
  fs.writeFileSync("svi-lie.json", JSON.stringify(r));'
if "$PM" options decode svi-request.json svi-public.json --values svi-lie.json 2>err.txt; then
  echo "a changed committed value decoded"; exit 1
fi
grep -q "do not hash to the proof" err.txt
# The proving service: the same request as a job (no witness upload; the worker solves it).
DATA="$T/service"
KEY=$("$PM" keys create --data "$DATA" --name options)
"$PM" serve --data "$DATA" --listen 127.0.0.1:0 --workers 1 >serve.out 2>serve.log &
SERVE=$!
trap 'kill -TERM $SERVE 2>/dev/null; wait $SERVE 2>/dev/null; rm -rf "$T"' EXIT
for _ in $(seq 100); do grep -q '^listening on ' serve.out 2>/dev/null && break; sleep 0.1; done
URL=$(sed -n 's/^listening on //p' serve.out)
[ -n "$URL" ] || { echo "the service did not start:"; cat serve.log; exit 1; }
AUTH="Authorization: Bearer $KEY"
CODE=$(curl -sS -o up0.out -w '%{http_code}' -H "$AUTH" --data-binary @bsm0.zkey "$URL/v1/circuits")
[ "$CODE" = 422 ] && grep -q uncontributed_key up0.out || { echo "upload of an uncontributed key: HTTP $CODE"; exit 1; }
CIRCUIT=$(curl -sS --fail-with-body -H "$AUTH" --data-binary @bsm.zkey "$URL/v1/circuits" |
  sed -n 's/.*"id":"\([0-9a-f]*\)".*/\1/p')
printf '{"circuit": "%s", "options": %s}' "$CIRCUIT" "$(cat request.json)" >job.json
JOB=$(curl -sS --fail-with-body -H "$AUTH" -H 'Content-Type: application/json' --data-binary @job.json \
  "$URL/v1/jobs" | sed -n 's/.*"id":"\([0-9a-f]*\)".*/\1/p')
curl -sS --fail-with-body -H "$AUTH" "$URL/v1/jobs/$JOB?wait=60" >job-result.json
node -e '
  const fs = require("fs");
  const job = JSON.parse(fs.readFileSync("job-result.json", "utf8"));
  const cli = JSON.parse(fs.readFileSync("results.json", "utf8"));
  if (job.state !== "succeeded") throw new Error("options job: " + JSON.stringify(job));
  fs.writeFileSync("job-proof.json", JSON.stringify(job.proof));
  fs.writeFileSync("job-public.json", JSON.stringify(job.public));
  const same = job.results.options.length === cli.options.length &&
    cli.options.every((o, i) => Object.keys(o).every((k) => JSON.stringify(job.results.options[i][k]) === JSON.stringify(o[k])));
  if (!same || job.results.snapshot !== cli.snapshot)
    throw new Error("service results differ from the CLI: " + JSON.stringify(job.results) + " vs " + JSON.stringify(cli));'
"$PM" verify vk.json job-public.json job-proof.json >/dev/null
# Commitment mode as a job: the committed values come back beside the proof, as the CLI made them.
SVI_CIRCUIT=$(curl -sS --fail-with-body -H "$AUTH" --data-binary @svi.zkey "$URL/v1/circuits" |
  sed -n 's/.*"id":"\([0-9a-f]*\)".*/\1/p')
printf '{"circuit": "%s", "options": %s}' "$SVI_CIRCUIT" "$(cat svi-request.json)" >svi-job.json
JOB=$(curl -sS --fail-with-body -H "$AUTH" -H 'Content-Type: application/json' --data-binary @svi-job.json \
  "$URL/v1/jobs" | sed -n 's/.*"id":"\([0-9a-f]*\)".*/\1/p')
curl -sS --fail-with-body -H "$AUTH" "$URL/v1/jobs/$JOB?wait=60" >svi-job-result.json
node -e '
  const fs = require("fs");
  const job = JSON.parse(fs.readFileSync("svi-job-result.json", "utf8"));
  const cli = JSON.parse(fs.readFileSync("svi-results.json", "utf8"));
  if (job.state !== "succeeded") throw new Error("svi job: " + JSON.stringify(job));
  if (JSON.stringify(job.results) !== JSON.stringify(cli))
    throw new Error("service results differ from the CLI: " + JSON.stringify(job.results) + " vs " + JSON.stringify(cli));'
# A request changed after signing is refused at submission, naming the field (422).
printf '{"circuit": "%s", "options": %s}' "$CIRCUIT" "$(cat changed.json)" >bad-job.json
CODE=$(curl -sS -o bad-job.out -w '%{http_code}' -H "$AUTH" -H 'Content-Type: application/json' \
  --data-binary @bad-job.json "$URL/v1/jobs")
[ "$CODE" = 422 ] && grep -q 'snapshot.signature' bad-job.out || { echo "changed request: HTTP $CODE $(cat bad-job.out)"; exit 1; }

# On chain: examples/options/OptionMarks.sol with the generated verifier on anvil.
ANVIL="$ROOT/tools/peers/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil"
if [ -x "$ANVIL" ] && [ -d "$ROOT/tools/peers/node_modules/solc" ]; then
  node "$ROOT/tests/options/options_evm.mjs" --proofmill "$PM" --zkey bsm.zkey --proof proof.json \
    --public public.json --request request.json --per 2 --committed 0 --work "$T"
  node "$ROOT/tests/options/options_evm.mjs" --proofmill "$PM" --zkey svi.zkey --proof svi-proof.json \
    --public svi-public.json --request svi-request.json --per 2 --committed 1 --work "$T"
elif [ "${CI:-}" = true ]; then
  echo "anvil and solc (npm test peers) are missing: run scripts/setup.sh"; exit 1
fi
echo "options: keygen, sign, prove, verify (Proofmill and snarkjs), decode, refusals, SVI and commitment mode, service jobs, on-chain consumer OK"
