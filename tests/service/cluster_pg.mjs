// A cluster on PostgreSQL: two API nodes (`serve --db URL --workers 0`) and three `worker` processes
// (lease 3 s), each with its own data folder.
//   1. N jobs (default 1000) submitted concurrently over both API nodes, ~10% repeating an earlier
//      idempotency key (some racing the original on the other node): repeats get the original job,
//      every distinct job succeeds exactly once, every distinct proof verifies with snarkjs.
//   2. kill -9 of a worker that holds a lease: its job is taken over after the lease expires.
//   3. pg_ctl restart -m fast while the workers run.
//   4. PostgreSQL down for longer than a lease (readyz 503 meanwhile), then back.
// After each crash: all jobs complete exactly once, and every process is still up.
//
// usage: node tests/service/cluster_pg.mjs --pg-url URL --pg-dir DIR [--jobs N]
//   (started by cluster_pg.sh, which owns the PostgreSQL cluster in DIR through pg.sh)
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import * as L from './lib.mjs';
import { check, eq, expectStatus } from './lib.mjs';

const argv = process.argv.slice(2);
const arg = (name, dflt) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : dflt; };
const DB = arg('--pg-url');
const PGDIR = arg('--pg-dir');
const N = Number(arg('--jobs', 1000));
if (!DB || !PGDIR) { console.error('usage: cluster_pg.mjs --pg-url URL --pg-dir DIR [--jobs N]'); process.exit(2); }
const PGSH = path.join(L.ROOT, 'tests/service/pg.sh');
const pgctl = (cmd) => execFileSync(PGSH, [cmd, PGDIR], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60000 });

const t = L.suite(`service cluster on PostgreSQL (2 API nodes, 3 workers, ${N} jobs)`);
const zkey = L.exampleZkey();
const CIRCUIT = L.sha256hex(zkey);
const ws = L.witnesses();
const vk = L.exampleVk();
let key, A, B, clients;
const workers = [];
const LEASE = 3;

function startWorker(i, args = []) {
  const w = L.startWorker({ db: DB, workers: 1, leaseSeconds: LEASE, name: `worker-${i}`, args });
  workers.push(w);
  return w;
}
function allAlive(what) {
  for (const p of [A.child, B.child, ...workers.filter((w) => !w.killed)]) {
    check(p.alive, () => `${p.name} exited (${p.exitCode}) ${what}\n${p.logTail(15)}`);
  }
}
const plan = (n, tag) => Array.from({ length: n }, (_, i) => ({ wtns: ws[i % ws.length], idem: `${tag}-${i}` }));

t.test('setup: keys create --db on a fresh database, 2 API nodes and 3 workers started at once', async () => {
  key = L.createKey({ db: DB }, { maxJobs: 100000 });
  const started = await Promise.all([
    L.startServe({ db: DB, workers: 0, name: 'api-A' }),
    L.startServe({ db: DB, workers: 0, name: 'api-B' }),
  ]);
  [A, B] = started;
  for (let i = 1; i <= 3; i++) startWorker(i);
  clients = [A.client(key), B.client(key)];
  for (const c of clients) {
    expectStatus(await c.get('/readyz'), 200, null, `GET /readyz on ${c.url}`);
  }
  await L.sleep(500);
  allAlive('right after start');
});

t.test('a circuit uploaded to node A is visible on node B', async () => {
  const [a, b] = clients;
  expectStatus(await a.uploadZkey(zkey), 201, null, 'POST /v1/circuits on A');
  const g = expectStatus(await b.get(`/v1/circuits/${CIRCUIT}`), 200, null, 'GET /v1/circuits/{id} on B');
  eq(g.size, zkey.length, 'size seen on B');
  const again = expectStatus(await b.uploadZkey(zkey), 200, null, 'POST /v1/circuits of the same zkey on B');
  eq(again.created, false, '"created" on B');
});

