// Hostile input for `proofmill serve`: every malformed request gets a 4xx JSON {error, code}, the
// server stays up, nothing malformed is stored, and afterwards a good job still succeeds and the
// earlier circuit is still there.
//
// usage: node tests/service/hostile.test.mjs   (PROOFMILL=binary, see lib.mjs)
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import * as L from './lib.mjs';
import { check, eq, expectStatus, expect4xx } from './lib.mjs';

const t = L.suite('service hostile input (SQLite)');
const zkey = L.exampleZkey();
const zinfo = L.zkeyInfo(zkey);
const CIRCUIT = L.sha256hex(zkey);
const wtns = L.exampleWtns();
const vk = L.exampleVk();
let S, c, key;
const goodJobs = [];

async function alive(what) {
  const r = await S.client(null).get('/healthz');
  expectStatus(r, 200, null, `GET /healthz after ${what}`);
  check(S.child.alive, `serve exited after ${what}`);
}

t.test('setup: serve --workers 1, upload the good circuit, one good job', async () => {
  const data = L.freshDir('hostile');
  key = L.createKey({ data });
  S = await L.startServe({ data, workers: 1 });
  c = S.client(key);
  expectStatus(await c.uploadZkey(zkey), 201, null, 'POST /v1/circuits (good zkey)');
  const sub = expectStatus(await c.submit(CIRCUIT, wtns), 201, null, 'POST /v1/jobs (good)');
  goodJobs.push(sub.id);
  await L.checkResult(await c.waitJob(sub.id), vk, L.wtnsPublic(wtns, 2));
});

// --- zkey uploads -------------------------------------------------------------------------------

const secs = L.sections(zkey);
const sec = (type) => secs.find((s) => s.type === type);
const mutate = (fn) => { const b = Buffer.from(zkey); fn(b); return b; };
const flip = (pos) => mutate((b) => { b[pos] ^= 0xff; });
const G1 = 64; // affine x, y (32 bytes each)
const hdr = sec(2).pos;
const afterScalars = hdr + 4 + 32 + 4 + 32 + 12; // n8q, q, n8r, r, nVars, nPublic, domainSize

const badZkeys = [
  ['an empty body', Buffer.alloc(0)],
  ['4 KiB of random bytes', crypto.randomBytes(4096)],
  ['random bytes behind the zkey magic', Buffer.concat([Buffer.from('zkey'), crypto.randomBytes(4092)])],
  ['bad magic', mutate((b) => b.write('zkez', 0, 'latin1'))],
  ['version 99', mutate((b) => b.writeUInt32LE(99, 4))],
  ['n_sections = 0xffffffff', mutate((b) => b.writeUInt32LE(0xffffffff, 8))],
  ['n_sections = 0', mutate((b) => b.writeUInt32LE(0, 8))],
  ['the first 11 bytes', zkey.subarray(0, 11)],
  ['the container header only', zkey.subarray(0, 12)],
  ['the first 100 bytes', zkey.subarray(0, 100)],
  ['the first half', zkey.subarray(0, zkey.length >> 1)],
  ['all but the last byte', zkey.subarray(0, zkey.length - 1)],
  ['section 2 size 2^62', mutate((b) => b.writeBigUInt64LE(1n << 62n, sec(2).headerPos + 4))],
  ['section 9 size + 1', mutate((b) => b.writeBigUInt64LE(BigInt(sec(9).size + 1), sec(9).headerPos + 4))],
  ['section 3 size - 64', mutate((b) => b.writeBigUInt64LE(BigInt(sec(3).size - 64), sec(3).headerPos + 4))],
  ['key type 2 (not groth16)', mutate((b) => b.writeUInt32LE(2, sec(1).pos))],
  ['n8q = 64', mutate((b) => b.writeUInt32LE(64, hdr))],
  ['nVars + 1', mutate((b) => b.writeUInt32LE(zinfo.nVars + 1, afterScalars - 12))],
  ['nPublic = nVars + 5', mutate((b) => b.writeUInt32LE(zinfo.nVars + 5, afterScalars - 8))],
  ['domain size 500 (not a power of two)', mutate((b) => b.writeUInt32LE(500, afterScalars - 4))],
  ['domain size 2^31', mutate((b) => b.writeUInt32LE(0x80000000, afterScalars - 4))],
  ['vk alpha1.x flipped', flip(afterScalars)],
  ['vk delta2 (G2) flipped', flip(afterScalars + 2 * G1 + 2 * 128 + G1 + 5)], // alpha1 beta1 beta2 gamma2 delta1 delta2
  ['IC[0].x low byte flipped', flip(sec(3).pos)],
  ['IC[1].y high byte flipped', flip(sec(3).pos + G1 + 63)],
  ['IC[1].x = 2^256 - 1 (>= q)', mutate((b) => b.fill(0xff, sec(3).pos + G1, sec(3).pos + G1 + 32))],
  ['a point in section 5 (A) flipped', flip(sec(5).pos + G1 * 100 + 7)],
  ['a G2 point in section 7 (B2) flipped', flip(sec(7).pos + 128 * 50 + 40)],
  ['a point in section 8 (C) flipped', flip(sec(8).pos + G1 * 300 + 1)],
  ['a point in section 9 (H) flipped', flip(sec(9).pos + G1 * 200 + 33)],
  ['the last H point flipped', flip(sec(9).pos + sec(9).size - 2)],
  ['a coefficient in section 4 set to 2^256 - 1 (>= r)', mutate((b) => b.fill(0xff, sec(4).pos + 4 + 12, sec(4).pos + 4 + 12 + 32))],
  ['coefficient count 2^31', mutate((b) => b.writeUInt32LE(0x80000000, sec(4).pos))],
];

