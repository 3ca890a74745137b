#pragma once
/// \file Primitives shared by the powers-of-tau and the Groth16 phase-2 ceremonies, exactly as
/// snarkjs defines them (see docs/SETUP.md): the ChaCha20 generator every secret and every
/// hashed-to-curve point comes from, its seeding from OS entropy or from a beacon, snarkjs's
/// sampling of field elements and curve points, the uncompressed (U) and compressed (C) point
/// encodings that go into the transcripts, the same-ratio pairing check, and the parameter list
/// of a contribution record (name, beacon).

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/wipe.hpp"
#include "ec/bn254.hpp"
#include "ff/bn254.hpp"
#include "formats/binfile.hpp"
#include "setup/hash.hpp"

namespace pm::setup {

// The secret-wiping helpers (base/wipe.hpp), beside this namespace's wipe(DevToxicWaste&).
using pm::wipe;
using pm::wipe_bytes;
using pm::wipe_vector;

/// ChaCha20 as ffjavascript's ChaCha: key = 8 words, nonce and 128-bit block counter start at
/// zero, the 16 output words of each block are handed out in order.
class ChaCha {
 public:
  explicit ChaCha(const std::uint32_t (&seed)[8]);
  /// Seeds from a hash: word i = bytes 4i..4i+3 read big-endian (only the first 32 bytes count).
  explicit ChaCha(std::span<const std::uint8_t> hash);
  ~ChaCha();
  ChaCha(const ChaCha&) = delete;
  ChaCha& operator=(const ChaCha&) = delete;

  std::uint32_t next_u32();
  /// High word first, as ffjavascript's nextU64.
  std::uint64_t next_u64();
  bool next_bool() { return next_u32() & 1; }

 private:
  void init(const std::uint32_t* seed);
  void block();
  std::uint32_t state_[16];
  std::uint32_t out_[16];
  unsigned idx_ = 16;
};

/// snarkjs's getRandomRng: BLAKE2b-512(64 bytes from the OS CSPRNG || UTF-8 entropy) seeds the
/// generator. The intermediate buffers are wiped.
std::unique_ptr<ChaCha> rng_from_entropy(std::string_view entropy);

/// Verification re-derives every beacon: 2^exp SHA-256 rounds. Files whose beacons claim more
/// than 2^32 rounds (minutes) are refused rather than hashed for days.
inline constexpr unsigned kMaxVerifiedBeaconExp = 32;

/// A beacon: the public random value (1..255 bytes) and the log2 of how many times it is
/// hashed (10..63).
struct Beacon {
  std::vector<std::uint8_t> hash;
  unsigned exp = 0;
};
/// Parses snarkjs's command-line form: hex digits without "0x", 1..255 bytes; exponent 10..63.
/// Throws Error(Errc::invalid_argument) naming the problem otherwise.
Beacon parse_beacon(std::string_view hex, unsigned exp);
/// snarkjs's rngFromBeaconParams: h = hash, then 2^exp times h = SHA-256(h); h seeds ChaCha.
/// exp must be below 64; verifiers cap it first (kMaxVerifiedBeaconExp).
std::unique_ptr<ChaCha> rng_from_beacon(const Beacon& b);

/// ffjavascript's F.fromRng: four nextU64 (low limb first), masked to 254 bits, retried until
/// below the modulus, and then taken as the MONTGOMERY representation: the element drawn is
/// v * 2^-256 mod p.
ff::Fr fr_from_rng(ChaCha& rng);
ff::Fq fq_from_rng(ChaCha& rng);
/// G.fromRng: x from the generator, a sign bit, retried until x^3 + b is a square; y has the
/// sign drawn. G2 points are multiplied by the cofactor.
ec::G1Affine g1_from_rng(ChaCha& rng);
ec::G2Affine g2_from_rng(ChaCha& rng);
/// snarkjs's hashToG2: G2.fromRng over ChaCha seeded by the first 32 bytes of `h`.
ec::G2Affine hash_to_g2(std::span<const std::uint8_t> h);

/// Uncompressed encodings (affine, big-endian, normal form; G2 c1 before c0; infinity = zeros),
/// appended to a hash or a buffer.
void put_u(Blake2b& h, const ec::G1Affine& p);
void put_u(Blake2b& h, const ec::G2Affine& p);
void append_u(std::vector<std::uint8_t>& out, const ec::G1Affine& p);
void append_u(std::vector<std::uint8_t>& out, const ec::G2Affine& p);
/// U of many points into a hash, a few thousand points per update (the split does not change
/// the digest).
void put_u(Blake2b& h, std::span<const ec::G1Affine> pts);
void put_u(Blake2b& h, std::span<const ec::G2Affine> pts);
/// Compressed: the x coordinate big-endian with 0x80 set when y is "negative", 0x40 alone for
/// infinity.
void append_c(std::vector<std::uint8_t>& out, const ec::G1Affine& p);
void append_c(std::vector<std::uint8_t>& out, const ec::G2Affine& p);

/// snarkjs's sameRatio: e(a1, b2) == e(b1, a2), and false if any point is the identity.
bool same_ratio(const ec::G1Affine& a1, const ec::G1Affine& b1, const ec::G2Affine& a2,
                const ec::G2Affine& b2);

/// k * P for a field element (standard form), affine in, affine out. Variable time.
ec::G1Affine mul(const ec::G1Affine& p, const ff::Fr& k);
ec::G2Affine mul(const ec::G2Affine& p, const ff::Fr& k);

/// The parameter list of a contribution record (ptau section 7, zkey section 10):
/// [1 len name] [2 exp] [3 len hash], in that order, each optional.
struct ContributionParams {
  std::string name;
  std::optional<Beacon> beacon;
};
std::vector<std::uint8_t> encode_params(const ContributionParams& p);
/// Returns std::nullopt when the bytes are malformed (unknown or repeated type, wrong order,
/// truncated); `error` says why.
std::optional<ContributionParams> decode_params(std::span<const std::uint8_t> bytes, std::string& error);
/// The end of a contribution record in both files: u32 type (0, 1 = beacon), u32 length, the
/// parameters. Throws through `r` naming contribution `index` (1-based) when malformed.
struct RecordTail {
  std::uint32_t type = 0;
  ContributionParams params;
};
RecordTail read_record_tail(formats::Reader& r, std::size_t index);
/// Writes that end: type, parameter length, parameters.
void write_record_tail(formats::BinWriter& w, std::uint32_t type, const ContributionParams& params);
/// Verifiers re-derive a beacon's key: throws Error(Errc::mismatch) naming `who` when the beacon
/// claims more than 2^kMaxVerifiedBeaconExp rounds.
void check_beacon_cost(const Beacon& b, const std::string& who);

/// snarkjs keeps the first 64 UTF-16 code units of a name; this cuts at 64 code points,
/// counting astral characters as two, and never splits a UTF-8 sequence.
std::string truncate_name(std::string_view name);

}  // namespace pm::setup
