// Chaos: kill -9 at random moments over a stream of jobs, then 1,000 concurrent submissions that
// share idempotency keys. No accepted job may be lost, none may get two results, and every key
// gives one job.
//   sqlite: `serve --workers 2`, killed and restarted on the same data folder each cycle.
//   pg:     two API nodes and two workers on one PostgreSQL; each cycle kills one of the four at
//           random and restarts it.
// Submissions use idempotency keys and are retried after a kill with the same key, so a request
// whose answer was lost is never submitted twice. CI runs a few cycles (tests/service/run.sh); the
// campaign (--cycles 100) is recorded in docs/SECURITY.md.
//
// usage: node tests/service/chaos.mjs [--cycles N] [--jobs-per-cycle M] [--concurrent C]
//                                     [--pg-url URL --pg-dir DIR]   (PROOFMILL=binary, see lib.mjs)
import * as L from './lib.mjs';
import { check, eq, expectStatus } from './lib.mjs';

const argv = process.argv.slice(2);
const arg = (name, dflt) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : dflt; };
const CYCLES = Number(arg('--cycles', 5));
const PER_CYCLE = Number(arg('--jobs-per-cycle', 20));
const CONCURRENT = Number(arg('--concurrent', 1000));
const DB = arg('--pg-url');
const PG = Boolean(DB);
const LEASE = 2;

const t = L.suite(`service chaos (${PG ? 'PostgreSQL: 2 API nodes, 2 workers' : 'SQLite: serve --workers 2'}, ` +
  `${CYCLES} kill -9 cycles, ${CONCURRENT} concurrent idempotent submissions)`);
const zkey = L.exampleZkey();
const CIRCUIT = L.sha256hex(zkey);
const ws = L.witnesses();
const vk = L.exampleVk();
const data = L.freshDir('chaos');
// Room for the concurrent phase: every submission in flight at once, from one address and one key.
const SERVE_ARGS = ['--max-attempts', '20', '--max-requests-per-key', String(CONCURRENT * 2), '--max-connections-per-ip', '0',
  '--max-connections', String(Math.max(1024, CONCURRENT * 2))];
let key;
const procs = [];     // PG: [api-A, api-B, worker-1, worker-2]; SQLite: [serve]
const ids = new Map(); // idempotency key -> job id (every accepted submission)
const wtnsOf = new Map();
let kills = 0, retried = 0;

const rnd = (n) => Math.floor(Math.random() * n);

async function startProc(i) {
  const gen = (procs[i]?.gen ?? 0) + 1;
  if (!PG) {
    const S = await L.startServe({ data, workers: 2, name: `serve-${gen}`, args: ['--lease-seconds', String(LEASE), ...SERVE_ARGS] });
    procs[i] = { kind: 'api', S, child: S.child, gen };
  } else if (i < 2) {
    const S = await L.startServe({ db: DB, data: procs[i]?.data ?? L.freshDir(`api-${i}`), workers: 0, name: `api-${i}-${gen}`, args: SERVE_ARGS });
    procs[i] = { kind: 'api', S, child: S.child, data: S.data, gen };
  } else {
    const w = L.startWorker({ db: DB, workers: 1, leaseSeconds: LEASE, name: `worker-${i}-${gen}` });
    procs[i] = { kind: 'worker', child: w, gen };
  }
}

const clients = () => procs.filter((p) => p.kind === 'api' && p.child.alive).map((p) => p.S.client(key));

// Submits every key once (a failed connection or a 5xx leaves the key for the next round).
// Paced: two at a time with up to 40 ms between, so that a kill lands among the submissions.
async function submit(keys, { paced = false } = {}) {
  const left = [];
  const cs = clients();
  await L.pool(keys, paced ? 2 : 8, async (k, i) => {
    if (paced) await L.sleep(rnd(40));
    const c = cs[i % cs.length];
    if (!c) { left.push(k); return; }
    let r;
    try { r = await c.submit(CIRCUIT, wtnsOf.get(k), { idempotency_key: k }); } catch { left.push(k); return; }
    if (r.status >= 500) { left.push(k); return; }
    expectStatus(r, [200, 201], null, `POST /v1/jobs (${k})`);
    const had = ids.get(k);
    check(!had || had === r.json.id, `idempotency key ${k} gave two jobs: ${had} and ${r.json.id}`);
    ids.set(k, r.json.id);
  });
  return left;
}

t.test(`setup: ${PG ? '2 API nodes and 2 workers on PostgreSQL' : 'serve --workers 2 on SQLite'}, the circuit`, async () => {
  key = L.createKey(PG ? { db: DB } : { data }, { maxJobs: 1000000 });
  await Promise.all((PG ? [0, 1, 2, 3] : [0]).map((i) => startProc(i)));
  expectStatus(await clients()[0].uploadZkey(zkey), 201, null, 'POST /v1/circuits');
});