t.test(`POST /v1/circuits with ${badZkeys.length} malformed zkeys -> 422 invalid_zkey, nothing stored`, async () => {
  const failures = [];
  for (const [what, body] of badZkeys) {
    try {
      const r = await c.uploadZkey(body);
      expectStatus(r, 422, 'invalid_zkey', `zkey with ${what}`);
      const g = await c.get(`/v1/circuits/${L.sha256hex(body)}`);
      expectStatus(g, 404, 'not_found', `GET the circuit of the rejected zkey with ${what}`);
    } catch (e) {
      failures.push(e.message);
    }
    await alive(`the zkey with ${what}`);
  }
  check(failures.length === 0, () => `${failures.length} of ${badZkeys.length} malformed zkeys were not rejected as expected:\n` + failures.join('\n'));
  const list = expectStatus(await c.get('/v1/circuits'), 200, null, 'GET /v1/circuits');
  eq(list.circuits.map((x) => x.id), [CIRCUIT], 'stored circuits after the malformed uploads');
});

// --- job submissions ----------------------------------------------------------------------------

const b64 = (buf) => buf.toString('base64');
const wInfo = L.wtnsInfo(wtns);
const withPrime = (p) => { const b = Buffer.from(wtns); const s1 = L.section(b, 1); b.fill(p, s1.pos + 4, s1.pos + 36); return b; };

