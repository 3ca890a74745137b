// Generate BN254 curve test vectors for Proofmill.
//
//   node tests/vectors/gen_curve_vectors.mjs > tests/vectors/bn254_curve.json
//
// Deterministic: all scalars are fixed or derived from SHA-256 of fixed labels.
// Independent references: @noble/curves (bn254) and ffjavascript (the library
// snarkjs uses), both resolved from tools/peers/node_modules. Every group
// operation and pairing is computed by both and compared; any disagreement
// prints an error and exits with status 1.
//
// Output conventions (also written into the JSON under "conventions"):
//  * field elements are canonical decimal strings (0 <= v < p or r);
//  * G1 affine point = [x, y]; G2 affine point = [[x.c0, x.c1], [y.c0, y.c1]]
//    with Fp2 = Fp[u]/(u^2+1) and element c0 + c1*u;
//  * the point at infinity is written as all-zero coordinates (["0","0"] in G1,
//    [["0","0"],["0","0"]] in G2), which is also how snarkjs/ffjavascript
//    store it in binary (LEM) form;
//  * an Fp12 value is 12 decimal strings, the flattening of ffjavascript's
//    nesting [[[c000,c001],[c010,c011],[c020,c021]],[[c100,c101],[c110,c111],[c120,c121]]]
//    where the element is sum c_ijk * w^i * v^j * u^k, Fp6 = Fp2[v]/(v^3-(9+u)),
//    Fp12 = Fp6[w]/(w^2-v). Flat order: c000,c001,c010,c011,c020,c021,c100,...,c121.

import { createRequire } from "node:module";
import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, "..", "..");
const require = createRequire(path.join(repoRoot, "tools", "peers", "package.json"));
const { bn254 } = require("@noble/curves/bn254");
const ffj = require("ffjavascript");

function die(msg) {
    process.stderr.write(`gen_curve_vectors: ERROR: ${msg}\n`);
    process.exit(1);
}

const Fp = bn254.fields.Fp;
const Fp2 = bn254.fields.Fp2;
const Fp12 = bn254.fields.Fp12;
const G1 = bn254.G1.ProjectivePoint;
const G2 = bn254.G2.ProjectivePoint;
const P_MOD = Fp.ORDER;
const R_MOD = bn254.fields.Fr.ORDER;
const B2 = bn254.G2.CURVE.b; // twist b' = 3/(9+u)

const curve = await ffj.buildBn128(true); // single thread, no workers
const fG1 = curve.G1, fG2 = curve.G2;

// ---------- helpers ----------
const dec = (v) => v.toString(10);
const mod = (a, m) => ((a % m) + m) % m;

function hashScalar(label, m) {
    // 512-bit SHA-256 expansion reduced mod m: deterministic, uniform enough.
    const h1 = createHash("sha256").update("proofmill/" + label + "/0").digest("hex");
    const h2 = createHash("sha256").update("proofmill/" + label + "/1").digest("hex");
    return mod(BigInt("0x" + h1 + h2), m);
}

const g1Aff = (P) => {
    if (P.equals(G1.ZERO)) return ["0", "0"];
    const a = P.toAffine();
    return [dec(a.x), dec(a.y)];
};
const fp2Pair = (e) => [dec(e.c0), dec(e.c1)];
const g2Aff = (P) => {
    if (P.equals(G2.ZERO)) return [["0", "0"], ["0", "0"]];
    const a = P.toAffine();
    return [fp2Pair(a.x), fp2Pair(a.y)];
};
const fp12Flat = (x) => {
    const out = [];
    for (const f6 of [x.c0, x.c1]) for (const f2 of [f6.c0, f6.c1, f6.c2]) out.push(dec(f2.c0), dec(f2.c1));
    return out;
};

