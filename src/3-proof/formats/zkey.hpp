#pragma once
/// \file snarkjs Groth16 .zkey files (see docs/FORMATS.md): parsed and fully validated into a
/// groth16::ProvingKey, and written back byte-compatible with snarkjs.

#include <cstdint>
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

class BinFile;
class BinWriter;

/// Sections 1 and 2 of a Groth16 .zkey: the sizes and the fixed points.
struct ZkeyHeader {
  std::uint32_t n_vars = 0, n_public = 0, domain = 0;
  ec::G1Affine alpha1, beta1;
  ec::G2Affine beta2, gamma2;
  ec::G1Affine delta1;
  ec::G2Affine delta2;
};
/// Reads and checks them: protocol Groth16 (1), both primes, 0 <= n_public < n_vars, a domain
/// that is a power of two <= 2^27, every point on its curve. Shared by the prover's parser and
/// the ceremony (setup/zkey_mpc.cpp), which add their own checks.
ZkeyHeader read_zkey_header(const BinFile& f);
void write_zkey_header(BinWriter& w, const ZkeyHeader& h);

/// Parses a .zkey image. Checks the protocol (Groth16), both primes, every count against every
/// section size, every coefficient (indices and value < r), every point on its curve, and the
/// G2 verifying-key points in their subgroup. Errors name the file, section and offset. The
/// key's tables are copies of `data`.
groth16::ProvingKey parse_zkey(std::span<const std::uint8_t> data, const std::string& name);
/// Maps the file and parses it with the same checks; the key's tables are views of the mapping
/// (no copy of the points: the prover reads them in place), which the key keeps alive. The file
/// must not be rewritten in place while the key lives (replacing it by a rename is fine): the
/// prover would read the new bytes, and a truncated file faults. Errors name the file `name`
/// (default: the path).
groth16::ProvingKey load_zkey(const std::string& path, const std::string& name = {});

/// Serialises a proving key in snarkjs's layout (sections 1-10, an empty contributions list).
std::vector<std::uint8_t> write_zkey(const groth16::ProvingKey& pk);

}  // namespace pm::formats
