#pragma once
/// \file SHA-256 (FIPS 180-4), portable C++: the snarkjs ceremony's beacon hash and the dev
/// secrets' derivation. About 143 MB/s on the AMD EPYC Zen 4 of BENCHMARKS.md, against 1.36 GB/s
/// for OpenSSL's SHA-NI code: the proving service, which hashes whole uploaded keys, keeps
/// OpenSSL's (service/util.hpp) until this one has a SHA-NI path.

#include <array>
#include <cstdint>
#include <span>
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
  void compress();
  std::uint32_t h_[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                         0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  std::uint8_t block_[64] = {};
  std::size_t fill_ = 0;
  std::uint64_t length_ = 0;
};

}  // namespace pm::hash