// ffjavascript cross-checks (ffjavascript objects are arrays of BigInt, projective [x,y,z]).
const ffG1 = (P) => (P.equals(G1.ZERO) ? fG1.zero : fG1.fromObject(g1Aff(P).map(BigInt)));
const ffG2 = (P) => (P.equals(G2.ZERO) ? fG2.zero : fG2.fromObject(g2Aff(P).map((c) => c.map(BigInt))));
const ffG1Aff = (p) => {
    if (fG1.isZero(p)) return ["0", "0"];
    const o = fG1.toObject(fG1.toAffine(p));
    return [dec(o[0]), dec(o[1])];
};
const ffG2Aff = (p) => {
    if (fG2.isZero(p)) return [["0", "0"], ["0", "0"]];
    const o = fG2.toObject(fG2.toAffine(p));
    return [[dec(o[0][0]), dec(o[0][1])], [dec(o[1][0]), dec(o[1][1])]];
};
const ffGtFlat = (e) => {
    const o = curve.Gt.toObject(e);
    const out = [];
    for (const f6 of o) for (const f2 of f6) out.push(dec(f2[0]), dec(f2[1]));
    return out;
};
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

// ---------- scalars ----------
const scalars = [
    1n, 2n, 3n, 5n, 7n, 255n, 256n, 65537n,
    (1n << 64n) - 1n, 1n << 128n, (1n << 253n) + 12345n,
    R_MOD >> 1n, R_MOD - 2n, R_MOD - 1n,
    hashScalar("k0", R_MOD), hashScalar("k1", R_MOD), hashScalar("k2", R_MOD),
];

// ---------- G1 ----------
const g1 = { generator: g1Aff(G1.BASE), mul: [], add: [], double: [] };
for (const k of scalars) {
    const P = G1.BASE.multiply(k);
    const ref = ffG1Aff(fG1.timesScalar(fG1.g, k));
    if (!same(ref, g1Aff(P))) die(`G1 mul mismatch for k=${k}`);
    g1.mul.push({ k: dec(k), P: g1Aff(P) });
}
const g1Pts = [1n, 2n, 3n, hashScalar("a0", R_MOD), hashScalar("a1", R_MOD), R_MOD - 1n].map((k) => G1.BASE.multiply(k));
const g1Pairs = [[0, 1], [1, 2], [3, 4], [2, 5], [0, 5] /* P + (-P) = O */, [3, 3] /* P + P */, [4, 0]];
for (const [i, j] of g1Pairs) {
    const P = g1Pts[i], Q = g1Pts[j];
    const S = P.add(Q);
    if (!same(ffG1Aff(fG1.add(ffG1(P), ffG1(Q))), g1Aff(S))) die(`G1 add mismatch ${i},${j}`);
    g1.add.push({ P: g1Aff(P), Q: g1Aff(Q), sum: g1Aff(S) });
}
for (const P of g1Pts) {
    const D = P.double();
    if (!same(ffG1Aff(fG1.double(ffG1(P))), g1Aff(D))) die("G1 double mismatch");
    g1.double.push({ P: g1Aff(P), double: g1Aff(D) });
}

// ---------- G2 ----------
const g2 = { generator: g2Aff(G2.BASE), b: fp2Pair(B2), mul: [], add: [], double: [] };
for (const k of scalars) {
    const P = G2.BASE.multiply(k);
    const ref = ffG2Aff(fG2.timesScalar(fG2.g, k));
    if (!same(ref, g2Aff(P))) die(`G2 mul mismatch for k=${k}`);
    g2.mul.push({ k: dec(k), P: g2Aff(P) });
}
const g2Pts = [1n, 2n, 3n, hashScalar("b0", R_MOD), hashScalar("b1", R_MOD), R_MOD - 1n].map((k) => G2.BASE.multiply(k));
for (const [i, j] of g1Pairs) {
    const P = g2Pts[i], Q = g2Pts[j];
    const S = P.add(Q);
    if (!same(ffG2Aff(fG2.add(ffG2(P), ffG2(Q))), g2Aff(S))) die(`G2 add mismatch ${i},${j}`);
    g2.add.push({ P: g2Aff(P), Q: g2Aff(Q), sum: g2Aff(S) });
}
for (const P of g2Pts) {
    const D = P.double();
    if (!same(ffG2Aff(fG2.double(ffG2(P))), g2Aff(D))) die("G2 double mismatch");
    g2.double.push({ P: g2Aff(P), double: g2Aff(D) });
}

