// The HTTP API of `proofmill serve` on SQLite over loopback, against the contract in the service
// spec: auth, circuits, jobs (results verified with snarkjs), idempotency, listing, cancel, failures,
// events, metrics, per-key limits, the data-folder lock, restart and graceful shutdown.
//
// usage: node tests/service/api.test.mjs   (PROOFMILL=binary, see lib.mjs)
import crypto from 'node:crypto';
import * as L from './lib.mjs';
import { check, eq, expectStatus, expectErrorBody } from './lib.mjs';

const t = L.suite('service API (SQLite)');
const zkey = L.exampleZkey();
const zinfo = L.zkeyInfo(zkey);
const CIRCUIT = L.sha256hex(zkey);
const wtns = L.exampleWtns();
const [, ...others] = L.witnesses();
const vk = L.exampleVk();
const PUBLIC = L.wtnsPublic(wtns, zinfo.nPublic);
const JOB_ID = /^[0-9a-f]{32}$/;

// S1: one in-process worker; S0: no workers, so its jobs stay queued (cancel, lists, limits).
let S1, S0, k1, k2, S0key, limitedJobs, smallReq, prioKey;
const d1 = L.freshDir('api-w1');
const d0 = L.freshDir('api-w0');

t.test('setup: keys made before start, two servers (--workers 1 and --workers 0)', async () => {
  k1 = L.createKey({ data: d1 }, { name: 'main' });
  k2 = L.createKey({ data: d1 }, { name: 'other' });
  smallReq = L.createKey({ data: d1 }, { name: 'small', maxRequestMb: 1 });
  S0key = L.createKey({ data: d0 });
  limitedJobs = L.createKey({ data: d0 }, { maxJobs: 2 });
  prioKey = L.createKey({ data: d0 });
  check(new Set([k1, k2, smallReq]).size === 3, 'expected distinct keys from three keys create calls');
  [S1, S0] = await Promise.all([L.startServe({ data: d1, workers: 1 }), L.startServe({ data: d0, workers: 0 })]);
});

t.test('data files are the owner\'s only: folders 0700, files 0600 (also an older, open folder)', async () => {
  const fs = await import('node:fs');
  const path = await import('node:path');
  const mode = (p) => (fs.statSync(p).mode & 0o777).toString(8);
  eq(mode(d1), '700', `mode of the data folder ${d1}`);
  for (const f of ['proofmill.db', 'serve.lock']) eq(mode(path.join(d1, f)), '600', `mode of ${f}`);
  for (const sub of ['tmp', 'cache']) {
    const p = path.join(d1, sub);
    if (fs.existsSync(p)) eq(mode(p), '700', `mode of ${sub}/`);
  }
  const old = L.freshDir('api-open');
  fs.mkdirSync(old, { recursive: true });
  fs.chmodSync(old, 0o755);
  fs.writeFileSync(path.join(old, 'proofmill.db'), '');
  fs.chmodSync(path.join(old, 'proofmill.db'), 0o644);
  L.createKey({ data: old }, { name: 'tighten' });
  eq(mode(old), '700', 'an existing 0755 data folder is made 0700');
  eq(mode(path.join(old, 'proofmill.db')), '600', 'an existing 0644 database is made 0600');
});

t.test('keys create --json, keys list', async () => {
  const k = L.createKey({ data: d1 }, { name: 'json-key', json: true });
  check(L.KEY_RE.test(k.key), `keys create --json: expected "key" pm_ + 43 base64url chars, got ${JSON.stringify(k)}`);
  check(k.id !== undefined && k.id !== null, `keys create --json: expected an "id", got ${JSON.stringify(k)}`);
  eq(k.name, 'json-key', 'keys create --json name');
  const list = L.pm(['keys', 'list', '--data', d1]);
  check(list.includes('json-key'), `keys list: expected the key named json-key in ${JSON.stringify(list)}`);
  check(!list.includes(k.key) && !list.includes(k1), 'keys list must not print the secret keys (stored as hashes)');
  // A key created while the server runs works at once.
  const r = await S1.client(k.key).get('/v1/circuits');
  expectStatus(r, 200, null, 'GET /v1/circuits with a key made while serving');
});

t.test('GET /healthz and /readyz need no key', async () => {
  for (const c of [S1.client(null), S0.client(null)]) {
    let r = await c.get('/healthz');
    expectStatus(r, 200, null, 'GET /healthz');
    eq(r.json, { status: 'ok' }, 'GET /healthz body');
    r = await c.get('/readyz');
    expectStatus(r, 200, null, 'GET /readyz');
    eq(r.json?.status, 'ready', 'GET /readyz status');
  }
});

