#!/usr/bin/env bash
# Cross margin end to end through the CLI (docs/STATEMENTS.md, "Cross margin"): snapshots of two
# perpetual markets signed, a request of two committed accounts proven with margin_cross, the
# proof verified by Proofmill and by snarkjs, the outcomes decoded; a changed outcome, another
# request and a changed snapshot are refused; the same request as a service job; the liquidation
# contract on anvil.
#   tests/margin/margin.sh path/to/proofmill
set -euo pipefail
PM=$(realpath "$1")
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"

"$PM" oracle keygen oracle.key >oracle.pub
for m in "1 65000" "2 3500"; do
  set -- $m
  printf '{"feed_id": "%s", "timestamp": 1765000000, "spot": "%s", "rate": "0", "yield": "0", "expiries": []}\n' \
    "$1" "$2" >snapshot$1.json
  "$PM" oracle sign snapshot$1.json oracle.key signed$1.json
done
# Account 7: TV 31,820 against TR 15,250, healthy. Account 8: long 1 at 65,500 with 400
# collateral, TV = 400 - 512.5 < 0: bankrupt; account 9 (second request): TV 1,300 - 512.5
# = 787.5 below TR 1,300: liquidatable; account 10 (third): the same with 99,999, healthy.
request() {  # $1: account 8's id, $2: its collateral
  cat <<JSON
{"layout": {"perpetuals": 4, "options": 0},
 "markets": [
  {"snapshot": $(cat signed1.json), "funding_index": "12.5",
   "tiers": [{"risk_factor": "0.02"}, {"from": "100000", "risk_factor": "0.05"}]},
  {"snapshot": $(cat signed2.json), "funding_index": "-3.75",
   "tiers": [{"risk_factor": "0.025"}, {"from": "500000", "risk_factor": "0.06"}]}],
 "accounts": [
  {"id": 7, "owner": ["5", "6"], "nonce": 3, "collateral": "20000", "salt": "123456789",
   "perpetuals": [{"market": "1", "size": "2", "entry": "64000", "funding": "10"}, null,
                  {"market": "2", "size": "-100", "entry": "3600", "funding": "-2"}]},
  {"id": $1, "owner": ["5", "6"], "nonce": 0, "collateral": "$2", "salt": "42",
   "perpetuals": [{"market": "1", "size": "1", "entry": "65500", "funding": "0"}]}]}
JSON
}
request 8 400 >request.json
request 9 1300 >request9.json
sed 's/"collateral": "1300"/"collateral": "99999"/; s/"id": 9,/"id": 10,/' request9.json >healthy.json

PARAMS=$("$PM" margin input request.json input.json)
[ "$PARAMS" = "margin_cross -p accounts=2 -p expiries=0 -p markets=2 -p options=0 -p perpetuals=4 -p tiers=2" ] ||
  { echo "unexpected parameters: $PARAMS"; exit 1; }
P="-p accounts=2 -p markets=2 -p perpetuals=4 -p tiers=2"
"$PM" circuit export-r1cs margin_cross $P margin.r1cs -q
"$PM" powersoftau dev-new 15 dev.ptau -q 2>/dev/null  # (its DEV-ONLY warning is for people)
"$PM" groth16 setup margin.r1cs dev.ptau margin0.zkey -q
"$PM" zkey beacon margin0.zkey margin.zkey 0102030405060708 10 -n final -q >/dev/null
"$PM" zkey export-vk margin.zkey vk.json
for r in request request9 healthy; do
  "$PM" margin prove $r.json margin.zkey $r-proof.json $r-public.json --results $r-results.json -q
  "$PM" verify vk.json $r-public.json $r-proof.json >/dev/null
done
SNARKJS="$ROOT/tools/peers/node_modules/.bin/snarkjs"
if [ -x "$SNARKJS" ]; then "$SNARKJS" groth16 verify vk.json request-public.json request-proof.json | grep -q OK; fi
outcomes() { node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1])); console.log(r.accounts.map((a) => a.id + ":" + a.outcome).join(" "))' "$1"; }
[ "$(outcomes request-results.json)" = "7:healthy 8:bankrupt" ] || { echo "outcomes: $(outcomes request-results.json)"; exit 1; }
[ "$(outcomes request9-results.json)" = "7:healthy 9:liquidatable" ] || { echo "outcomes: $(outcomes request9-results.json)"; exit 1; }
[ "$(outcomes healthy-results.json)" = "7:healthy 10:healthy" ] || { echo "outcomes: $(outcomes healthy-results.json)"; exit 1; }
"$PM" margin decode request.json request-public.json >decoded.json
cmp <(tr -d ' \n' <decoded.json) <(tr -d ' \n' <request-results.json)

