// examples/margin/MarginLiquidations.sol on anvil with margin_cross proofs: a bankrupt and a
// liquidatable account are flagged, a healthy account's proof flags nothing; a tampered outcome,
// another oracle key, other risk parameters, a changed funding index, a stale snapshot, one from
// the future, an account whose commitment has changed and a stranger updating the venue's state
// are refused. Used by tests/margin/margin.sh.
//
// usage: node margin_evm.mjs --proofmill BIN --zkey margin.zkey --work DIR
//        --bankrupt NAME --liquidatable NAME --healthy NAME   (NAME.json, NAME-proof.json,
//        NAME-public.json, NAME-results.json in DIR)
//        [--portfolio-zkey Z --portfolio-liquidatable NAME --portfolio-maintenance NAME]
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
const Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;

const verifierSol = path.join(opt.work, 'Verifier.sol');
execFileSync(opt.proofmill, ['export', 'solidity', opt.zkey, verifierSol]);
const { contracts } = compile(SOLC, {
  'Verifier.sol': fs.readFileSync(verifierSol, 'utf8'),
  'MarginLiquidations.sol': fs.readFileSync(path.join(ROOT, 'examples/margin/MarginLiquidations.sol'), 'utf8'),
});
const verifier = contracts['Verifier.sol:Groth16Verifier'];
const liq = contracts['MarginLiquidations.sol:MarginLiquidations'];

const load = (name) => {
  const read = (suffix) => JSON.parse(fs.readFileSync(path.join(opt.work, name + suffix), 'utf8'));
  const proof = read('-proof.json');
  return {
    request: read('.json'),
    results: read('-results.json'),
    pub: read('-public.json').map(BigInt),
    words: [proof.pi_a[0], proof.pi_a[1], proof.pi_b[0][1], proof.pi_b[0][0], proof.pi_b[1][1],
      proof.pi_b[1][0], proof.pi_c[0], proof.pi_c[1]].map(BigInt),
  };
};
const bankrupt = load(opt.bankrupt), liquidatable = load(opt.liquidatable), healthy = load(opt.healthy);
const M = bankrupt.request.markets.length, A = bankrupt.request.accounts.length;
const [ax, ay] = bankrupt.results.oracle_key.map(BigInt);
const risk = BigInt(bankrupt.results.risk);
const ts = BigInt(bankrupt.request.markets[0].snapshot.timestamp);
const fundingOf = (p) => Array.from({ length: M }, (_, k) => [p.pub[M + A + 2 + k], p.pub[M + A + 2 + 2 * M + k]]);

const flagData = (p, words = p.words, signals = p.pub) =>
  encodeCall(liq.selectors['flag(uint256[2],uint256[2][2],uint256[2],uint256[])'], [
    { words: words.slice(0, 2) }, { words: words.slice(2, 6) }, { words: words.slice(6, 8) }, { array: signals }]);

