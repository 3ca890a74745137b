// The generated Solidity verifier on a real EVM (anvil): proofs from `proofmill prove` and from
// snarkjs verify, hostile calls return false, the batch verifier catches one bad proof among many,
// and gas is measured beside snarkjs's own generated verifier for the same key.
//
// usage: node tests/evm/evm_test.mjs --proofmill BIN --interop DIR --work DIR [--report FILE]
//   DIR: build/interop as tests/interop/interop.sh leaves it (circuits, snarkjs keys and proofs).
import { execFileSync, execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Chain, check, compile, encodeCall, results, startAnvil } from './evm_lib.mjs';
import { batchCases, gasTable, singleCases, starvationCases } from './evm_cases.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PEERS = path.join(ROOT, 'tools/peers/node_modules');
const SNARKJS = path.join(PEERS, 'snarkjs/build/cli.cjs');
const ANVIL = path.join(PEERS, '@foundry-rs/anvil-linux-amd64/bin/anvil');
const SOLC = path.join(PEERS, 'solc');
const opt = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
const PM = opt.proofmill;
const INTEROP = opt.interop;
const WORK = opt.work;
const run = promisify(execFile);
const t0 = Date.now();
const log = (s) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s] ${s}`);


// --- proofs -------------------------------------------------------------------------------------

// [A.x, A.y, B.x.im, B.x.re, B.y.im, B.y.re, C.x, C.y] and the public signals, as BigInts.
function loadProof(proofFile, publicFile) {
  const p = JSON.parse(fs.readFileSync(proofFile, 'utf8'));
  const words = [p.pi_a[0], p.pi_a[1], p.pi_b[0][1], p.pi_b[0][0], p.pi_b[1][1], p.pi_b[1][0], p.pi_c[0], p.pi_c[1]];
  return { words: words.map(BigInt), pub: JSON.parse(fs.readFileSync(publicFile, 'utf8')).map(BigInt) };
}

// The same proof as `proofmill export calldata` prints it (checks the command's order).
function calldataProof(proofFile, publicFile) {
  const out = execFileSync(PM, ['export', 'calldata', proofFile, publicFile], { encoding: 'utf8' });
  const [a, b, c, pub] = JSON.parse(`[${out}]`);
  return { words: [...a, ...b[0], ...b[1], ...c].map(BigInt), pub: pub.map(BigInt) };
}

async function prove(circuit, wtns, name) {
  const D = path.join(INTEROP, circuit);
  const proof = path.join(WORK, `${name}.proof.json`);
  const pub = path.join(WORK, `${name}.public.json`);
  await run(PM, ['prove', '-q', path.join(D, `${circuit}.zkey`), wtns, proof, pub]);
  return { proof, pub };
}

// `count` proofs of poseidon_chain_small over `distinct` different witnesses (public seeds).
async function manyProofs(count, distinct) {
  const D = path.join(INTEROP, 'poseidon_chain_small');
  const js = path.join(D, 'poseidon_chain_small_js');
  const wtns = [];
  for (let k = 0; k < distinct; k++) {
    const input = path.join(WORK, `in${k}.json`);
    fs.writeFileSync(input, JSON.stringify({ seed: String(1000 + 7 * k), salt: String(k + 1) }));
    wtns.push(path.join(WORK, `w${k}.wtns`));
    await run('node', [path.join(js, 'generate_witness.js'), path.join(js, 'poseidon_chain_small.wasm'), input, wtns[k]]);
  }
  const files = [];
  for (let i = 0; i < count; i += 2) {
    const two = [i, i + 1].filter((j) => j < count).map((j) => prove('poseidon_chain_small', wtns[j % distinct], `b${j}`));
    files.push(...(await Promise.all(two)));
  }
  // `export calldata --batch` prints what the test builds itself from proof.json files.
  const three = files.slice(0, 3).flatMap((f) => [f.proof, f.pub]);
  const [words, signals] = JSON.parse(`[${execFileSync(PM, ['export', 'calldata', '--batch', ...three], { encoding: 'utf8' })}]`);
  const loaded = files.map((f) => loadProof(f.proof, f.pub));
  check('export calldata --batch: proof words', words.map((w) => BigInt(w)).join(), loaded.slice(0, 3).flatMap((p) => p.words).join());
  check('export calldata --batch: signals', signals.map((w) => BigInt(w)).join(), loaded.slice(0, 3).flatMap((p) => p.pub).join());
  return loaded;
}

// --- contracts ----------------------------------------------------------------------------------

function snarkjsVerifier(circuit) {
  const out = path.join(WORK, `${circuit}.snarkjs.sol`);
  execFileSync('node', [SNARKJS, 'zkey', 'export', 'solidityverifier', path.join(INTEROP, circuit, `${circuit}.zkey`), out]);
  let src = fs.readFileSync(out, 'utf8');
  // snarkjs declares uint[0] for a key without public signals, which solc rejects: drop it.
  if (/uint\[0\] calldata _pubSignals/.test(src)) {
    src = src.replace(/,\s*uint\[0\] calldata _pubSignals/, '').replace(/_pubSignals, pMem\)/, '0, pMem)');
  }
  return src;
}

const LOOP = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.4;
interface ISnarkjsVerifier {
    function verifyProof(uint[2] calldata, uint[2][2] calldata, uint[2] calldata, uint[2] calldata) external view returns (bool);
}
// Calls snarkjs's verifier once per proof in one transaction (the fair baseline for a batch).
contract SnarkjsLoop {
    function verifyAll(ISnarkjsVerifier v, uint256[] calldata p, uint256[] calldata s) external view returns (bool) {
        for (uint256 i = 0; i < p.length / 8; i++) {
            uint256 k = 8 * i;
            if (!v.verifyProof([p[k], p[k + 1]], [[p[k + 2], p[k + 3]], [p[k + 4], p[k + 5]]], [p[k + 6], p[k + 7]],
                               [s[2 * i], s[2 * i + 1]])) return false;
        }
        return true;
    }
}`;

