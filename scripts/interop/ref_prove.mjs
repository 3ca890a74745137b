// Reference Groth16 prover that follows docs/FORMATS.md section 6 step by step,
// with plain BigInt field arithmetic (scalar side) and ffjavascript only for the
// MSMs / point additions. Used to confirm the documented procedure (its proofs
// must pass `snarkjs groth16 verify`) and, with fixed r and s, to produce
// deterministic expected proofs for Proofmill's prover.
//
// usage: node scripts/interop/ref_prove.mjs ZKEY WTNS PROOF_OUT PUBLIC_OUT
//            [--r DEC] [--s DEC] [--dump DIR]
//   r and s default to fixed values (printed to stderr); any correct prover run
//   with the same zkey, witness, r and s produces a byte-identical proof.json.
//   --dump DIR writes a.txt b.txt c.txt (domain evaluations, step 2/3),
//   h.txt (the H-MSM scalars, step 6), one decimal per line.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { readBin, leToBig, bigToLe } from "./binfile.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "..", "..", "tools", "peers", "package.json"));
const ffj = require("ffjavascript");

const args = process.argv.slice(2);
const opt = {};
const pos = [];
for (let i = 0; i < args.length; i++) {
    if (args[i].startsWith("--")) opt[args[i].slice(2)] = args[++i];
    else pos.push(args[i]);
}
if (pos.length !== 4) {
    console.error("usage: node scripts/interop/ref_prove.mjs ZKEY WTNS PROOF_OUT PUBLIC_OUT [--r DEC] [--s DEC] [--dump DIR]");
    process.exit(2);
}
const [zkeyFile, wtnsFile, proofFile, publicFile] = pos;

// ---------------- Fr arithmetic ----------------
const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
const md = (a) => { a %= R; return a < 0n ? a + R : a; };
const mul = (a, b) => (a * b) % R;
function pow(b, e) { let x = 1n; b = md(b); while (e > 0n) { if (e & 1n) x = mul(x, b); b = mul(b, b); e >>= 1n; } return x; }
const inv = (a) => pow(a, R - 2n);
const TWO_ADICITY = 28;
const NQR = 5n;
const rootOfUnity = (k) => pow(NQR, (R - 1n) >> BigInt(k)); // = ffjavascript Fr.w[k]

function ntt(a, w) { // in place: a[j] <- sum_k a[k] w^(jk)
    const n = a.length;
    for (let i = 1, j = 0; i < n; i++) {
        let bit = n >> 1;
        for (; j & bit; bit >>= 1) j ^= bit;
        j ^= bit;
        if (i < j) { const t = a[i]; a[i] = a[j]; a[j] = t; }
    }
    for (let len = 2; len <= n; len <<= 1) {
        const wl = pow(w, BigInt(n / len));
        const half = len >> 1;
        const tw = new Array(half);
        tw[0] = 1n;
        for (let k = 1; k < half; k++) tw[k] = mul(tw[k - 1], wl);
        for (let i = 0; i < n; i += len) {
            for (let k = 0; k < half; k++) {
                const u = a[i + k], v = mul(a[i + k + half], tw[k]);
                a[i + k] = u + v >= R ? u + v - R : u + v;
                a[i + k + half] = u - v < 0n ? u - v + R : u - v;
            }
        }
    }
    return a;
}

// ---------------- read inputs ----------------
const wt = readBin(wtnsFile, "wtns");
if (wt.version !== 2) throw new Error("only wtns version 2 supported");
const wh = wt.section(1);
const wn8 = wh.readUInt32LE(0);
if (leToBig(wh, 4, wn8) !== R) throw new Error("witness prime != BN254 r");
const nWitness = wh.readUInt32LE(4 + wn8);
const witnessBuf = wt.section(2);
if (witnessBuf.length !== nWitness * 32) throw new Error("witness section size mismatch");
const witness = new Array(nWitness);
for (let i = 0; i < nWitness; i++) witness[i] = leToBig(witnessBuf, i * 32);

const zk = readBin(zkeyFile, "zkey");
if (zk.section(1).readUInt32LE(0) !== 1) throw new Error("not a groth16 zkey");
const h = zk.section(2);
let o = 0;
const n8q = h.readUInt32LE(o); o += 4 + n8q;
const n8r = h.readUInt32LE(o); o += 4;
if (leToBig(h, o, n8r) !== R) throw new Error("zkey r != BN254 r");
o += n8r;
const nVars = h.readUInt32LE(o); o += 4;
const nPublic = h.readUInt32LE(o); o += 4;
const domainSize = h.readUInt32LE(o); o += 4;
const take = (len) => { const s = h.subarray(o, o + len); o += len; return s; };
const alpha1 = take(64), beta1 = take(64), beta2 = take(128), gamma2 = take(128), delta1 = take(64), delta2 = take(128);
void gamma2;
if (o !== h.length) throw new Error("zkey header size mismatch");
if (nVars !== nWitness) throw new Error(`witness length ${nWitness} != nVars ${nVars}`);
const power = Math.log2(domainSize);
if (!Number.isInteger(power)) throw new Error("domainSize not a power of two");

