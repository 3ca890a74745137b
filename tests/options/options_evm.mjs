// examples/options/OptionMarks.sol on anvil with a bsm_options proof: accepted once and stored;
// a replay, a stale snapshot, a snapshot from the future, another oracle key and a tampered
// proof are refused. Used by tests/options/options.sh.
//
// usage: node options_evm.mjs --proofmill BIN --zkey bsm.zkey --proof proof.json --public public.json
//        --request request.json --per P --committed 0|1 --work DIR
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Chain, check, compile, encodeCall, results, startAnvil, word } from '../evm/evm_lib.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PEERS = path.join(ROOT, 'tools/peers/node_modules');
const ANVIL = path.join(PEERS, '@foundry-rs/anvil-linux-amd64/bin/anvil');
const SOLC = path.join(PEERS, 'solc');
const opt = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);

const verifierSol = path.join(opt.work, 'Verifier.sol');
execFileSync(opt.proofmill, ['export', 'solidity', opt.zkey, verifierSol]);
const { contracts } = compile(SOLC, {
  'Verifier.sol': fs.readFileSync(verifierSol, 'utf8'),
  'OptionMarks.sol': fs.readFileSync(path.join(ROOT, 'examples/options/OptionMarks.sol'), 'utf8'),
});
const verifier = contracts['Verifier.sol:Groth16Verifier'];
const marks = contracts['OptionMarks.sol:OptionMarks'];

const proof = JSON.parse(fs.readFileSync(opt.proof, 'utf8'));
const pub = JSON.parse(fs.readFileSync(opt.public, 'utf8')).map(BigInt);
const request = JSON.parse(fs.readFileSync(opt.request, 'utf8'));
const [ax, ay] = request.snapshot.oracle_key.map(BigInt);
const ts = BigInt(request.snapshot.timestamp);
const proofWords = [proof.pi_a[0], proof.pi_a[1], proof.pi_b[0][1], proof.pi_b[0][0], proof.pi_b[1][1],
  proof.pi_b[1][0], proof.pi_c[0], proof.pi_c[1]].map(BigInt);
const submitData = (words, signals) =>
  encodeCall(marks.selectors['submit(uint256[2],uint256[2][2],uint256[2],uint256[])'], [
    { words: words.slice(0, 2) }, { words: words.slice(2, 6) }, { words: words.slice(6, 8) }, { array: signals }]);

// The chain starts 1,000 s before the snapshot; each case sets its block's time, in order.
const anvil = await startAnvil(ANVIL, ['--timestamp', String(ts - 1000n)], path.join(opt.work, 'anvil.pid'));
try {
  const rpc = anvil.rpc;
  const [from, stranger] = await rpc.call('eth_accounts');
  const chain = new Chain(rpc, from);
  const vAddr = await chain.deploy(verifier.bytecode);
  const E = BigInt(request.snapshot.expiries.length), P = BigInt(opt.per), committed = opt.committed === '1';
  const feed = BigInt(request.snapshot.feed_id);
  const deployMarks = async (key) => {
    const args = [vAddr, key[0], key[1], feed, E, P, 3600n, committed ? 1n : 0n].map(word).join('');
    return chain.deploy(marks.bytecode + args);
  };
  const at = async (t) => {
    await rpc.call('evm_setNextBlockTimestamp', [Number(t)]);
  };
  // Sends submit(); returns 'ok' or the revert reason.
  const submit = async (to, words, signals, t, sender = from) => {
    await at(t);
    const data = submitData(words, signals);
    try {
      await rpc.call('eth_estimateGas', [{ from: sender, to, data }]);
    } catch (e) {
      const m = /revert(?:ed)?:? ?(.*)$/.exec(e.message);
      await rpc.call('evm_mine', []);  // keep the block clock moving as if the call was made
      return m ? m[1] : e.message;
    }
    const hash = await rpc.call('eth_sendTransaction', [{ from, to, data, gas: '0x1c9c380' }]);
    const r = await chain.receipt(hash);
    if (r.status === '0x1') console.log(`submit: ${Number(BigInt(r.gasUsed))} gas (${signals.length} public signals)`);
    return r.status === '0x1' ? 'ok' : 'failed';
  };

  // A snapshot from after the block (a node whose clock is behind the oracle's).
  const early = await deployMarks([ax, ay]);
  check('a snapshot from the future is refused', await submit(early, proofWords, pub, ts - 50n), 'snapshot from the future');
  const good = await deployMarks([ax, ay]);
  check('another sender is refused (it could replace the totals with another book\'s)',
    await submit(good, proofWords, pub, ts + 30n, stranger), 'not the submitter');
  check('a fresh snapshot is accepted', await submit(good, proofWords, pub, ts + 60n), 'ok');
  const call = async (data) => rpc.call('eth_call', [{ to: good, data }, 'latest']);
  const n = Number(E * P);
  const outputs = committed ? 8 : 1 + 6 * n + 6;
  // The book's total value, as public.json has it (the first of the six totals).
  const total = await call(encodeCall(marks.selectors['totals(uint256)'], [{ words: [0n] }]));
  const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
  const asInt256 = (v) => (v > R / 2n ? (1n << 256n) - (R - v) : v);  // the contract's _signed, as a word
  check("the stored total value is the proof's", BigInt(total), asInt256(pub[outputs - 6]));
  if (committed) {
    const c = await call(encodeCall(marks.selectors['resultsCommitment()'], []));
    check("the stored commitment is the proof's", BigInt(c), pub[1]);
  } else {
    // The stored mark of the first option (a call at the first strike): its price, as public.json has it.
    const strike = pub[outputs + 4 + Number(E)];
    const key = encodeCall(marks.selectors['markKey(uint256,uint256,bool)'], [
      { words: [pub[outputs + 4], strike, pub[outputs + 4 + Number(E) + n]] }]);
    const mk = await call(key);
    const stored = await call(encodeCall(marks.selectors['marks(bytes32)'], [{ words: [BigInt(mk)] }]));
    const price = BigInt('0x' + stored.slice(2, 66));
    check("the stored price is the proof's (a positive call price)", price, pub[1]);
  }
  check('a replayed snapshot is refused', await submit(good, proofWords, pub, ts + 120n), 'replayed or older snapshot');

  const late = await deployMarks([ax, ay]);
  check('a stale snapshot is refused', await submit(late, proofWords, pub, ts + 7200n), 'stale snapshot');
  const other = await deployMarks([ax + 1n, ay]);
  check('another oracle key is refused', await submit(other, proofWords, pub, ts + 7300n), 'not this contract\'s oracle');
  const fresh = await deployMarks([ax, ay]);
  const bad = [...proofWords];
  bad[0] = (bad[0] + 1n) % 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
  check('a tampered proof is refused', await submit(fresh, bad, pub, ts + 7400n) !== 'ok', true);
} finally {
  await anvil.stop();
}
console.log(`options_evm: ${results.passed} passed, ${results.failed} failed`);
process.exit(results.failed === 0 ? 0 : 1);
