// Slow and greedy clients (issue: "a service that stays up under hostile clients"). Each test
// reproduces a way the old thread-per-connection server was starved, with bounded counts on
// 127.0.0.1, and checks that the health check and other keys are still answered promptly:
//   - connections that send one byte (they once stalled every route for a minute);
//   - headers or a body trickled slower than the deadlines allow;
//   - a large body sent without a key (once read into memory before authentication);
//   - one key's long polls (they once held every HTTP thread);
//   - more connections than the per-address and global limits.
// The bounds ("within 1.5 s") are what a starved server fails by far (it answered after ~60 s),
// not measurements of speed.
//
// usage: node tests/service/slow.test.mjs   (PROOFMILL=binary, see lib.mjs)
import fs from 'node:fs';
import net from 'node:net';
import * as L from './lib.mjs';
import { check, eq, expectStatus } from './lib.mjs';

const t = L.suite('service under slow and greedy clients (SQLite)');
const zkey = L.exampleZkey();
const CIRCUIT = L.sha256hex(zkey);
const wtns = L.exampleWtns();
let S, data, keyA, keyB, small;

const port = (srv = S) => Number(new URL(srv.url).port);
const rss = (srv = S) => Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${srv.child.pid}/status`, 'utf8'))[1]) * 1024;

// A raw connection: resolves once connected (or failed); `closed` resolves when the server closes it.
function connect(srv = S, { localAddress } = {}) {
  return new Promise((resolve) => {
    const s = net.connect({ port: port(srv), host: '127.0.0.1', localAddress });
    s.got = '';
    s.done = new Promise((res) => { s.on('close', () => res(Date.now())); });
    s.on('data', (d) => { s.got += d.toString('latin1'); });
    s.on('error', () => {});
    s.on('connect', () => resolve(s));
    s.on('close', () => resolve(s));
  });
}
const statusOf = (resp) => Number(/^HTTP\/1\.[01] (\d{3})/.exec(resp)?.[1] ?? 0);

// GET /healthz over a fresh connection (optionally from another loopback address): status and ms.
async function health(srv = S, localAddress, waitMs = 5000) {
  const s = await connect(srv, { localAddress });
  const t0 = Date.now();
  s.write('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  await Promise.race([s.done, L.sleep(waitMs)]);
  s.destroy();
  return { status: statusOf(s.got), ms: Date.now() - t0 };
}

async function healthy(what, srv = S) {
  const h = await health(srv);
  check(h.status === 200 && h.ms < 1500, `GET /healthz ${what}: got ${h.status} after ${h.ms} ms`);
  const r = await srv.client(keyB).get('/v1/circuits', { timeoutMs: 5000 });
  expectStatus(r, 200, null, `GET /v1/circuits (another key) ${what}`);
}

t.test('setup: serve --workers 0 --http-threads 2 --header-timeout 2, two keys, the circuit', async () => {
  data = L.freshDir('slow');
  keyA = L.createKey({ data }, { name: 'a' });
  keyB = L.createKey({ data }, { name: 'b' });
  small = L.createKey({ data }, { name: 'small', maxRequestMb: 1 });
  S = await L.startServe({
    data, workers: 0,
    args: ['--http-threads', '2', '--header-timeout', '2', '--idle-timeout', '10', '--max-requests-per-key', '16'],
  });
  expectStatus(await S.client(keyA).uploadZkey(zkey), 201, null, 'POST /v1/circuits');
});

t.test('64 connections that each send one byte: the API answers, and each is closed at the header deadline', async () => {
  const socks = await Promise.all(Array.from({ length: 64 }, () => connect()));
  const t0 = Date.now();
  for (const s of socks) s.write('G');
  for (let i = 0; i < 10; i++) await healthy(`with 64 one-byte connections open (try ${i + 1})`);
  const closedAt = await Promise.race([Promise.all(socks.map((s) => s.done)), L.sleep(10000).then(() => null)]);
  check(closedAt, 'the one-byte connections were not closed within 10 s (header deadline 2 s)');
  const last = Math.max(...closedAt) - t0;
  check(last >= 1500, `one-byte connections closed after ${last} ms, before the 2 s header deadline`);
  for (const s of socks) s.destroy();
});

// Writes next() every 300 ms on `s` (never idle for long) and checks that the server cuts the
// connection at the 2 s deadline, answering health checks meanwhile.
async function expectCutAtDeadline(s, next, what) {
  const t0 = Date.now();
  const timer = setInterval(() => { const b = next(); if (b) s.write(b); }, 300);
  await healthy(`while ${what}`);
  const closed = await Promise.race([s.done, L.sleep(8000).then(() => 0)]);
  clearInterval(timer);
  s.destroy();
  check(closed, `${what}: still connected after 8 s`);
  const ms = closed - t0;
  check(ms >= 1500 && ms < 6000, `${what}: cut after ${ms} ms (deadline 2 s)`);
}

t.test('headers trickled a byte every 300 ms (never idle) are cut at the 2 s header deadline', async () => {
  const s = await connect();
  const line = `GET /v1/circuits HTTP/1.1\r\nHost: x\r\nX-Slow: ${'a'.repeat(200)}`;
  let i = 0;
  await expectCutAtDeadline(s, () => line[i++], 'one client trickles its headers');
});

t.test('a job body trickled a byte every 300 ms is cut at its deadline; nothing is stored', async () => {
  const s = await connect();
  s.write(`POST /v1/jobs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${keyA}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n`);
  await expectCutAtDeadline(s, () => ' ', 'one client trickles a body');
  eq((await S.client(keyA).listAll()).jobs.length, 0, 'jobs stored after the trickled body');
});

t.test('256 MB sent without a key: 401 before the body is read; the server does not grow', async () => {
  const head = 'POST /v1/circuits HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: 268435456\r\n\r\n';
  // The answer comes before one byte of the body is sent.
  const s = await connect();
  s.write(head);
  await Promise.race([s.done, L.sleep(3000)]);
  s.destroy();
  eq(statusOf(s.got), 401, `status of an unauthenticated 256 MB upload, headers only (${JSON.stringify(s.got.slice(0, 80))})`);
  check(/"code":"unauthorized"/.test(s.got), `expected a JSON unauthorized error, got ${JSON.stringify(s.got.slice(0, 300))}`);
  // A client that sends the body anyway is cut off long before 256 MB, and the server does not grow.
  const before = rss();
  const s2 = await connect();
  s2.write(head);
  const chunk = Buffer.alloc(1 << 20);
  let sent = 0;
  while (!s2.destroyed && sent < 256 << 20) {
    const ok = s2.write(chunk);
    sent += chunk.length;
    if (!ok) await Promise.race([new Promise((r) => s2.once('drain', r)), s2.done, L.sleep(3000)]);
  }
  const cut = s2.destroyed;
  s2.destroy();
  check(cut, `the server read all of an unauthenticated 256 MB body (${sent >> 20} MiB written)`);
  const grew = rss() - before;
  check(grew < 16 << 20, `the server's peak memory grew by ${grew >> 20} MiB for an unauthenticated upload`);
  await healthy('after the unauthenticated upload');
});