// ---------- invalid G1 ----------
const gx = 1n, gy = 2n;
const g1_invalid = [
    { P: ["1", "3"], reason: "off curve: y^2 != x^3 + 3" },
    { P: [dec(gx), dec(P_MOD - gy + 1n)], reason: "off curve: y perturbed" },
    { P: ["0", "1"], reason: "off curve (not an infinity encoding in affine form)" },
    { P: [dec(gx + P_MOD), dec(gy)], reason: "x not canonical (x >= p); x mod p would be on curve" },
    { P: [dec(gx), dec(gy + P_MOD)], reason: "y not canonical (y >= p); y mod p would be on curve" },
];
for (const { P } of g1_invalid.slice(0, 3)) {
    const x = BigInt(P[0]), y = BigInt(P[1]);
    if (mod(y * y - x * x * x - 3n, P_MOD) === 0n) die("g1_invalid point is on the curve");
}

// ---------- G2 on twist but not in the order-r subgroup ----------
const g2_not_in_subgroup = [];
for (let i = 0; g2_not_in_subgroup.length < 4 && i < 1000; i++) {
    const x = Fp2.create({ c0: hashScalar(`g2x/${i}/c0`, P_MOD), c1: hashScalar(`g2x/${i}/c1`, P_MOD) });
    const rhs = Fp2.add(Fp2.mul(Fp2.sqr(x), x), B2);
    let y;
    try { y = Fp2.sqrt(rhs); } catch { continue; }
    if (!Fp2.eql(Fp2.sqr(y), rhs)) continue;
    const P = G2.fromAffine({ x, y });
    // r*P computed as (r-1)*P + P (multiplyUnsafe rejects scalar == r).
    const rP = P.multiplyUnsafe(R_MOD - 1n).add(P);
    if (rP.equals(G2.ZERO)) continue; // (astronomically unlikely) in subgroup
    let torsionFree = true;
    try { P.assertValidity(); } catch { torsionFree = false; }
    if (torsionFree) die("noble accepted a non-subgroup point");
    // ffjavascript: on the curve (isValid only checks the equation), r*P != O.
    const fp = ffG2(P);
    if (!fG2.isValid(fp)) die("ffjavascript says twist point is off curve");
    if (fG2.isZero(fG2.timesScalar(fp, R_MOD))) die("ffjavascript r*P == O for non-subgroup point");
    g2_not_in_subgroup.push({ P: g2Aff(P), note: `on y^2=x^3+b', r*P != O (x from SHA-256 label g2x/${i})` });
}
if (g2_not_in_subgroup.length < 3) die("could not find enough non-subgroup G2 points");

// ---------- G2 off curve ----------
const G2a = G2.BASE.toAffine();
const g2_off_curve = [
    { P: [fp2Pair(G2a.x), [dec(G2a.y.c0), dec(mod(G2a.y.c1 + 1n, P_MOD))]], reason: "generator with y.c1 + 1" },
    { P: [["1", "0"], ["2", "0"]], reason: "G1 generator coordinates embedded in Fp2" },
    { P: [[dec(G2a.x.c1), dec(G2a.x.c0)], [dec(G2a.y.c1), dec(G2a.y.c0)]], reason: "generator with c0/c1 swapped (wrong Fp2 order)" },
];
for (const { P } of g2_off_curve) {
    const x = Fp2.create({ c0: BigInt(P[0][0]), c1: BigInt(P[0][1]) });
    const y = Fp2.create({ c0: BigInt(P[1][0]), c1: BigInt(P[1][1]) });
    if (Fp2.eql(Fp2.sqr(y), Fp2.add(Fp2.mul(Fp2.sqr(x), x), B2))) die("g2_off_curve point is on the curve");
}