const anvil = await startAnvil(ANVIL, ['--timestamp', String(ts - 1000n)], path.join(opt.work, 'anvil.pid'));
try {
  const rpc = anvil.rpc;
  const [venue, keeper] = await rpc.call('eth_accounts');
  const chain = new Chain(rpc, venue);
  const vAddr = await chain.deploy(verifier.bytecode);
  let t = ts - 900n;  // first, the chain's clock behind the oracle's
  const at = async () => {
    await rpc.call('evm_setNextBlockTimestamp', [Number(t)]);
    t += 10n;
  };
  // Sends a call; returns 'ok' or the revert reason.
  const send = async (to, data, from = venue, label = '') => {
    await at();
    try {
      await rpc.call('eth_estimateGas', [{ from, to, data }]);
    } catch (e) {
      const m = /revert(?:ed)?:? ?(.*)$/.exec(e.message);
      await rpc.call('evm_mine', []);
      return m ? m[1] : e.message;
    }
    const hash = await rpc.call('eth_sendTransaction', [{ from, to, data, gas: '0x1c9c380' }]);
    const r = await chain.receipt(hash);
    if (r.status === '0x1' && label) console.log(`${label}: ${Number(BigInt(r.gasUsed))} gas`);
    return r.status === '0x1' ? 'ok' : 'failed';
  };
  const call = async (to, sig, args) => BigInt(await rpc.call('eth_call', [{ to, data: encodeCall(liq.selectors[sig], args) }, 'latest']));
  const deploy = async (key = [ax, ay], r = risk, maxAge = 3600n) => {
    const args = [vAddr, key[0], key[1], BigInt(M), BigInt(A), maxAge, r, 0n].map(word).join('');
    const addr = await chain.deploy(liq.bytecode + args);
    for (const [feed, index] of fundingOf(bankrupt)) {
      check('the venue sets a funding index', await send(addr, encodeCall(liq.selectors['setFunding(uint256,uint256)'], [{ words: [feed, index] }])), 'ok');
    }
    for (const p of [bankrupt, liquidatable, healthy]) {
      for (const a of p.results.accounts) {
        if ((await call(addr, 'leafOf(uint256)', [{ words: [BigInt(a.id)] }])) === BigInt(a.leaf)) continue;
        await send(addr, encodeCall(liq.selectors['setAccount(uint256,uint256)'], [{ words: [BigInt(a.id), BigInt(a.leaf)] }]));
      }
    }
    return addr;
  };
  const flagged = async (addr, id) => call(addr, 'flagged(uint256)', [{ words: [BigInt(id)] }]);

  const early = await deploy();
  check('a snapshot from the future is refused', await send(early, flagData(bankrupt), keeper), 'snapshot from the future');
  t = ts + 10n;

  const c = await deploy();
  check('a stranger cannot set a funding index',
    await send(c, encodeCall(liq.selectors['setFunding(uint256,uint256)'], [{ words: [1n, 0n] }]), keeper), 'not the venue');
  check("a healthy account's proof flags nothing", await send(c, flagData(healthy), keeper), 'no account is liquidatable');
  check('account 9 is not flagged', await flagged(c, 9), 0n);
  check('a bankrupt account is flagged by anyone', await send(c, flagData(bankrupt), keeper, 'flag (1 of 2 accounts)'), 'ok');
  check('account 8 is flagged bankrupt', await flagged(c, 8), 2n);
  check('account 7 (healthy in the same proof) is not flagged', await flagged(c, 7), 0n);
  check('a liquidatable account is flagged', await send(c, flagData(liquidatable), keeper), 'ok');
  check('account 9 is flagged liquidatable', await flagged(c, 9), 1n);

  // A healthy outcome changed to liquidatable: the proof no longer verifies.
  const lie = [...healthy.pub];
  lie[M + 1] = 1n;
  check('a changed outcome is refused', await send(c, flagData(healthy, healthy.words, lie), keeper), 'invalid proof');
  const bad = [...liquidatable.words];
  bad[0] = (bad[0] + 1n) % Q;
  check('a tampered proof is refused', (await send(c, flagData(liquidatable, bad), keeper)) !== 'ok', true);

  // The venue's state binds the proof.
  const other = await deploy([ax + 1n, ay]);
  check('another oracle key is refused', await send(other, flagData(bankrupt), keeper), "not this contract's oracle");
  const otherRisk = await deploy([ax, ay], risk + 1n);
  check('other risk parameters are refused', await send(otherRisk, flagData(bankrupt), keeper), 'other risk parameters');
  const moved = await deploy();
  await send(moved, encodeCall(liq.selectors['setFunding(uint256,uint256)'], [{ words: [fundingOf(bankrupt)[0][0], 1n] }]));
  check('a funding index that moved is refused', await send(moved, flagData(bankrupt), keeper), 'not the current funding index');
  const updated = await deploy();
  const acct8 = bankrupt.results.accounts[1];
  await send(updated, encodeCall(liq.selectors['setAccount(uint256,uint256)'], [{ words: [BigInt(acct8.id), 12345n] }]));
  check('a proof about an old commitment is refused', await send(updated, flagData(bankrupt), keeper), 'not a current account commitment');
  const stale = await deploy([ax, ay], risk, 60n);
  check('a stale snapshot is refused', await send(stale, flagData(bankrupt), keeper), 'stale snapshot');

  // Portfolio proofs: the same contract with margin_portfolio's verifier and layout.
  if (opt['portfolio-zkey']) {
    const pSol = path.join(opt.work, 'PortfolioVerifier.sol');
    execFileSync(opt.proofmill, ['export', 'solidity', opt['portfolio-zkey'], pSol]);
    const pv = compile(SOLC, { 'PortfolioVerifier.sol': fs.readFileSync(pSol, 'utf8') }).contracts['PortfolioVerifier.sol:Groth16Verifier'];
    const pvAddr = await chain.deploy(pv.bytecode);
    const liquid = load(opt['portfolio-liquidatable']), maint = load(opt['portfolio-maintenance']);
    const [pax, pay] = liquid.results.oracle_key.map(BigInt);
    const args = [pvAddr, pax, pay, 1n, 1n, 3600n, 0n, 1n].map(word).join('');
    const pc = await chain.deploy(liq.bytecode + args);
    await send(pc, encodeCall(liq.selectors['setFunding(uint256,uint256)'], [{ words: [liquid.pub[4], liquid.pub[6]] }]));
    const pid = BigInt(liquid.results.accounts[0].id);
    await send(pc, encodeCall(liq.selectors['setAccount(uint256,uint256)'], [{ words: [pid, maint.pub[7]] }]));
    check('portfolio: an account meeting only its maintenance margin is not flagged',
      await send(pc, flagData(maint), keeper), 'no account is liquidatable');
    check('portfolio: a proof about another book is refused', await send(pc, flagData(liquid), keeper),
      'not a current account commitment');
    await send(pc, encodeCall(liq.selectors['setAccount(uint256,uint256)'], [{ words: [pid, liquid.pub[7]] }]));
    check('portfolio: a liquidatable account is flagged', await send(pc, flagData(liquid), keeper, 'portfolio flag'), 'ok');
    check('portfolio: flagged liquidatable', await flagged(pc, pid), 2n);
    const lie = [...maint.pub];
    lie[1] = 2n;
    check('portfolio: an outcome changed to liquidatable is refused', await send(pc, flagData(maint, maint.words, lie), keeper), 'invalid proof');
  }
} finally {
  await anvil.stop();
}
console.log(`margin_evm: ${results.passed} passed, ${results.failed} failed`);
process.exit(results.failed === 0 ? 0 : 1);