t.test(`${N} jobs over both nodes, ~10% repeating an idempotency key: exactly once, all verify`, async () => {
  // Submissions: fresh keys, except ~10% that repeat an earlier one (half of those the previous
  // submission, which is likely still in flight on the other node: a race on the unique key).
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const subs = [];
  for (let i = 0; i < N; i++) {
    if (i >= 20 && rnd() < 0.1) {
      const j = rnd() < 0.5 ? i - 1 : Math.floor(rnd() * i);
      subs.push({ ...subs[j], repeatOf: j });
    } else {
      subs.push({ wtns: ws[i % ws.length], idem: `main-${i}` });
    }
  }
  const t0 = Date.now();
  const res = await L.submitAll(clients, CIRCUIT, subs, 32);
  const tSubmitted = Date.now();
  // Repeats carry the original's id; each distinct job got exactly one 201.
  const creations = new Map();
  for (let i = 0; i < N; i++) {
    let o = i;
    while (subs[o].repeatOf !== undefined) o = subs[o].repeatOf;
    if (o !== i) eq(res[i].id, res[o].id, `job id of submission ${i} (repeats the idempotency key of ${o})`);
    if (res[i].status === 201) creations.set(res[i].id, (creations.get(res[i].id) ?? 0) + 1);
  }
  const distinct = new Set(res.map((r) => r.id));
  const repeats = subs.filter((s) => s.repeatOf !== undefined).length;
  eq(distinct.size, N - repeats, 'distinct jobs');
  for (const id of distinct) eq(creations.get(id) ?? 0, 1, `201 answers for job ${id}`);
  // Read each job from the node it was not submitted to.
  res.forEach((r, i) => { r.client = clients[(i + 1) % 2]; });
  const waitStart = Date.now();
  const done = await L.pool([...distinct], 16, (id) => clients[0].waitJob(id, 180000));
  const tDone = Date.now();
  check(done.every((j) => j.state === 'succeeded'), () => `not all succeeded: ${done.filter((j) => j.state !== 'succeeded').map((j) => `${j.id} ${j.state} ${j.error}`).slice(0, 5)}`);
  const stats = await L.auditJobs(res, vk);
  console.log(`     ${N} submissions (${repeats} repeats) in ${tSubmitted - t0} ms; all ${distinct.size} done ${tDone - t0} ms after the first ` +
    `(${(distinct.size / ((tDone - t0) / 1000)).toFixed(1)} jobs/s); waited ${tDone - waitStart} ms after submitting`);
  console.log(`     events ${JSON.stringify(stats.events)}, attempts ${JSON.stringify(stats.attempts)}; ` +
    `${stats.verified} snarkjs verifications; the audit (fetch, events, verify) took ${stats.wallMs} ms`);
  // The listing agrees across nodes.
  const la = await clients[0].listAll({ state: 'succeeded' }, 1000);
  const lb = await clients[1].listAll({ state: 'succeeded' }, 1000);
  eq(la.jobs.length, distinct.size, 'succeeded jobs listed on A');
  eq(lb.jobs.map((j) => j.id), la.jobs.map((j) => j.id), 'succeeded jobs listed on B (same as A)');
  allAlive('after the main run');
});

// The worker process that claimed a job now running, matched by pid in the event's "worker" field
// (if the worker id names the pid); otherwise worker 1.
async function workerHoldingALease() {
  // New connections: quick answers even if the server delays writes on kept-alive ones. The job
  // claimed last has the most of its prove ahead of it.
  const running = await clients[0].list({ state: 'running', limit: 50 }, { fresh: true });
  const jobs = (running.json?.jobs ?? []).sort((a, b) => (a.started_at < b.started_at ? 1 : -1));
  for (const j of jobs) {
    const ev = (await clients[0].get(`/v1/jobs/${j.id}/events`, { fresh: true })).json?.events ?? [];
    const claimed = ev.filter((e) => e.event === 'claimed').pop();
    if (!claimed?.worker) continue;
    const w = workers.find((p) => !p.killed && new RegExp(`(^|\\D)${p.pid}(\\D|$)`).test(claimed.worker));
    if (w) return { w, job: j.id };
  }
  return { w: workers[0], job: null };
}

