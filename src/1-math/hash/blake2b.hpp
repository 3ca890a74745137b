#pragma once
/// \file BLAKE2b-512 (RFC 7693, unkeyed): every transcript, challenge and circuit hash of the
/// snarkjs ceremony.
///
/// Blake2b reproduces @noble/hashes' streaming behaviour exactly, including which bytes are left
/// in the block buffer between updates, because snarkjs stores that state (216 bytes, the layout
/// of blake2b-wasm's context) in every powers-of-tau contribution record and a byte-identical
/// writer has to reproduce it. Digests never depend on those stale bytes.

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

namespace pm::hash {

using Hash64 = std::array<std::uint8_t, 64>;

/// Unkeyed BLAKE2b with a 64-byte digest (RFC 7693), streaming like noble's `blake2b.create`.
class Blake2b {
 public:
  static constexpr std::size_t kStateBytes = 216;

  Blake2b();
  Blake2b(const Blake2b&) = default;
  Blake2b& operator=(const Blake2b&) = default;
  /// Wipes the state: what was hashed may be secret (OS entropy before it seeds a generator).
  ~Blake2b();
  void update(std::span<const std::uint8_t> data);
  void update(std::string_view s) {
    update(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()));
  }
  /// The digest of everything so far; the object is left unchanged (a copy is finalised).
  Hash64 digest() const;

  /// The 216-byte partial state snarkjs stores: block buffer (128), chaining value (8 x u64 LE),
  /// bytes compressed as u32 LE + 4 zero bytes, bytes buffered as u32 LE + 4 zero bytes, 8 zeros.
  std::array<std::uint8_t, kStateBytes> partial_state() const;
  /// Resumes from such a state. Returns false when it is malformed (buffered count > 128, a
  /// compressed count that is not a whole number of blocks, non-zero padding). The compressed
  /// count may be a full u64 (blake2b-wasm, old snarkjs) or its low 32 bits (noble); when the
  /// caller knows the true count (`expected_t`, non-zero) and the stored one is its low 32 bits,
  /// the true one is used, so that states of streams of 4 GiB or more resume correctly.
  static bool from_partial_state(std::span<const std::uint8_t> state, Blake2b& out,
                                 std::uint64_t expected_t = 0);

 private:
  void compress(const std::uint8_t* block, bool last);
  std::uint64_t h_[8];
  std::uint8_t buf_[128] = {};
  std::size_t pos_ = 0;
  std::uint64_t length_ = 0;  ///< bytes absorbed, buffered ones included
};

Hash64 blake2b(std::span<const std::uint8_t> data);

}  // namespace pm::hash