t.test('401 unauthorized without a key, with a wrong key, a malformed header, a revoked key', async () => {
  const anon = S1.client(null);
  for (const [m, route] of [['GET', '/metrics'], ['GET', '/v1/circuits'], ['POST', '/v1/jobs'], ['GET', '/v1/jobs'],
    ['GET', `/v1/circuits/${CIRCUIT}`], ['GET', `/v1/jobs/${'0'.repeat(32)}`], ['DELETE', `/v1/jobs/${'0'.repeat(32)}`]]) {
    const r = await anon.req(m, route, m === 'POST' ? { body: {} } : {});
    expectStatus(r, 401, 'unauthorized', `${m} ${route} without a key`);
  }
  const wrong = 'pm_' + crypto.randomBytes(32).toString('base64url');
  for (const [label, headers] of [
    ['a wrong pm_ key', { authorization: `Bearer ${wrong}` }],
    ['a key without pm_', { authorization: `Bearer ${k1.slice(3)}` }],
    ['Basic auth', { authorization: `Basic ${Buffer.from('x:' + k1).toString('base64')}` }],
    ['"Bearer" and no key', { authorization: 'Bearer ' }],
    ['a key with a trailing character', { authorization: `Bearer ${k1}x` }],
  ]) {
    const r = await L.request(S1.url, 'GET', '/v1/circuits', { headers });
    expectStatus(r, 401, 'unauthorized', `GET /v1/circuits with ${label}`);
  }
  // The scheme is case-insensitive and may be followed by several spaces (RFC 6750, RFC 9110).
  for (const [label, value] of [['bearer', `bearer ${k1}`], ['BEARER', `BEARER ${k1}`], ['two spaces', `Bearer  ${k1}`]]) {
    const r = await L.request(S1.url, 'GET', '/v1/circuits', { headers: { authorization: value } });
    expectStatus(r, 200, null, `GET /v1/circuits with the scheme written ${label}`);
  }
  expectStatus(await L.request(S1.url, 'GET', '/v1/circuits', { headers: { authorization: `Bearerx ${k1}` } }), 401,
               'unauthorized', 'GET /v1/circuits with the scheme Bearerx');
  // A key from the other server's database is unknown here.
  expectStatus(await S1.client(S0key).get('/v1/circuits'), 401, 'unauthorized', 'GET /v1/circuits with a key of another data folder');
  // Revoked.
  const k = L.createKey({ data: d1 }, { name: 'to-revoke', json: true });
  expectStatus(await S1.client(k.key).get('/v1/circuits'), 200, null, 'GET /v1/circuits before revoking');
  L.pm(['keys', 'revoke', String(k.id), '--data', d1]);
  expectStatus(await S1.client(k.key).get('/v1/circuits'), 401, 'unauthorized', 'GET /v1/circuits with a revoked key');
});

t.test('POST /v1/circuits: 201 created, then 200 created:false; GET one and the list', async () => {
  const c = S1.client(k1);
  let r = await c.uploadZkey(zkey);
  const body = expectStatus(r, 201, null, 'first POST /v1/circuits');
  eq(body.id, CIRCUIT, 'circuit id (SHA-256 of the zkey bytes)');
  eq(body.created, true, 'first upload "created"');
  eq(body.n_vars, zinfo.nVars, 'n_vars');
  eq(body.n_public, zinfo.nPublic, 'n_public');
  eq(body.domain_size, zinfo.domainSize, 'domain_size');
  eq(body.size, zkey.length, 'size');
  r = await c.uploadZkey(zkey);
  expectStatus(r, 200, null, 'second POST /v1/circuits of the same zkey');
  eq(r.json.created, false, 'second upload "created"');
  eq(r.json.id, CIRCUIT, 'second upload id');
  // Another key uploading the same bytes: the same content-addressed circuit.
  r = await S1.client(k2).uploadZkey(zkey);
  expectStatus(r, 200, null, 'POST /v1/circuits of the same zkey by another key');
  r = await c.get(`/v1/circuits/${CIRCUIT}`);
  const one = expectStatus(r, 200, null, 'GET /v1/circuits/{id}');
  for (const f of ['n_vars', 'n_public', 'domain_size', 'size']) eq(one[f], body[f], `GET /v1/circuits/{id} ${f}`);
  eq(one.id, CIRCUIT, 'GET /v1/circuits/{id} id');
  check(L.RFC3339_MS.test(one.created_at), `created_at: expected RFC 3339 UTC with ms, got ${one.created_at}`);
  r = await c.get('/v1/circuits');
  expectStatus(r, 200, null, 'GET /v1/circuits');
  check(Array.isArray(r.json.circuits), `GET /v1/circuits: expected {"circuits": [...]}, got ${r.text}`);
  eq(r.json.circuits.filter((x) => x.id === CIRCUIT).length, 1, 'GET /v1/circuits: entries with our id');
  expectStatus(await c.get(`/v1/circuits/${'ab'.repeat(32)}`), 404, 'not_found', 'GET /v1/circuits/{unknown id}');
  // The S0 server gets the circuit too (its own data folder).
  expectStatus(await S0.client(S0key).uploadZkey(zkey), 201, null, 'POST /v1/circuits on the --workers 0 server');
});

