#pragma once
/// \file SHA-256 (FIPS 180-4): the snarkjs ceremony's beacon hash, the dev secrets' derivation,
/// and the proving service's content addresses and API-key hashes.
///
/// Two compression functions, one chosen at start-up: the x86 SHA extensions (SHA256RNDS2 does
/// two rounds, SHA256MSG1/MSG2 the message schedule, four words at a time) where the CPU has
/// them, portable C++ otherwise or with PROOFMILL_NO_ASM=1. Measured on an Intel Xeon with SHA-NI
/// (a 2-core VM, hashing 256 MiB): 1.36 GB/s with the extensions, as OpenSSL's EVP SHA-256 on the
/// same machine; 0.22 GB/s portable.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace pm::hash {

/// Streaming SHA-256.
class Sha256 {
 public:
  void update(std::span<const std::uint8_t> data);
  void update(std::string_view s) {
    update(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()));
  }
  std::array<std::uint8_t, 32> finish();

 private:
  std::uint32_t h_[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                         0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  std::uint8_t block_[64] = {};
  std::size_t fill_ = 0;
  std::uint64_t length_ = 0;
};

/// The digest of `data` in lowercase hex.
std::string sha256_hex(std::span<const std::uint8_t> data);

/// Whether the SHA extensions path runs (the CPU has it and PROOFMILL_NO_ASM is not set), and a
/// switch for tests and benchmarks; switching on where the CPU lacks it keeps it off.
bool sha256_uses_shani();
void sha256_use_shani(bool on);

}  // namespace pm::hash
