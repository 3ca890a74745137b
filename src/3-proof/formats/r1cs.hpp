#pragma once
/// \file circom's .r1cs files (iden3/r1csfile format, version 1): reading and writing
/// r1cs::R1cs (the constraint system itself and its checks are the r1cs tier's).

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "r1cs/r1cs.hpp"

namespace pm::formats {

/// Parses and validates an .r1cs image; `name` is used in errors.
r1cs::R1cs parse_r1cs(std::span<const std::uint8_t> data, const std::string& name);
r1cs::R1cs load_r1cs(const std::string& path);

/// Serialises as circom does (version 1; sections header, constraints and, when
/// `wire_to_label` is not empty, the wire-to-label map, one entry per wire).
std::vector<std::uint8_t> write_r1cs(const r1cs::R1cs& r1cs,
                                     std::span<const std::uint64_t> wire_to_label = {});

}  // namespace pm::formats
