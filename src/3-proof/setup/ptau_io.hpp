#pragma once
/// \file Internal to the powers-of-tau ceremony (ptau_*.cpp): the file's section sizes and
/// names, and the writers that new, contribute, beacon and prepare share. Not installed for
/// users: setup/ptau.hpp is the interface.

#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "formats/binfile.hpp"
#include "setup/ptau.hpp"

namespace pm::setup::ptau_io {

using namespace ptau_section;
using ec::G1Affine;
using ec::G2Affine;
using ff::Fr;
using ff::u256;

/// Bytes of a contribution record before its optional beacon parameters.
constexpr std::size_t kContributionFixedBytes = 1504;

/// Points in section `type` of a ptau of `power`.
std::uint64_t section_count(std::uint32_t type, unsigned power);
inline bool is_g2_section(std::uint32_t type) {
  return type == kTauG2 || type == kBetaG2 || type == kLagTauG2;
}
inline std::size_t point_bytes(std::uint32_t type) { return is_g2_section(type) ? 128 : 64; }
/// snarkjs's name of a section, for messages.
const char* section_name(std::uint32_t type);

void write_header(formats::BinWriter& w, unsigned power, unsigned ceremony_power);
void write_contribution(formats::BinWriter& w, const PtauContribution& c);
void write_contributions(formats::BinWriter& w, const std::vector<PtauContribution>& cs);
/// The public key in snarkjs's order, uncompressed: 6 G1 (s, sx for tau, alpha, beta) then 3 G2.
std::vector<std::uint8_t> pubkey_u(const PtauContribution& c);
/// The response stream before the public key: challenge (64 bytes) and the compressed points,
/// 192 N + 96 bytes, of which 96 stay buffered; so 192 N were compressed.
inline std::uint64_t compressed_bytes(unsigned ceremony_power) {
  return std::uint64_t{192} << ceremony_power;
}
/// g2_sp = hashToG2(BLAKE2b(pers || challenge || U(g1_s) || U(g1_sx))).
G2Affine g2_sp(std::uint8_t pers, const Hash64& challenge, const G1Affine& s, const G1Affine& sx);

template <class A>
void write_points(formats::BinWriter& w, std::uint32_t type, std::span<const A> pts) {
  w.begin_section(type);
  for (const auto& p : pts) {
    if constexpr (std::is_same_v<A, G1Affine>) {
      w.g1_mont(p);
    } else {
      w.g2_mont(p);
    }
  }
  w.end_section();
}

void save(const std::string& path, const formats::BinWriter& w);

/// The secrets of one contribution, wiped when they go.
struct PtauSecrets {
  ff::Fr tau, alpha, beta;
  ~PtauSecrets() { wipe(*this); }
};
/// snarkjs's createPTauKey: tau, alpha, beta, then per secret g1_s, g1_sx, g2_sp, g2_spx (a
/// contribution draws them from its entropy, a beacon's verification from the beacon).
void create_key(ChaCha& rng, const Hash64& challenge, PtauSecrets& s, PtauContribution& c);

}  // namespace pm::setup::ptau_io
