// Makes hostile inputs for the interop tests from good files (no dependency but node).
//   node mutate.mjs truncate IN OUT BYTES         keep the first BYTES bytes
//   node mutate.mjs flip IN OUT OFFSET            xor one byte with 0xff
//   node mutate.mjs flip-section IN OUT TYPE REL  xor byte REL of section TYPE's body with 0xff
//   node mutate.mjs wtns-add IN OUT INDEX         witness value INDEX += 1 (mod r)
//   node mutate.mjs wtns-set IN OUT INDEX DEC     witness value INDEX = DEC (raw, may be >= r)
//   node mutate.mjs json IN OUT JSPATH VALUE      set a field, e.g. 'pi_a[1]' '"5"' (VALUE is JSON)
//   node mutate.mjs swap-json IN OUT PATH1 PATH2  swap two fields
import fs from "node:fs";

const [op, inp, out, ...args] = process.argv.slice(2);
const r = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

// Offset of section `want`'s body: magic, version, nSections, then (type u32, size u64, body)*.
function sectionOffset(buf, want) {
  let pos = 12;
  const n = buf.readUInt32LE(8);
  for (let i = 0; i < n; i++) {
    const type = buf.readUInt32LE(pos);
    const size = Number(buf.readBigUInt64LE(pos + 4));
    if (type === want) return pos + 12;
    pos += 12 + size;
  }
  throw new Error("no section " + want);
}
const wtnsValuesOffset = (buf) => sectionOffset(buf, 2);
const readLE = (b, o) => { let x = 0n; for (let i = 31; i >= 0; i--) x = (x << 8n) | BigInt(b[o + i]); return x; };
const writeLE = (b, o, x) => { for (let i = 0; i < 32; i++) { b[o + i] = Number(x & 0xffn); x >>= 8n; } };

function setPath(obj, path, value) {
  const keys = path.replace(/\]/g, "").split(/[.[]/);
  let o = obj;
  for (let i = 0; i < keys.length - 1; i++) o = o[keys[i]];
  o[keys[keys.length - 1]] = value;
}
function getPath(obj, path) {
  return path.replace(/\]/g, "").split(/[.[]/).reduce((o, k) => o[k], obj);
}

const buf = fs.readFileSync(inp);
switch (op) {
  case "truncate": fs.writeFileSync(out, buf.subarray(0, Number(args[0]))); break;
  case "flip": { const b = Buffer.from(buf); b[Number(args[0])] ^= 0xff; fs.writeFileSync(out, b); break; }
  case "flip-section": {
    const b = Buffer.from(buf);
    b[sectionOffset(b, Number(args[0])) + Number(args[1])] ^= 0xff;
    fs.writeFileSync(out, b);
    break;
  }
  case "wtns-add":
  case "wtns-set": {
    const b = Buffer.from(buf);
    const o = wtnsValuesOffset(b) + 32 * Number(args[0]);
    writeLE(b, o, op === "wtns-add" ? (readLE(b, o) + 1n) % r : BigInt(args[1]));
    fs.writeFileSync(out, b);
    break;
  }
  case "json": {
    const j = JSON.parse(buf.toString());
    setPath(j, args[0], JSON.parse(args[1]));
    fs.writeFileSync(out, JSON.stringify(j, null, 1));
    break;
  }
  case "swap-json": {
    const j = JSON.parse(buf.toString());
    const a = getPath(j, args[0]), b = getPath(j, args[1]);
    setPath(j, args[0], b);
    setPath(j, args[1], a);
    fs.writeFileSync(out, JSON.stringify(j, null, 1));
    break;
  }
  default: console.error("unknown op " + op); process.exit(2);
}
