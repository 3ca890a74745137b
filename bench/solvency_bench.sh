#!/usr/bin/env bash
# A proof-of-solvency round timed: USERS users of 8 assets (random balances, some borrowing) in
# batches of BATCH users; `solvency build` (CSV read, id hashes, leaves, trees) once, then
# `solvency prove` (every batch proof, then the top) RUNS times from scratch; prints the
# constraints, the median round time, users per second, and the projection for 10^6 users.
# Keys from `groth16 dev-setup` (DEV-ONLY, known secrets: a ptau setup at 2^20 takes over 15
# minutes on 2 cores) and a beacon; timing does not depend on the key's secrets.
#   bench/solvency_bench.sh [USERS=2048] [BATCH=512] [RUNS=5] [PROOFMILL=...]
set -euo pipefail
USERS=${1:-2048}
BATCH=${2:-512}
RUNS=${3:-5}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PM=$(realpath "${4:-$ROOT/build/release/src/cli/proofmill}")
W="$ROOT/build/bench/solvency_${USERS}_$BATCH"
mkdir -p "$W"
cd "$W"
SLOTS=1
while [ $((SLOTS * BATCH)) -lt "$USERS" ]; do SLOTS=$((SLOTS * 2)); done
ASSETS='"USD","BTC","ETH","SOL","USDC","BNB","XRP","DOGE"'
node -e '
const [users, batch, slots] = process.argv.slice(1).map(Number);
const names = ["USD","BTC","ETH","SOL","USDC","BNB","XRP","DOGE"];
const prices = ["10000000000","650000000","3500000000","150000000","10000000000","600000000","5000000","150000"];
const cfg = {exchange: "77", round: 1, batch_users: batch, slots,
  assets: names.map((n, i) => ({name: n, price: prices[i], haircut: i % 4 === 0 ? "1" : "0.9", onchain: "79228162514264337593543950335"}))};
require("fs").writeFileSync("round.json", JSON.stringify(cfg));
let seed = 1;
const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
const out = ["user,asset,equity,debt"];
for (let u = 0; u < users; u++) {
  for (let a = 0; a < 8; a++) out.push(`u${u},${names[a]},${rnd() * 1000},${a === 7 && u % 3 === 0 ? rnd() % 1000 : 0}`);
}
require("fs").writeFileSync("users.csv", out.join("\n") + "\n");' "$USERS" "$BATCH" "$SLOTS"
head -c 32 /dev/urandom >secret.bin
rm -rf R
t0=$(date +%s.%N)
"$PM" solvency build users.csv round.json R --secret secret.bin -q >/dev/null
t1=$(date +%s.%N)
echo "build: $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s for $USERS users"
for c in batch top; do
  if [ $c = batch ]; then P="-p users=$BATCH -p assets=8"; else P="-p slots=$SLOTS -p assets=8 -p custodians=0"; fi
  # shellcheck disable=SC2086
  "$PM" circuit export-r1cs solvency_$c $P $c.r1cs -q
  N=$("$PM" r1cs info $c.r1cs | sed -n 's/^ *constraints: *\([0-9]*\)/\1/p')
  POWER=1
  while [ $((1 << POWER)) -lt $((N + 200)) ]; do POWER=$((POWER + 1)); done
  echo "solvency_$c $P: $N constraints (2^$POWER domain)"
  if [ ! -f $c.zkey ] || [ $c.r1cs -nt $c.zkey ]; then
    "$PM" groth16 dev-setup $c.r1cs ${c}0.zkey -q 2>/dev/null
    "$PM" zkey beacon ${c}0.zkey $c.zkey 0102030405060708 10 -n bench -q >/dev/null
    rm -f ${c}0.zkey
  fi
done
times=()
for r in $(seq 1 "$RUNS"); do
  rm -rf R/proofs
  t0=$(date +%s.%N)
  "$PM" solvency prove R batch.zkey top.zkey -q >/dev/null
  t1=$(date +%s.%N)
  times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')")
  echo "run $r: ${times[-1]} s" >&2
done
"$PM" zkey export-vk batch.zkey batch-vk.json
"$PM" zkey export-vk top.zkey top-vk.json
"$PM" solvency verify R batch-vk.json top-vk.json >/dev/null
MEDIAN=$(printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
BATCHES=$(( (USERS + BATCH - 1) / BATCH ))
awk -v m="$MEDIAN" -v u="$USERS" -v b="$BATCHES" 'BEGIN {
  printf "median round (%d batches and the top): %.2f s; %.1f users/s; 10^6 users: %.1f h at this rate\n", b, m, u / m, 1e6 / (u / m) / 3600 }'
