// Shared helpers for the proving-service tests (tests/service/*.test.mjs, crash and cluster drivers,
// bench/service_bench.mjs): start `proofmill serve` / `proofmill worker` processes, make API keys,
// talk HTTP, wait for jobs, verify results with snarkjs, craft .wtns/.zkey variants, and a tiny
// sequential test runner. No dependencies beyond node and the snarkjs test peer.
//
// Environment:
//   PROOFMILL   the binary (default build/release/src/cli/proofmill)
//   SVC_WORK    a folder for data dirs and logs (default: a fresh temp folder, removed on success)
//   KEEP_WORK=1 keep the work folder even on success
import { spawn, execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { containerBytes, leToBig, bigToLe } from '../../scripts/interop/binfile.mjs';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const PM = path.resolve(process.env.PROOFMILL || path.join(ROOT, 'build/release/src/cli/proofmill'));
export const EXAMPLE = path.join(ROOT, 'examples/poseidon_chain');
export const FIXTURES = path.join(ROOT, 'tests/service/fixtures');
export const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
export const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);

export const sleep = (ms) => new Promise((res) => setTimeout(res, ms));
export const sha256hex = (buf) => crypto.createHash('sha256').update(buf).digest('hex');

// ---------------------------------------------------------------------------------------------
// Work folder, child processes, cleanup

let workDir = null;
let anyFailure = false;
const children = new Set();

export function work() {
  if (!workDir) {
    workDir = process.env.SVC_WORK
      ? path.resolve(process.env.SVC_WORK)
      : fs.mkdtempSync(path.join(os.tmpdir(), 'proofmill-svc-'));
    fs.mkdirSync(path.join(workDir, 'logs'), { recursive: true });
    fs.mkdirSync(path.join(workDir, 'pids'), { recursive: true });
  }
  return workDir;
}

export function freshDir(name) {
  const d = path.join(work(), `${name}-${crypto.randomBytes(3).toString('hex')}`);
  fs.mkdirSync(d, { recursive: true });
  return d;
}

export function markFailed() { anyFailure = true; }

function killAll() {
  for (const c of children) {
    try { process.kill(c.pid, 'SIGKILL'); } catch { /* already gone */ }
    try { fs.rmSync(c.pidFile, { force: true }); } catch { /* ignore */ }
  }
  children.clear();
}

