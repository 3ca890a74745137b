// The cases of the EVM test (see evm_test.mjs): single proofs, batches, gas.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { calldataGas, check, encodeCall, Q, R } from './evm_lib.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { bn254 } = createRequire(import.meta.url)(path.join(ROOT, 'tools/peers/node_modules/@noble/curves/bn254.js'));

const tweak = (p, i, f) => ({ words: p.words.map((w, j) => (j === i ? f(w) : w)), pub: p.pub });
const tweakPub = (p, i, f) => ({ words: p.words, pub: p.pub.map((s, j) => (j === i ? f(s) : s)) });
const swapG2 = (p) => {
  const w = p.words;
  return { words: [w[0], w[1], w[3], w[2], w[5], w[4], w[6], w[7]], pub: p.pub };
};
const g1 = (x, y) => bn254.G1.ProjectivePoint.fromAffine({ x, y });
// C + k*G (k may be negative).
const shiftC = (p, k) => {
  const d = bn254.G1.ProjectivePoint.BASE.multiply(k < 0n ? -k : k);
  const c = g1(p.words[6], p.words[7]).add(k < 0n ? d.negate() : d).toAffine();
  return { words: [...p.words.slice(0, 6), c.x, c.y], pub: p.pub };
};

// B replaced by a point of the twist curve that is outside G2 (the order-r subgroup): the first
// x = k + u (k = 1, 2, ...) with x^3 + b' a square in Fq2, whose point noble finds not torsion-free.
const OUTSIDE_G2 = (() => {
  const Fp2 = bn254.fields.Fp2;
  const G2 = bn254.G2.ProjectivePoint;
  for (let k = 1n; ; k++) {
    const x = Fp2.create({ c0: k, c1: 1n });
    let y;
    try {
      y = Fp2.sqrt(Fp2.add(Fp2.mul(Fp2.sqr(x), x), bn254.G2.CURVE.b));
    } catch {
      continue;
    }
    if (!y) continue;
    const p = G2.fromAffine({ x, y });
    if (!p.isTorsionFree()) return [x.c1, x.c0, y.c1, y.c0];
  }
})();
const outsideG2 = (p) => ({ words: [p.words[0], p.words[1], ...OUTSIDE_G2, p.words[6], p.words[7]], pub: p.pub });

// A rejected proof may cost at most this much more than a valid one: its calldata differs (a word
// + q has more non-zero bytes) and a failed pairing takes one more branch; nothing else.
const REJECT_SLACK = 1000;

function encoders(ctx, c, n) {
  const s = (signature) => ctx.sel(c, signature);
  return {
    fixed: (p) => encodeCall(s(ctx.fixedSig(n)), [{ words: [...p.words, ...p.pub] }]),
    dyn: (p) => encodeCall(s(ctx.DYN), [{ words: p.words }, { array: p.pub }]),
    batch: (ps) => encodeCall(s(ctx.BATCH), [{ array: ps.flatMap((p) => p.words) }, { array: ps.flatMap((p) => p.pub) }]),
  };
}