# A changed outcome in public.json fails verification (line 4 is account 7's outcome); the
# signals of one request do not decode as another's; a changed snapshot is refused by name.
awk 'NR==4 { sub(/"0"/, "\"1\"") } { print }' healthy-public.json >bad-public.json
if cmp -s bad-public.json healthy-public.json; then echo "the outcome was not changed"; exit 1; fi
if "$PM" verify vk.json bad-public.json healthy-proof.json >/dev/null 2>&1; then echo "a changed outcome verified"; exit 1; fi
if "$PM" margin decode request9.json request-public.json 2>err.txt; then echo "another request decoded"; exit 1; fi
grep -q "differs from this request's" err.txt
sed '0,/"spot": "65000"/s//"spot": "65001"/' request.json >changed.json
if "$PM" margin input changed.json x.json 2>err.txt; then echo "a changed snapshot was accepted"; exit 1; fi
grep -q "markets\[0\].snapshot.signature. does not verify" err.txt

# Portfolio margin (margin_portfolio, Paradex's grid): examples/margin/portfolio.json (signed by
# the example key, private key bytes 1..32) proven, verified and decoded at three collaterals.
cp "$ROOT/examples/margin/portfolio.json" portfolio.json
PARAMS=$("$PM" margin input portfolio.json portfolio-input.json)
[ "$PARAMS" = "margin_portfolio -p cdf_bits=24 -p expiries=1 -p grid=0 -p options=2 -p perpetuals=1 -p reveal=0" ] ||
  { echo "unexpected parameters: $PARAMS"; exit 1; }
"$PM" circuit export-r1cs margin_portfolio -p options=2 -p perpetuals=1 portfolio.r1cs -q
"$PM" powersoftau dev-new 18 dev18.ptau -q 2>/dev/null
"$PM" groth16 setup portfolio.r1cs dev18.ptau portfolio0.zkey -q
"$PM" zkey beacon portfolio0.zkey portfolio.zkey 0102030405060708 10 -n final -q >/dev/null
"$PM" zkey export-vk portfolio.zkey portfolio-vk.json
# Equity 36,730.74 - 30,000 + c against IMR 8,359.95 and MMR 4,218.98 (QuantLib and the grid in
# double precision): c = 30,000 meets the initial margin, c = 0 only the maintenance margin
# (6,730.74), c = -3,000 neither (3,730.74).
for c in 30000 0 -3000; do
  sed "s/\"collateral\": \"30000\"/\"collateral\": \"$c\"/" portfolio.json >portfolio$c.json
  "$PM" margin prove portfolio$c.json portfolio.zkey portfolio$c-proof.json portfolio$c-public.json \
    --results portfolio$c-results.json -q
  "$PM" verify portfolio-vk.json portfolio$c-public.json portfolio$c-proof.json >/dev/null
done
[ "$(outcomes portfolio30000-results.json)" = "11:meets_initial" ] || { echo "portfolio: $(outcomes portfolio30000-results.json)"; exit 1; }
[ "$(outcomes portfolio0-results.json)" = "11:meets_maintenance" ] || { echo "portfolio: $(outcomes portfolio0-results.json)"; exit 1; }
[ "$(outcomes portfolio-3000-results.json)" = "11:liquidatable" ] || { echo "portfolio: $(outcomes portfolio-3000-results.json)"; exit 1; }
"$PM" margin decode portfolio-3000.json portfolio-3000-public.json >portfolio-decoded.json
cmp <(tr -d ' \n' <portfolio-decoded.json) <(tr -d ' \n' <portfolio-3000-results.json)
# The liquidatable outcome (line 3 of public.json) changed to "meets the initial margin" fails.
awk 'NR==3 { sub(/"2"/, "\"0\"") } { print }' portfolio-3000-public.json >bad-portfolio.json
if cmp -s bad-portfolio.json portfolio-3000-public.json; then echo "the portfolio outcome was not changed"; exit 1; fi
if "$PM" verify portfolio-vk.json bad-portfolio.json portfolio-3000-proof.json >/dev/null 2>&1; then
  echo "a changed portfolio outcome verified"; exit 1
fi

# The proving service: the request as a margin job, solved by the worker.
DATA="$T/service"
KEY=$("$PM" keys create --data "$DATA" --name margin)
"$PM" serve --data "$DATA" --listen 127.0.0.1:0 --workers 1 >serve.out 2>serve.log &
SERVE=$!
trap 'kill -TERM $SERVE 2>/dev/null; wait $SERVE 2>/dev/null; rm -rf "$T"' EXIT
for _ in $(seq 100); do grep -q '^listening on ' serve.out 2>/dev/null && break; sleep 0.1; done
URL=$(sed -n 's/^listening on //p' serve.out)
[ -n "$URL" ] || { echo "the service did not start:"; cat serve.log; exit 1; }
AUTH="Authorization: Bearer $KEY"
CIRCUIT=$(curl -sS --fail-with-body -H "$AUTH" --data-binary @margin.zkey "$URL/v1/circuits" |
  sed -n 's/.*"id":"\([0-9a-f]*\)".*/\1/p')
