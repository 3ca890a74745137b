// Poseidon known answers from circomlibjs (the reference implementation next to circomlib's
// circuits), for src/4-circuit/gadgets/poseidon.test.cpp.
//
//   node tests/vectors/gen_poseidon_vectors.mjs > tests/vectors/poseidon.json
//
// CI regenerates the file and compares it with the committed one (scripts/test.sh), so the
// answers always come from circomlibjs, never from Proofmill. Both circomlibjs implementations
// (poseidon_reference and the optimised poseidon_opt) are run and must agree.
import { createRequire } from "module";
import { createHash } from "crypto";
import path from "path";
import { readFileSync } from "fs";
import { fileURLToPath } from "url";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "../../tools/peers/package.json"));
const circomlibjs = require("circomlibjs");

const r = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
const h = (label) => BigInt("0x" + createHash("sha256").update(label).digest("hex")) % r;

const ref = await circomlibjs.buildPoseidonReference();
const opt = await circomlibjs.buildPoseidonOpt();
const F = ref.F;
const str = (x) => F.toString(x);

const cases = [];
function add(inputs, initState, nOut) {
  const a = ref(inputs, initState, nOut);
  const b = opt(inputs, initState, nOut);
  const outs = nOut > 1 ? a.map(str) : [str(a)];
  const outsB = nOut > 1 ? b.map(str) : [str(b)];
  if (JSON.stringify(outs) !== JSON.stringify(outsB)) {
    process.stderr.write(`gen_poseidon_vectors: reference and optimised Poseidon disagree on ${inputs}\n`);
    process.exit(1);
  }
  cases.push({
    inputs: inputs.map((x) => x.toString()),
    init_state: initState.toString(),
    n_out: nOut,
    outputs: outs,
  });
}

for (let n = 1; n <= 16; n++) {
  add(Array.from({ length: n }, (_, i) => BigInt(i + 1)), 0n, 1);
  add(Array.from({ length: n }, () => 0n), 0n, 1);
  add(Array.from({ length: n }, () => r - 1n), 0n, 1);
  add(Array.from({ length: n }, (_, i) => h(`proofmill poseidon ${n} ${i}`)), 0n, 1);
}
for (const n of [1, 2, 5, 16]) {
  add(Array.from({ length: n }, (_, i) => h(`proofmill poseidon ex ${n} ${i}`)), h(`init ${n}`), n + 1);
}

// The sponge for inputs of any length (hash/poseidon.hpp, poseidon_sponge): width 17 (circomlib's
// Poseidon(16) permutation), capacity state[0] = length * 2^64, the inputs added 16 at a time
// into state[1..16] (the last block zero-padded; at least one block), one permutation a block,
// the hash state[1]. One block here is circomlibjs's poseidon(rate + block, capacity, 17).
function sponge(inputs) {
  let cap = BigInt(inputs.length) << 64n;
  let rate = Array(16).fill(0n);
  const blocks = Math.max(1, Math.ceil(inputs.length / 16));
  for (let k = 0; k < blocks; k++) {
    const absorbed = rate.map((x, i) => (x + (inputs[16 * k + i] ?? 0n)) % r);
    const a = ref(absorbed, cap, 17).map((x) => F.toObject(x));
    const b = opt(absorbed, cap, 17).map((x) => F.toObject(x));
    if (a.some((x, i) => x !== b[i])) {
      process.stderr.write("gen_poseidon_vectors: reference and optimised Poseidon disagree (sponge)\n");
      process.exit(1);
    }
    cap = a[0];
    rate = a.slice(1);
  }
  return rate[0];
}
const sponges = [];
for (const n of [0, 1, 2, 15, 16, 17, 31, 32, 33, 50]) {
  const inputs = Array.from({ length: n }, (_, i) => h(`proofmill sponge ${n} ${i}`));
  sponges.push({ inputs: inputs.map((x) => x.toString()), output: sponge(inputs).toString() });
}
// Trailing zeros change the hash (the length is in the capacity).
sponges.push({ inputs: ["7", "0"], output: sponge([7n, 0n]).toString() });
sponges.push({ inputs: ["7"], output: sponge([7n]).toString() });

const pkg = JSON.parse(readFileSync(path.join(here, "../../tools/peers/node_modules/circomlibjs/package.json"), "utf8"));
process.stdout.write(
  JSON.stringify({ generator: `tests/vectors/gen_poseidon_vectors.mjs (circomlibjs ${pkg.version})`, cases, sponges }, null, 1) +
    "\n",
);