export async function singleCases(ctx, k) {
  const { chain } = ctx;
  const e = encoders(ctx, k.c, k.n);
  const call = (data) => chain.callBool(k.addr, data);
  const name = k.name;
  const other = k.snarkjsProof;
  check(`${name}: export calldata matches proof.json`, JSON.stringify(k.proof.words.map(String)),
        JSON.stringify(k.jsonProof.words.map(String)));
  check(`${name}: proofmill proof`, await call(e.fixed(k.proof)), 'true');
  check(`${name}: proofmill proof, dynamic signals`, await call(e.dyn(k.proof)), 'true');
  check(`${name}: snarkjs proof`, await call(e.fixed(other)), 'true');
  const se = encoders(ctx, k.sc, k.n);
  check(`${name}: proofmill proof in snarkjs's verifier`, await chain.callBool(k.snarkjsAddr, se.fixed(k.proof)), 'true');
  const bad = {
    'A of another proof': { words: [...other.words.slice(0, 2), ...k.proof.words.slice(2)], pub: k.proof.pub },
    'C shifted': shiftC(k.proof, 1n),
    'A.x + q': tweak(k.proof, 0, (w) => w + Q),
    'A.y + q': tweak(k.proof, 1, (w) => w + Q),
    'B.x.im + q': tweak(k.proof, 2, (w) => w + Q),
    'B.y.re + q': tweak(k.proof, 5, (w) => w + Q),
    'C.y + q': tweak(k.proof, 7, (w) => w + Q),
    'A off the curve': tweak(k.proof, 1, (w) => w + 1n),
    'B off the twist': tweak(k.proof, 4, (w) => w + 1n),
    'A at infinity': tweak(tweak(k.proof, 0, () => 0n), 1, () => 0n),
    'G2 coordinates real part first': swapG2(k.proof),
    'B on the twist but outside G2': outsideG2(k.proof),
  };
  if (k.n > 0) {
    bad['public signal + 1'] = tweakPub(k.proof, 0, (s) => s + 1n);
    bad['public signal + r'] = tweakPub(k.proof, 0, (s) => s + R);
    bad['last public signal + r'] = tweakPub(k.proof, k.n - 1, (s) => s + R);
  }
  for (const [what, p] of Object.entries(bad)) {
    check(`${name}: ${what}`, await call(e.fixed(p)), 'false');
    check(`${name}: ${what}, dynamic signals`, await call(e.dyn(p)), 'false');
  }
  // What a rejected proof costs its sender, in a transaction given 30M gas: at most what a valid
  // one costs (each precompile call is forwarded its price only, not the gas left).
  const valid = await chain.gasUsed(k.addr, e.fixed(k.proof));
  const validDyn = await chain.gasUsed(k.addr, e.dyn(k.proof));
  k.rejected = [];
  const bounded = async (what, data, bound) => {
    const gas = await chain.gasUsed(k.addr, data, 'false');
    k.rejected.push({ what, gas, valid: bound });
    check(`${name}: ${what} costs ${gas} gas <= a valid proof's ${bound} + ${REJECT_SLACK}`, gas <= bound + REJECT_SLACK, true);
  };
  for (const [what, p] of Object.entries(bad)) {
    await bounded(what, e.fixed(p), valid);
    await bounded(`${what}, dynamic signals`, e.dyn(p), validDyn);
  }
  await bounded('one signal too many', e.dyn({ words: k.proof.words, pub: [...k.proof.pub, 1n] }), validDyn);
  if (k.n > 0) await bounded('one signal short', e.dyn({ words: k.proof.words, pub: k.proof.pub.slice(0, -1) }), validDyn);
  // Wrong lengths: the dynamic form says false, truncated calldata for the fixed form reverts.
  if (k.n > 0) {
    check(`${name}: one signal short`, await call(e.dyn({ words: k.proof.words, pub: k.proof.pub.slice(0, -1) })), 'false');
    check(`${name}: no signals`, await call(e.dyn({ words: k.proof.words, pub: [] })), 'false');
  }
  check(`${name}: one signal too many`, await call(e.dyn({ words: k.proof.words, pub: [...k.proof.pub, 1n] })), 'false');
  const full = e.fixed(k.proof);
  check(`${name}: truncated calldata`, await call(full.slice(0, full.length - 64)), 'revert');
}