t.test('Expect: 100-continue: a bad key gets 401 and no 100; a body over the key\'s limit gets 413 at once', async () => {
  const s = await connect();
  s.write('POST /v1/jobs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer pm_nope\r\nExpect: 100-continue\r\nContent-Length: 5000\r\n\r\n');
  await Promise.race([s.done, L.sleep(3000)]);
  s.destroy();
  eq(statusOf(s.got), 401, 'status for a bad key with Expect: 100-continue');
  check(!/100 Continue/.test(s.got), 'the server invited the body of a request it refuses');
  const s2 = await connect();
  s2.write(`POST /v1/circuits HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${small}\r\nContent-Length: ${64 << 20}\r\n\r\n`);
  await Promise.race([s2.done, L.sleep(3000)]);
  s2.destroy();
  eq(statusOf(s2.got), 413, 'status for 64 MiB declared by a key limited to 1 MiB');
  // Chunked, so no length to check up front: the connection is closed once the body passes the
  // limit (libmicrohttpd 0.9 cannot answer in the middle of a body), and nothing is stored.
  const s3 = await connect();
  s3.write(`POST /v1/jobs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${small}\r\nTransfer-Encoding: chunked\r\n\r\n`);
  const piece = Buffer.alloc(256 << 10, 0x20);
  let sent = 0;
  while (!s3.destroyed && sent < 64 << 20) {
    const ok = s3.write(Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')]));
    sent += piece.length;
    if (!ok) await Promise.race([new Promise((r) => s3.once('drain', r)), s3.done, L.sleep(3000)]);
  }
  const cut = s3.destroyed;
  s3.destroy();
  check(cut, `a chunked body from a key limited to 1 MiB was read past ${sent >> 20} MiB`);
  eq((await S.client(small).listAll()).jobs.length, 0, 'jobs stored for the key after its oversized chunked body');
});

t.test('one key\'s long polls hold no thread: 16 wait with 2 handler threads, the 17th gets 429, others are served', async () => {
  const a = S.client(keyA);
  const sub = expectStatus(await a.submit(CIRCUIT, wtns), 201, null, 'POST /v1/jobs');
  const polls = Array.from({ length: 16 }, () => a.job(sub.id, 20));
  await L.sleep(500);
  const extra = await a.get('/v1/circuits');
  expectStatus(extra, 429, 'too_many_requests', 'a 17th request from the key with 16 long polls open');
  await healthy('with 16 long polls parked on 2 handler threads');
  const t0 = Date.now();
  expectStatus(await a.cancel(sub.id), 429, 'too_many_requests', 'DELETE from the same key while 16 polls wait');
  expectStatus(await S.client(keyB).cancel(sub.id), 404, 'not_found', 'another key cannot see the job');
  // A stopping server answers its parked polls at once (the job still queued), then exits.
  eq(await S.child.terminate(), 0, 'exit code after SIGTERM with 16 polls parked');
  const answers = await Promise.all(polls);
  check(Date.now() - t0 < 5000, `the parked polls took ${Date.now() - t0} ms to be answered at shutdown`);
  for (const r of answers) eq(expectStatus(r, 200, null, 'a parked long poll at shutdown').state, 'queued', 'state');
  S = await L.startServe({
    data, workers: 0,
    args: ['--http-threads', '2', '--header-timeout', '2', '--max-requests-per-key', '16'],
  });
  const polls2 = Array.from({ length: 8 }, () => S.client(keyA).job(sub.id, 20));
  await L.sleep(300);
  const t1 = Date.now();
  expectStatus(await S.client(keyA).cancel(sub.id), 200, null, 'DELETE the job the polls wait for');
  for (const r of await Promise.all(polls2)) eq(expectStatus(r, 200, null, 'long poll').state, 'cancelled', 'state');
  check(Date.now() - t1 < 2000, `the polls answered ${Date.now() - t1} ms after the job was cancelled`);
});

t.test('connection limits: 8 per address, 16 in all; other addresses are still served', async () => {
  const B = await L.startServe({ data: L.freshDir('limits'), workers: 0,
    args: ['--max-connections-per-ip', '8', '--max-connections', '16', '--header-timeout', '30', '--idle-timeout', '30'] });
  const mine = await Promise.all(Array.from({ length: 8 }, () => connect(B)));
  await L.sleep(200);
  const h1 = await health(B, undefined, 1500);
  check(h1.status === 0, `a 9th connection from 127.0.0.1 was served (${h1.status}); the limit is 8 per address`);
  const h2 = await health(B, '127.0.0.2');
  eq(h2.status, 200, 'GET /healthz from 127.0.0.2 while 127.0.0.1 is at its limit');
  const more = [];
  for (const addr of ['127.0.0.3', '127.0.0.4']) for (let i = 0; i < 4; i++) more.push(await connect(B, { localAddress: addr }));
  await L.sleep(200);
  const h3 = await health(B, '127.0.0.5', 1500);
  check(h3.status === 0, `a connection past the global limit of 16 was served (${h3.status})`);
  for (const s of [...mine, ...more]) s.destroy();
  await L.sleep(300);
  eq((await health(B)).status, 200, 'GET /healthz once the connections closed');
  eq(await B.child.terminate(), 0, 'exit code');
});

t.test('afterwards: the server is healthy and stops cleanly', async () => {
  await healthy('at the end');
  eq(await S.child.terminate(), 0, 'exit code after SIGTERM');
});

await t.run();
