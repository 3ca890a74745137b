// Minimal readers/writers for the iden3 binary container (.r1cs/.wtns/.zkey/.ptau),
// written for Proofmill's interop scripts (see docs/FORMATS.md section 1).
import fs from "node:fs";

export function readBin(fileName, expectedMagic) {
    const b = fs.readFileSync(fileName);
    const magic = b.subarray(0, 4).toString("latin1");
    if (expectedMagic && magic !== expectedMagic) throw new Error(`${fileName}: magic ${magic} != ${expectedMagic}`);
    const version = b.readUInt32LE(4);
    const nSections = b.readUInt32LE(8);
    const sections = {}; // id -> [{pos, size}]
    let p = 12;
    for (let i = 0; i < nSections; i++) {
        const id = b.readUInt32LE(p);
        const size = Number(b.readBigUInt64LE(p + 4));
        p += 12;
        (sections[id] ||= []).push({ pos: p, size });
        p += size;
    }
    if (p !== b.length) throw new Error(`${fileName}: trailing bytes or truncated (${p} != ${b.length})`);
    const section = (id) => {
        const s = sections[id];
        if (!s) throw new Error(`${fileName}: missing section ${id}`);
        if (s.length > 1) throw new Error(`${fileName}: duplicated section ${id}`);
        return b.subarray(s[0].pos, s[0].pos + s[0].size);
    };
    return { buf: b, magic, version, sections, section };
}

// A container's bytes: sections = [[id, Buffer], ...] in the given order.
export function containerBytes(magic, version, sections) {
    const head = Buffer.alloc(12);
    head.write(magic, 0, "latin1");
    head.writeUInt32LE(version, 4);
    head.writeUInt32LE(sections.length, 8);
    const parts = [head];
    for (const [id, data] of sections) {
        const h = Buffer.alloc(12);
        h.writeUInt32LE(id, 0);
        h.writeBigUInt64LE(BigInt(data.length), 4);
        parts.push(h, data);
    }
    return Buffer.concat(parts);
}

// Build a container file: sections = [[id, Buffer], ...] written in the given order.
export function writeBin(fileName, magic, version, sections) {
    fs.writeFileSync(fileName, containerBytes(magic, version, sections));
}

export function leToBig(buf, off = 0, n8 = 32) {
    let v = 0n;
    for (let i = n8 - 1; i >= 0; i--) v = (v << 8n) | BigInt(buf[off + i]);
    return v;
}

export function bigToLe(v, n8 = 32) {
    const out = Buffer.alloc(n8);
    for (let i = 0; i < n8; i++) { out[i] = Number(v & 0xffn); v >>= 8n; }
    return out;
}
