#pragma once
/// \file Groth16 setup from a powers-of-tau file and the phase-2 ceremony, byte-compatible with
/// snarkjs: `groth16 setup` (snarkjs's `zkey new`), `zkey contribute`, `zkey beacon` and
/// `zkey verify` (docs/SETUP.md).
///
/// `groth16_setup` writes exactly the file snarkjs writes for the same .r1cs and .ptau (same
/// sections in the same order, same circuit hash). Contributions multiply delta by a secret that
/// is wiped as soon as the new key is computed.

#include <optional>
#include <string>
#include <vector>

#include "base/progress.hpp"
#include "ec/bn254.hpp"
#include "setup/ceremony.hpp"
#include "setup/hash.hpp"

namespace pm::setup {

/// One record of zkey section 10.
struct ZkeyContribution {
  ec::G1Affine delta_after;  ///< delta_1 after this contribution
  ec::G1Affine g1_s, g1_sx;  ///< proof of knowledge: g1_sx = delta' g1_s
  ec::G2Affine g2_spx;       ///< delta' hashToG2(transcript)
  Hash64 transcript{};
  std::uint32_t type = 0;  ///< 0 contribution, 1 beacon
  ContributionParams params;
  /// BLAKE2b(U(delta_after) || U(g1_s) || U(g1_sx) || U(g2_spx) || transcript), as snarkjs prints.
  Hash64 contribution_hash() const;
};

/// Section 10: the circuit hash and the contributions.
struct ZkeyMpc {
  Hash64 cs_hash{};
  std::vector<ZkeyContribution> contributions;
};

/// Reads section 10 of a zkey file; errors name the file.
ZkeyMpc read_zkey_mpc(const std::string& path);

/// `groth16 setup <r1cs> <ptau> <zkey>`: needs a prepared ptau (sections 12-15) of power at least
/// the circuit's. Returns the circuit hash. Throws Error naming the problem otherwise.
Hash64 groth16_setup(const std::string& r1cs, const std::string& ptau, const std::string& zkey,
                     const ProgressFn& progress = {});

/// `zkey contribute` (OS entropy plus `entropy`) or, with `params.beacon`, `zkey beacon`.
/// Returns the new contribution's hash.
Hash64 zkey_contribute(const std::string& in, const std::string& out, const ContributionParams& params,
                       std::string_view entropy, const ProgressFn& progress = {});

struct ZkeyVerifyReport {
  Hash64 cs_hash{};
  std::vector<ZkeyContribution> contributions;
};

/// `zkey verify <r1cs> <ptau> <zkey>`: recomputes the initial key from the circuit and the ptau,
/// checks every contribution's proof of knowledge and its chain (beacons re-derived), the header
/// against the initial key and the last delta, sections 3-7 byte for byte, and sections 8 and 9
/// as the initial ones divided by delta (random linear combinations and a pairing). Throws
/// Error(Errc::mismatch) naming the first failing check.
ZkeyVerifyReport zkey_verify(const std::string& r1cs, const std::string& ptau, const std::string& zkey,
                             const ProgressFn& progress = {});

}  // namespace pm::setup
