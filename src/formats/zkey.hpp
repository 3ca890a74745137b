#pragma once
/// \file snarkjs Groth16 .zkey files (see docs/FORMATS.md): parsed and fully validated into a
/// groth16::ProvingKey, and written back byte-compatible with snarkjs.

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "groth16/keys.hpp"

namespace pm::formats {

/// The section ids of a Groth16 .zkey (docs/FORMATS.md section 4).
namespace zkey_section {
enum : std::uint32_t {
  kHeader = 1,
  kGrothHeader = 2,
  kIc = 3,
  kCoeffs = 4,
  kA = 5,
  kB1 = 6,
  kB2 = 7,
  kC = 8,
  kH = 9,
  kContributions = 10,  ///< MPC parameters: circuit hash and phase-2 contributions
};
}  // namespace zkey_section

/// Parses a .zkey image. Checks the protocol (Groth16), both primes, every count against every
/// section size, every coefficient index, every point on its curve, and the G2 verifying-key
/// points in their subgroup. Errors name the file, section and offset.
///
/// `consumed`, when given, is called with each large section's bytes once they are decoded,
/// so that a caller holding a memory map can drop those pages (MappedFile::release): the
/// decoded key and the whole file are then never resident at the same time.
using ConsumedFn = std::function<void(std::span<const std::uint8_t>)>;
groth16::ProvingKey parse_zkey(std::span<const std::uint8_t> data, const std::string& name,
                               const ConsumedFn& consumed = {});
/// Maps the file and parses it, releasing each section's pages as it is decoded.
groth16::ProvingKey load_zkey(const std::string& path);

/// Serialises a proving key in snarkjs's layout (sections 1-10, an empty contributions list).
std::vector<std::uint8_t> write_zkey(const groth16::ProvingKey& pk);

}  // namespace pm::formats