process.on('exit', () => {
  killAll();
  if (workDir && !process.env.SVC_WORK) {
    if (anyFailure || process.env.KEEP_WORK === '1') console.log(`(work folder kept: ${workDir})`);
    else fs.rmSync(workDir, { recursive: true, force: true });
  }
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { anyFailure = true; process.exit(130); });

// A child process we started: its stderr goes to a log file, its pid to WORK/pids (so that the shell
// driver can kill it if node itself is killed).
class Child {
  constructor(name, args, opts = {}) {
    this.name = name;
    this.args = args;
    this.logFile = path.join(work(), 'logs', `${name}.log`);
    const log = fs.openSync(this.logFile, 'a');
    fs.writeSync(log, `\n=== ${new Date().toISOString()} ${PM} ${args.join(' ')}\n`);
    this.proc = spawn(PM, args, { stdio: ['ignore', 'pipe', log], ...opts });
    fs.closeSync(log);
    this.pid = this.proc.pid;
    this.pidFile = path.join(work(), 'pids', String(this.pid));
    fs.writeFileSync(this.pidFile, name);
    children.add(this);
    this.exitCode = undefined; // number, or a signal name, once it exited
    this.exited = new Promise((res) => {
      this.proc.on('exit', (code, signal) => {
        this.exitCode = code ?? signal;
        children.delete(this);
        fs.rmSync(this.pidFile, { force: true });
        res(this.exitCode);
      });
    });
    this.stdoutLines = [];
    readline.createInterface({ input: this.proc.stdout }).on('line', (l) => {
      this.stdoutLines.push(l);
      this.onLine?.(l);
    });
  }
  get alive() { return this.exitCode === undefined; }
  // Waits for a stdout line matching `re` (or for the process to exit first, which throws).
  waitLine(re, timeoutMs = 30000) {
    return new Promise((resolve, reject) => {
      const hit = this.stdoutLines.find((l) => re.test(l));
      if (hit) return resolve(hit);
      const t = setTimeout(() => reject(new Error(`${this.name}: no line ${re} within ${timeoutMs} ms\n${this.logTail()}`)), timeoutMs);
      this.onLine = (l) => { if (re.test(l)) { clearTimeout(t); this.onLine = null; resolve(l); } };
      this.exited.then((code) => { clearTimeout(t); reject(new Error(`${this.name} exited (${code}) before printing ${re}\n${this.logTail()}`)); });
    });
  }
  logTail(n = 25) {
    try {
      const lines = fs.readFileSync(this.logFile, 'utf8').trimEnd().split('\n');
      return `--- last lines of ${this.logFile}:\n` + lines.slice(-n).join('\n');
    } catch { return ''; }
  }
  // kill -9 and wait until it is reaped.
  async kill9() {
    if (this.alive) { try { process.kill(this.pid, 'SIGKILL'); } catch { /* gone */ } }
    await this.exited;
  }
  // SIGTERM; resolves to the exit code (or rejects if it did not exit within timeoutMs). Our idle
  // keep-alive connections are closed first unless keepIdle (the server may wait for them to time
  // out); this.stopMs is how long it took.
  async terminate(timeoutMs = 40000, { keepIdle = false } = {}) {
    if (!this.alive) return this.exitCode;
    if (!keepIdle) closeIdleConnections();
    const t0 = Date.now();
    process.kill(this.pid, 'SIGTERM');
    this.exited.then(() => { this.stopMs = Date.now() - t0; });
    const t = await Promise.race([this.exited, sleep(timeoutMs).then(() => 'timeout')]);
    if (t === 'timeout') {
      await this.kill9();
      throw new Error(`${this.name} did not exit within ${timeoutMs} ms of SIGTERM`);
    }
    return t;
  }
}

// `proofmill serve` on 127.0.0.1:0. Returns {child, url, client(key), ...}. opts: data, db, workers,
// args (extra CLI arguments), name.
export async function startServe(opts = {}) {
  const data = opts.data ?? freshDir('data');
  const args = ['serve', '--data', data, '--listen', '127.0.0.1:0', '--log-level', opts.logLevel ?? 'info'];
  if (opts.db) args.push('--db', opts.db);
  if (opts.workers !== undefined) args.push('--workers', String(opts.workers));
  args.push(...(opts.args ?? []));
  const child = new Child(opts.name ?? `serve-${path.basename(data)}`, args);
  const line = await child.waitLine(/listening on http:\/\//, opts.timeoutMs ?? 30000);
  const m = /listening on (http:\/\/[^\s]+)/.exec(line);
  const url = m[1].replace(/\/$/, '');
  if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(url)) throw new Error(`unexpected listen line: ${line}`);
  return { child, url, data, client: (key) => new Client(url, key) };
}

// `proofmill worker --db URL`: returns the Child (no listen line to wait for).
export function startWorker(opts) {
  const data = opts.data ?? freshDir('worker');
  const args = ['worker', '--db', opts.db, '--data', data, '--log-level', opts.logLevel ?? 'info'];
  if (opts.workers !== undefined) args.push('--workers', String(opts.workers));
  if (opts.leaseSeconds !== undefined) args.push('--lease-seconds', String(opts.leaseSeconds));
  args.push(...(opts.args ?? []));
  return new Child(opts.name ?? `worker-${path.basename(data)}`, args);
}

// Runs the binary to completion (keys commands); returns stdout. Throws with stderr on failure.
export function pm(args, { timeoutMs = 30000 } = {}) {
  try {
    return execFileSync(PM, args, { encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    throw new Error(`proofmill ${args.join(' ')} failed (${e.status ?? e.signal}): ${e.stderr || e.message}`);
  }
}

export const KEY_RE = /^pm_[A-Za-z0-9_-]{43}$/;

// `proofmill keys create`; where = {data} or {db}. Returns the key string (or {id,key,name} with json).
export function createKey(where, { name, maxJobs, maxRequestMb, json = false } = {}) {
  const args = ['keys', 'create'];
  if (where.db) args.push('--db', where.db);
  else args.push('--data', where.data);
  if (name) args.push('--name', name);
  if (maxJobs !== undefined) args.push('--max-jobs', String(maxJobs));
  if (maxRequestMb !== undefined) args.push('--max-request-mb', String(maxRequestMb));
  if (json) args.push('--json');
  const out = pm(args);
  if (json) return JSON.parse(out);
  const lines = out.split('\n').filter((l) => l.length);
  if (lines.length !== 1 || !KEY_RE.test(lines[0])) throw new Error(`keys create printed ${JSON.stringify(out)}, expected one pm_ key line`);
  return lines[0];
}

// ---------------------------------------------------------------------------------------------
// HTTP

let agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const freshAgent = new http.Agent({ keepAlive: false });
// Keep-alive connections (the default, as real clients do) or a new connection per request.
export function setKeepAlive(on) {
  agent.destroy();
  agent = new http.Agent({ keepAlive: on, maxSockets: 256 });
}
export function closeIdleConnections() {
  for (const list of Object.values(agent.freeSockets)) for (const s of list) s.destroy();
}

// One request. body: Buffer | string | object (sent as JSON) | undefined. Resolves to
// {status, headers, text, json} (json = parsed body or null). A response that arrives before the
// whole body was sent (e.g. an early 413) is still returned. fresh: a new connection.
export function request(url, method, route, { body, key, headers = {}, timeoutMs = 75000, fresh = false } = {}) {
  return new Promise((resolve, reject) => {
    const h = { ...headers };
    if (key !== undefined && key !== null) h.authorization = `Bearer ${key}`;
    let payload;
    if (body !== undefined) {
      if (Buffer.isBuffer(body)) { payload = body; h['content-type'] ??= 'application/octet-stream'; }
      else if (typeof body === 'string') { payload = Buffer.from(body); h['content-type'] ??= 'application/json'; }
      else { payload = Buffer.from(JSON.stringify(body)); h['content-type'] ??= 'application/json'; }
      h['content-length'] = payload.length;
    }
    let done = false;
    const req = http.request(url + route, { method, headers: h, agent: fresh ? freshAgent : agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('error', (e) => { if (!done) { done = true; reject(e); } });
      res.on('end', () => {
        if (done) return;
        done = true;
        const text = Buffer.concat(chunks).toString('utf8');
        let json = null;
        try { json = JSON.parse(text); } catch { /* not JSON */ }
        resolve({ status: res.statusCode, headers: res.headers, text, json });
      });
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${route}: no answer within ${timeoutMs} ms`)));
    req.on('error', (e) => {
      // EPIPE/ECONNRESET while we were still sending, after the server already answered: keep the answer.
      if (!done) setTimeout(() => { if (!done) { done = true; reject(new Error(`${method} ${route}: ${e.message}`)); } }, 200);
    });
    if (payload) req.end(payload); else req.end();
  });
}

export class Client {
  constructor(url, key) { this.url = url; this.key = key; }
  req(method, route, opts = {}) { return request(this.url, method, route, { key: this.key, ...opts }); }
  get(route, opts) { return this.req('GET', route, opts); }
  post(route, body, opts = {}) { return this.req('POST', route, { body, ...opts }); }
  del(route, opts) { return this.req('DELETE', route, opts); }

  uploadZkey(buf) { return this.post('/v1/circuits', buf, { headers: { 'content-type': 'application/octet-stream' } }); }
  submit(circuit, wtnsBuf, extra = {}) {
    return this.post('/v1/jobs', { circuit, witness: wtnsBuf.toString('base64'), ...extra });
  }
  job(id, wait) { return this.get(`/v1/jobs/${id}${wait !== undefined ? `?wait=${wait}` : ''}`); }
  events(id) { return this.get(`/v1/jobs/${id}/events`); }
  cancel(id) { return this.del(`/v1/jobs/${id}`); }
  list(query = {}, opts = {}) {
    const q = new URLSearchParams(query).toString();
    return this.get(`/v1/jobs${q ? `?${q}` : ''}`, opts);
  }
  // All pages of GET /v1/jobs; returns {jobs, pages}.
  async listAll(query = {}, limit = 100) {
    const jobs = [];
    let cursor = null;
    let pages = 0;
    for (;;) {
      const r = await this.list({ ...query, limit, ...(cursor ? { cursor } : {}) });
      expectStatus(r, 200, null, `GET /v1/jobs page ${pages + 1}`);
      jobs.push(...r.json.jobs);
      pages++;
      cursor = r.json.next_cursor;
      if (!cursor) break;
      if (pages > 100000) throw new Error('pagination does not end');
    }
    return { jobs, pages };
  }
  // Long-polls until the job is terminal; returns the job object.
  async waitJob(id, timeoutMs = 120000, waitS = 30) {
    const t0 = Date.now();
    for (;;) {
      const left = timeoutMs - (Date.now() - t0);
      if (left <= 0) throw new Error(`job ${id} not terminal after ${timeoutMs} ms`);
      const w = Math.max(0, Math.min(waitS, Math.floor(left / 1000)));
      const start = Date.now();
      const r = await this.job(id, w);
      expectStatus(r, 200, null, `GET /v1/jobs/${id}?wait=${w}`);
      if (TERMINAL.has(r.json.state)) return r.json;
      if (Date.now() - start < 50) await sleep(50); // a server that returns at once: do not spin
    }
  }
}

// Runs fn over items with at most `n` in flight; returns results in order.
export async function pool(items, n, fn) {
  const out = new Array(items.length);
  let next = 0;
  async function lane() {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  }
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, lane));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Checks (each throws an Error naming what was expected)

export class CheckError extends Error {}

export function check(cond, msg) {
  if (!cond) throw new CheckError(typeof msg === 'function' ? msg() : msg);
}

export function eq(got, want, what) {
  const g = JSON.stringify(got);
  const w = JSON.stringify(want);
  if (g !== w) throw new CheckError(`${what}: expected ${w}, got ${g}`);
}

const short = (s, n = 400) => (s.length > n ? s.slice(0, n) + '…' : s);

// Expects HTTP `status`; for `code` (string) also an error body {error: string, code}.
export function expectStatus(res, status, code, what) {
  const statuses = Array.isArray(status) ? status : [status];
  if (!statuses.includes(res.status)) {
    throw new CheckError(`${what}: expected HTTP ${statuses.join(' or ')}${code ? ` (${code})` : ''}, got ${res.status} ${short(res.text)}`);
  }
  if (code) expectErrorBody(res, code, what);
  return res.json;
}

// An error body: JSON {error: non-empty string, code: slug}; `code` may be null (any slug) or a list.
export function expectErrorBody(res, code, what) {
  const j = res.json;
  check(j && typeof j === 'object' && !Array.isArray(j), `${what}: expected a JSON object error body, got ${short(res.text)}`);
  check(typeof j.error === 'string' && j.error.length > 0, `${what}: expected a non-empty "error" string, got ${short(res.text)}`);
  check(typeof j.code === 'string' && /^[a-z_]+$/.test(j.code), `${what}: expected a "code" slug, got ${short(res.text)}`);
  if (code) {
    const codes = Array.isArray(code) ? code : [code];
    check(codes.includes(j.code), `${what}: expected code ${codes.join(' or ')}, got ${j.code} (${j.error})`);
  }
}

// Any 4xx with a JSON {error, code} body.
export function expect4xx(res, what) {
  check(res.status >= 400 && res.status < 500, `${what}: expected a 4xx answer, got ${res.status} ${short(res.text)}`);
  expectErrorBody(res, null, what);
  return res.json;
}

export const RFC3339_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

// ---------------------------------------------------------------------------------------------
// Test runner: tests run one after another; a failing check fails its test and the run goes on.

export function suite(title) {
  const tests = [];
  const s = {
    test(name, fn) { tests.push({ name, fn }); },
    async run() {
      console.log(`# ${title}  (binary ${PM}, work ${work()})`);
      let failed = 0;
      const t0 = Date.now();
      for (const t of tests) {
        const start = Date.now();
        try {
          await t.fn();
          console.log(`ok   ${t.name} (${Date.now() - start} ms)`);
        } catch (e) {
          failed++;
          anyFailure = true;
          const msg = e instanceof CheckError ? e.message : (e.stack || String(e));
          console.log(`FAIL ${t.name} (${Date.now() - start} ms)\n     ${msg.replace(/\n/g, '\n     ')}`);
        }
      }
      console.log(`# ${title}: ${tests.length - failed}/${tests.length} passed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      if (failed) for (const c of [...children]) console.log(c.logTail(15));
      await shutdownSnarkjs();
      process.exit(failed ? 1 : 0);
    },
  };
  return s;
}

// ---------------------------------------------------------------------------------------------
// snarkjs verification

let snarkjs = null;
const quiet = { info() {}, debug() {}, warn() {}, error() {} };
export function loadSnarkjs() {
  if (!snarkjs) snarkjs = createRequire(import.meta.url)(path.join(ROOT, 'tools/peers/node_modules/snarkjs'));
  return snarkjs;
}
export const exampleVk = () => JSON.parse(fs.readFileSync(path.join(EXAMPLE, 'verification_key.json'), 'utf8'));

export async function verifyProof(vk, publicSignals, proof) {
  try {
    return await loadSnarkjs().groth16.verify(vk, publicSignals, proof, quiet);
  } catch {
    return false; // a malformed proof object
  }
}

async function shutdownSnarkjs() {
  try { if (globalThis.curve_bn128) await globalThis.curve_bn128.terminate(); } catch { /* ignore */ }
}

// Checks a succeeded job's result: proof verifies with snarkjs against `vk`, public == expected.
export async function checkResult(job, vk, expectedPublic, what = `job ${job.id}`) {
  eq(job.state, 'succeeded', `${what} state`);
  check(job.proof && typeof job.proof === 'object', `${what}: expected a proof object, got ${JSON.stringify(job.proof)}`);
  eq(job.proof.protocol, 'groth16', `${what} proof.protocol`);
  eq(job.proof.curve, 'bn128', `${what} proof.curve`);
  check(Array.isArray(job.public), `${what}: expected "public" to be an array, got ${JSON.stringify(job.public)}`);
  if (expectedPublic) eq(job.public, expectedPublic, `${what} public signals`);
  check(await verifyProof(vk, job.public, job.proof), `${what}: expected the proof to verify with snarkjs, it did not`);
}

// ---------------------------------------------------------------------------------------------
// .wtns / .zkey handling (iden3 binary container: magic, version u32, n_sections u32, then
// sections {type u32, size u64, body})

export function sections(buf) {
  const out = [];
  let p = 12;
  const n = buf.readUInt32LE(8);
  for (let i = 0; i < n; i++) {
    const type = buf.readUInt32LE(p);
    const size = Number(buf.readBigUInt64LE(p + 4));
    out.push({ type, pos: p + 12, size, headerPos: p });
    p += 12 + size;
  }
  return out;
}
export const section = (buf, type) => {
  const s = sections(buf).find((x) => x.type === type);
  if (!s) throw new Error(`no section ${type}`);
  return s;
};

export function wtnsInfo(buf) {
  const s1 = section(buf, 1);
  const n8 = buf.readUInt32LE(s1.pos);
  const nWitness = buf.readUInt32LE(s1.pos + 4 + n8);
  const s2 = section(buf, 2);
  return { n8, nWitness, valuesPos: s2.pos, value: (i) => leToBig(buf, s2.pos + 32 * i) };
}

// The public signals of a witness for a circuit with `nPublic` public signals (values 1..nPublic).
export function wtnsPublic(buf, nPublic) {
  const w = wtnsInfo(buf);
  return Array.from({ length: nPublic }, (_, i) => w.value(1 + i).toString());
}

// A copy with witness value `index` replaced by `v` (raw, may be >= r).
export function wtnsSet(buf, index, v) {
  const b = Buffer.from(buf);
  bigToLe(v).copy(b, wtnsInfo(b).valuesPos + 32 * index);
  return b;
}
// The last value + 1: still < r, no longer satisfies the circuit.
export function wtnsWrong(buf) {
  const w = wtnsInfo(buf);
  return wtnsSet(buf, w.nWitness - 1, (w.value(w.nWitness - 1) + 1n) % R);
}
// A well-formed wtns with `delta` more (zero) or fewer values than the original.
export function wtnsResize(buf, delta) {
  const w = wtnsInfo(buf);
  const n = w.nWitness + delta;
  const s1 = section(buf, 1);
  const head = Buffer.from(buf.subarray(s1.pos, s1.pos + s1.size));
  head.writeUInt32LE(n, 4 + w.n8);
  const vals = Buffer.alloc(32 * n);
  buf.copy(vals, 0, w.valuesPos, w.valuesPos + 32 * Math.min(n, w.nWitness));
  return containerBytes('wtns', buf.readUInt32LE(4), [[1, head], [2, vals]]);
}

export function zkeyInfo(buf) {
  const s2 = section(buf, 2);
  const n8q = buf.readUInt32LE(s2.pos);
  const n8r = buf.readUInt32LE(s2.pos + 4 + n8q);
  const o = s2.pos + 8 + n8q + n8r;
  return { nVars: buf.readUInt32LE(o), nPublic: buf.readUInt32LE(o + 4), domainSize: buf.readUInt32LE(o + 8) };
}

// Fixture files
export const exampleZkey = () => fs.readFileSync(path.join(EXAMPLE, 'circuit.zkey'));
export const exampleWtns = () => fs.readFileSync(path.join(EXAMPLE, 'witness.wtns'));
// The example witness and three more for the same circuit (tests/service/fixtures, made with the
// circuit's witness generator from other inputs): different public signals, so a result can be
// matched to its witness.
export function witnesses() {
  return [path.join(EXAMPLE, 'witness.wtns'), ...[1, 2, 3].map((i) => path.join(FIXTURES, `witness_${i}.wtns`))]
    .map((f) => fs.readFileSync(f));
}

// Percentile (nearest-rank) of an array of numbers.
export function percentile(xs, p) {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

// Parses Prometheus text: returns [{name, labels: {..}, value}].
export function parseMetrics(text) {
  const out = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels = {};
    if (m[3]) for (const kv of m[3].matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[kv[1]] = kv[2];
    out.push({ name: m[1], labels, value: Number(m[4]) });
  }
  return out;
}

// Event names of a job's audit trail, in order.
export async function eventNames(client, id) {
  const r = await client.events(id);
  expectStatus(r, 200, null, `GET /v1/jobs/${id}/events`);
  check(Array.isArray(r.json?.events), `events of ${id}: expected {"events": [...]}, got ${short(r.text)}`);
  return r.json.events.map((e) => e.event);
}

export const count = (xs, x) => xs.filter((y) => y === x).length;

// Submits one job per entry of `plan` ([{wtns, idem?, priority?}]) with `concurrency` in flight,
// spreading them over `clients` round-robin. Returns [{id, status, expectPublic, client}].
export async function submitAll(clients, circuit, plan, concurrency = 16) {
  return pool(plan, concurrency, async (p, i) => {
    const client = clients[i % clients.length];
    const extra = {};
    if (p.idem !== undefined) extra.idempotency_key = p.idem;
    if (p.priority !== undefined) extra.priority = p.priority;
    let r;
    for (let attempt = 0; ; attempt++) {
      try { r = await client.submit(circuit, p.wtns, extra); break; } catch (e) {
        if (attempt >= 2) throw e; // connection trouble: retry (idempotency keys make that safe)
        await sleep(200);
      }
    }
    expectStatus(r, [200, 201], null, `POST /v1/jobs #${i}`);
    return { id: r.json.id, status: r.status, expectPublic: wtnsPublic(p.wtns, 2), client };
  });
}

// The end state of every job: succeeded, exactly one "succeeded" event, public signals = its
// witness's, and (verify) the proof verifies with snarkjs. Distinct ids only. Throws a CheckError
// listing the first failures; returns statistics.
export async function auditJobs(jobs, vk, { verify = true, concurrency = 8, timeoutMs = 120000 } = {}) {
  const byId = new Map();
  for (const j of jobs) if (!byId.has(j.id)) byId.set(j.id, j);
  const failures = [];
  const stats = { jobs: byId.size, events: {}, attempts: {}, verifyMs: 0, verified: 0, wallMs: 0 };
  const fail = (m) => { failures.push(m); };
  const t0 = Date.now();
  await pool([...byId.values()], concurrency, async (j) => {
    let job;
    try { job = await j.client.waitJob(j.id, timeoutMs); } catch (e) { return fail(`job ${j.id}: ${e.message}`); }
    if (job.state !== 'succeeded') return fail(`job ${j.id}: expected succeeded, got ${job.state} (${job.error}) after ${job.attempts} attempts`);
    stats.attempts[job.attempts] = (stats.attempts[job.attempts] ?? 0) + 1;
    const r = await j.client.events(j.id);
    if (r.status !== 200) return fail(`job ${j.id}: GET events answered ${r.status}`);
    const names = r.json.events.map((e) => e.event);
    for (const n of names) stats.events[n] = (stats.events[n] ?? 0) + 1;
    if (count(names, 'succeeded') !== 1) fail(`job ${j.id}: expected exactly one "succeeded" event, got ${count(names, 'succeeded')} (${names.join(',')})`);
    if (count(names, 'submitted') !== 1) fail(`job ${j.id}: expected exactly one "submitted" event, got ${names.join(',')}`);
    if (names.includes('failed')) fail(`job ${j.id}: unexpected "failed" event (${names.join(',')})`);
    if (j.expectPublic && JSON.stringify(job.public) !== JSON.stringify(j.expectPublic)) {
      fail(`job ${j.id}: expected public ${JSON.stringify(j.expectPublic)}, got ${JSON.stringify(job.public)}`);
    }
    if (verify) {
      const t0 = Date.now();
      const ok = await verifyProof(vk, job.public, job.proof);
      stats.verifyMs += Date.now() - t0;
      stats.verified++;
      if (!ok) fail(`job ${j.id}: the proof does not verify with snarkjs`);
    }
  });
  stats.wallMs = Date.now() - t0;
  if (failures.length) {
    throw new CheckError(`${failures.length} problems over ${byId.size} jobs; first ones:\n` + failures.slice(0, 15).join('\n'));
  }
  return stats;
}
