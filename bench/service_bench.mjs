// Proving-service benchmark on SQLite: sustained jobs per second and submit -> result latency
// (p50/p99) for the example circuit (examples/poseidon_chain) with `serve --workers 1` and
// `--workers 2`, and the per-job overhead beyond the prove itself (jobs one at a time: latency
// minus the job's prove_ms). Prints a markdown table.
//
// usage: node bench/service_bench.mjs [--jobs 500] [--concurrency 16] [--sequential 100]
//                                     [--workers 1,2] [--keepalive 1|0] [--json FILE] [--proofmill BINARY]
//                                     [--zkey FILE --wtns FILE]
// --zkey/--wtns prove another circuit than the example (e.g. bench/prove_sizes.sh's
// build/bench/poseidon_12 files, a 2^12 domain).
// Each client lane submits a job and long-polls (GET /v1/jobs/{id}?wait=30) for its result, then
// submits the next. The client runs on the same machine and takes its share of the CPU.
import fs from 'node:fs';
import os from 'node:os';

const argv = process.argv.slice(2);
const arg = (name, dflt) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : dflt; };
if (arg('--proofmill')) process.env.PROOFMILL = arg('--proofmill');
const L = await import('../tests/service/lib.mjs');

const JOBS = Number(arg('--jobs', 500));
const CONC = Number(arg('--concurrency', 16));
const SEQ = Number(arg('--sequential', 100));
const WORKERS = arg('--workers', '1,2').split(',').map(Number);
const KEEPALIVE = arg('--keepalive', '1') !== '0';
const WARMUP = 20;
L.setKeepAlive(KEEPALIVE);

const zkey = arg('--zkey') ? fs.readFileSync(arg('--zkey')) : L.exampleZkey();
const CIRCUIT = L.sha256hex(zkey);
const wtns = arg('--wtns') ? fs.readFileSync(arg('--wtns')) : L.exampleWtns();
const LABEL = arg('--zkey') ? arg('--zkey') : 'examples/poseidon_chain (480 constraints)';
const r1 = (x) => x.toFixed(1);

async function one(c) {
  const t0 = performance.now();
  const r = await c.submit(CIRCUIT, wtns);
  L.expectStatus(r, 201, null, 'POST /v1/jobs');
  const job = await c.waitJob(r.json.id, 300000);
  const ms = performance.now() - t0;
  if (job.state !== 'succeeded') throw new Error(`job ${job.id} ${job.state}: ${job.error}`);
  return { ms, prove: job.prove_ms };
}

async function benchWorkers(workers) {
  const data = L.freshDir(`bench-w${workers}`);
  const key = L.createKey({ data }, { maxJobs: 100000 });
  const S = await L.startServe({ data, workers, logLevel: 'warn', name: `bench-serve-w${workers}` });
  const c = S.client(key);
  L.expectStatus(await c.uploadZkey(zkey), 201, null, 'POST /v1/circuits');
  for (let i = 0; i < WARMUP; i++) await one(c); // key cached, connections warm

  // Sustained: JOBS jobs, CONC lanes.
  const t0 = performance.now();
  const lat = await L.pool(Array.from({ length: JOBS }), CONC, () => one(c));
  const wall = (performance.now() - t0) / 1000;

  // Sequential: one job at a time, overhead = latency - prove_ms.
  const seq = [];
  for (let i = 0; i < SEQ; i++) seq.push(await one(c));
  const overhead = seq.map((s) => s.ms - s.prove);

  const code = await S.child.terminate();
  if (code !== 0) throw new Error(`serve exited ${code}`);
  const ms = lat.map((x) => x.ms);
  return {
    workers, jobs: JOBS, concurrency: CONC, wall_s: wall, jobs_per_s: JOBS / wall,
    latency_p50_ms: L.percentile(ms, 50), latency_p99_ms: L.percentile(ms, 99),
    prove_p50_ms: L.percentile(lat.map((x) => x.prove), 50),
    sequential: SEQ,
    seq_latency_p50_ms: L.percentile(seq.map((s) => s.ms), 50),
    overhead_p50_ms: L.percentile(overhead, 50), overhead_p99_ms: L.percentile(overhead, 99),
  };
}

const rows = [];
for (const w of WORKERS) rows.push(await benchWorkers(w));

console.log(`\nProofmill service on SQLite, ${LABEL}; ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), ` +
  `client on the same machine (${KEEPALIVE ? 'keep-alive connections' : 'a new connection per request'}); ${JOBS} jobs with ${CONC} concurrent clients (submit, then long-poll), then ${SEQ} jobs one at a time.\n`);
console.log('| serve | jobs/s | latency p50 (ms) | latency p99 (ms) | prove p50 (ms) | one-at-a-time latency p50 (ms) | overhead beyond prove p50 (ms) | overhead p99 (ms) |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(`| \`--workers ${r.workers}\` | ${r1(r.jobs_per_s)} | ${r1(r.latency_p50_ms)} | ${r1(r.latency_p99_ms)} | ${r.prove_p50_ms} | ` +
    `${r1(r.seq_latency_p50_ms)} | ${r1(r.overhead_p50_ms)} | ${r1(r.overhead_p99_ms)} |`);
}
if (arg('--json')) fs.writeFileSync(arg('--json'), JSON.stringify({ cpus: os.cpus().length, rows }, null, 2));
process.exit(0);
