// EdDSA-Poseidon, Baby Jubjub and BLAKE-512 known answers from circomlibjs (and blake-hash, the
// BLAKE-512 it signs with), for src/4-circuit/gadgets/eddsa.test.cpp.
//
//   node tests/vectors/gen_eddsa_vectors.mjs > tests/vectors/eddsa.json
//
// CI regenerates the file and compares it with the committed one, so every answer comes from
// circomlibjs, never from Proofmill. "tampered" entries carry circomlibjs's own verdict.
import { createRequire } from "module";
import { createHash } from "crypto";
import path from "path";
import { readFileSync } from "fs";
import { fileURLToPath } from "url";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "../../tools/peers/package.json"));
const circomlibjs = require("circomlibjs");
const createBlakeHash = require("blake-hash");

const sha = (label) => createHash("sha256").update(label).digest();
const eddsa = await circomlibjs.buildEddsa();
const bj = eddsa.babyJub;
const F = bj.F;
const r = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
const pt = (p) => [F.toObject(p[0]).toString(), F.toObject(p[1]).toString()];

// BLAKE-512 at the padding edges (111/112 bytes: one or two final blocks; 128: a padding-only block).
const blake = [];
for (const n of [0, 1, 3, 32, 64, 111, 112, 127, 128, 129, 200, 256]) {
  const msg = Buffer.from(Array.from({ length: n }, (_, i) => (i * 7 + 3) & 0xff));
  blake.push({ msg: msg.toString("hex"), digest: createBlakeHash("blake512").update(msg).digest().toString("hex") });
}

// Curve arithmetic.
const points = [];
for (let i = 0; i < 4; i++) {
  const k = BigInt("0x" + sha(`proofmill babyjub scalar ${i}`).toString("hex"));
  const P = bj.mulPointEscalar(bj.Base8, k);
  const Q = bj.mulPointEscalar(bj.Base8, k + 12345n);
  points.push({ k: k.toString(), k_base8: pt(P), sum: pt(bj.addPoint(P, Q)), q: pt(Q), in_subgroup: bj.inSubgroup(P) });
}
const generator = pt(bj.Generator);

const sigs = [];
const msgs = [0n, 1n, r - 1n, BigInt("0x" + sha("proofmill eddsa message").toString("hex")) % r, 123456789n];
for (let i = 0; i < msgs.length; i++) {
  const prv = sha(`proofmill eddsa key ${i}`);
  const A = eddsa.prv2pub(prv);
  const M = F.e(msgs[i]);
  const sig = eddsa.signPoseidon(prv, M);
  if (!eddsa.verifyPoseidon(M, sig, A)) throw new Error("circomlibjs rejects its own signature");
  sigs.push({ prv: prv.toString("hex"), A: pt(A), msg: msgs[i].toString(), R8: pt(sig.R8), S: sig.S.toString() });
}

// Altered signatures, with circomlibjs's verdict.
const tampered = [];
function tamper(what, A, msg, R8, S) {
  const ok = eddsa.verifyPoseidon(F.e(msg), { R8: [F.e(R8[0]), F.e(R8[1])], S }, [F.e(A[0]), F.e(A[1])]);
  tampered.push({ what, A, msg: msg.toString(), R8, S: S.toString(), circomlibjs_accepts: ok });
}
const s0 = sigs[3], s1 = sigs[4];
tamper("message + 1", s0.A, BigInt(s0.msg) + 1n, s0.R8, BigInt(s0.S));
tamper("S + 1", s0.A, BigInt(s0.msg), s0.R8, BigInt(s0.S) + 1n);
tamper("S + l (same group element, non-canonical)", s0.A, BigInt(s0.msg), s0.R8, BigInt(s0.S) + bj.subOrder);
tamper("R8 of another signature", s0.A, BigInt(s0.msg), s1.R8, BigInt(s0.S));
tamper("public key of another signer", s1.A, BigInt(s0.msg), s0.R8, BigInt(s0.S));
tamper("R8 negated", s0.A, BigInt(s0.msg), [(r - BigInt(s0.R8[0])).toString(), s0.R8[1]], BigInt(s0.S));

const pkg = JSON.parse(readFileSync(path.join(here, "../../tools/peers/node_modules/circomlibjs/package.json"), "utf8"));
process.stdout.write(
  JSON.stringify(
    {
      generator: `tests/vectors/gen_eddsa_vectors.mjs (circomlibjs ${pkg.version})`,
      base8: pt(bj.Base8),
      generator_point: generator,
      sub_order: bj.subOrder.toString(),
      blake512: blake,
      points,
      signatures: sigs,
      tampered,
    },
    null,
    1,
  ) + "\n",
);