printf '{"circuit": "%s", "margin": %s}' "$CIRCUIT" "$(cat request.json)" >job.json
JOB=$(curl -sS --fail-with-body -H "$AUTH" -H 'Content-Type: application/json' --data-binary @job.json \
  "$URL/v1/jobs" | sed -n 's/.*"id":"\([0-9a-f]*\)".*/\1/p')
curl -sS --fail-with-body -H "$AUTH" "$URL/v1/jobs/$JOB?wait=60" >job-result.json
node -e '
  const fs = require("fs");
  const job = JSON.parse(fs.readFileSync("job-result.json", "utf8"));
  const cli = JSON.parse(fs.readFileSync("request-results.json", "utf8"));
  if (job.state !== "succeeded") throw new Error("margin job: " + JSON.stringify(job));
  fs.writeFileSync("job-proof.json", JSON.stringify(job.proof));
  fs.writeFileSync("job-public.json", JSON.stringify(job.public));
  if (JSON.stringify(job.results.accounts) !== JSON.stringify(cli.accounts) || job.results.risk !== cli.risk)
    throw new Error("service results differ from the CLI: " + JSON.stringify(job.results) + " vs " + JSON.stringify(cli));'
"$PM" verify vk.json job-public.json job-proof.json >/dev/null
# The portfolio request as a job too.
P_CIRCUIT=$(curl -sS --fail-with-body -H "$AUTH" --data-binary @portfolio.zkey "$URL/v1/circuits" |
  sed -n 's/.*"id":"\([0-9a-f]*\)".*/\1/p')
printf '{"circuit": "%s", "margin": %s}' "$P_CIRCUIT" "$(cat portfolio-3000.json)" >pjob.json
JOB=$(curl -sS --fail-with-body -H "$AUTH" -H 'Content-Type: application/json' --data-binary @pjob.json \
  "$URL/v1/jobs" | sed -n 's/.*"id":"\([0-9a-f]*\)".*/\1/p')
for _ in 1 2 3; do
  curl -sS --fail-with-body -H "$AUTH" "$URL/v1/jobs/$JOB?wait=60" >pjob-result.json
  grep -q '"state":"succeeded"' pjob-result.json && break
done
node -e '
  const fs = require("fs");
  const job = JSON.parse(fs.readFileSync("pjob-result.json", "utf8"));
  if (job.state !== "succeeded" || job.results.accounts[0].outcome !== "liquidatable")
    throw new Error("portfolio job: " + JSON.stringify(job));'
# A portfolio request for the cross-margin key is refused by name.
printf '{"circuit": "%s", "margin": %s}' "$CIRCUIT" "$(cat portfolio.json)" >mismatch.json
CODE=$(curl -sS -o mismatch.out -w '%{http_code}' -H "$AUTH" -H 'Content-Type: application/json' \
  --data-binary @mismatch.json "$URL/v1/jobs")
[ "$CODE" = 422 ] && grep -q 'is not margin_portfolio' mismatch.out || { echo "mismatched key: HTTP $CODE $(cat mismatch.out)"; exit 1; }
# A changed request is refused at submission, naming the field (422); so is a margin request
# sent as an options request.
printf '{"circuit": "%s", "margin": %s}' "$CIRCUIT" "$(cat changed.json)" >bad-job.json
CODE=$(curl -sS -o bad-job.out -w '%{http_code}' -H "$AUTH" -H 'Content-Type: application/json' \
  --data-binary @bad-job.json "$URL/v1/jobs")
[ "$CODE" = 422 ] && grep -q 'snapshot.signature' bad-job.out || { echo "changed request: HTTP $CODE $(cat bad-job.out)"; exit 1; }
printf '{"circuit": "%s", "options": %s}' "$CIRCUIT" "$(cat request.json)" >wrong-job.json
CODE=$(curl -sS -o wrong-job.out -w '%{http_code}' -H "$AUTH" -H 'Content-Type: application/json' \
  --data-binary @wrong-job.json "$URL/v1/jobs")
[ "$CODE" = 422 ] || { echo "a margin request as options: HTTP $CODE $(cat wrong-job.out)"; exit 1; }

# On chain: examples/margin/MarginLiquidations.sol with the generated verifier on anvil.
ANVIL="$ROOT/tools/peers/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil"
if [ -x "$ANVIL" ] && [ -d "$ROOT/tools/peers/node_modules/solc" ]; then
  node "$ROOT/tests/margin/margin_evm.mjs" --proofmill "$PM" --zkey margin.zkey --work "$T" \
    --bankrupt request --liquidatable request9 --healthy healthy \
    --portfolio-zkey portfolio.zkey --portfolio-liquidatable portfolio-3000 --portfolio-maintenance portfolio0
elif [ "${CI:-}" = true ]; then
  echo "anvil and solc (npm test peers) are missing: run scripts/setup.sh"; exit 1
fi
echo "margin: cross and portfolio: sign, prove, verify (Proofmill and snarkjs), decode, refusals, service jobs, on-chain liquidation flags OK"