export async function batchCases(ctx, keys) {
  const { chain } = ctx;
  for (const k of Object.values(keys)) {
    const e = encoders(ctx, k.c, k.n);
    const call = (ps) => chain.callBool(k.addr, e.batch(ps));
    const P = k.batch.slice(0, k.n === 2 ? 32 : k.batch.length);
    const name = `${k.name} batch of ${P.length}`;
    check(`${name}`, await call(P), 'true');
    check(`${k.name} batch of 1`, await call(P.slice(0, 1)), 'true');
    // A batch of one runs no loop iteration: its checks happen apart from the loop's.
    check(`${k.name} batch of 1, C shifted`, await call([shiftC(P[0], 1n)]), 'false');
    check(`${k.name} batch of 1, B outside G2`, await call([outsideG2(P[0])]), 'false');
    if (k.n > 0) {
      check(`${k.name} batch of 1, last signal + r`, await call([tweakPub(P[0], k.n - 1, (s) => s + R)]), 'false');
      check(`${k.name} batch of 1, first signal + r`, await call([tweakPub(P[0], 0, (s) => s + R)]), 'false');
    }
    // P with proof i replaced by p (and proof j by pj).
    const at = (i, p, j = -1, pj = null) => P.map((q, m) => (m === i ? p : m === j ? pj : q));
    const last = P.length - 1;
    const withC = (p, from) => ({ words: [...p.words.slice(0, 6), ...from.words.slice(6)], pub: p.pub });
    const bad = {
      'proof 1 with the C of proof 2': at(1, withC(P[1], P[2])),
      'proof 0 C shifted': at(0, shiftC(P[0], 5n)),
      'C errors that cancel without weights (proofs 1 and 2)': at(1, shiftC(P[1], 3n), 2, shiftC(P[2], -3n)),
      'C errors that cancel without weights (proofs 0 and last)': at(0, shiftC(P[0], 1n), last, shiftC(P[last], -1n)),
      'last proof A.x + q': at(last, tweak(P[last], 0, (w) => w + Q)),
      'proof 1 B.y.im + q': at(1, tweak(P[1], 4, (w) => w + Q)),
      'proof 1 A off the curve': at(1, tweak(P[1], 1, (w) => w + 1n)),
      'proof 0 B off the twist': at(0, tweak(P[0], 2, (w) => w + 1n)),
      'proof 2 G2 real part first': at(2, swapG2(P[2])),
      'last proof B outside G2': at(last, outsideG2(P[last])),
    };
    const validBatch = await chain.gasUsed(k.addr, e.batch(P));
    if (k.n > 0) {
      bad['proof 0 signal + 1'] = at(0, tweakPub(P[0], 0, (s) => s + 1n));
      bad['last proof signal + r'] = at(last, tweakPub(P[last], k.n - 1, (s) => s + R));
      bad['signals of proofs 1 and 2 swapped'] =
        at(1, { words: P[1].words, pub: P[2].pub }, 2, { words: P[2].words, pub: P[1].pub });
    }
    for (const [what, ps] of Object.entries(bad)) {
      const same = (p, q) => [...p.words, ...p.pub].join() === [...q.words, ...q.pub].join();
      if (ps.every((p, j) => same(p, P[j]))) continue; // e.g. swapping equal signals
      check(`${name}: ${what}`, await call(ps), 'false');
      const gas = await chain.gasUsed(k.addr, e.batch(ps), 'false');
      k.rejected.push({ what: `batch of ${P.length}: ${what}`, gas, valid: validBatch });
      check(`${name}: ${what} costs ${gas} gas <= the valid batch's ${validBatch} + ${REJECT_SLACK}`,
            gas <= validBatch + REJECT_SLACK, true);
    }
    const sel = k.c.selectors[ctx.BATCH];
    const words = P.flatMap((p) => p.words);
    const pubs = P.flatMap((p) => p.pub);
    const raw = (w, s) => chain.callBool(k.addr, encodeCall(sel, [{ array: w }, { array: s }]));
    check(`${name}: empty batch`, await raw([], []), 'false');
    for (const [what, w, sg] of [['a proof word short', words.slice(0, -1), pubs], ['a signal too many', words, [...pubs, 1n]]]) {
      const gas = await chain.gasUsed(k.addr, encodeCall(sel, [{ array: w }, { array: sg }]), 'false');
      k.rejected.push({ what: `batch of ${P.length}: ${what}`, gas, valid: validBatch });
      check(`${name}: ${what} costs ${gas} gas <= the valid batch's`, gas <= validBatch, true);
    }
    check(`${name}: a proof word short`, await raw(words.slice(0, -1), pubs), 'false');
    check(`${name}: a proof word too many`, await raw([...words, 1n], pubs), 'false');
    check(`${name}: a signal too many`, await raw(words, [...pubs, 1n]), 'false');
    if (k.n > 0) check(`${name}: a signal short`, await raw(words, pubs.slice(0, -1)), 'false');
  }
  // The same source compiled otherwise behaves the same.
  const k = keys.poseidon_chain_small;
  for (const v of k.variants) {
    const e = encoders(ctx, v.c, 2);
    check(`${v.label}: proof`, await chain.callBool(v.addr, e.fixed(k.proof)), 'true');
    check(`${v.label}: signal + r`, await chain.callBool(v.addr, e.fixed(tweakPub(k.proof, 0, (s) => s + R))), 'false');
    check(`${v.label}: batch of 8`, await chain.callBool(v.addr, e.batch(k.batch.slice(0, 8))), 'true');
    const bad = k.batch.slice(0, 8).map((p, j) => (j === 5 ? shiftC(p, 2n) : p));
    check(`${v.label}: batch of 8, one bad`, await chain.callBool(v.addr, e.batch(bad)), 'false');
  }
}

// A valid proof given too little gas must make the call fail (revert), never answer false: a
// relayer that sets a tight gas limit must not be able to have a valid proof declared invalid.
// The sweep runs eth_call at gas limits from `below` under what the call uses to `above` over it,
// through the band where the pairing is forwarded less than its price. snarkjs's verifier, which
// forwards gas() - 2000, answers false there: that shows the sweep reaches the band.
async function sweep(chain, to, data, used, below, above, step) {
  const seen = { true: 0, false: 0, revert: 0 };
  for (let g = used - below; g <= used + above; g += step) {
    const r = await chain.callBool(to, data, '0x' + g.toString(16));
    seen[r] = (seen[r] || 0) + 1;
  }
  return seen;
}

