#pragma once
/// \file Small helpers of the service: hashing, encodings, identifiers, times.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hash/sha256.hpp"

namespace pm::service {

/// Incremental SHA-256 (hash/sha256.hpp, SHA-NI where the CPU has it), for content addresses
/// and API-key hashes, with the digest as lowercase hex.
class Sha256 : public hash::Sha256 {
 public:
  std::string hex();  ///< finishes; lowercase hex of the 32-byte digest
};
std::string sha256_hex(std::string_view data);

std::string base64_encode(std::span<const std::uint8_t> data, bool url = false);
/// Strict standard base64 (padding required, no whitespace); nullopt when malformed.
std::optional<std::vector<std::uint8_t>> base64_decode(std::string_view text);

/// `bytes` random bytes from the OS CSPRNG as lowercase hex.
std::string random_hex(std::size_t bytes);
/// A new API key: "pm_" + 43 base64url characters (256 random bits).
std::string new_api_key();

/// A job's stored input is a .wtns (which starts with "wtns") or, for a job of a built-in
/// statement, the request's JSON (an object: "{"): an options request, or a margin request (the
/// one with "accounts").
inline bool is_json_request(std::span<const std::uint8_t> input) { return !input.empty() && input[0] == '{'; }

/// Milliseconds since the Unix epoch as RFC 3339 UTC ("2026-11-21T10:00:00.123Z").
std::string rfc3339(std::int64_t ms);
std::int64_t wall_ms();

}  // namespace pm::service
