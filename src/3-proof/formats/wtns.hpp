#pragma once
/// \file circom's .wtns witness files (versions 1 and 2): the full assignment of every wire,
/// standard-form little-endian Fr elements, wire 0 first (always 1).

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "base/mapped_file.hpp"
#include "ff/bn254.hpp"

namespace pm::formats {

struct Witness {
  std::vector<ff::Fr> values;
};

/// Parses and validates (every value < r, wire 0 == 1) a .wtns image.
Witness parse_wtns(std::span<const std::uint8_t> data, const std::string& name);
Witness load_wtns(const std::string& path);

/// Serialises a witness as a version-2 .wtns file.
std::vector<std::uint8_t> write_wtns(std::span<const ff::Fr> values);

}  // namespace pm::formats
