// examples/solvency/SolvencyRounds.sol on anvil with a proven round (tests/solvency/solvency.sh):
// the batches are submitted, the top proof publishes the root and totals; a tampered batch
// proof, a stranger, publishing before every batch is in, another set of commitments, changed
// totals or reserves, another custodian set, and publishing twice are refused.
//
// usage: node solvency_evm.mjs --proofmill BIN --batch-zkey Z --top-zkey Z --round DIR --work DIR
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Chain, Q, check, compile, encodeCall, results, startAnvil, word } from '../evm/evm_lib.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PEERS = path.join(ROOT, 'tools/peers/node_modules');
const ANVIL = path.join(PEERS, '@foundry-rs/anvil-linux-amd64/bin/anvil');
const SOLC = path.join(PEERS, 'solc');
const opt = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);

const sources = {};
for (const [name, zkey] of [['BatchVerifier.sol', opt['batch-zkey']], ['TopVerifier.sol', opt['top-zkey']]]) {
  const out = path.join(opt.work, name);
  execFileSync(opt.proofmill, ['export', 'solidity', zkey, out]);
  sources[name] = fs.readFileSync(out, 'utf8');
}
sources['SolvencyRounds.sol'] = fs.readFileSync(path.join(ROOT, 'examples/solvency/SolvencyRounds.sol'), 'utf8');
const { contracts } = compile(SOLC, sources);
const rounds = contracts['SolvencyRounds.sol:SolvencyRounds'];

const rec = JSON.parse(fs.readFileSync(path.join(opt.round, 'round.json'), 'utf8'));
const proofWords = (stem) => {
  const p = JSON.parse(fs.readFileSync(path.join(opt.round, 'proofs', stem + '.proof.json'), 'utf8'));
  return [p.pi_a[0], p.pi_a[1], p.pi_b[0][1], p.pi_b[0][0], p.pi_b[1][1], p.pi_b[1][0], p.pi_c[0], p.pi_c[1]].map(BigInt);
};
const A = rec.assets.length;
const commitments = rec.batches.map((b) => BigInt(b.commitment));
const sel = (sig) => rounds.selectors[sig];
const submitSig = 'submitBatch(uint256,uint256,uint256[8])';
const publishSig = 'publish(uint256,uint256,uint256,uint256[],uint256[],uint256[8])';
const submitData = (k, words = proofWords(`batch-${String(k).padStart(5, '0')}`), round = BigInt(rec.round)) =>
  encodeCall(sel(submitSig), [{ words: [round, commitments[k]] }, { words }]);
const publishData = ({ equity = rec.assets.map((a) => BigInt(a.equity)), onchain = rec.assets.map((a) => BigInt(a.onchain)),
  cs = commitments, round = BigInt(rec.round) } = {}) => {
  const w = proofWords('top');
  const amounts = [...equity, ...rec.assets.map((a) => BigInt(a.debt)), ...onchain];
  return encodeCall(sel(publishSig), [{ words: [round, BigInt(rec.root), BigInt(rec.price_hash)] }, { array: amounts },
    { array: cs }, { words: w }]);
};