function sel(contract, signature) {
  const s = contract.selectors[signature];
  if (!s) throw new Error(`no ${signature} in ${Object.keys(contract.selectors)}`);
  return s;
}

const fixedSig = (n) => `verifyProof(uint256[2],uint256[2][2],uint256[2]${n ? `,uint256[${n}]` : ''})`;
const DYN = 'verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[])';
const BATCH = 'verifyBatch(uint256[],uint256[])';

// --- main ---------------------------------------------------------------------------------------

const CIRCUITS = { poseidon_chain_small: 2, nopublic: 0, manypublic: 301, signals_1: 1, signals_8: 8, signals_35: 35 };

async function prepare() {
  const keys = {};
  for (const [name, n] of Object.entries(CIRCUITS)) {
    const D = path.join(INTEROP, name);
    const sol = path.join(WORK, `${name}.sol`);
    execFileSync(PM, ['export', 'solidity', path.join(D, 'verification_key.json'), sol], { stdio: 'pipe' });
    execFileSync(PM, ['export', 'solidity', path.join(D, `${name}.zkey`), `${sol}.z`], { stdio: 'pipe' });
    check(`${name}: the contract from the zkey is the one from verification_key.json`,
          fs.readFileSync(`${sol}.z`, 'utf8') === fs.readFileSync(sol, 'utf8'), true);
    const mine = await prove(name, path.join(D, `${name}.wtns`), name);
    const k = { name, n, source: fs.readFileSync(sol, 'utf8'), snarkjsSource: snarkjsVerifier(name) };
    k.proof = calldataProof(mine.proof, mine.pub);
    k.jsonProof = loadProof(mine.proof, mine.pub);
    k.snarkjsProof = loadProof(path.join(D, 'proof.snarkjs.json'), path.join(D, 'public.snarkjs.json'));
    const again = await prove(name, path.join(D, `${name}.wtns`), `${name}.2`);
    k.batch = [k.proof, k.snarkjsProof, loadProof(again.proof, again.pub)];
    keys[name] = k;
  }
  log('single proofs and contracts ready');
  keys.poseidon_chain_small.batch = await manyProofs(128, 8);
  log('128 poseidon_chain_small proofs ready');
  return keys;
}