const badJobs = [
  // [what, raw body string or object, expected status, expected code (or null: any slug)]
  ['malformed JSON', '{"circuit": "', 400, 'bad_json'],
  ['not JSON at all', 'hello', 400, 'bad_json'],
  ['an empty body', '', 400, 'bad_json'],
  ['a JSON array', JSON.stringify([CIRCUIT, b64(wtns)]), 400, 'bad_json'],
  ['a JSON string', '"x"', 400, 'bad_json'],
  ['JSON null', 'null', 400, 'bad_json'],
  ['trailing garbage after the object', JSON.stringify({ circuit: CIRCUIT, witness: b64(wtns) }) + 'xyz', 400, 'bad_json'],
  ['deeply nested JSON', '{"circuit":' + '['.repeat(100000) + ']'.repeat(100000) + '}', 400, 'bad_json'],
  ['no circuit', { witness: b64(wtns) }, 400, 'bad_json'],
  ['no witness', { circuit: CIRCUIT }, 400, 'bad_json'],
  ['circuit a number', { circuit: 5, witness: b64(wtns) }, 400, 'bad_json'],
  ['witness an object', { circuit: CIRCUIT, witness: { a: 1 } }, 400, 'bad_json'],
  ['priority a string', { circuit: CIRCUIT, witness: b64(wtns), priority: 'high' }, 400, 'bad_json'],
  ['priority 1.5', { circuit: CIRCUIT, witness: b64(wtns), priority: 1.5 }, 400, 'bad_json'],
  ['idempotency_key a number', { circuit: CIRCUIT, witness: b64(wtns), idempotency_key: 17 }, 400, 'bad_json'],
  ['idempotency_key of 201 chars', { circuit: CIRCUIT, witness: b64(wtns), idempotency_key: 'k'.repeat(201) }, 400, 'bad_json'],
  ['idempotency_key of 100000 chars', { circuit: CIRCUIT, witness: b64(wtns), idempotency_key: 'k'.repeat(100000) }, 400, 'bad_json'],
  ['a witness that is not base64', { circuit: CIRCUIT, witness: '!!! not base64 ***' }, 400, 'bad_json'],
  ['"inputs" (no built-in circuits)', { circuit: CIRCUIT, inputs: { seed: '1' } }, 400, null],
  ['an unknown circuit', { circuit: 'ab'.repeat(32), witness: b64(wtns) }, 404, 'unknown_circuit'],
  ['a circuit id that is a path', { circuit: '../../../etc/passwd', witness: b64(wtns) }, [400, 404], null],
  ['an empty witness', { circuit: CIRCUIT, witness: '' }, [400, 422], null],
  ['a truncated witness', { circuit: CIRCUIT, witness: b64(wtns.subarray(0, wtns.length >> 1)) }, 422, 'invalid_witness'],
  ['a witness missing its last byte', { circuit: CIRCUIT, witness: b64(wtns.subarray(0, wtns.length - 1)) }, 422, 'invalid_witness'],
  ['a witness with bad magic', { circuit: CIRCUIT, witness: b64(Buffer.concat([Buffer.from('wtnz'), wtns.subarray(4)])) }, 422, 'invalid_witness'],
  ['a zkey as the witness', { circuit: CIRCUIT, witness: b64(zkey) }, 422, 'invalid_witness'],
  ['a witness with one value fewer', { circuit: CIRCUIT, witness: b64(L.wtnsResize(wtns, -1)) }, 422, 'invalid_witness'],
  ['a witness with one value more', { circuit: CIRCUIT, witness: b64(L.wtnsResize(wtns, +1)) }, 422, 'invalid_witness'],
  ['a witness with 10 values', { circuit: CIRCUIT, witness: b64(L.wtnsResize(wtns, 10 - wInfo.nWitness)) }, 422, 'invalid_witness'],
  ['a witness value = r', { circuit: CIRCUIT, witness: b64(L.wtnsSet(wtns, 5, L.R)) }, 422, 'invalid_witness'],
  ['a witness value = 2^256 - 1', { circuit: CIRCUIT, witness: b64(L.wtnsSet(wtns, wInfo.nWitness - 1, (1n << 256n) - 1n)) }, 422, 'invalid_witness'],
  ['a witness over another prime', { circuit: CIRCUIT, witness: b64(withPrime(0x7f)) }, 422, 'invalid_witness'],
  ['a witness with n8 = 8', { circuit: CIRCUIT, witness: b64(mutW((b) => b.writeUInt32LE(8, L.section(b, 1).pos))) }, 422, 'invalid_witness'],
  ['a witness with n_witness = 2^32 - 1', { circuit: CIRCUIT, witness: b64(mutW((b) => b.writeUInt32LE(0xffffffff, L.section(b, 1).pos + 36))) }, 422, 'invalid_witness'],
];
function mutW(fn) { const b = Buffer.from(wtns); fn(b); return b; }