t.test('a job: 201 queued, then succeeded with a proof that snarkjs verifies and the witness\'s public signals', async () => {
  const c = S1.client(k1);
  const r = await c.submit(CIRCUIT, wtns);
  const sub = expectStatus(r, 201, null, 'POST /v1/jobs');
  check(JOB_ID.test(sub.id), `job id: expected 32 hex chars, got ${sub.id}`);
  check(['queued', 'running', 'succeeded'].includes(sub.state), `POST /v1/jobs state: expected "queued", got ${sub.state}`);
  const job = await c.waitJob(sub.id);
  await L.checkResult(job, vk, PUBLIC);
  eq(job.id, sub.id, 'job id');
  eq(job.circuit, CIRCUIT, 'job circuit');
  eq(job.priority, 0, 'default priority');
  eq(job.idempotency_key, null, 'idempotency_key when none was given');
  eq(job.attempts, 1, 'attempts');
  eq(job.max_attempts, 3, 'max_attempts (default 3)');
  eq(job.error, null, 'error of a succeeded job');
  for (const f of ['created_at', 'started_at', 'finished_at']) check(L.RFC3339_MS.test(job[f]), `${f}: expected RFC 3339 UTC with ms, got ${job[f]}`);
  check(job.created_at <= job.started_at && job.started_at <= job.finished_at, `expected created_at <= started_at <= finished_at, got ${job.created_at} ${job.started_at} ${job.finished_at}`);
  check(typeof job.prove_ms === 'number' && job.prove_ms >= 0, `prove_ms: expected a number, got ${job.prove_ms}`);
  // GET without wait returns the same finished job.
  const again = expectStatus(await c.job(sub.id), 200, null, 'GET /v1/jobs/{id}');
  eq(again.proof, job.proof, 'proof on a second GET');
});

t.test('four different witnesses at once: each result carries its own witness\'s public signals', async () => {
  const c = S1.client(k1);
  const all = [wtns, ...others];
  const subs = await Promise.all(all.map((w) => c.submit(CIRCUIT, w)));
  subs.forEach((r, i) => expectStatus(r, 201, null, `POST /v1/jobs witness ${i}`));
  const jobs = await Promise.all(subs.map((r) => c.waitJob(r.json.id)));
  for (let i = 0; i < all.length; i++) await L.checkResult(jobs[i], vk, L.wtnsPublic(all[i], 2), `witness ${i}`);
});

t.test('idempotency: same key -> same job (200); other witness -> 409; other API key -> its own job', async () => {
  const c = S1.client(k1);
  const idem = `order-${crypto.randomUUID()}`;
  const a = expectStatus(await c.submit(CIRCUIT, wtns, { idempotency_key: idem }), 201, null, 'first submit with an idempotency key');
  const b = await c.submit(CIRCUIT, wtns, { idempotency_key: idem });
  expectStatus(b, 200, null, 'second submit with the same idempotency key');
  eq(b.json.id, a.id, 'job id returned for a repeated idempotency key');
  check(typeof b.json.state === 'string', `repeated submit: expected a "state", got ${b.text}`);
  expectStatus(await c.submit(CIRCUIT, others[0], { idempotency_key: idem }), 409, 'idempotency_conflict', 'same idempotency key, different witness');
  const p = await c.submit(CIRCUIT, wtns, { idempotency_key: idem, priority: 9 });
  expectStatus(p, 200, null, 'same idempotency key and witness, another priority');
  eq(p.json.id, a.id, 'job id for the same idempotency key with another priority');
  const o = expectStatus(await S1.client(k2).submit(CIRCUIT, wtns, { idempotency_key: idem }), 201, null, 'same idempotency key from another API key');
  check(o.id !== a.id, 'another API key with the same idempotency key: expected a different job');
  const job = await c.waitJob(a.id);
  eq(job.idempotency_key, idem, 'job idempotency_key');
  await L.checkResult(job, vk, PUBLIC);
  // After it finished, the key still maps to the same job.
  const c2 = await c.submit(CIRCUIT, wtns, { idempotency_key: idem });
  expectStatus(c2, 200, null, 'submit with the idempotency key of a finished job');
  eq(c2.json.id, a.id, 'job id for the idempotency key of a finished job');
  await S1.client(k2).waitJob(o.id);
});

