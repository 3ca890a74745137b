#pragma once
/// \file Powers of tau (phase 1), natively and byte-compatible with snarkjs: `powersoftau new`,
/// `contribute`, `beacon`, `prepare phase2` and `verify`, reading and writing snarkjs .ptau files
/// (docs/FORMATS.md section 5, docs/SETUP.md). Files from the public Hermez ceremony (truncated:
/// power < ceremonyPower, prepared or not) are read too.
///
/// Every secret (tau, alpha, beta) lives in this process only while a contribution is computed
/// and is wiped afterwards, with every buffer of scalars derived from it.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "base/mapped_file.hpp"
#include "base/progress.hpp"
#include "ec/bn254.hpp"
#include "formats/binfile.hpp"
#include "setup/ceremony.hpp"
#include "setup/hash.hpp"

namespace pm::setup {

/// Section ids of a .ptau file (snarkjs's powersoftau_new.js and prepare phase2).
namespace ptau_section {
enum : std::uint32_t {
  kHeader = 1,
  kTauG1 = 2,       ///< [tau^i]_1, i < 2^(p+1) - 1
  kTauG2 = 3,       ///< [tau^i]_2, i < 2^p
  kAlphaTauG1 = 4,  ///< [alpha tau^i]_1
  kBetaTauG1 = 5,   ///< [beta tau^i]_1
  kBetaG2 = 6,      ///< [beta]_2
  kContributions = 7,
  kLagTauG1 = 12,  ///< Lagrange bases of every domain up to 2^p (prepared files only)
  kLagTauG2 = 13,
  kLagAlphaG1 = 14,
  kLagBetaG1 = 15,
};
}  // namespace ptau_section

/// The proof of knowledge of one secret x: g1_s random, g1_sx = x g1_s, g2_spx = x g2_sp with
/// g2_sp = hashToG2(BLAKE2b(personalisation byte || challenge || g1_s || g1_sx)).
struct PtauKeyPart {
  ec::G1Affine g1_s, g1_sx;
  ec::G2Affine g2_spx;
};

/// One record of section 7.
struct PtauContribution {
  ec::G1Affine tau_g1;    ///< [tau^1]_1 after this contribution
  ec::G2Affine tau_g2;    ///< [tau^1]_2
  ec::G1Affine alpha_g1;  ///< [alpha]_1
  ec::G1Affine beta_g1;   ///< [beta]_1
  ec::G2Affine beta_g2;   ///< [beta]_2
  PtauKeyPart tau, alpha, beta;
  std::array<std::uint8_t, Blake2b::kStateBytes> partial_hash{};
  Hash64 next_challenge{};
  std::uint32_t type = 0;  ///< 0 contribution, 1 beacon
  ContributionParams params;
  /// Recomputed when read: the partial hash resumed over the public key.
  Hash64 response_hash{};
};

/// The highest power `powersoftau new` accepts (as snarkjs).
inline constexpr unsigned kMaxPtauPower = 28;
/// The highest power `prepare phase2` handles: its top Lagrange level is 2^(power+1) and level
/// 2^29 needs snarkjs's coset split, which is not implemented.
inline constexpr unsigned kMaxPreparePower = 27;

/// A .ptau file, memory-mapped. The constructor checks the container, the header (BN254, power
/// 1..28, ceremonyPower >= power), the size of every section present and every contribution
/// record (points on their curves, parameters well-formed).
class PtauFile {
 public:
  explicit PtauFile(const std::string& path);

  unsigned power() const { return power_; }
  unsigned ceremony_power() const { return ceremony_power_; }
  const std::vector<PtauContribution>& contributions() const { return contributions_; }
  /// Sections 12-15 (Lagrange bases) are present: `prepare phase2` ran.
  bool prepared() const { return prepared_; }
  const std::string& path() const { return path_; }

  /// Points [first, first+count) of a section, read from LEM form and checked on the curve
  /// (in parallel). G1 sections: 2, 4, 5, 12, 14, 15; G2: 3, 6, 13.
  std::vector<ec::G1Affine> g1_points(std::uint32_t section, std::uint64_t first, std::uint64_t count) const;
  std::vector<ec::G2Affine> g2_points(std::uint32_t section, std::uint64_t first, std::uint64_t count) const;
  std::span<const std::uint8_t> section_body(std::uint32_t section) const;
  /// The whole file; with the offset of a section body, for snarkjs's read past section 2's end
  /// in the circuit hash.
  std::span<const std::uint8_t> bytes() const { return map_.bytes(); }
  std::uint64_t section_offset(std::uint32_t section) const;

 private:
  std::string path_;
  MappedFile map_;
  formats::BinFile file_;
  unsigned power_ = 0, ceremony_power_ = 0;
  bool prepared_ = false;
  std::vector<PtauContribution> contributions_;
};

/// challenge_0 = BLAKE2b(blank hash || U of the generators, as sections 2-6 of `new` hold them).
Hash64 first_challenge(unsigned power);

/// `powersoftau new bn128 <power> <out>`: generators everywhere, no contributions. Returns the
/// first challenge hash.
Hash64 ptau_new(unsigned power, const std::string& out, const ProgressFn& progress = {});

struct PtauContributeResult {
  Hash64 challenge;       ///< the challenge the contribution answers
  Hash64 response_hash;   ///< snarkjs's "Contribution Response Hash"
  Hash64 next_challenge;  ///< the challenge for the next contributor
};

/// `powersoftau contribute` (entropy from the OS and `entropy`) or, when `params.beacon` is set,
/// `powersoftau beacon` (deterministic). Refuses truncated files (power < ceremonyPower).
/// Writes sections 1-7; Lagrange sections of the input are dropped (prepare again).
PtauContributeResult ptau_contribute(const std::string& in, const std::string& out,
                                     const ContributionParams& params, std::string_view entropy,
                                     const ProgressFn& progress = {});

/// `powersoftau prepare phase2`: sections 1-7 copied, the Lagrange bases 12-15 added (group
/// inverse FFTs of sections 2-5 at every level; level power+1 of section 12 truncated as
/// snarkjs has it).
void ptau_prepare_phase2(const std::string& in, const std::string& out, const ProgressFn& progress = {});

/// What `powersoftau verify` found: one entry per contribution, first to last.
struct PtauVerifyEntry {
  std::uint32_t index;  ///< 1-based
  std::string name;
  std::uint32_t type;
  std::optional<Beacon> beacon;
  Hash64 challenge;  ///< the challenge it answered
  Hash64 response_hash;
  Hash64 next_challenge;
};
struct PtauVerifyReport {
  unsigned power = 0, ceremony_power = 0;
  std::vector<PtauVerifyEntry> contributions;
  bool lagrange_checked = false;  ///< false when sections 12-15 are absent
};

/// `powersoftau verify`: every contribution's proofs of knowledge and its link to the previous
/// one, beacons re-derived, the last contribution against the points of sections 2-6 (random
/// linear combinations and pairings), the challenge chain (not for truncated files), every G2
/// point in its subgroup, and the Lagrange sections against the powers. Throws
/// Error(Errc::mismatch) naming the first failing check; a file without contributions fails.
PtauVerifyReport ptau_verify(const std::string& path, const ProgressFn& progress = {});

}  // namespace pm::setup