const anvil = await startAnvil(ANVIL, [], path.join(opt.work, 'anvil.pid'));
try {
  const rpc = anvil.rpc;
  const [exchange, stranger] = await rpc.call('eth_accounts');
  const chain = new Chain(rpc, exchange);
  const bAddr = await chain.deploy(contracts['BatchVerifier.sol:Groth16Verifier'].bytecode);
  const tAddr = await chain.deploy(contracts['TopVerifier.sol:Groth16Verifier'].bytecode);
  const send = async (to, data, from = exchange, label = '') => {
    try {
      await rpc.call('eth_estimateGas', [{ from, to, data }]);
    } catch (e) {
      const m = /revert(?:ed)?:? ?(.*)$/.exec(e.message);
      return m ? m[1] : e.message;
    }
    const hash = await rpc.call('eth_sendTransaction', [{ from, to, data, gas: '0x1c9c380' }]);
    const r = await chain.receipt(hash);
    if (r.status === '0x1' && label) console.log(`${label}: ${Number(BigInt(r.gasUsed))} gas`);
    return r.status === '0x1' ? 'ok' : 'failed';
  };
  const call = async (to, sig, args) => await rpc.call('eth_call', [{ to, data: encodeCall(sel(sig), args) }, 'latest']);
  // Constructor: (batch verifier, top verifier, exchange id, assets, custodianX[], custodianY[]).
  const deploy = async (keys) => {
    const head = [bAddr, tAddr, BigInt(rec.exchange), BigInt(A)].map(word).join('');
    const xs = keys.map((k) => BigInt(k[0])), ys = keys.map((k) => BigInt(k[1]));
    const xOff = 6 * 32, yOff = xOff + 32 * (1 + xs.length);
    const tail = word(xs.length) + xs.map(word).join('') + word(ys.length) + ys.map(word).join('');
    return chain.deploy(rounds.bytecode + head + word(xOff) + word(yOff) + tail);
  };
  const keys = rec.custodians.map((c) => c.custodian_key);
  const c = await deploy(keys);

  check('a stranger cannot submit a batch', await send(c, submitData(0), stranger), 'not the operator');
  const bad = proofWords('batch-00000');
  bad[0] = (bad[0] + 1n) % Q;
  const refusedBad = await send(c, submitData(0, bad));
  check('a tampered batch proof is refused', refusedBad !== 'ok', true);
  check('batch 0', await send(c, submitData(0), exchange, 'submitBatch'), 'ok');
  check('publishing before every batch is in is refused', await send(c, publishData()), 'not the submitted batches');
  for (let k = 1; k < commitments.length; ++k) check(`batch ${k}`, await send(c, submitData(k)), 'ok');
  check('a batch left out is refused', await send(c, publishData({ cs: commitments.slice(0, -1) })), 'not the submitted batches');
  check('batches in another order are refused', await send(c, publishData({ cs: [commitments[1], commitments[0], ...commitments.slice(2)] })), 'not the submitted batches');
  const lower = rec.assets.map((a) => BigInt(a.equity));
  lower[0] -= 1n;
  check('lower liabilities are refused', await send(c, publishData({ equity: lower })), 'invalid top proof');
  const more = rec.assets.map((a) => BigInt(a.onchain));
  more[0] += 1n;
  check('other reserves are refused', await send(c, publishData({ onchain: more })), 'invalid top proof');
  check('the round is published', await send(c, publishData(), exchange, `publish (${commitments.length} batches)`), 'ok');
  const stored = await call(c, 'rounds(uint256)', [{ words: [BigInt(rec.round)] }]);
  check('the stored root', BigInt('0x' + stored.slice(2, 66)), BigInt(rec.root));
  check('the stored price hash', BigInt('0x' + stored.slice(66, 130)), BigInt(rec.price_hash));
  const tot = (await call(c, 'amounts(uint256)', [{ words: [BigInt(rec.round)] }])).slice(2).match(/.{64}/g).map((x) => BigInt('0x' + x));
  check('the stored amounts', tot.slice(2).join(','), [...rec.assets.map((a) => a.equity), ...rec.assets.map((a) => a.debt),
    ...rec.assets.map((a) => a.onchain)].join(','));
  check('publishing twice is refused', await send(c, publishData()), 'round already published');
  // Another custodian set (none): the same proof does not verify.
  const c2 = await deploy([]);
  for (let k = 0; k < commitments.length; ++k) await send(c2, submitData(k));
  check('another custodian set is refused', (await send(c2, publishData())) !== 'ok', true);
} finally {
  await anvil.stop();
}
console.log(`solvency_evm: ${results.passed} passed, ${results.failed} failed`);
process.exit(results.failed === 0 ? 0 : 1);