t.test('idempotency under a race: 8 concurrent submits with one key -> one job, one 201', async () => {
  const c = S1.client(k1);
  const idem = `race-${crypto.randomUUID()}`;
  const rs = await Promise.all(Array.from({ length: 8 }, () => c.submit(CIRCUIT, wtns, { idempotency_key: idem })));
  rs.forEach((r, i) => expectStatus(r, [200, 201], null, `concurrent submit ${i}`));
  eq(new Set(rs.map((r) => r.json.id)).size, 1, 'distinct job ids from 8 concurrent submits with one idempotency key');
  eq(rs.filter((r) => r.status === 201).length, 1, 'number of 201 answers among them');
  await c.waitJob(rs[0].json.id);
});

t.test('jobs are visible only to the key that created them', async () => {
  const c = S1.client(k1);
  const sub = expectStatus(await c.submit(CIRCUIT, wtns), 201, null, 'POST /v1/jobs');
  const other = S1.client(k2);
  expectStatus(await other.job(sub.id), 404, 'not_found', 'GET another key\'s job');
  expectStatus(await other.events(sub.id), 404, 'not_found', 'GET another key\'s job events');
  const { jobs } = await other.listAll();
  check(!jobs.some((j) => j.id === sub.id), 'GET /v1/jobs of another key must not list our job');
  const del = await other.cancel(sub.id);
  expectStatus(del, 404, 'not_found', 'DELETE another key\'s job');
  const job = await c.waitJob(sub.id);
  eq(job.state, 'succeeded', 'our job after the other key tried to cancel it');
});

t.test('priority is accepted and echoed', async () => {
  const c = S1.client(k1);
  const sub = expectStatus(await c.submit(CIRCUIT, wtns, { priority: 7 }), 201, null, 'POST /v1/jobs with priority 7');
  const neg = expectStatus(await c.submit(CIRCUIT, wtns, { priority: -3 }), 201, null, 'POST /v1/jobs with priority -3');
  eq((await c.waitJob(sub.id)).priority, 7, 'job priority');
  eq((await c.waitJob(neg.id)).priority, -3, 'job priority');
});

let failedId;
t.test('a witness that does not satisfy the circuit: failed, "did not verify", one attempt, not retried', async () => {
  const c = S1.client(k1);
  const sub = expectStatus(await c.submit(CIRCUIT, L.wtnsWrong(wtns)), 201, null, 'POST /v1/jobs with a wrong witness');
  failedId = sub.id;
  const job = await c.waitJob(sub.id);
  eq(job.state, 'failed', 'state of a job with a wrong witness');
  check(typeof job.error === 'string' && job.error.includes('did not verify'), `error: expected it to mention "did not verify", got ${JSON.stringify(job.error)}`);
  eq(job.attempts, 1, 'attempts of a job with a wrong witness');
  eq(job.proof, null, 'proof of a failed job');
  eq(job.public, null, 'public of a failed job');
  check(L.RFC3339_MS.test(job.finished_at), `finished_at of a failed job: expected a time, got ${job.finished_at}`);
  const ev = await L.eventNames(c, sub.id);
  eq(L.count(ev, 'failed'), 1, `"failed" events (events: ${ev})`);
  eq(L.count(ev, 'retry') + L.count(ev, 'succeeded'), 0, `"retry"/"succeeded" events (events: ${ev})`);
  expectStatus(await c.cancel(sub.id), 409, 'not_cancellable', 'DELETE a failed job');
});

