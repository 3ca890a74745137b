#include "setup/ptau_dev.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <type_traits>
#include <vector>

#include "base/error.hpp"
#include "base/mapped_file.hpp"
#include "base/scratch_dir.hpp"
#include "ec/bn254.hpp"
#include "formats/binfile.hpp"
#include "pairing/pairing.hpp"

namespace pm::setup {
namespace {

using ec::G1;
using ec::G1Affine;
using ec::G2;
using ec::G2Affine;
using ff::Fr;

Fr dec(const char* s) { return *Fr::from_decimal(s); }

DevToxicWaste sample_waste() {
  return {dec("1234567890123456789012345678901234567890"), dec("987654321987654321987654321"),
          dec("555555555555555555555555555555")};
}

/// The sections of a dev ptau, parsed and checked on the curve.
struct Parsed {
  std::vector<std::uint32_t> order;
  std::vector<std::uint64_t> sizes;
  std::uint32_t n8 = 0, power = 0, ceremony_power = 0, n_contributions = 99;
  ff::u256 prime{};
  std::vector<G1Affine> tau_g1, alpha_g1, beta_g1, lagrange_g1, lagrange_alpha, lagrange_beta;
  std::vector<G2Affine> tau_g2, beta_g2, lagrange_g2;
};

Parsed parse(const std::vector<std::uint8_t>& bytes) {
  formats::BinFile f(bytes, "ptau", "mem", "ptau", 1, 1);
  Parsed p;
  for (const auto& s : f.sections()) {
    p.order.push_back(s.type);
    p.sizes.push_back(s.size);
  }
  auto h = f.reader(f.section(1, "header"), "header");
  p.n8 = h.u32();
  p.prime = ff::load_le(h.bytes(32).data());
  p.power = h.u32();
  p.ceremony_power = h.u32();
  h.expect_end();
  auto g1 = [&](std::uint32_t id, std::vector<G1Affine>& out) {
    const auto& s = f.section(id, "points");
    out.resize(s.size / 64);
    auto r = f.reader(s, "points");
    r.g1_array(out);
    r.expect_end();
  };
  auto g2 = [&](std::uint32_t id, std::vector<G2Affine>& out) {
    const auto& s = f.section(id, "points");
    out.resize(s.size / 128);
    auto r = f.reader(s, "points");
    r.g2_array(out);
    r.expect_end();
  };
  g1(2, p.tau_g1);
  g2(3, p.tau_g2);
  g1(4, p.alpha_g1);
  g1(5, p.beta_g1);
  g2(6, p.beta_g2);
  auto c = f.reader(f.section(7, "contributions"), "contributions");
  p.n_contributions = c.u32();
  c.expect_end();
  g1(12, p.lagrange_g1);
  g2(13, p.lagrange_g2);
  g1(14, p.lagrange_alpha);
  g1(15, p.lagrange_beta);
  return p;
}

TEST(DevPtau, SeedDerivationMatchesNodeSha256) {
  // Expected values from Node's crypto.createHash("sha256"), see dev_toxic_waste_from_seed.
  auto tw = dev_toxic_waste_from_seed("proofmill-dev");
  EXPECT_EQ(tw.tau, dec("2627524792067437347227359444264797266616171706835215615148521807569319224220"));
  EXPECT_EQ(tw.alpha, dec("374266666632011238558415451779435815994459870144315004120612637141842752096"));
  EXPECT_EQ(tw.beta, dec("8646735810815204901257089332382708675022319037364278927861255728988260104113"));
  tw = dev_toxic_waste_from_seed("");
  EXPECT_EQ(tw.tau, dec("4433617441000591865544579146929633048808083157736432743019264837444410959893"));
  EXPECT_EQ(tw.beta, dec("10786264323416827373989196395620300308692186506499762676782127073119669015697"));
  std::string long_seed;
  for (int i = 0; i < 10; ++i) long_seed += "0123456789";  // the message spans two SHA-256 blocks
  EXPECT_EQ(dev_toxic_waste_from_seed(long_seed).tau,
            dec("11346185916964112878102555172016045887970828617140823145662622403450649512984"));
  wipe(tw);
  EXPECT_TRUE(tw.tau.is_zero() && tw.alpha.is_zero() && tw.beta.is_zero());
}

TEST(DevPtau, RejectsBadInputs) {
  auto bad = [](DevToxicWaste tw, unsigned power = 2) {
    try {
      write_dev_ptau(power, tw);
    } catch (const Error& e) {
      return e.code() == Errc::invalid_argument;
    }
    return false;
  };
  DevToxicWaste tw = sample_waste();
  EXPECT_TRUE(bad(tw, 0));
  EXPECT_TRUE(bad(tw, kMaxDevPtauPower + 1));
  for (Fr t : {Fr::zero(), Fr::one(), -Fr::one(), ff::fr_root_of_unity(3), ff::fr_root_of_unity(28)}) {
    EXPECT_TRUE(bad({t, tw.alpha, tw.beta}));
  }
  EXPECT_TRUE(bad({tw.tau, Fr::zero(), tw.beta}));
  EXPECT_TRUE(bad({tw.tau, tw.alpha, Fr::zero()}));
}

TEST(DevPtau, LayoutAndEveryPointAtPower3) {
  const unsigned power = 3, n = 1u << power;
  DevToxicWaste tw = sample_waste();
  std::vector<std::string> steps;
  auto bytes = write_dev_ptau(power, tw, [&](std::string_view s, unsigned i, unsigned total) {
    steps.push_back(std::string(s));
    EXPECT_EQ(i, steps.size());
    EXPECT_EQ(total, 12u);
  });
  EXPECT_EQ(steps.size(), 12u);
  ASSERT_EQ(bytes.size(), dev_ptau_size(power));
  Parsed p = parse(bytes);
  EXPECT_EQ(p.order, (std::vector<std::uint32_t>{1, 2, 3, 4, 5, 6, 7, 12, 13, 14, 15}));
  EXPECT_EQ(p.sizes, (std::vector<std::uint64_t>{44, (2 * n - 1) * 64, n * 128, n * 64, n * 64, 128, 4,
                                                 (4 * n - 1) * 64, (2 * n - 1) * 128, (2 * n - 1) * 64,
                                                 (2 * n - 1) * 64}));
  EXPECT_EQ(p.n8, 32u);
  EXPECT_EQ(p.prime, ff::FqParams::kModulus);
  EXPECT_EQ(p.power, power);
  EXPECT_EQ(p.ceremony_power, power);
  EXPECT_EQ(p.n_contributions, 0u);

  // Every point against k * G by double-and-add, with the Lagrange scalars from the definition
  // snarkjs uses (an inverse DFT of the powers), not from the closed form the writer uses.
  auto g1 = [](const Fr& k) { return ec::g1_mul_generator(k.to_canonical()).to_affine(); };
  auto g2 = [](const Fr& k) {
    return G2::from_affine(ec::g2_generator()).mul_vartime(k.to_canonical()).to_affine();
  };
  auto pw = [](const Fr& x, std::uint64_t e) { return x.pow_vartime({e, 0, 0, 0}); };
  for (unsigned i = 0; i < 2 * n - 1; ++i) EXPECT_EQ(p.tau_g1[i], g1(pw(tw.tau, i))) << i;
  for (unsigned i = 0; i < n; ++i) {
    EXPECT_EQ(p.tau_g2[i], g2(pw(tw.tau, i))) << i;
    EXPECT_EQ(p.alpha_g1[i], g1(tw.alpha * pw(tw.tau, i))) << i;
    EXPECT_EQ(p.beta_g1[i], g1(tw.beta * pw(tw.tau, i))) << i;
  }
  EXPECT_EQ(p.beta_g2[0], g2(tw.beta));
  auto lagrange = [&](unsigned k, unsigned i, bool truncated) {
    std::uint64_t m = 1ull << k;
    Fr w_inv = ff::fr_root_of_unity(k).inverse(), sum = Fr::zero();
    for (std::uint64_t j = 0; j < (truncated ? m - 1 : m); ++j) sum += pw(tw.tau, j) * pw(w_inv, i * j);
    return sum * Fr::from_u64(m).inverse();
  };
  for (unsigned k = 0; k <= power + 1; ++k) {
    for (unsigned i = 0; i < (1u << k); ++i) {
      Fr l = lagrange(k, i, k == power + 1);
      std::size_t at = (1u << k) - 1 + i;
      EXPECT_EQ(p.lagrange_g1[at], g1(l)) << "level " << k << " point " << i;
      if (k > power) continue;
      EXPECT_EQ(p.lagrange_g2[at], g2(l)) << "level " << k << " point " << i;
      EXPECT_EQ(p.lagrange_alpha[at], g1(tw.alpha * l)) << "level " << k << " point " << i;
      EXPECT_EQ(p.lagrange_beta[at], g1(tw.beta * l)) << "level " << k << " point " << i;
    }
  }
}

TEST(DevPtau, PairingsAndLagrangeSumsAtPower6) {
  const unsigned power = 6, n = 1u << power;
  Parsed p = parse(write_dev_ptau(power, dev_toxic_waste_from_seed("pairings")));
  const G1Affine& g1 = ec::g1_generator();
  const G2Affine& g2 = ec::g2_generator();
  EXPECT_EQ(p.tau_g1[0], g1);
  EXPECT_EQ(p.tau_g2[0], g2);
  auto same_ratio = [](const G1Affine& a, const G2Affine& b, const G1Affine& c, const G2Affine& d) {
    // e(a, b) == e(c, d)
    std::vector<G1Affine> ps = {a, c.neg()};
    std::vector<G2Affine> qs = {b, d};
    return pairing::pairing_product_is_one(ps, qs);
  };
  EXPECT_TRUE(same_ratio(p.tau_g1[1], g2, g1, p.tau_g2[1]));
  EXPECT_TRUE(same_ratio(p.tau_g1[2 * n - 2], g2, p.tau_g1[2 * n - 3], p.tau_g2[1]));
  EXPECT_TRUE(same_ratio(p.tau_g1[n - 1], g2, g1, p.tau_g2[n - 1]));
  EXPECT_TRUE(same_ratio(p.beta_g1[0], g2, g1, p.beta_g2[0]));
  EXPECT_TRUE(same_ratio(p.alpha_g1[5], g2, p.alpha_g1[0], p.tau_g2[5]));
  EXPECT_TRUE(same_ratio(p.beta_g1[n - 1], g2, p.tau_g1[n - 1], p.beta_g2[0]));
  EXPECT_FALSE(same_ratio(p.tau_g1[2], g2, g1, p.tau_g2[1]));

  // sum_i L_i(tau) = 1 at every level; also at the truncated top level of section 12, whose
  // dropped term tau^(M-1) w^i / M sums to zero over i.
  auto sum_level = [](const auto& pts, unsigned k) {
    using J = std::conditional_t<std::is_same_v<std::decay_t<decltype(pts[0])>, G1Affine>, G1, G2>;
    J acc = J::identity();
    for (std::size_t i = 0; i < (1u << k); ++i) acc = acc.add_mixed(pts[(1u << k) - 1 + i]);
    return acc.to_affine();
  };
  for (unsigned k = 0; k <= power + 1; ++k) {
    EXPECT_EQ(sum_level(p.lagrange_g1, k), g1) << k;
    if (k > power) continue;
    EXPECT_EQ(sum_level(p.lagrange_g2, k), g2) << k;
    EXPECT_EQ(sum_level(p.lagrange_alpha, k), p.alpha_g1[0]) << k;
    EXPECT_EQ(sum_level(p.lagrange_beta, k), p.beta_g1[0]) << k;
  }
}

TEST(DevPtau, PointsAcrossChunkBoundariesAtPower12) {
  // The writer works in rounds of 4096 points: check the points around each boundary, and
  // the sum property over whole multi-round levels.
  const unsigned power = 12, n = 1u << power;
  const DevToxicWaste tw = dev_toxic_waste_from_seed("chunks");
  Parsed p = parse(write_dev_ptau(power, tw));
  auto g1 = [](const Fr& k) { return ec::g1_mul_generator(k.to_canonical()).to_affine(); };
  auto g2 = [](const Fr& k) {
    return G2::from_affine(ec::g2_generator()).mul_vartime(k.to_canonical()).to_affine();
  };
  auto pw = [](const Fr& x, std::uint64_t e) { return x.pow_vartime({e, 0, 0, 0}); };
  auto lagrange = [&](unsigned k, std::uint64_t i, bool truncated) {  // closed form, one inversion
    std::uint64_t m = 1ull << k;
    Fr wi = pw(ff::fr_root_of_unity(k), i), m_inv = Fr::from_u64(m).inverse();
    Fr l = wi * (pw(tw.tau, m) - Fr::one()) * m_inv * (tw.tau - wi).inverse();
    return truncated ? l - pw(tw.tau, m - 1) * m_inv * wi : l;
  };
  for (std::uint64_t i : {0ull, 4095ull, 4096ull, 4097ull, 2ull * n - 2}) {
    EXPECT_EQ(p.tau_g1[i], g1(pw(tw.tau, i))) << i;
  }
  for (std::uint64_t i : {2047ull, 2048ull, n - 1ull}) {
    EXPECT_EQ(p.tau_g2[i], g2(pw(tw.tau, i))) << i;
    EXPECT_EQ(p.beta_g1[i], g1(tw.beta * pw(tw.tau, i))) << i;
  }
  for (std::uint64_t i : {0ull, 4095ull, 4096ull, 8191ull}) {  // level 13, truncated: 2 rounds
    EXPECT_EQ(p.lagrange_g1[2 * n - 1 + i], g1(lagrange(power + 1, i, true))) << i;
  }
  for (std::uint64_t i : {0ull, 2049ull, 4095ull}) {  // level 12
    EXPECT_EQ(p.lagrange_g2[n - 1 + i], g2(lagrange(power, i, false))) << i;
    EXPECT_EQ(p.lagrange_alpha[n - 1 + i], g1(tw.alpha * lagrange(power, i, false))) << i;
  }
  G1 sum12 = G1::identity(), sum13 = G1::identity();
  for (unsigned i = 0; i < n; ++i) sum12 = sum12.add_mixed(p.lagrange_beta[n - 1 + i]);
  for (unsigned i = 0; i < 2 * n; ++i) sum13 = sum13.add_mixed(p.lagrange_g1[2 * n - 1 + i]);
  EXPECT_EQ(sum12.to_affine(), p.beta_g1[0]);
  EXPECT_EQ(sum13.to_affine(), ec::g1_generator());
}

TEST(DevPtau, FileMatchesMemoryAndIsDeterministic) {
  auto tw = dev_toxic_waste_from_seed("file");
  auto mem = write_dev_ptau(4, tw);
  EXPECT_EQ(mem, write_dev_ptau(4, dev_toxic_waste_from_seed("file")));
  EXPECT_NE(mem, write_dev_ptau(4, dev_toxic_waste_from_seed("file2")));
  const ScratchDir dir("pm_dev_ptau.");
  std::string path = dir.file("dev.ptau");
  write_dev_ptau_file(path, 4, tw);
  MappedFile f(path);
  EXPECT_TRUE(std::equal(mem.begin(), mem.end(), f.bytes().begin(), f.bytes().end()));
  std::remove(path.c_str());
  EXPECT_THROW(write_dev_ptau_file("/nonexistent-dir/x.ptau", 2, tw), Error);
}

}  // namespace
}  // namespace pm::setup