t.test(`POST /v1/jobs with ${badJobs.length} malformed bodies -> 4xx {error, code}, no job made`, async () => {
  const failures = [];
  for (const [what, body, status, code] of badJobs) {
    try {
      const r = await c.post('/v1/jobs', body, { headers: { 'content-type': 'application/json' } });
      expectStatus(r, status, code, `POST /v1/jobs with ${what}`);
      expect4xx(r, `POST /v1/jobs with ${what}`);
      if (what.startsWith('"inputs"')) check(/built-in/.test(r.json.error), `"inputs": expected the error to say "no built-in circuits in this build", got ${r.json.error}`);
      if (what.includes('value fewer')) check(/\d/.test(r.json.error), `wire count mismatch: expected the message to give the counts, got ${r.json.error}`);
    } catch (e) {
      failures.push(e.message);
    }
    await alive(`POST /v1/jobs with ${what}`);
  }
  check(failures.length === 0, () => `${failures.length} of ${badJobs.length} malformed job bodies were not answered as expected:\n` + failures.join('\n'));
  const { jobs } = await c.listAll();
  eq(jobs.map((j) => j.id), [...goodJobs].reverse(), 'jobs stored after the malformed submissions');
});

// A DOM of nested arrays costs about 80 bytes a byte of body: 16 MB of "[" took the server to
// 1.3 GB. Bodies are now checked in one streaming pass first (nesting at most 64 levels).
t.test('16 MB of "[" is refused without being built: the server grows by about the body, not 80 times it', async () => {
  const hwm = () => Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${S.child.pid}/status`, 'utf8'))[1]) * 1024;
  const before = hwm();
  const r = await c.post('/v1/jobs', '{"circuit":' + '['.repeat(16 << 20), { headers: { 'content-type': 'application/json' } });
  expectStatus(r, 400, 'bad_json', 'POST /v1/jobs with 16 MB of [');
  check(/nested deeper than 64/.test(r.json.error), `expected the error to name the nesting, got ${r.json.error}`);
  const grew = hwm() - before;
  check(grew < 96 << 20, `the server's peak memory grew by ${grew >> 20} MiB for a 16 MiB body`);
  await alive('16 MB of [');
});

t.test('an idempotency key of exactly 200 chars is accepted', async () => {
  const r = await c.submit(CIRCUIT, wtns, { idempotency_key: 'x'.repeat(200) });
  const sub = expectStatus(r, 201, null, 'POST /v1/jobs with a 200-char idempotency key');
  goodJobs.push(sub.id);
  eq((await c.waitJob(sub.id)).state, 'succeeded', 'state');
});

// --- routes, ids, query strings -------------------------------------------------------------------

t.test('unknown routes -> 404; unknown or malformed job ids -> 404; bad query strings -> 4xx', async () => {
  const failures = [];
  const tryIt = async (fn) => { try { await fn(); } catch (e) { failures.push(e.message); } };
  for (const [m, route] of [['GET', '/'], ['GET', '/v1'], ['GET', '/v1/nope'], ['GET', '/v2/jobs'], ['GET', '/v1/circuits/x/y'],
    ['GET', `/v1/jobs/${goodJobs[0]}/nope`], ['GET', '/healthz/x'], ['GET', '/metricsx']]) {
    await tryIt(async () => { const r = await c.req(m, route); expectStatus(r, 404, null, `${m} ${route}`); expect4xx(r, `${m} ${route}`); });
  }
  for (const [m, route] of [['PUT', '/v1/jobs'], ['PATCH', `/v1/jobs/${goodJobs[0]}`], ['DELETE', '/v1/circuits'], ['POST', `/v1/circuits/${CIRCUIT}`],
    ['POST', '/healthz'], ['DELETE', '/v1/jobs']]) {
    await tryIt(async () => { const r = await c.req(m, route, { body: Buffer.alloc(0) }); expectStatus(r, [404, 405], null, `${m} ${route}`); expect4xx(r, `${m} ${route}`); });
  }
  for (const id of ['0'.repeat(32), 'xyz', 'G'.repeat(32), goodJobs[0].toUpperCase(), goodJobs[0] + '0', '%00', 'a'.repeat(10000)]) {
    await tryIt(async () => { const r = await c.job(id); expectStatus(r, [400, 404, 414], null, `GET /v1/jobs/${id.slice(0, 40)}`); expect4xx(r, `GET /v1/jobs/${id.slice(0, 40)}`); });
  }
  await tryIt(async () => expectStatus(await c.job('0'.repeat(32)), 404, 'not_found', 'GET /v1/jobs/{unknown}'));
  await tryIt(async () => expectStatus(await c.events('0'.repeat(32)), 404, 'not_found', 'GET /v1/jobs/{unknown}/events'));
  await tryIt(async () => expectStatus(await c.cancel('0'.repeat(32)), 404, 'not_found', 'DELETE /v1/jobs/{unknown}'));
  await tryIt(async () => expectStatus(await c.get('/v1/circuits/nothex'), [400, 404], null, 'GET /v1/circuits/nothex'));
  for (const q of ['wait=abc', 'wait=-1', 'wait=1e999']) {
    await tryIt(async () => expect4xx(await c.get(`/v1/jobs/${goodJobs[0]}?${q}`), `GET /v1/jobs/{id}?${q}`));
  }
  for (const q of ['limit=0', 'limit=-5', 'limit=abc', 'limit=99999999999999999999', 'cursor=%%%garbage', 'cursor=' + 'Z'.repeat(500), 'state=bogus']) {
    await tryIt(async () => {
      const r = await c.get(`/v1/jobs?${q}`);
      if (q === 'state=bogus' && r.status === 200) eq(r.json.jobs.length, 0, 'GET /v1/jobs?state=bogus (answered 200)');
      else expect4xx(r, `GET /v1/jobs?${q}`);
    });
  }
  await tryIt(async () => {
    const r = await c.get('/v1/jobs?limit=1001');
    if (r.status === 200) check(r.json.jobs.length <= 1000, 'limit=1001 answered 200 with more than 1000 jobs');
    else expect4xx(r, 'GET /v1/jobs?limit=1001');
  });
  check(failures.length === 0, () => `${failures.length} route/id/query checks failed:\n` + failures.join('\n'));
  await alive('the route, id and query checks');
});