t.test('events: submitted, claimed, succeeded in order, with times and the worker', async () => {
  const c = S1.client(k1);
  const sub = expectStatus(await c.submit(CIRCUIT, wtns), 201, null, 'POST /v1/jobs');
  await c.waitJob(sub.id);
  const r = await c.events(sub.id);
  expectStatus(r, 200, null, 'GET /v1/jobs/{id}/events');
  const ev = r.json.events;
  eq(ev.map((e) => e.event), ['submitted', 'claimed', 'succeeded'], 'event names');
  for (const e of ev) {
    check(L.RFC3339_MS.test(e.at), `event ${e.event} "at": expected RFC 3339 with ms, got ${e.at}`);
    check('worker' in e && 'detail' in e, `event ${e.event}: expected "worker" and "detail" fields, got ${JSON.stringify(e)}`);
  }
  check(typeof ev[1].worker === 'string' && ev[1].worker.length > 0, `"claimed" event: expected the worker, got ${JSON.stringify(ev[1])}`);
  check(ev[0].at <= ev[1].at && ev[1].at <= ev[2].at, `event times out of order: ${ev.map((e) => e.at)}`);
  expectStatus(await c.events('0'.repeat(32)), 404, 'not_found', 'GET /v1/jobs/{unknown}/events');
});

t.test('long-poll: ?wait returns as soon as the job is done', async () => {
  const c = S1.client(k1);
  const sub = expectStatus(await c.submit(CIRCUIT, wtns), 201, null, 'POST /v1/jobs');
  const t0 = Date.now();
  const r = await c.job(sub.id, 30);
  expectStatus(r, 200, null, 'GET /v1/jobs/{id}?wait=30');
  eq(r.json.state, 'succeeded', 'state after ?wait=30');
  check(Date.now() - t0 < 10000, `?wait=30 on a job that takes milliseconds answered after ${Date.now() - t0} ms`);
  const r0 = await c.job(sub.id, 0);
  eq(r0.json.state, 'succeeded', 'state with ?wait=0');
});

t.test('cancel running jobs: DELETE answered 200 -> the job stays cancelled (no result written later)', async () => {
  const c = S1.client(k1);
  const subs = await L.submitAll([c], CIRCUIT, Array.from({ length: 40 }, () => ({ wtns })), 4);
  // Chase the worker: the jobs run in submission order, so poll each in turn until it leaves
  // "queued" and cancel it if it is running then.
  const cancelled = new Set();
  let sawRunning = 0;
  for (const sub of subs) {
    for (let i = 0; i < 2000; i++) {
      const j = (await c.get(`/v1/jobs/${sub.id}`, { fresh: true })).json;
      if (j.state === 'queued') continue;
      if (j.state === 'running') {
        sawRunning++;
        const d = await c.del(`/v1/jobs/${sub.id}`, { fresh: true });
        expectStatus(d, [200, 409], null, `DELETE running job ${sub.id}`);
        if (d.status === 200) cancelled.add(sub.id);
        else eq(d.json.code, 'not_cancellable', `409 code for job ${sub.id}`);
      }
      break;
    }
  }
  const jobs = [];
  for (const s of subs) jobs.push(await c.waitJob(s.id));
  for (const j of jobs) {
    const ev = await L.eventNames(c, j.id);
    if (cancelled.has(j.id)) {
      eq(j.state, 'cancelled', `state of job ${j.id} after DELETE answered 200 (events ${ev})`);
      eq(L.count(ev, 'succeeded'), 0, `"succeeded" events of the cancelled job ${j.id} (events ${ev})`);
      eq(j.proof, null, `proof of the cancelled job ${j.id}`);
    } else {
      eq(j.state, 'succeeded', `state of job ${j.id} (not cancelled)`);
      eq(L.count(ev, 'succeeded'), 1, `"succeeded" events of job ${j.id}`);
    }
  }
  console.log(`     saw ${sawRunning} running, cancelled ${cancelled.size} while running`);
});

