#pragma once
/// \file The snarkjs ceremony's hashes (hash/blake2b.hpp, hash/sha256.hpp) and how snarkjs
/// prints them.

#include <span>
#include <string>

#include "hash/blake2b.hpp"
#include "hash/sha256.hpp"

namespace pm::setup {

using hash::Blake2b;
using hash::blake2b;
using hash::Hash64;
using hash::Sha256;

/// snarkjs's `formatHash`: 16 big-endian 32-bit words in lowercase hex, 4 lines of 4 words, each
/// line indented by two tabs (no title, no trailing newline).
std::string format_hash(const Hash64& h);
/// The 128 lowercase hex digits.
std::string hex(std::span<const std::uint8_t> bytes);

}  // namespace pm::setup
