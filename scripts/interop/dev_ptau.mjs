// Reference dev-only .ptau writer with KNOWN tau, alpha, beta (insecure by design).
// Writes exactly what docs/FORMATS.md section 5 says a phase-2-prepared ptau holds,
// computing every point directly from the secrets (Lagrange sections from the
// closed form, not by an FFT over points), so it is an independent check of the
// layout that `snarkjs powersoftau prepare phase2` produces. Proofmill's native
// dev ptau writer should produce byte-identical files for the same secrets.
//
// usage: node scripts/interop/dev_ptau.mjs POWER OUT [--tau DEC] [--alpha DEC] [--beta DEC] [--no-phase2]
//   --no-phase2 writes only sections 1-7 (what `powersoftau new/contribute` leave).
//   Keep POWER small (<= 12): every point is an individual scalar multiplication.
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { writeBin, bigToLe } from "./binfile.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "..", "..", "tools", "peers", "package.json"));
const ffj = require("ffjavascript");

const args = process.argv.slice(2);
const opt = {}; const pos = [];
for (let i = 0; i < args.length; i++) {
    if (args[i] === "--no-phase2") opt.noPhase2 = true;
    else if (args[i].startsWith("--")) opt[args[i].slice(2)] = args[++i];
    else pos.push(args[i]);
}
if (pos.length !== 2) {
    console.error("usage: node scripts/interop/dev_ptau.mjs POWER OUT [--tau DEC] [--alpha DEC] [--beta DEC] [--no-phase2]");
    process.exit(2);
}
const power = Number(pos[0]);
const out = pos[1];
if (!(power >= 1 && power <= 16)) throw new Error("POWER must be in 1..16");

const Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
const md = (a) => { a %= R; return a < 0n ? a + R : a; };
const mul = (a, b) => (a * b) % R;
function pow(b, e) { let x = 1n; b = md(b); while (e > 0n) { if (e & 1n) x = mul(x, b); b = mul(b, b); e >>= 1n; } return x; }
const inv = (a) => pow(a, R - 2n);
const rootOfUnity = (k) => pow(5n, (R - 1n) >> BigInt(k));

const tau = md(BigInt(opt.tau ?? "1234567890123456789012345678901234567890"));
const alpha = md(BigInt(opt.alpha ?? "987654321987654321987654321"));
const beta = md(BigInt(opt.beta ?? "555555555555555555555555555555"));

const curve = await ffj.buildBn128(true);

// scalars -> concatenated affine LEM points (x||y, 32-byte little-endian Montgomery limbs)
async function points(G, scalars) {
    const sJac = G.F.n8 * 3;
    const jac = new Uint8Array(scalars.length * sJac);
    scalars.forEach((k, i) => jac.set(G.timesScalar(G.g, k), i * sJac));
    return Buffer.from(await G.batchToAffine(jac));
}
const powers = (x, n, scale = 1n) => { const a = new Array(n); let v = scale; for (let i = 0; i < n; i++) { a[i] = v; v = mul(v, x); } return a; };

// L_i(tau) over the 2^p-th roots, i = 0..m-1; with `truncated` the tau^(m-1) term is
// dropped (what snarkjs does for level power+1, whose input tau^(2m-1) is absent).
function lagrange(p, scale, truncated) {
    const m = 1 << p;
    const w = rootOfUnity(p);
    const mInv = inv(BigInt(m));
    const tm1 = md(pow(tau, BigInt(m)) - 1n);
    const tmMinus1 = pow(tau, BigInt(m - 1));
    const res = new Array(m);
    let wi = 1n;
    for (let i = 0; i < m; i++) {
        // L_i(tau) = (tau^m - 1) * w^i / (m * (tau - w^i))
        let l = mul(mul(tm1, wi), inv(mul(BigInt(m), md(tau - wi))));
        if (truncated) l = md(l - mul(mul(mInv, tmMinus1), wi));
        res[i] = mul(l, scale);
        wi = mul(wi, w);
    }
    return res;
}
for (let p = 0; p <= power + 1; p++) if (pow(tau, 1n << BigInt(p)) === 1n) throw new Error("tau is a root of unity");

const N = 1 << power;
const header = Buffer.concat([bigToLe(32n, 4), bigToLe(Q, 32), bigToLe(BigInt(power), 4), bigToLe(BigInt(power), 4)]);
const sections = [
    [1, header],
    [2, await points(curve.G1, powers(tau, 2 * N - 1))],
    [3, await points(curve.G2, powers(tau, N))],
    [4, await points(curve.G1, powers(tau, N, alpha))],
    [5, await points(curve.G1, powers(tau, N, beta))],
    [6, await points(curve.G2, [beta])],
    [7, bigToLe(0n, 4)], // zero contributions
];
if (!opt.noPhase2) {
    const levels = async (maxP, scale, G, truncLast) => {
        const parts = [];
        for (let p = 0; p <= maxP; p++) parts.push(await points(G, lagrange(p, scale, truncLast && p === maxP)));
        return Buffer.concat(parts);
    };
    sections.push([12, await levels(power + 1, 1n, curve.G1, true)]);
    sections.push([13, await levels(power, 1n, curve.G2, false)]);
    sections.push([14, await levels(power, alpha, curve.G1, false)]);
    sections.push([15, await levels(power, beta, curve.G1, false)]);
}
writeBin(out, "ptau", 1, sections);
console.error(`dev_ptau: power=${power} tau=${tau} alpha=${alpha} beta=${beta} -> ${out}`);