t.test('/metrics: job gauges, histograms, counters', async () => {
  const r = await S1.client(k1).get('/metrics');
  expectStatus(r, 200, null, 'GET /metrics');
  const m = L.parseMetrics(r.text);
  const find = (name, labels = {}) => m.filter((x) => x.name === name && Object.entries(labels).every(([k, v]) => x.labels[k] === v));
  const succ = find('proofmill_jobs', { state: 'succeeded' });
  eq(succ.length, 1, 'proofmill_jobs{state="succeeded"} samples');
  check(succ[0].value >= 10, `proofmill_jobs{state="succeeded"}: expected >= 10, got ${succ[0].value}`);
  for (const s of ['queued', 'running', 'failed', 'cancelled']) check(find('proofmill_jobs', { state: s }).length === 1, `expected proofmill_jobs{state="${s}"}`);
  check(find('proofmill_jobs', { state: 'failed' })[0].value >= 1, 'proofmill_jobs{state="failed"}: expected >= 1');
  for (const h of ['proofmill_job_latency_seconds', 'proofmill_prove_seconds']) {
    const count = find(`${h}_count`);
    check(count.length >= 1 && count[0].value >= 10, `${h}_count: expected >= 10, got ${JSON.stringify(count)}`);
    check(find(`${h}_sum`).length >= 1, `expected ${h}_sum`);
    const inf = find(`${h}_bucket`, { le: '+Inf' });
    check(inf.length >= 1 && inf[0].value === count[0].value, `${h}_bucket{le="+Inf"}: expected = _count ${count[0].value}, got ${JSON.stringify(inf)}`);
    check(find(`${h}_bucket`).length >= 3, `${h}: expected several buckets`);
  }
  const total = find('proofmill_jobs_succeeded_total');
  check(total.length === 1 && total[0].value >= 10, `proofmill_jobs_succeeded_total: expected >= 10, got ${JSON.stringify(total)}`);
  const fails = find('proofmill_job_failures_total');
  check(fails.length >= 1 && fails.reduce((a, x) => a + x.value, 0) >= 1 && fails.every((x) => 'reason' in x.labels),
    `proofmill_job_failures_total{reason=...}: expected >= 1 in all, got ${JSON.stringify(fails)}`);
  for (const n of ['proofmill_prover_cache_hits_total', 'proofmill_prover_cache_misses_total', 'proofmill_prover_cache_evictions_total', 'proofmill_prover_cache_bytes']) {
    check(find(n).length >= 1, `expected metric ${n}`);
  }
  const sum = (n) => find(n).reduce((a, x) => a + x.value, 0);
  check(sum('proofmill_prover_cache_misses_total') >= 1, 'proofmill_prover_cache_misses_total: expected >= 1 (the first job loads the key)');
  check(sum('proofmill_prover_cache_hits_total') >= 1, 'proofmill_prover_cache_hits_total: expected >= 1 (later jobs reuse the key)');
  check(sum('proofmill_prover_cache_bytes') > 0, 'proofmill_prover_cache_bytes: expected > 0');
  const reqs = find('proofmill_http_requests_total');
  check(reqs.length >= 1 && reqs.every((x) => 'route' in x.labels && 'code' in x.labels), `proofmill_http_requests_total{route,code}: got ${JSON.stringify(reqs.slice(0, 3))}`);
  check(reqs.some((x) => x.labels.code === '401'), 'proofmill_http_requests_total: expected a series with code="401" (from the auth test)');
});

// --- the --workers 0 server: jobs stay queued ---------------------------------------------------

const s0jobs = [];
t.test('list: limit=2 pages through every job once, newest first, without proof/public', async () => {
  const c = S0.client(S0key);
  for (let i = 0; i < 7; i++) {
    const r = expectStatus(await c.submit(CIRCUIT, wtns, { idempotency_key: `list-${i}` }), 201, null, `POST /v1/jobs ${i} on --workers 0`);
    s0jobs.push(r.id);
    await L.sleep(3); // distinct created_at for the ordering check
  }
  const { jobs, pages } = await c.listAll({}, 2);
  eq(jobs.map((j) => j.id).sort(), [...s0jobs].sort(), 'ids listed over all pages (each once)');
  eq(pages, 4, 'pages of 2 for 7 jobs');
  eq(jobs.map((j) => j.id), [...s0jobs].reverse(), 'order (newest first)');
  for (const j of jobs) {
    check(!('proof' in j) && !('public' in j), `list entries must come without proof/public, got keys ${Object.keys(j)}`);
    eq(j.state, 'queued', `state of ${j.id} on a --workers 0 server`);
    eq(j.circuit, CIRCUIT, 'circuit in list entry');
  }
  const first = await c.list({ limit: 2 });
  eq(first.json.jobs.length, 2, 'entries on a limit=2 page');
  check(typeof first.json.next_cursor === 'string' && first.json.next_cursor.length > 0, `next_cursor: expected a string on a full page, got ${first.json.next_cursor}`);
  const dflt = expectStatus(await c.list(), 200, null, 'GET /v1/jobs (default limit)');
  eq(dflt.jobs.length, 7, 'entries with the default limit');
  eq(dflt.next_cursor, null, 'next_cursor on the last page');
});