// ---------------- step 1-2: A, B, C evaluations on the n-th roots ----------------
const Rmont = (1n << 256n) % R;
const RinvSq = inv(mul(Rmont, Rmont));
const A = new Array(domainSize).fill(0n);
const B = new Array(domainSize).fill(0n);
const coefs = zk.section(4);
const nCoef = coefs.readUInt32LE(0);
if (coefs.length !== 4 + nCoef * (12 + n8r)) throw new Error("coef section size mismatch");
for (let i = 0; i < nCoef; i++) {
    const p = 4 + i * (12 + n8r);
    const m = coefs.readUInt32LE(p), c = coefs.readUInt32LE(p + 4), s = coefs.readUInt32LE(p + 8);
    const stored = leToBig(coefs, p + 12, n8r);    // = value * R^2 mod r
    const value = mul(stored, RinvSq);               // montmul(stored, w) == mont(value*w)
    const tgt = m === 0 ? A : m === 1 ? B : null;
    if (!tgt) throw new Error(`unexpected matrix id ${m}`);
    tgt[c] = md(tgt[c] + mul(value, witness[s]));
}
const C = A.map((a, i) => mul(a, B[i]));

// ---------------- step 3-5: move to the odd coset ----------------
const w = rootOfUnity(power);
const wInv = inv(w);
const nInv = inv(BigInt(domainSize));
const g = power === TWO_ADICITY ? NQR * NQR : rootOfUnity(power + 1); // coset generator
const gPow = new Array(domainSize);
gPow[0] = 1n;
for (let i = 1; i < domainSize; i++) gPow[i] = mul(gPow[i - 1], g);
function toOddCoset(evals) {
    const a = ntt(evals.slice(), wInv).map((x) => mul(x, nInv)); // iFFT: coefficients
    for (let i = 0; i < domainSize; i++) a[i] = mul(a[i], gPow[i]); // scale coefficient i by g^i
    return ntt(a, w);                                              // FFT: values at g*w^j
}
const Ao = toOddCoset(A), Bo = toOddCoset(B), Co = toOddCoset(C);
const H = Ao.map((a, i) => md(mul(a, Bo[i]) - Co[i]));

if (opt.dump) {
    fs.mkdirSync(opt.dump, { recursive: true });
    for (const [n, arr] of [["a", A], ["b", B], ["c", C], ["h", H]]) fs.writeFileSync(path.join(opt.dump, n + ".txt"), arr.join("\n") + "\n");
}

// ---------------- step 6-8: MSMs and final assembly ----------------
const curve = await ffj.buildBn128(true);
const G1 = curve.G1, G2 = curve.G2;
const scal = (arr) => Buffer.concat(arr.map((v) => bigToLe(v)));
const wBuf = new Uint8Array(witnessBuf);
const msm1 = (sec, sc) => G1.multiExpAffine(new Uint8Array(zk.section(sec)), sc);
let piA = await msm1(5, wBuf);
let piB1 = await msm1(6, wBuf);
let piB = await G2.multiExpAffine(new Uint8Array(zk.section(7)), wBuf);
let piC = await msm1(8, wBuf.subarray((nPublic + 1) * 32));
const resH = await msm1(9, new Uint8Array(scal(H)));

const fixed = (label) => BigInt("0x" + require("node:crypto").createHash("sha256").update(label).digest("hex")) % R;
const r = opt.r !== undefined ? md(BigInt(opt.r)) : fixed("proofmill/ref_prove/r");
const s = opt.s !== undefined ? md(BigInt(opt.s)) : fixed("proofmill/ref_prove/s");
console.error(`ref_prove: domainSize=${domainSize} nVars=${nVars} nPublic=${nPublic} r=${r} s=${s}`);

piA = G1.add(G1.add(piA, alpha1), G1.timesScalar(delta1, r));
piB = G2.add(G2.add(piB, beta2), G2.timesScalar(delta2, s));
piB1 = G1.add(G1.add(piB1, beta1), G1.timesScalar(delta1, s));
piC = G1.add(piC, resH);
piC = G1.add(piC, G1.timesScalar(piA, s));
piC = G1.add(piC, G1.timesScalar(piB1, r));
piC = G1.add(piC, G1.timesScalar(delta1, md(-mul(r, s))));

const str = ffj.utils.stringifyBigInts;
const proof = {
    pi_a: G1.toObject(G1.toAffine(piA)),
    pi_b: G2.toObject(G2.toAffine(piB)),
    pi_c: G1.toObject(G1.toAffine(piC)),
    protocol: "groth16",
    curve: "bn128",
};
const publicSignals = witness.slice(1, nPublic + 1);
fs.writeFileSync(proofFile, JSON.stringify(str(proof), null, 1));
// snarkjs (bfj) writes an empty array as "[\n]".
fs.writeFileSync(publicFile, publicSignals.length ? JSON.stringify(str(publicSignals), null, 1) : "[\n]");
