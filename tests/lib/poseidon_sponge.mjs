// The sponge of hash/poseidon.hpp (poseidon_sponge) over circomlibjs's Poseidon, for the scripts
// that recompute roots: width 17 (circomlib's Poseidon(16) permutation), capacity state[0] =
// length * 2^64, the inputs added 16 at a time into state[1..16] (the last block zero-padded; at
// least one block), one permutation a block, the hash state[1]. `poseidon` is circomlibjs's
// buildPoseidonReference() (or buildPoseidon()).
const r = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

export function makeSponge(poseidon) {
  const F = poseidon.F;
  return function sponge(inputs) {
    let cap = BigInt(inputs.length) << 64n;
    let rate = Array(16).fill(0n);
    const blocks = Math.max(1, Math.ceil(inputs.length / 16));
    for (let k = 0; k < blocks; k++) {
      const absorbed = rate.map((x, i) => (x + (inputs[16 * k + i] ?? 0n)) % r);
      const out = poseidon(absorbed, cap, 17).map((x) => F.toObject(x));
      cap = out[0];
      rate = out.slice(1);
    }
    return rate[0];
  };
}