export async function starvationCases(ctx, keys) {
  const { chain } = ctx;
  const report = [];
  const k = keys.poseidon_chain_small;
  const e = encoders(ctx, k.c, k.n);
  const cases = [
    ['poseidon_chain_small verifyProof', k.addr, e.fixed(k.proof), 6000, 3000, 150],
    ['poseidon_chain_small verifyProof, dynamic signals', k.addr, e.dyn(k.proof), 6000, 3000, 150],
    ['poseidon_chain_small verifyBatch of 8', k.addr, e.batch(k.batch.slice(0, 8)), 16000, 10000, 400],
  ];
  const m = keys.manypublic;
  cases.push(['manypublic verifyProof (loop)', m.addr, encoders(ctx, m.c, m.n).fixed(m.proof), 6000, 3000, 150]);
  for (const [what, to, data, below, above, step] of cases) {
    const used = await chain.gasUsed(to, data);
    const seen = await sweep(chain, to, data, used, below, above, step);
    report.push({ what, used, ...seen });
    check(`${what}: no false at any gas limit from ${used - below} to ${used + above} (${JSON.stringify(seen)})`,
          seen.false === 0 && seen.true > 0 && seen.revert > 0, true);
  }
  const se = encoders(ctx, k.sc, k.n);
  const used = await chain.gasUsed(k.snarkjsAddr, se.fixed(k.proof));
  const seen = await sweep(chain, k.snarkjsAddr, se.fixed(k.proof), used, 6000, 3000, 150);
  report.push({ what: "snarkjs's verifier, same proof", used, ...seen });
  check(`the sweep finds snarkjs's verifier answering false to a valid proof (${JSON.stringify(seen)})`, seen.false > 0, true);
  return report;
}

export async function gasTable(ctx, keys) {
  const { chain } = ctx;
  const report = { method: 'gasUsed of a transaction (21,000 + calldata + execution)', single: [], batch: [],
                   rejected: Object.fromEntries(Object.values(keys).map((k) => [k.name, k.rejected])) };
  for (const k of Object.values(keys)) {
    const e = encoders(ctx, k.c, k.n);
    const ours = await chain.gasUsed(k.addr, e.fixed(k.proof));
    const se = encoders(ctx, k.sc, k.n);
    const theirs = await chain.gasUsed(k.snarkjsAddr, se.fixed(k.proof));
    report.single.push({ key: k.name, n_public: k.n, proofmill: ours, snarkjs: theirs,
                         proofmill_code: k.c.runtimeSize, snarkjs_code: k.sc.runtimeSize });
    check(`${k.name}: single-proof gas ${ours} <= snarkjs's ${theirs}`, ours <= theirs, true);
    console.log(`gas ${k.name} (${k.n} public): proofmill ${ours}, snarkjs ${theirs}; code ${k.c.runtimeSize} / ${k.sc.runtimeSize} bytes`);
  }
  const k = keys.poseidon_chain_small;
  const e = encoders(ctx, k.c, 2);
  const single = report.single.find((s) => s.key === k.name).snarkjs;
  const loopSel = k.loop.c.selectors['verifyAll(address,uint256[],uint256[])'];
  for (const n of [1, 8, 32, 128]) {
    const P = k.batch.slice(0, n);
    const data = e.batch(P);
    const ours = await chain.gasUsed(k.addr, data);
    const loop = await chain.gasUsed(k.loop.addr, encodeCall(loopSel, [{ words: [BigInt(k.snarkjsAddr)] },
      { array: P.flatMap((p) => p.words) }, { array: P.flatMap((p) => p.pub) }]));
    const row = { n, proofmill: ours, per_proof: Math.round(ours / n), calldata_gas: calldataGas(data), snarkjs_loop: loop,
                  snarkjs_loop_per_proof: Math.round(loop / n), snarkjs_separate_txs: n * single };
    report.batch.push(row);
    console.log(`gas batch of ${n}: proofmill ${ours} (${row.per_proof}/proof, calldata ${row.calldata_gas}), ` +
                `snarkjs in one tx ${loop} (${row.snarkjs_loop_per_proof}/proof), ${n} snarkjs txs ${n * single}`);
    if (n === 32) check(`batch of 32: ${row.per_proof} gas a proof <= 60000`, row.per_proof <= 60000, true);
  }
  for (const key of [k, keys.signals_1]) {
    for (const v of key.variants) {
      const ours = await chain.gasUsed(v.addr, encoders(ctx, v.c, key.n).fixed(key.proof));
      const theirs = await chain.gasUsed(v.snarkjsAddr, encoders(ctx, v.sc, key.n).fixed(key.proof));
      report.single.push({ key: `${key.name} (${v.label})`, n_public: key.n, proofmill: ours, snarkjs: theirs,
                           proofmill_code: v.runtimeSize, snarkjs_code: v.sc.runtimeSize });
      check(`${key.name} compiled with ${v.label}: single-proof gas ${ours} <= snarkjs's ${theirs}`, ours <= theirs, true);
      console.log(`gas ${key.name} compiled with ${v.label}: proofmill ${ours}, snarkjs ${theirs}; code ${v.runtimeSize} bytes`);
    }
  }
  return report;
}
