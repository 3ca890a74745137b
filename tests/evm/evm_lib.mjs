// Helpers for the EVM test: an anvil node on 127.0.0.1, raw JSON-RPC over fetch, solc's JS API and
// a minimal ABI encoder (uint256 words, fixed arrays and uint256[] only). No dependencies beyond
// the npm test peers in tools/peers.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import net from 'node:net';

export const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
export const Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;

const sleep = (ms) => new Promise((res) => setTimeout(res, ms));

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export class Rpc {
  constructor(url) {
    this.url = url;
    this.id = 0;
  }
  async call(method, params = []) {
    const res = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: ++this.id, method, params }),
      signal: AbortSignal.timeout(60000),
    });
    const j = await res.json();
    if (j.error) {
      const e = new Error(`${method}: ${j.error.message}`);
      e.rpc = j.error;
      throw e;
    }
    return j.result;
  }
}

// Starts anvil on a free port of 127.0.0.1 and waits until it answers. `stop()` kills it; its
// process id goes to `pidFile` (if given) so that the calling script can kill it after a crash.
export async function startAnvil(bin, extraArgs = [], pidFile = null) {
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const proc = spawn(bin, ['--host', '127.0.0.1', '--port', String(port), '--silent', ...extraArgs], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    if (pidFile) fs.writeFileSync(pidFile, String(proc.pid));
    let stderr = '';
    proc.stderr.on('data', (d) => (stderr += d));
    let exited = false;
    const done = new Promise((res) => proc.on('exit', () => res((exited = true))));
    const rpc = new Rpc(`http://127.0.0.1:${port}`);
    // Kills anvil and resolves once it is gone (reaped).
    const stop = () => {
      if (!exited) proc.kill('SIGKILL');
      return done;
    };
    for (let i = 0; i < 200 && !exited; i++) {
      try {
        await rpc.call('eth_chainId');
        return { rpc, stop, port };
      } catch {
        await sleep(100);
      }
    }
    const diedEarly = exited;
    await stop();
    if (!diedEarly) throw new Error(`anvil did not answer on port ${port}: ${stderr}`);
    // Exited early (most likely the port was taken in between): try another port.
  }
  throw new Error('anvil could not be started');
}

// Compiles { name: source } with solc-js. Returns { contracts: { 'file:Contract': {...} }, warnings }.
export function compile(solcPath, sources, { optimizer = true, viaIR = false, evmVersion = undefined } = {}) {
  const solc = createRequire(import.meta.url)(solcPath);
  const input = {
    language: 'Solidity',
    sources: Object.fromEntries(Object.entries(sources).map(([k, v]) => [k, { content: v }])),
    settings: {
      optimizer: { enabled: optimizer, runs: 200 },
      viaIR,
      ...(evmVersion ? { evmVersion } : {}),
      outputSelection: {
        '*': { '*': ['evm.bytecode.object', 'evm.deployedBytecode.object', 'evm.methodIdentifiers'] },
      },
    },
  };
  const out = JSON.parse(solc.compile(JSON.stringify(input)));
  const errors = (out.errors || []).filter((e) => e.severity === 'error');
  if (errors.length) throw new Error(errors.map((e) => e.formattedMessage).join('\n'));
  const contracts = {};
  for (const [file, cs] of Object.entries(out.contracts || {})) {
    for (const [name, c] of Object.entries(cs)) {
      contracts[`${file}:${name}`] = {
        bytecode: '0x' + c.evm.bytecode.object,
        runtime: '0x' + c.evm.deployedBytecode.object,
        runtimeSize: c.evm.deployedBytecode.object.length / 2,
        selectors: c.evm.methodIdentifiers,
      };
    }
  }
  const warnings = (out.errors || []).filter((e) => e.severity !== 'error').map((e) => e.formattedMessage);
  return { contracts, warnings, version: solc.version() };
}

export const word = (x) => {
  const v = BigInt(x);
  if (v < 0n || v >= 1n << 256n) throw new Error(`not a uint256: ${x}`);
  return v.toString(16).padStart(64, '0');
};

// ABI-encodes a call: each argument is { words: [...] } (static: uint256, uint256[k], nested
// fixed arrays flattened) or { array: [...] } (uint256[]).
export function encodeCall(selector, args) {
  const headSize = args.reduce((n, a) => n + 32 * (a.words ? a.words.length : 1), 0);
  let head = '';
  let tail = '';
  for (const a of args) {
    if (a.words) {
      head += a.words.map(word).join('');
    } else {
      head += word(headSize + tail.length / 2);
      tail += word(a.array.length) + a.array.map(word).join('');
    }
  }
  return '0x' + selector + head + tail;
}

export class Chain {
  // `txFields`: added to every transaction (e.g. a gasPrice for a chain from before EIP-1559).
  constructor(rpc, from, txFields = {}) {
    this.rpc = rpc;
    this.from = from;
    this.txFields = txFields;
  }
  async receipt(hash) {
    for (let i = 0; i < 200; i++) {
      const r = await this.rpc.call('eth_getTransactionReceipt', [hash]);
      if (r) return r;
      await sleep(25);
    }
    throw new Error(`no receipt for ${hash}`);
  }
  async deploy(bytecode) {
    const hash = await this.rpc.call('eth_sendTransaction', [{ from: this.from, data: bytecode, gas: '0xf42400', ...this.txFields }]);
    const r = await this.receipt(hash);
    if (r.status !== '0x1' || !r.contractAddress) throw new Error('deployment failed');
    return r.contractAddress;
  }
  // eth_call; 'true' / 'false' for a bool result, 'revert' when the call reverts.
  async callBool(to, data, gas = '0xf42400') {
    try {
      const out = await this.rpc.call('eth_call', [{ from: this.from, to, data, gas }, 'latest']);
      if (out === '0x' + word(1)) return 'true';
      if (out === '0x' + word(0)) return 'false';
      return `unexpected output ${out}`;
    } catch (e) {
      if (e.rpc) return 'revert';
      throw e;
    }
  }
  // Sends the call as a transaction (gas limit 30M) and returns the receipt's gasUsed (intrinsic
  // + calldata + execution), after checking that eth_call returns `expect` ('true' or 'false').
  async gasUsed(to, data, expect = 'true') {
    const result = await this.callBool(to, data, '0x1c9c380');
    if (result !== expect) throw new Error(`gas measured on a call that returns ${result}, not ${expect}`);
    const hash = await this.rpc.call('eth_sendTransaction', [{ from: this.from, to, data, gas: '0x1c9c380', ...this.txFields }]);
    const r = await this.receipt(hash);
    if (r.status !== '0x1') throw new Error('transaction failed');
    return Number(BigInt(r.gasUsed));
  }
}

// Test bookkeeping: `check` counts, and prints what failed.
export const results = { passed: 0, failed: 0 };
export function check(what, got, want) {
  if (got === want) {
    results.passed++;
  } else {
    results.failed++;
    console.log(`FAIL: ${what}: got ${got}, expected ${want}`);
  }
}

// EIP-2028 calldata cost: 16 gas a non-zero byte, 4 a zero byte.
export function calldataGas(data) {
  let gas = 0;
  for (let i = 2; i < data.length; i += 2) gas += data.slice(i, i + 2) === '00' ? 4 : 16;
  return gas;
}
