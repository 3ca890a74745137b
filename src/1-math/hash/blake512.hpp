#pragma once
/// \file BLAKE-512 (the SHA-3 finalist, 16 rounds; not BLAKE2b): the hash circomlibjs's EdDSA
/// derives keys and nonces with (npm blake-hash). Checked against blake-hash's digests.

#include <array>
#include <cstdint>
#include <span>

namespace pm::hash {

std::array<std::uint8_t, 64> blake512(std::span<const std::uint8_t> msg);

}  // namespace pm::hash