t.test('kill -9 of a worker holding a lease: its job is taken over after the lease and completes once', async () => {
  const res = await L.submitAll(clients, CIRCUIT, plan(300, 'killw'), 32);
  await clients[0].waitJob(res[60].id);
  const { w, job } = await workerHoldingALease();
  const killedAt = Date.now();
  w.killed = true;
  await w.kill9();
  console.log(`     killed ${w.name} (pid ${w.pid}) ${job ? `while it held job ${job}` : '(could not tell which jobs it held)'}`);
  res.forEach((r, i) => { r.client = clients[i % 2]; });
  const stats = await L.auditJobs(res, vk);
  console.log(`     events ${JSON.stringify(stats.events)}, attempts ${JSON.stringify(stats.attempts)}`);
  if (job) {
    const c = clients[0];
    const ev = (await c.events(job)).json.events;
    const names = ev.map((e) => e.event);
    const firstDone = ev.find((e) => e.event === 'succeeded');
    if (L.count(names, 'claimed') === 1 && firstDone && Date.parse(firstDone.at) <= killedAt + 50) {
      // It finished in the moment between our look and the kill: nothing was left to take over.
      console.log(`     job ${job} finished just before the kill (events ${names.join(',')})`);
    } else {
      check(names.includes('lease_expired'), `job ${job} held by the killed worker: expected a "lease_expired" event, got ${names}`);
      const retake = ev.filter((e) => e.event === 'claimed').pop();
      const delay = Date.parse(retake.at) - killedAt;
      console.log(`     job ${job}: events ${names.join(',')}; claimed again ${delay} ms after the kill (lease ${LEASE} s)`);
      check(L.count(names, 'claimed') >= 2, `job ${job}: expected to be claimed again, events ${names}`);
      eq((await c.job(job)).json.attempts >= 2, true, `attempts >= 2 of the taken-over job ${job}`);
    }
  }
  if (!stats.events.lease_expired) {
    console.log('     note: no "lease_expired" event seen; the killed worker may have held no lease');
  }
  allAlive('after a worker was killed');
});