t.test('list: jobs submitted while paging do not shift later pages (keyset cursor)', async () => {
  const c = S0.client(prioKey);
  const mine = [];
  for (let i = 0; i < 5; i++) { mine.push(expectStatus(await c.submit(CIRCUIT, wtns), 201, null, 'POST /v1/jobs').id); await L.sleep(3); }
  const p1 = expectStatus(await c.list({ limit: 2 }), 200, null, 'GET /v1/jobs?limit=2');
  const extra = [];
  for (let i = 0; i < 3; i++) extra.push(expectStatus(await c.submit(CIRCUIT, wtns), 201, null, 'POST /v1/jobs while paging').id);
  const seen = p1.jobs.map((j) => j.id);
  let cursor = p1.next_cursor;
  while (cursor) {
    const r = expectStatus(await c.list({ limit: 2, cursor }), 200, null, 'GET /v1/jobs next page');
    seen.push(...r.jobs.map((j) => j.id));
    cursor = r.next_cursor;
  }
  eq(seen, [...mine].reverse(), 'ids over all pages (the 3 newer jobs belong before page 1)');
  for (const id of [...mine, ...extra]) expectStatus(await c.cancel(id), 200, null, 'cancel');
});

t.test('long-poll on a queued job holds ~wait seconds, then answers it queued', async () => {
  const c = S0.client(S0key);
  const t0 = Date.now();
  const r = await c.job(s0jobs[0], 2);
  const ms = Date.now() - t0;
  expectStatus(r, 200, null, 'GET /v1/jobs/{id}?wait=2 on a --workers 0 server');
  eq(r.json.state, 'queued', 'state after ?wait=2');
  check(ms >= 1800 && ms < 6000, `?wait=2 on a queued job answered after ${ms} ms; expected about 2000`);
});

t.test('cancel a queued job -> cancelled; again -> 409 not_cancellable; unknown -> 404', async () => {
  const c = S0.client(S0key);
  const id = s0jobs[2];
  const r = await c.cancel(id);
  expectStatus(r, 200, null, 'DELETE a queued job');
  eq(r.json, { id, state: 'cancelled' }, 'DELETE answer');
  eq((await c.job(id)).json.state, 'cancelled', 'state after DELETE');
  const again = await c.cancel(id);
  expectStatus(again, 409, 'not_cancellable', 'DELETE a cancelled job');
  check(again.json.error.includes('cancelled'), `409 error: expected it to name the current state "cancelled", got ${again.json.error}`);
  expectStatus(await c.cancel('f'.repeat(32)), 404, 'not_found', 'DELETE an unknown job');
  const ev = await L.eventNames(c, id);
  eq(ev, ['submitted', 'cancelled'], 'events of a cancelled job');
  // Idempotent resubmit of the cancelled job's key returns the cancelled job.
  const re = await c.submit(CIRCUIT, wtns, { idempotency_key: 'list-2' });
  expectStatus(re, 200, null, 'resubmit with a cancelled job\'s idempotency key');
  eq(re.json.id, id, 'job id for a cancelled job\'s idempotency key');
});

t.test('filter by state and circuit', async () => {
  const c = S0.client(S0key);
  const q = await c.listAll({ state: 'queued' });
  eq(q.jobs.length, 6, 'queued jobs');
  check(q.jobs.every((j) => j.state === 'queued'), 'state=queued must list only queued jobs');
  const x = await c.listAll({ state: 'cancelled' });
  eq(x.jobs.map((j) => j.id), [s0jobs[2]], 'cancelled jobs');
  eq((await c.listAll({ state: 'succeeded' })).jobs.length, 0, 'succeeded jobs on a --workers 0 server');
  eq((await c.listAll({ circuit: CIRCUIT })).jobs.length, 7, 'jobs of our circuit');
  eq((await c.listAll({ circuit: 'cd'.repeat(32) })).jobs.length, 0, 'jobs of another circuit');
  eq((await c.listAll({ circuit: CIRCUIT, state: 'queued' }, 4)).jobs.length, 6, 'queued jobs of our circuit, pages of 4');
});

t.test('per-key --max-jobs 2: third concurrent job -> 429 too_many_jobs; room again after a cancel', async () => {
  const c = S0.client(limitedJobs);
  const a = expectStatus(await c.submit(CIRCUIT, wtns), 201, null, 'job 1 of 2');
  expectStatus(await c.submit(CIRCUIT, wtns), 201, null, 'job 2 of 2');
  expectStatus(await c.submit(CIRCUIT, wtns), 429, 'too_many_jobs', 'job 3 with --max-jobs 2');
  // Other keys are not affected.
  expectStatus(await S0.client(S0key).submit(CIRCUIT, wtns, { idempotency_key: 'list-0' }), 200, null, 'another key while this one is at its limit');
  expectStatus(await c.cancel(a.id), 200, null, 'cancel job 1');
  expectStatus(await c.submit(CIRCUIT, wtns), 201, null, 'job 3 after cancelling job 1');
  expectStatus(await c.submit(CIRCUIT, wtns), 429, 'too_many_jobs', 'job 4 with --max-jobs 2');
});