async function deployAll(chain, keys) {
  for (const k of Object.values(keys)) {
    const out = compile(SOLC, { 'Verifier.sol': k.source, 'SnarkjsVerifier.sol': k.snarkjsSource });
    k.c = out.contracts['Verifier.sol:Groth16Verifier'];
    k.sc = out.contracts['SnarkjsVerifier.sol:Groth16Verifier'];
    k.solc = out.version;
    // solc's only acceptable warning about our contract is EIP-170's size warning (reported apart).
    const ours = out.warnings.filter((w) => w.includes('Verifier.sol') && !w.includes('SnarkjsVerifier.sol'));
    check(`${k.name}: our contract compiles without warnings`, ours.filter((w) => !w.includes('24576 bytes')).join('\n'), '');
    check(`${k.name}: our contract's code (${k.c.runtimeSize} bytes) fits EIP-170`, k.c.runtimeSize <= 24576, true);
    k.addr = await chain.deploy(k.c.bytecode);
    k.snarkjsAddr = await chain.deploy(k.sc.bytecode);
  }
  // Both contracts compiled otherwise too (ours must behave the same, and cost no more than
  // snarkjs's compiled the same way), for the keys with 1 and 2 signals.
  for (const p of [keys.poseidon_chain_small, keys.signals_1]) {
    p.variants = [];
    for (const [label, settings] of [['optimizer off', { optimizer: false }], ['via-IR', { viaIR: true }]]) {
      const out = compile(SOLC, { 'Verifier.sol': p.source, 'SnarkjsVerifier.sol': p.snarkjsSource }, settings);
      const c = out.contracts['Verifier.sol:Groth16Verifier'];
      const sc = out.contracts['SnarkjsVerifier.sol:Groth16Verifier'];
      p.variants.push({ label, c, sc, addr: await chain.deploy(c.bytecode), snarkjsAddr: await chain.deploy(sc.bytecode),
                        runtimeSize: c.runtimeSize });
    }
  }
  const p = keys.poseidon_chain_small;
  const loop = compile(SOLC, { 'Loop.sol': LOOP }).contracts['Loop.sol:SnarkjsLoop'];
  p.loop = { c: loop, addr: await chain.deploy(loop.bytecode) };
  log('contracts compiled and deployed');
}

// A chain that never adopted EIP-1108 (anvil --hardfork petersburg, the last fork with EIP-196/197's
// prices; the contract needs Constantinople's shifts, so not Byzantium itself): the default contract refuses
// to deploy there (its constructor finds the precompiles dearer than what it forwards), and the
// one made with --precompile-gas byzantium deploys and verifies, with rejected proofs bounded.
async function byzantiumCases(keys) {
  const k = keys.poseidon_chain_small;
  const sol = path.join(WORK, 'byzantium.sol');
  execFileSync(PM, ['export', 'solidity', path.join(INTEROP, k.name, 'verification_key.json'), sol,
                    '--precompile-gas', 'byzantium'], { stdio: 'pipe' });
  const settings = { evmVersion: 'petersburg' };
  const priced = compile(SOLC, { 'Verifier.sol': fs.readFileSync(sol, 'utf8') }, settings).contracts['Verifier.sol:Groth16Verifier'];
  const istanbul = compile(SOLC, { 'Verifier.sol': k.source }, settings).contracts['Verifier.sol:Groth16Verifier'];
  const anvil = await startAnvil(ANVIL, ['--hardfork', 'petersburg'], path.join(WORK, 'anvil2.pid'));
  try {
    const chain = new Chain(anvil.rpc, (await anvil.rpc.call('eth_accounts'))[0], { gasPrice: '0x3b9aca00' });
    // 'deployment failed' is a mined creation whose constructor reverted.
    const refused = await chain.deploy(istanbul.bytecode).then(() => 'deployed',
                                                               (e) => (e.message === 'deployment failed' ? 'refused' : e.message));
    check('pre-Istanbul chain: the contract with EIP-1108 prices refuses to deploy', refused, 'refused');
    const addr = await chain.deploy(priced.bytecode);
    const dynSel = priced.selectors['verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[])'];
    const one = (p) => encodeCall(dynSel, [{ words: p.words }, { array: p.pub }]);
    const batchSel = priced.selectors['verifyBatch(uint256[],uint256[])'];
    const batch = (ps) => encodeCall(batchSel, [{ array: ps.flatMap((p) => p.words) }, { array: ps.flatMap((p) => p.pub) }]);
    check('pre-Istanbul chain: proof', await chain.callBool(addr, one(k.proof)), 'true');
    check('pre-Istanbul chain: batch of 8', await chain.callBool(addr, batch(k.batch.slice(0, 8))), 'true');
    const valid = await chain.gasUsed(addr, one(k.proof));
    const C = { words: [...k.proof.words.slice(0, 6), k.proof.words[6], k.proof.words[7] + 1n], pub: k.proof.pub };
    const gas = await chain.gasUsed(addr, one(C), 'false');
    check(`pre-Istanbul chain: C off the curve costs ${gas} <= a valid proof's ${valid} + 1000`, gas <= valid + 1000, true);
    const bad = k.batch.slice(0, 8).map((p, j) => (j === 3 ? C : p));
    check('pre-Istanbul chain: batch of 8 with one C off the curve', await chain.callBool(addr, batch(bad)), 'false');
    log(`pre-Istanbul chain: one proof ${valid} gas`);
    return { single: valid, rejected_c_off_curve: gas };
  } finally {
    await anvil.stop();
  }
}