t.test('a worker with --listen serves /healthz, /readyz and /metrics only', async () => {
  const w = startWorker(4, ['--listen', '127.0.0.1:0']); // back to three workers
  const line = await w.waitLine(/listening on http:\/\//, 30000);
  const url = /listening on (http:\/\/\S+)/.exec(line)[1].replace(/\/$/, '');
  const c = new L.Client(url, key);
  expectStatus(await c.get('/healthz'), 200, null, 'worker GET /healthz');
  expectStatus(await c.get('/readyz'), 200, null, 'worker GET /readyz');
  expectStatus(await new L.Client(url, null).get('/metrics'), 401, 'unauthorized', 'worker GET /metrics without a key');
  const res = await L.submitAll(clients, CIRCUIT, plan(20, 'wlisten'), 8);
  await L.pool(res, 8, (r) => clients[0].waitJob(r.id));
  const m = await c.get('/metrics');
  expectStatus(m, 200, null, 'worker GET /metrics');
  check(/^proofmill_jobs\{state="succeeded"\} \d+/m.test(m.text), 'worker /metrics: expected proofmill_jobs{state="succeeded"}');
  check(/^proofmill_prove_seconds_count \d+/m.test(m.text), 'worker /metrics: expected proofmill_prove_seconds_count');
  expectStatus(await c.get('/v1/circuits'), 404, null, 'worker GET /v1/circuits (API routes are not served by workers)');
  expectStatus(await c.submit(CIRCUIT, ws[0]), 404, null, 'worker POST /v1/jobs');
});

t.test('cancel running jobs on PostgreSQL: DELETE answered 200 -> the job stays cancelled', async () => {
  const res = await L.submitAll(clients, CIRCUIT, plan(150, 'cancelrun'), 16);
  const ids = new Set(res.map((r) => r.id));
  const cancelled = new Set();
  let sawRunning = 0;
  const t0 = Date.now();
  while (Date.now() - t0 < 60000) {
    const r = await clients[1].list({ state: 'running', limit: 10 });
    const running = r.json.jobs.filter((j) => ids.has(j.id));
    sawRunning += running.length;
    await Promise.all(running.map(async (j) => {
      const d = await clients[0].cancel(j.id);
      expectStatus(d, [200, 409], null, `DELETE running job ${j.id}`);
      if (d.status === 200) cancelled.add(j.id);
    }));
    const q = await clients[1].list({ state: 'queued', limit: 1 });
    if (!running.length && !q.json.jobs.length) break;
  }
  for (const r of res) {
    const j = await clients[1].waitJob(r.id);
    const ev = await L.eventNames(clients[1], r.id);
    if (cancelled.has(r.id)) {
      eq(j.state, 'cancelled', `state of job ${r.id} after DELETE answered 200 (events ${ev})`);
      eq(L.count(ev, 'succeeded'), 0, `"succeeded" events of the cancelled job ${r.id} (events ${ev})`);
    } else {
      eq(j.state, 'succeeded', `state of job ${r.id} (not cancelled; events ${ev})`);
      eq(L.count(ev, 'succeeded'), 1, `"succeeded" events of job ${r.id}`);
    }
  }
  console.log(`     saw ${sawRunning} running, cancelled ${cancelled.size} while running`);
  allAlive('after cancelling running jobs');
});

t.test('pg_ctl restart -m fast while the workers run: all jobs complete once, processes stay up', async () => {
  const res = await L.submitAll(clients, CIRCUIT, plan(300, 'pgrestart'), 32);
  await clients[0].waitJob(res[50].id);
  const t0 = Date.now();
  pgctl('restart');
  console.log(`     PostgreSQL restarted in ${Date.now() - t0} ms`);
  res.forEach((r, i) => { r.client = clients[i % 2]; });
  const stats = await L.auditJobs(res, vk);
  console.log(`     events ${JSON.stringify(stats.events)}, attempts ${JSON.stringify(stats.attempts)}`);
  allAlive('after the PostgreSQL restart');
  for (const c of clients) expectStatus(await c.get('/readyz'), 200, null, `GET /readyz on ${c.url} after the restart`);
});

t.test(`PostgreSQL down for ${LEASE + 2} s mid-run: readyz 503, then everything completes once`, async () => {
  const res = await L.submitAll(clients, CIRCUIT, plan(200, 'pgdown'), 32);
  await clients[0].waitJob(res[40].id);
  pgctl('stop');
  const downAt = Date.now();
  try {
    for (const c of clients) {
      let r;
      for (let i = 0; i < 30; i++) {
        r = await c.get('/readyz', { timeoutMs: 10000 }).catch((e) => ({ status: 0, text: e.message }));
        if (r.status === 503) break;
        await L.sleep(100);
      }
      expectStatus(r, 503, null, `GET /readyz on ${c.url} while PostgreSQL is down`);
      eq(r.json?.status, 'unavailable', 'readyz status while PostgreSQL is down');
      expectStatus(await c.get('/healthz'), 200, null, `GET /healthz on ${c.url} while PostgreSQL is down`);
      // A request that needs the database fails fast with a JSON error instead of hanging.
      const j = await c.job(res[0].id).catch((e) => ({ status: 0, text: e.message }));
      check(j.status >= 500 && j.status < 600 && j.json?.error, `GET /v1/jobs/{id} while PostgreSQL is down: expected a 5xx JSON error, got ${j.status} ${j.text?.slice(0, 200)}`);
    }
    const left = (LEASE + 2) * 1000 - (Date.now() - downAt);
    if (left > 0) await L.sleep(left);
    allAlive('while PostgreSQL is down');
  } finally {
    pgctl('start');
  }
  console.log(`     PostgreSQL was down ${Date.now() - downAt} ms`);
  for (const c of clients) {
    let r;
    for (let i = 0; i < 100; i++) {
      r = await c.get('/readyz').catch((e) => ({ status: 0, text: e.message }));
      if (r.status === 200) break;
      await L.sleep(100);
    }
    expectStatus(r, 200, null, `GET /readyz on ${c.url} after PostgreSQL came back`);
  }
  res.forEach((r, i) => { r.client = clients[i % 2]; });
  const stats = await L.auditJobs(res, vk);
  console.log(`     events ${JSON.stringify(stats.events)}, attempts ${JSON.stringify(stats.attempts)}`);
  allAlive('after the PostgreSQL outage');
});

t.test('SIGTERM: every process exits 0', async () => {
  const procs = [A.child, B.child, ...workers.filter((w) => !w.killed)];
  const codes = await Promise.all(procs.map((p) => p.terminate()));
  procs.forEach((p, i) => eq(codes[i], 0, `exit code of ${p.name}`));
});

await t.run();
