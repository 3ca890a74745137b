// Recomputes an aggregation's claims.json from the inner proofs' snarkjs files with circomlibjs's
// Poseidon (docs/STATEMENTS.md, "Aggregation"): each key hash (the sponge of the key's
// coordinates as 4 x 64-bit limbs), each claim (the sponge of key hash, count, inputs), the
// Poseidon(2) tree, the root and every path. Exits 1 on the first difference.
//
//   node tests/aggregate/recompute.mjs claims.json vk.json:proof.json:public.json ...
import { createRequire } from 'module';
import fs from 'fs';
import path from 'path';
import { fileURLToPath } from 'url';

import { makeSponge } from '../lib/poseidon_sponge.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '../../tools/peers/package.json'));
const circomlibjs = require('circomlibjs');
const poseidon = await circomlibjs.buildPoseidonReference();
const F = poseidon.F;

const sponge = makeSponge(poseidon);
const h2 = (a, b) => F.toObject(poseidon([a, b]));
const limbs = (v) => [0, 1, 2, 3].map((i) => (BigInt(v) >> BigInt(64 * i)) & ((1n << 64n) - 1n));
const g1 = (p) => [...limbs(p[0]), ...limbs(p[1])];
const g2 = (q) => [...limbs(q[0][0]), ...limbs(q[0][1]), ...limbs(q[1][0]), ...limbs(q[1][1])];

const [claimsFile, ...specs] = process.argv.slice(2);
const got = JSON.parse(fs.readFileSync(claimsFile, 'utf8'));
let bad = 0;
const expect = (what, a, b) => {
  if (String(a) !== String(b)) {
    console.error(`${what}: claims.json has ${a}, recomputed ${b}`);
    bad++;
  }
};
const claims = specs.map((s, i) => {
  const [vkf, , pubf] = s.split(':');
  const vk = JSON.parse(fs.readFileSync(vkf, 'utf8'));
  const pub = JSON.parse(fs.readFileSync(pubf, 'utf8')).map(BigInt);
  const kh = sponge([
    ...g1(vk.vk_alpha_1), ...g2(vk.vk_beta_2), ...g2(vk.vk_gamma_2), ...g2(vk.vk_delta_2),
    ...vk.IC.flatMap(g1),
  ]);
  const claim = sponge([kh, BigInt(pub.length), ...pub]);
  expect(`claim ${i} key_hash`, got.claims[i].key_hash, kh);
  expect(`claim ${i}`, got.claims[i].claim, claim);
  return claim;
});
let depth = 1;
while (1 << depth < claims.length) depth++;
expect('depth', got.depth, depth);
const levels = [[...claims, ...Array((1 << depth) - claims.length).fill(0n)]];
while (levels.at(-1).length > 1) {
  const l = levels.at(-1);
  levels.push(l.filter((_, i) => i % 2 === 0).map((x, j) => h2(x, l[2 * j + 1])));
}
expect('root', got.root, levels.at(-1)[0]);
claims.forEach((_, i) => {
  for (let d = 0, j = i; d < depth; d++, j >>= 1) expect(`claim ${i} path ${d}`, got.claims[i].path[d], levels[d][j ^ 1]);
});
if (bad) process.exit(1);
console.log(`recompute: ${claims.length} claims, root ${levels.at(-1)[0]}: every value matches`);