t.test('per-key --max-request-mb 1: a body over 1 MiB -> 413 too_large; small ones still pass', async () => {
  const c = S1.client(smallReq);
  const big = Buffer.concat([zkey, crypto.randomBytes(1200 * 1024)]);
  expectStatus(await c.uploadZkey(big), 413, 'too_large', `POST /v1/circuits of ${big.length} bytes`);
  const bigJob = { circuit: CIRCUIT, witness: crypto.randomBytes(1100 * 1024).toString('base64') };
  expectStatus(await c.post('/v1/jobs', bigJob), 413, 'too_large', 'POST /v1/jobs with a 1.5 MB JSON body');
  const ok = await c.uploadZkey(zkey);
  expectStatus(ok, 200, null, `POST /v1/circuits of ${zkey.length} bytes with the 1 MiB key`);
  expectStatus(await c.get(`/v1/circuits/${L.sha256hex(big)}`), 404, 'not_found', 'the too-large upload must not be stored');
  const sub = expectStatus(await c.submit(CIRCUIT, wtns), 201, null, 'POST /v1/jobs with the 1 MiB key');
  await L.checkResult(await c.waitJob(sub.id), vk, PUBLIC);
  const h = await S1.client(null).get('/healthz');
  expectStatus(h, 200, null, 'GET /healthz after the 413s');
});

t.test('one serve per data folder: a second serve on the same folder refuses to start', async () => {
  let started = null;
  try {
    started = await L.startServe({ data: d1, workers: 0, name: 'serve-second-on-d1', timeoutMs: 15000 });
  } catch (e) {
    check(/exited/.test(e.message), `second serve: expected it to exit, got ${e.message}`);
  }
  if (started) {
    await started.child.kill9();
    throw new L.CheckError('a second serve on the same data folder started (expected the serve.lock flock to stop it)');
  }
  expectStatus(await S1.client(null).get('/healthz'), 200, null, 'the first serve after the second one gave up');
});

t.test('SIGTERM -> exit 0; restart with --workers 1: queued jobs run, higher priority first, cancelled stay', async () => {
  const c0 = S0.client(prioKey);
  const low = [];
  for (let i = 0; i < 4; i++) low.push(expectStatus(await c0.submit(CIRCUIT, wtns), 201, null, 'priority 0 job').id);
  const lowest = expectStatus(await c0.submit(CIRCUIT, wtns, { priority: -5 }), 201, null, 'priority -5 job').id;
  const high = expectStatus(await c0.submit(CIRCUIT, others[1], { priority: 10 }), 201, null, 'priority 10 job').id;
  const code = await S0.child.terminate();
  eq(code, 0, 'exit code of serve --workers 0 after SIGTERM');
  S0 = await L.startServe({ data: d0, workers: 1, name: 'serve-d0-restarted' });
  const c = S0.client(prioKey);
  const jobs = {};
  for (const id of [...low, lowest, high]) jobs[id] = await c.waitJob(id);
  for (const j of Object.values(jobs)) eq(j.state, 'succeeded', `job ${j.id} after restart`);
  await L.checkResult(jobs[high], vk, L.wtnsPublic(others[1], 2), 'priority 10 job');
  for (const id of low) {
    check(jobs[high].started_at <= jobs[id].started_at, `priority 10 job started ${jobs[high].started_at}, after priority 0 job ${jobs[id].started_at}`);
    check(jobs[lowest].started_at >= jobs[id].started_at, `priority -5 job started ${jobs[lowest].started_at}, before priority 0 job ${jobs[id].started_at}`);
  }
  const cs = S0.client(S0key);
  eq((await cs.job(s0jobs[2])).json.state, 'cancelled', 'the cancelled job after restart');
  for (const id of s0jobs.filter((_, i) => i !== 2)) await L.checkResult(await cs.waitJob(id), vk, PUBLIC, `queued job ${id} after restart`);
});

t.test('SIGTERM of serve --workers 1 -> exit 0 (also with an idle keep-alive connection open)', async () => {
  eq(await S0.child.terminate(), 0, `exit code of ${S0.child.name} after SIGTERM`);
  await S1.client(k1).get('/v1/circuits'); // leaves an idle keep-alive connection
  eq(await S1.child.terminate(40000, { keepIdle: true }), 0, `exit code of ${S1.child.name} after SIGTERM`);
  if (S1.child.stopMs > 2000) console.log(`     note: with an idle keep-alive connection open, serve took ${S1.child.stopMs} ms to exit after SIGTERM`);
});

await t.run();
