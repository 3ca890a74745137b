#pragma once
/// \file Small helpers of the service: hashing, encodings, identifiers, times.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace pm::service {

/// Incremental SHA-256 (OpenSSL), for content addresses and API-key hashes.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(std::span<const std::uint8_t> data);
  void update(std::string_view s) { update({reinterpret_cast<const std::uint8_t*>(s.data()), s.size()}); }
  std::string hex();  ///< finishes; lowercase hex of the 32-byte digest

 private:
  void* ctx_;
};
std::string sha256_hex(std::string_view data);

std::string base64_encode(std::span<const std::uint8_t> data, bool url = false);
/// Strict standard base64 (padding required, no whitespace); nullopt when malformed.
std::optional<std::vector<std::uint8_t>> base64_decode(std::string_view text);

/// `bytes` random bytes from the OS CSPRNG as lowercase hex.
std::string random_hex(std::size_t bytes);
/// A new API key: "pm_" + 43 base64url characters (256 random bits).
std::string new_api_key();

/// Milliseconds since the Unix epoch as RFC 3339 UTC ("2026-11-21T10:00:00.123Z").
std::string rfc3339(std::int64_t ms);
std::int64_t wall_ms();

}  // namespace pm::service