// ---------- pairings ----------
const pairing = [];
const eGG = bn254.pairing(G1.BASE, G2.BASE);
function addPairing(P, Q, note, extraCheck) {
    const e = bn254.pairing(P, Q);
    const flat = fp12Flat(e);
    const ref = ffGtFlat(curve.pairing(ffG1(P), ffG2(Q)));
    if (!same(flat, ref)) die(`pairing mismatch between noble and ffjavascript (${note})`);
    if (extraCheck && !extraCheck(e)) die(`pairing identity failed (${note})`);
    pairing.push({ P: g1Aff(P), Q: g2Aff(Q), e: flat, note });
}
addPairing(G1.BASE, G2.BASE, "e(G1, G2)");
{
    const a = hashScalar("pa", R_MOD), b = hashScalar("pb", R_MOD);
    addPairing(G1.BASE.multiply(a), G2.BASE.multiply(b), `e(a*G1, b*G2) = e(G1,G2)^(a*b), a=${a}, b=${b}`,
        (e) => Fp12.eql(e, Fp12.pow(eGG, mod(a * b, R_MOD))));
}
addPairing(G1.BASE.multiply(2n), G2.BASE.multiply(3n), "e(2*G1, 3*G2) = e(G1,G2)^6",
    (e) => Fp12.eql(e, Fp12.pow(eGG, 6n)));
addPairing(G1.BASE.negate(), G2.BASE, "e(-G1, G2) = e(G1,G2)^-1 (= conjugate)",
    (e) => Fp12.eql(Fp12.mul(e, eGG), Fp12.ONE));
{
    const c = hashScalar("pc", R_MOD);
    addPairing(G1.BASE.multiply(c), G2.BASE, "e(c*G1, G2) = e(G1, c*G2)",
        (e) => Fp12.eql(e, bn254.pairing(G1.BASE, G2.BASE.multiply(c))));
}

// ---------- Fr roots of unity as used by ffjavascript (Fr.w[k]) ----------
const Fr = curve.Fr;
const fr_roots = [];
for (let k = 1; k <= Fr.s; k++) {
    const w = Fr.toObject(Fr.w[k]);
    // independent check: w[k] = 5^((r-1)/2^k), order exactly 2^k
    let x = 1n, base = 5n, e = (R_MOD - 1n) >> BigInt(k);
    while (e > 0n) { if (e & 1n) x = (x * base) % R_MOD; base = (base * base) % R_MOD; e >>= 1n; }
    if (x !== w) die(`Fr.w[${k}] != 5^((r-1)/2^${k})`);
    fr_roots.push({ k, w: dec(w) });
}

const out = {
    curve: "bn254 (a.k.a. alt_bn128 / snarkjs 'bn128')",
    generator: "tests/vectors/gen_curve_vectors.mjs (@noble/curves 1.9.7 cross-checked with ffjavascript 0.3.1)",
    conventions: {
        numbers: "canonical decimal strings",
        g1_point: "[x, y] affine; infinity = [\"0\",\"0\"]",
        g2_point: "[[x.c0, x.c1], [y.c0, y.c1]] affine, Fp2 element = c0 + c1*u, u^2 = -1; infinity = all zeros",
        fp12: "12 strings: flatten of ffjavascript nesting [[[c000,c001],[c010,c011],[c020,c021]],[[c100,c101],[c110,c111],[c120,c121]]], value = sum c_ijk w^i v^j u^k, v^3 = 9+u, w^2 = v",
        fr_roots: "w = ffjavascript Fr.w[k]: primitive 2^k-th root of unity, w[28] = 5^((r-1)/2^28), w[k-1] = w[k]^2",
    },
    p: dec(P_MOD),
    r: dec(R_MOD),
    g1,
    g2,
    g1_invalid,
    g2_not_in_subgroup,
    g2_off_curve,
    pairing,
    fr_nqr: "5",
    fr_shift: dec(Fr.toObject(Fr.shift)),
    fr_roots,
};
process.stdout.write(JSON.stringify(out, null, 1) + "\n");
