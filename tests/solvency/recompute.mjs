// Recomputes a solvency round from its users independently of Proofmill: id hashes with node's
// SHA-256, leaves, trees and sponges with circomlibjs's Poseidon, totals with BigInt sums; then
// compares every value of the published round.json (batches' roots, totals and commitments, the
// price hash, the root, z and the digest). docs/STATEMENTS.md, "Solvency", defines each value.
//
//   node tests/solvency/recompute.mjs ROUND_DIR    (round.json and users.jsonl)
import { createRequire } from 'module';
import { createHash } from 'crypto';
import fs from 'fs';
import path from 'path';
import { fileURLToPath } from 'url';

import { makeSponge } from '../lib/poseidon_sponge.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '../../tools/peers/package.json'));
const circomlibjs = require('circomlibjs');
const poseidon = await circomlibjs.buildPoseidonReference();
const F = poseidon.F;
const r = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

const dir = process.argv[2];
const rec = JSON.parse(fs.readFileSync(path.join(dir, 'round.json'), 'utf8'));
const users = fs
  .readFileSync(path.join(dir, 'users.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l)
  .map((l) => JSON.parse(l));

const H = (inputs) => F.toObject(poseidon(inputs));
const sponge = makeSponge(poseidon);
const tag = (s) => BigInt('0x' + Buffer.from(s).toString('hex'));
function tree(leaves, width) {
  let level = [...leaves];
  let w = 1;
  while (w < Math.max(width, level.length)) w *= 2;
  while (level.length < w) level.push(0n);
  while (level.length > 1) {
    const up = [];
    for (let i = 0; i < level.length; i += 2) up.push(H([level[i], level[i + 1]]));
    level = up;
  }
  return level[0];
}
const sha = (parts) => createHash('sha256').update(Buffer.concat(parts)).digest();
const be32 = (x) => Buffer.from(x.toString(16).padStart(64, '0'), 'hex');

const exchange = BigInt(rec.exchange);
const round = BigInt(rec.round);
const A = rec.assets.length;
const B = rec.batch_users;
const millionths = (h) => {
  const [w, f = ''] = h.split('.');
  return BigInt(w) * 1000000n + BigInt((f + '000000').slice(0, 6));
};
const priceHash = sponge([
  tag('proofmill/solvency-prices/v1'),
  BigInt(A),
  ...rec.assets.map((a) => tag(a.name)),
  ...rec.assets.map((a) => BigInt(a.price)),
  ...rec.assets.map((a) => millionths(a.haircut)),
]);

function idHash(id, nonce) {
  const z = Buffer.from([0]);
  const d = sha([Buffer.from('proofmill/solvency-user/v1'), z, Buffer.from(rec.exchange), z, Buffer.from(String(rec.round)), z, Buffer.from(id), z, Buffer.from(nonce)]);
  return BigInt('0x' + d.subarray(0, 31).toString('hex'));
}
const leaf = (idh, eq, de) => H([idh, ...eq.map((e, a) => BigInt(e) + (BigInt(de[a]) << 64n))]);
const emptyLeaf = leaf(0n, Array(A).fill(0), Array(A).fill(0));

const fails = [];
const expect = (what, got, want) => {
  if (String(got) !== String(want)) fails.push(`${what}: recomputed ${got}, published ${want}`);
};
expect('price_hash', priceHash, rec.price_hash);
const commitments = [];
const roots = []; // the top tree's leaves: Poseidon(batch root, commitment)
const totalE = Array(A).fill(0n);
const totalD = Array(A).fill(0n);
const nBatches = Math.ceil(users.length / B);
expect('batch count', nBatches, rec.batches.length);
for (let k = 0; k < nBatches; k++) {
  const part = users.slice(k * B, (k + 1) * B);
  const leaves = part.map((u) => leaf(idHash(u.user, u.nonce), u.equity, u.debt));
  while (leaves.length < B) leaves.push(emptyLeaf);
  const root = tree(leaves, B);
  const eq = Array.from({ length: A }, (_, a) => part.reduce((s, u) => s + BigInt(u.equity[a]), 0n));
  const de = Array.from({ length: A }, (_, a) => part.reduce((s, u) => s + BigInt(u.debt[a]), 0n));
  eq.forEach((v, a) => (totalE[a] += v));
  de.forEach((v, a) => (totalD[a] += v));
  const c = sponge([tag('proofmill/solvency-batch/v1'), round, priceHash, root, ...eq, ...de]);
  commitments.push(c);
  roots.push(H([root, c]));
  const pb = rec.batches[k] ?? {};
  expect(`batches[${k}].root`, root, pb.root);
  expect(`batches[${k}].equity`, eq.join(','), (pb.equity ?? []).join(','));
  expect(`batches[${k}].debt`, de.join(','), (pb.debt ?? []).join(','));
  expect(`batches[${k}].commitment`, c, pb.commitment);
}
const root = tree(roots, rec.slots);
expect('root', root, rec.root);
const z = BigInt('0x' + sha([exchange, round, root, ...commitments].map(be32)).toString('hex')) % r;
expect('z', z, rec.z);
const digest = commitments.reduce((d, c) => (d * z + c) % r, 0n);
expect('digest', digest, rec.digest);
rec.assets.forEach((a, i) => {
  expect(`${a.name} equity`, totalE[i], a.equity);
  expect(`${a.name} debt`, totalD[i], a.debt);
});
if (fails.length) {
  console.error('recompute: the published round differs from circomlibjs:\n  ' + fails.join('\n  '));
  process.exit(1);
}
console.log(`recompute: ${users.length} users, ${nBatches} batches, root and totals agree with circomlibjs`);