t.test(`${CYCLES} cycles: ${PER_CYCLE} jobs submitted, one process killed with SIGKILL at a random moment, restarted`, async () => {
  let pending = [];
  const t0 = Date.now();
  for (let cycle = 0; cycle < CYCLES; cycle++) {
    for (let i = 0; i < PER_CYCLE; i++) {
      const k = `c${cycle}-${i}`;
      wtnsOf.set(k, ws[(cycle * PER_CYCLE + i) % ws.length]);
      pending.push(k);
    }
    const victim = PG ? rnd(procs.length) : 0;
    const batch = submit(pending, { paced: true });
    await L.sleep(50 + rnd(700));
    await procs[victim].child.kill9();
    kills++;
    const left = await batch;
    retried += left.length;
    await startProc(victim);
    pending = await submit(left);
    if (cycle % 10 === 9) console.log(`     cycle ${cycle + 1}: ${ids.size} jobs accepted, ${pending.length} waiting to be resubmitted`);
  }
  for (let round = 0; pending.length && round < 10; round++) pending = await submit(pending);
  eq(pending.length, 0, 'submissions never accepted');
  console.log(`     ${kills} kills in ${((Date.now() - t0) / 1000).toFixed(1)} s; ${ids.size} jobs accepted; ${retried} submissions retried after a kill`);
});

t.test('every accepted job succeeds exactly once, with its own public signals; a sample verifies with snarkjs', async () => {
  const cs = clients();
  const jobs = [...ids.entries()].map(([k, id], i) => ({ id, client: cs[i % cs.length], expectPublic: L.wtnsPublic(wtnsOf.get(k), 2) }));
  const stats = await L.auditJobs(jobs, vk, { verify: false, timeoutMs: 300000 });
  const sample = [...jobs].sort(() => Math.random() - 0.5).slice(0, 20);
  await L.auditJobs(sample, vk, { verify: true });
  const { jobs: listed } = await cs[0].listAll({}, 1000);
  eq(listed.length, ids.size, 'jobs stored (one per idempotency key)');
  console.log(`     ${stats.jobs} jobs, events ${JSON.stringify(stats.events)}, attempts ${JSON.stringify(stats.attempts)}; ${sample.length} proofs verified`);
});

t.test(`${CONCURRENT} concurrent submissions over ${CONCURRENT / 4} idempotency keys (4 each): one job per key`, async () => {
  const cs = clients();
  const n = CONCURRENT, keys = CONCURRENT / 4;
  const before = (await cs[0].listAll({}, 1000)).jobs.length;
  L.setKeepAlive(false);
  const t0 = Date.now();
  const res = await Promise.all(Array.from({ length: n }, async (_, i) => {
    const k = `burst-${i % keys}`;
    for (let attempt = 0; ; attempt++) {
      try {
        return { k, r: await cs[i % cs.length].submit(CIRCUIT, ws[(i % keys) % ws.length], { idempotency_key: k }) };
      } catch (e) { if (attempt >= 3) throw e; await L.sleep(100); }
    }
  }));
  const ms = Date.now() - t0;
  L.setKeepAlive(true);
  const byKey = new Map();
  let created = 0;
  for (const { k, r } of res) {
    expectStatus(r, [200, 201], null, `POST /v1/jobs (${k})`);
    if (r.status === 201) created++;
    if (!byKey.has(k)) byKey.set(k, new Set());
    byKey.get(k).add(r.json.id);
  }
  const split = [...byKey].filter(([, s]) => s.size !== 1);
  check(split.length === 0, () => `keys with more than one job: ${split.slice(0, 5).map(([k, s]) => `${k}: ${[...s]}`).join('; ')}`);
  eq(created, keys, '201 Created answers (one per key)');
  const after = (await cs[0].listAll({}, 1000)).jobs.length;
  eq(after - before, keys, 'jobs stored by the burst');
  console.log(`     ${n} submissions in ${ms} ms: ${created} created, ${n - created} answered with the existing job`);
  const jobs = [...byKey].map(([k, s], i) => ({ id: [...s][0], client: cs[i % cs.length] }));
  await L.auditJobs(jobs, vk, { verify: false, timeoutMs: 300000 });
});

t.test('every process is still up and stops cleanly', async () => {
  for (const p of procs) check(p.child.alive, () => `${p.child.name} exited (${p.child.exitCode})\n${p.child.logTail(15)}`);
  for (const p of procs) eq(await p.child.terminate(), 0, `exit code of ${p.child.name} after SIGTERM`);
});

await t.run();
