#!/usr/bin/env bash
# The main job: set up, build, start the proving service on its embedded SQLite database, and
# prove the bundled example through the HTTP API; then check the proof with the CLI verifier.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$ROOT/scripts/setup.sh" --no-peers
"$ROOT/scripts/build.sh" release
PM="$ROOT/build/release/src/cli/proofmill"
EX="$ROOT/examples/poseidon_chain"
OUT="$ROOT/build/example"
DATA="$OUT/service-data"
mkdir -p "$OUT"

echo
echo "Example: $EX (circom circuit, snarkjs proving key)"
"$PM" r1cs info "$EX/circuit.r1cs"

echo
echo "Starting the proving service (SQLite in $DATA)"
KEY=$("$PM" keys create --data "$DATA" --name main-job)
"$PM" serve --data "$DATA" --listen 127.0.0.1:0 --workers 1 >"$OUT/serve.out" 2>"$OUT/serve.log" &
SERVE=$!
trap 'kill -TERM $SERVE 2>/dev/null; wait $SERVE 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q '^listening on ' "$OUT/serve.out" 2>/dev/null && break; sleep 0.1; done
URL=$(sed -n 's/^listening on //p' "$OUT/serve.out")
[ -n "$URL" ] || { echo "the service did not start:"; cat "$OUT/serve.log"; exit 1; }
echo "Service at $URL (log: $OUT/serve.log)"
AUTH="Authorization: Bearer $KEY"

json_field() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p"; }
CIRCUIT=$(curl -sS --fail-with-body -H "$AUTH" --data-binary @"$EX/circuit.zkey" "$URL/v1/circuits" | json_field id)
echo "POST /v1/circuits -> circuit $CIRCUIT"
printf '{"circuit":"%s","witness":"%s"}' "$CIRCUIT" "$(base64 -w0 "$EX/witness.wtns")" >"$OUT/job.json"
start=$(date +%s.%N)
JOB=$(curl -sS --fail-with-body -H "$AUTH" -H 'Content-Type: application/json' --data-binary @"$OUT/job.json" \
  "$URL/v1/jobs" | json_field id)
echo "POST /v1/jobs -> job $JOB"
curl -sS --fail-with-body -H "$AUTH" "$URL/v1/jobs/$JOB?wait=60" >"$OUT/job-result.json"
end=$(date +%s.%N)
STATE=$(json_field state <"$OUT/job-result.json")
echo "GET /v1/jobs/$JOB?wait=60 -> $STATE in $(awk -v a="$start" -v b="$end" 'BEGIN{printf "%.3f", b-a}') s"
[ "$STATE" = succeeded ] || { cat "$OUT/job-result.json"; exit 1; }

# Split the result into snarkjs's proof.json and public.json and verify them independently.
sed -e 's/.*"proof":\({.*}\),"public":.*/\1/' "$OUT/job-result.json" >"$OUT/proof.json"
sed -e 's/.*"public":\(\[[^]]*\]\)}$/\1/' "$OUT/job-result.json" >"$OUT/public.json"
"$PM" verify "$EX/verification_key.json" "$OUT/public.json" "$OUT/proof.json"
echo "Public signals: $(tr -d ' \n' <"$OUT/public.json")"
echo "Proof and public signals: $OUT/proof.json, $OUT/public.json"
