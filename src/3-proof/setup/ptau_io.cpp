#include "setup/ptau_io.hpp"

#include <cstring>

#include "base/error.hpp"
#include "base/parallel.hpp"
#include "base/random.hpp"
#include "msm/msm.hpp"
#include "poly/ntt.hpp"
#include "setup/points.hpp"

namespace pm::setup {
namespace ptau_io {

using ec::G1Affine;
using ec::G2Affine;
using ff::Fr;
using ff::u256;

std::uint64_t section_count(std::uint32_t type, unsigned power) {
  const std::uint64_t n = std::uint64_t{1} << power;
  switch (type) {
    case kTauG1:
      return 2 * n - 1;
    case kTauG2:
    case kAlphaTauG1:
    case kBetaTauG1:
      return n;
    case kBetaG2:
      return 1;
    case kLagTauG1:
      return 4 * n - 1;
    default:
      return 2 * n - 1;  // 13, 14, 15
  }
}

const char* section_name(std::uint32_t type) {
  switch (type) {
    case kTauG1:
      return "tauG1";
    case kTauG2:
      return "tauG2";
    case kAlphaTauG1:
      return "alphaTauG1";
    case kBetaTauG1:
      return "betaTauG1";
    case kBetaG2:
      return "betaG2";
    case kLagTauG1:
      return "Lagrange tauG1";
    case kLagTauG2:
      return "Lagrange tauG2";
    case kLagAlphaG1:
      return "Lagrange alphaTauG1";
    case kLagBetaG1:
      return "Lagrange betaTauG1";
    default:
      return "?";
  }
}

void write_header(formats::BinWriter& w, unsigned power, unsigned ceremony_power) {
  w.begin_section(kHeader);
  w.prime(ff::FqParams::kModulus);
  w.u32(power);
  w.u32(ceremony_power);
  w.end_section();
}

void write_contribution(formats::BinWriter& w, const PtauContribution& c) {
  w.g1_mont(c.tau_g1);
  w.g2_mont(c.tau_g2);
  w.g1_mont(c.alpha_g1);
  w.g1_mont(c.beta_g1);
  w.g2_mont(c.beta_g2);
  for (const auto* k : {&c.tau, &c.alpha, &c.beta}) {
    w.g1_mont(k->g1_s);
    w.g1_mont(k->g1_sx);
  }
  for (const auto* k : {&c.tau, &c.alpha, &c.beta}) w.g2_mont(k->g2_spx);
  w.bytes(c.partial_hash);
  w.bytes(c.next_challenge);
  write_record_tail(w, c.type, c.params);
}

void write_contributions(formats::BinWriter& w, const std::vector<PtauContribution>& cs) {
  w.begin_section(kContributions);
  w.u32(static_cast<std::uint32_t>(cs.size()));
  for (const auto& c : cs) write_contribution(w, c);
  w.end_section();
}

std::vector<std::uint8_t> pubkey_u(const PtauContribution& c) {
  std::vector<std::uint8_t> b;
  for (const auto* k : {&c.tau, &c.alpha, &c.beta}) {
    append_u(b, k->g1_s);
    append_u(b, k->g1_sx);
  }
  for (const auto* k : {&c.tau, &c.alpha, &c.beta}) append_u(b, k->g2_spx);
  return b;
}

G2Affine g2_sp(std::uint8_t pers, const Hash64& challenge, const G1Affine& s, const G1Affine& sx) {
  Blake2b h;
  h.update(std::span<const std::uint8_t>(&pers, 1));
  h.update(challenge);
  put_u(h, s);
  put_u(h, sx);
  return hash_to_g2(h.digest());
}

void save(const std::string& path, const formats::BinWriter& w) { write_file(path, w.data()); }

// snarkjs's createPTauKey: tau, alpha, beta, then per secret g1_s, g1_sx, g2_sp, g2_spx.
void create_key(ChaCha& rng, const Hash64& challenge, PtauSecrets& s, PtauContribution& c) {
  s.tau = fr_from_rng(rng);
  s.alpha = fr_from_rng(rng);
  s.beta = fr_from_rng(rng);
  std::uint8_t pers = 0;
  for (auto [x, k] : {std::pair{&s.tau, &c.tau}, {&s.alpha, &c.alpha}, {&s.beta, &c.beta}}) {
    k->g1_s = g1_from_rng(rng);
    k->g1_sx = mul(k->g1_s, *x);
    k->g2_spx = mul(g2_sp(pers++, challenge, k->g1_s, k->g1_sx), *x);
  }
}

}  // namespace ptau_io

using namespace ptau_io;

// Reading

PtauFile::PtauFile(const std::string& path)
    : path_(path), map_(path), file_(map_.bytes(), "ptau", path, "ptau", 1, 1) {
  {
    auto r = file_.reader(file_.section(kHeader, "header"), "header");
    r.prime(ff::FqParams::kModulus, "q (BN254 base field)");
    power_ = r.u32();
    ceremony_power_ = r.u32();
    r.expect_end();
    if (power_ < 1 || power_ > kMaxPtauPower) {
      file_.fail(Errc::format, file_.section(kHeader, "header").offset + 36,
                 "power " + std::to_string(power_) + " outside 1.." + std::to_string(kMaxPtauPower));
    }
    if (ceremony_power_ < power_ || ceremony_power_ > kMaxPtauPower) {
      file_.fail(Errc::format, file_.section(kHeader, "header").offset + 40,
                 "ceremony power " + std::to_string(ceremony_power_) + " below the power " +
                     std::to_string(power_) + " or above " + std::to_string(kMaxPtauPower));
    }
  }
  for (std::uint32_t t : {kTauG1, kTauG2, kAlphaTauG1, kBetaTauG1, kBetaG2}) {
    const auto& s = file_.section(t, section_name(t));
    std::uint64_t want = section_count(t, power_) * point_bytes(t);
    if (s.size != want) {
      file_.fail(Errc::format, s.offset - 12,
                 std::string("section ") + std::to_string(t) + " (" + section_name(t) + ") has " +
                     std::to_string(s.size) + " bytes, expected " + std::to_string(want) + " for power " +
                     std::to_string(power_));
    }
  }
  int lagrange = 0;
  for (std::uint32_t t : {kLagTauG1, kLagTauG2, kLagAlphaG1, kLagBetaG1}) {
    if (!file_.has_section(t)) continue;
    ++lagrange;
    const auto& s = file_.section(t, section_name(t));
    std::uint64_t want = section_count(t, power_) * point_bytes(t);
    if (s.size != want) {
      file_.fail(Errc::format, s.offset - 12,
                 std::string("section ") + std::to_string(t) + " (" + section_name(t) + ") has " +
                     std::to_string(s.size) + " bytes, expected " + std::to_string(want));
    }
  }
  if (lagrange != 0 && lagrange != 4) {
    file_.fail(Errc::format, 8, "has only some of the Lagrange sections 12-15");
  }
  prepared_ = lagrange == 4;

  auto r = file_.reader(file_.section(kContributions, "contributions"), "contributions");
  std::uint32_t count = r.u32();
  for (std::uint32_t i = 0; i < count; ++i) {
    if (r.remaining() < kContributionFixedBytes) {
      r.fail(Errc::format,
             "contribution " + std::to_string(i + 1) + " of " + std::to_string(count) + " is truncated");
    }
    PtauContribution c;
    c.tau_g1 = r.g1_mont();
    c.tau_g2 = r.g2_mont();
    c.alpha_g1 = r.g1_mont();
    c.beta_g1 = r.g1_mont();
    c.beta_g2 = r.g2_mont();
    for (auto* k : {&c.tau, &c.alpha, &c.beta}) {
      k->g1_s = r.g1_mont();
      k->g1_sx = r.g1_mont();
    }
    for (auto* k : {&c.tau, &c.alpha, &c.beta}) k->g2_spx = r.g2_mont();
    auto ph = r.bytes(Blake2b::kStateBytes);
    std::copy(ph.begin(), ph.end(), c.partial_hash.begin());
    auto nc = r.bytes(64);
    std::copy(nc.begin(), nc.end(), c.next_challenge.begin());
    auto tail = read_record_tail(r, i + 1);
    c.type = tail.type;
    c.params = std::move(tail.params);
    // The response hash: the stored partial state resumed over the public key.
    Blake2b h;
    if (!Blake2b::from_partial_state(c.partial_hash, h, compressed_bytes(ceremony_power_))) {
      r.fail(Errc::format, "contribution " + std::to_string(i + 1) + ": malformed partial hash state");
    }
    h.update(pubkey_u(c));
    c.response_hash = h.digest();
    contributions_.push_back(std::move(c));
  }
  r.expect_end();
}

std::span<const std::uint8_t> PtauFile::section_body(std::uint32_t section) const {
  return file_.body(file_.section(section, section_name(section)));
}

std::uint64_t PtauFile::section_offset(std::uint32_t section) const {
  return file_.section(section, section_name(section)).offset;
}

std::vector<G1Affine> PtauFile::g1_points(std::uint32_t section, std::uint64_t first,
                                          std::uint64_t count) const {
  const auto& s = file_.section(section, section_name(section));
  PM_ASSERT(!is_g2_section(section) && (first + count) * 64 <= s.size);
  formats::Section sub{s.type, s.offset + first * 64, count * 64};
  std::vector<G1Affine> out(count);
  file_.reader(sub, section_name(section)).g1_array(out);
  return out;
}

std::vector<G2Affine> PtauFile::g2_points(std::uint32_t section, std::uint64_t first,
                                          std::uint64_t count) const {
  const auto& s = file_.section(section, section_name(section));
  PM_ASSERT(is_g2_section(section) && (first + count) * 128 <= s.size);
  formats::Section sub{s.type, s.offset + first * 128, count * 128};
  std::vector<G2Affine> out(count);
  file_.reader(sub, section_name(section)).g2_array(out);
  return out;
}

}  // namespace pm::setup