// A fork that raises a precompile's price after deployment: the contract then forwards too little
// to ECMUL (or ECADD) on every call. Simulated with the contract made for prices 1 gas lower
// placed by anvil_setCode (its constructor would refuse to deploy). Every answer must be false:
// a failed call on the key's points leaves stale memory behind (in a batch of one, pair 1 keeps
// proof 0's C), so A = C = O with B = the G2 generator would pass if those calls went unchecked.
async function priceRiseCases(chain, keys) {
  const k = keys.poseidon_chain_small;
  const G2 = [0x198e9393920d483a7260bfb731fb5d25f1aa493335a9e71297e485b7aef312c2n,
              0x1800deef121f1e76426a00665e5c4479674322d4f75edadd46debd5cd992f6edn,
              0x090689d0585ff075ec9e99ad690c3395bc4b313370b38ef355acdadcd122975bn,
              0x12c85ea5db8c6deb4aab71808dcb408fe3d1e7690c43d37b4ce6cc0166fa7daan];
  const forged = { words: [0n, 0n, ...G2, 0n, 0n], pub: k.proof.pub };
  for (const [what, prices, addr] of [['ECMUL', '150,5999,45000,34000', '0x00000000000000000000000000000000000e0c07'],
                                      ['ECADD', '149,6000,45000,34000', '0x00000000000000000000000000000000000e0c06']]) {
    const sol = path.join(WORK, `rise_${what}.sol`);
    execFileSync(PM, ['export', 'solidity', path.join(INTEROP, k.name, 'verification_key.json'), sol,
                      '--precompile-gas', prices], { stdio: 'pipe' });
    const c = compile(SOLC, { 'Verifier.sol': fs.readFileSync(sol, 'utf8') }).contracts['Verifier.sol:Groth16Verifier'];
    await chain.rpc.call('anvil_setCode', [addr, c.runtime]);
    const fixed = (p) => encodeCall(c.selectors[`verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[${k.n}])`],
                                    [{ words: [...p.words, ...p.pub] }]);
    const batch = (ps) => encodeCall(c.selectors['verifyBatch(uint256[],uint256[])'],
                                     [{ array: ps.flatMap((p) => p.words) }, { array: ps.flatMap((p) => p.pub) }]);
    const name = `${what} dearer than forwarded after deployment`;
    check(`${name}: a valid proof is answered false`, await chain.callBool(addr, fixed(k.proof)), 'false');
    check(`${name}: a valid batch of 8 is answered false`, await chain.callBool(addr, batch(k.batch.slice(0, 8))), 'false');
    check(`${name}: A = C = O, B = G2 generator, batch of one`, await chain.callBool(addr, batch([forged])), 'false');
    check(`${name}: A = C = O, B = G2 generator, single`, await chain.callBool(addr, fixed(forged)), 'false');
  }
}

async function main() {
  fs.mkdirSync(WORK, { recursive: true });
  const keys = await prepare();
  // 64 KiB of code so that snarkjs's verifier for 301 signals deploys (ours is checked apart).
  const anvil = await startAnvil(ANVIL, ['--code-size-limit', '65536'], path.join(WORK, 'anvil.pid'));
  const abort = async (why) => {
    console.log(`FAIL: ${why}`);
    await anvil.stop();
    process.exit(1);
  };
  const watchdog = setTimeout(() => abort('evm test timed out'), Number(opt.timeout || 300) * 1000);
  process.on('SIGTERM', () => abort('terminated'));
  process.on('SIGINT', () => abort('interrupted'));
  try {
    const accounts = await anvil.rpc.call('eth_accounts');
    const info = await anvil.rpc.call('anvil_nodeInfo').catch(() => ({}));
    log(`anvil on 127.0.0.1:${anvil.port}, hardfork ${info.hardFork || '?'}`);
    const chain = new Chain(anvil.rpc, accounts[0]);
    await deployAll(chain, keys);
    const ctx = { chain, sel, fixedSig, DYN, BATCH };
    for (const k of Object.values(keys)) await singleCases(ctx, k);
    await batchCases(ctx, keys);
    await priceRiseCases(chain, keys);
    const starvation = await starvationCases(ctx, keys);
    log('cases done');
    const report = await gasTable(ctx, keys);
    report.starvation = starvation;
    report.byzantium = await byzantiumCases(keys);
    report.hardfork = info.hardFork;
    if (opt.report) {
      fs.mkdirSync(path.dirname(opt.report), { recursive: true });
      fs.writeFileSync(opt.report, JSON.stringify(report, null, 1) + '\n');
    }
  } catch (e) {
    results.failed++;
    console.log(`FAIL: ${e.stack || e}`);
  } finally {
    clearTimeout(watchdog);
    await anvil.stop();
  }
  log('done');
  console.log(`evm: ${results.passed} passed, ${results.failed} failed`);
  process.exit(results.failed === 0 && results.passed > 0 ? 0 : 1);
}

main();
