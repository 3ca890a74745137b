#pragma once
/// \file A DEV-ONLY powers-of-tau writer: a snarkjs-compatible, phase-2-prepared .ptau made from
/// KNOWN secrets tau, alpha and beta.
///
/// Anyone who knows the secrets (or the seed they come from) can forge proofs for every circuit
/// set up with the file. It exists so tests and CI can run `snarkjs groth16 setup` on large
/// circuits without a ceremony: snarkjs's own `powersoftau prepare phase2` needs tens of
/// minutes at 2^16. Never use its output for anything real.
///
/// The file is the one docs/FORMATS.md section 5 describes: magic "ptau", version 1, 11
/// sections in the order 1, 2, 3, 4, 5, 6, 7, 12, 13, 14, 15, every point affine in
/// Montgomery form, no contributions in section 7, and the Lagrange sections 12-15 computed
/// from the closed form L_i(tau) = w^i (tau^M - 1) / (M (tau - w^i)) (including snarkjs's
/// truncated top level of section 12). It is byte-identical to what
/// scripts/interop/dev_ptau.mjs writes for the same secrets, and to what `snarkjs powersoftau
/// prepare phase2` makes of that script's sections 1-7.

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/progress.hpp"
#include "ff/bn254.hpp"

namespace pm::setup {

/// The secrets of a dev ptau: tau (the evaluation point), alpha and beta.
struct DevToxicWaste {
  ff::Fr tau, alpha, beta;
};

/// Derives the secrets from a seed string, deterministically:
///
///   x = SHA-256("proofmill dev ptau v1 " || label || 0x00 || seed) read as a BIG-endian
///       256-bit integer, reduced mod r,   for label = "tau", "alpha", "beta".
///
/// (In Node: `BigInt("0x" + sha256(Buffer.concat([Buffer.from("proofmill dev ptau v1 tau"),
/// Buffer.from([0]), Buffer.from(seed)]))) % r`.) Throws Error(Errc::invalid_argument) in the
/// (never observed) case that a value is unusable: tau zero or a 2^k-th root of unity, alpha or
/// beta zero; pick another seed then.
DevToxicWaste dev_toxic_waste_from_seed(std::string_view seed);

/// One secret: SHA-256("proofmill dev ptau v1 " || label || 0x00 || seed), big-endian, mod r.
ff::Fr dev_secret_from_seed(std::string_view label, std::string_view seed);

/// Throws Error(Errc::invalid_argument) unless tau, alpha and beta are non-zero and tau is no
/// 2^k-th root of unity for any k (so tau - w^i is never zero at any Lagrange level).
void check_dev_toxic_waste(const DevToxicWaste& tw);

/// Overwrites the secrets with zeros in a way the compiler cannot elide.
void wipe(DevToxicWaste& tw);

/// Receives the file's bytes in order, in pieces.
using ByteSink = std::function<void(std::span<const std::uint8_t>)>;

/// Powers accepted: 1 .. 27 (the top Lagrange level of section 12 is 2^(power+1) and roots
/// of unity exist up to 2^28).
inline constexpr unsigned kMaxDevPtauPower = 27;

/// The exact size in bytes of the dev ptau of this power (about 1150 * 2^power).
std::uint64_t dev_ptau_size(unsigned power);

/// Streams the dev ptau of 2^power to `sink` in pieces of a few MiB. Memory use is bounded
/// whatever the power: mostly the two fixed-base tables, about 100 MiB from power 15 up.
/// Multithreaded (parallel_for). Every buffer of scalars derived from the secrets is wiped
/// before returning (best effort: not registers or stack temporaries); `tw` itself is the
/// caller's to wipe.
/// Progress: step 1 builds the fixed-base tables, steps 2-11 write the sections, step 12
/// ("done") comes last.
void write_dev_ptau(unsigned power, const DevToxicWaste& tw, const ByteSink& sink,
                    const ProgressFn& progress = {});

/// The whole file in memory (about 150 MB at power 17).
std::vector<std::uint8_t> write_dev_ptau(unsigned power, const DevToxicWaste& tw,
                                         const ProgressFn& progress = {});

/// Streams the file to `path` (through `path`.tmp, renamed when complete); throws
/// Error(Errc::io) on failure.
void write_dev_ptau_file(const std::string& path, unsigned power, const DevToxicWaste& tw,
                         const ProgressFn& progress = {});

}  // namespace pm::setup