// --- raw HTTP abuse -----------------------------------------------------------------------------

const port = () => Number(new URL(S.url).port);
// Sends raw bytes; resolves to whatever came back before the server closed (or after ms).
function raw(bytes, { ms = 3000, end = true } = {}) {
  return new Promise((resolve) => {
    const s = net.connect(port(), '127.0.0.1');
    let got = '';
    const finish = () => { s.destroy(); resolve(got); };
    s.on('data', (d) => { got += d.toString('latin1'); });
    s.on('error', finish);
    s.on('close', finish);
    s.setTimeout(ms, finish);
    s.write(bytes);
    if (end) s.end();
  });
}
const statusOf = (resp) => Number(/^HTTP\/1\.[01] (\d{3})/.exec(resp)?.[1] ?? 0);

t.test('raw HTTP abuse: garbage, huge headers, lying Content-Length, idle connections; server stays up', async () => {
  const failures = [];
  // Each abuse, then a health check that names the abuse if the server went down.
  const abuse = async (what, bytes, { ms = 3000, end = true, accept = (st, resp) => resp === '' || (st >= 400 && st < 500) } = {}) => {
    const resp = await raw(bytes, { ms, end });
    const st = statusOf(resp);
    if (!accept(st, resp)) failures.push(`${what}: unexpected answer ${JSON.stringify(resp.slice(0, 160))}`);
    await alive(what);
  };
  const auth = `Authorization: Bearer ${key}\r\n`;
  await abuse('a garbage request line', 'HELLO WORLD\r\n\r\n');
  await abuse('random bytes', crypto.randomBytes(2000));
  // Found by fuzz_http: an error message quoting a method that is not UTF-8 once killed the server.
  await abuse('a method and a path that are not UTF-8',
    Buffer.from(`P\xa9ST /v1/jobs/%ff%fe\xc3 HTTP/1.1\r\nHost: x\r\n${auth}\r\nGET /v1/jobs/%ff%fe\xc3 HTTP/1.1\r\nHost: x\r\n${auth}\r\n`, 'latin1'),
    { accept: (st) => st >= 400 && st < 500 });
  await abuse('a 256 KiB header', `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(256 * 1024)}\r\n\r\n`);
  await abuse('20000 headers', `GET /healthz HTTP/1.1\r\nHost: x\r\n${'X-H: 1\r\n'.repeat(20000)}\r\n`);
  await abuse('Content-Length -1', `POST /v1/jobs HTTP/1.1\r\nHost: x\r\n${auth}Content-Length: -1\r\n\r\n`);
  await abuse('a huge Content-Length', `POST /v1/jobs HTTP/1.1\r\nHost: x\r\n${auth}Content-Length: 99999999999999999999999\r\n\r\n`);
  // A length the server cannot read is answered 413 at once, on both upload routes.
  for (const len of ['9223372036854775808', '18446744073709551616', '99999999999999999999999']) {
    for (const route of ['/v1/jobs', '/v1/circuits']) {
      await abuse(`Content-Length ${len} on ${route}: 413`,
        `POST ${route} HTTP/1.1\r\nHost: x\r\n${auth}Content-Length: ${len}\r\n\r\n`,
        { ms: 1000, end: false, accept: (st) => st === 413 });
    }
  }
  await abuse('two Content-Lengths', `POST /v1/jobs HTTP/1.1\r\nHost: x\r\n${auth}Content-Length: 5\r\nContent-Length: 7\r\n\r\n{"a":1}`);
  // Promises 100 KB of zkey (or JSON), sends 10 bytes, closes: nothing may be stored.
  await abuse('a zkey upload cut short (Content-Length 100000, 10 bytes sent)',
    `POST /v1/circuits HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/octet-stream\r\nContent-Length: 100000\r\n\r\n` + zkey.subarray(0, 10).toString('latin1'),
    { ms: 500, accept: () => true });
  await abuse('a job body cut short', `POST /v1/jobs HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nContent-Length: 5000\r\n\r\n{"circuit":`,
    { ms: 500, accept: () => true });
  // Chunked upload of the good zkey: either understood (200, it exists) or refused with a 4xx. (Our
  // side stays open, as a client waiting for its answer would.)
  await abuse('a chunked upload of the stored zkey', Buffer.concat([
    Buffer.from(`POST /v1/circuits HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n`),
    Buffer.from(zkey.length.toString(16) + '\r\n'), zkey, Buffer.from('\r\n0\r\n\r\n')]),
  { ms: 10000, end: false, accept: (st) => st === 200 || (st >= 400 && st < 500) });
  // 40 idle connections (opened, nothing sent) must not stop the server from answering others.
  const idle = await Promise.all(Array.from({ length: 40 }, () => new Promise((res) => {
    const s = net.connect(port(), '127.0.0.1', () => res(s));
    s.on('error', () => res(s));
  })));
  const t0 = Date.now();
  const h = await S.client(null).get('/healthz', { timeoutMs: 10000 }).catch((e) => ({ status: 0, text: e.message }));
  if (h.status !== 200) failures.push(`GET /healthz with 40 idle connections open: expected 200 within 10 s, got ${h.status} ${h.text}`);
  else if (Date.now() - t0 > 3000) failures.push(`GET /healthz with 40 idle connections open took ${Date.now() - t0} ms`);
  for (const s of idle) s.destroy();
  check(failures.length === 0, () => failures.join('\n'));
  await alive('the idle connections');
  const list = expectStatus(await c.get('/v1/circuits'), 200, null, 'GET /v1/circuits');
  eq(list.circuits.map((x) => x.id), [CIRCUIT], 'stored circuits after the raw HTTP abuse');
});

t.test('afterwards: the circuit is intact and a good job succeeds', async () => {
  const g = expectStatus(await c.get(`/v1/circuits/${CIRCUIT}`), 200, null, 'GET /v1/circuits/{id}');
  eq(g.size, zkey.length, 'stored circuit size');
  eq(g.n_vars, zinfo.nVars, 'stored circuit n_vars');
  const sub = expectStatus(await c.submit(CIRCUIT, wtns, { priority: 1 }), 201, null, 'POST /v1/jobs (good)');
  goodJobs.push(sub.id);
  await L.checkResult(await c.waitJob(sub.id), vk, L.wtnsPublic(wtns, 2));
  const { jobs } = await c.listAll();
  eq(jobs.length, goodJobs.length, 'jobs stored in all');
  check(jobs.every((j) => j.state === 'succeeded'), `every stored job succeeded: ${jobs.map((j) => j.state)}`);
  expectStatus(await c.uploadZkey(zkey), 200, null, 'POST /v1/circuits (the good zkey again)');
  eq(await S.child.terminate(), 0, 'exit code after SIGTERM');
});

await t.run();
