#include "poly/ntt.hpp"

#include <gtest/gtest.h>

#include <random>

namespace pm::poly {
namespace {

std::vector<Fr> random_vector(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<Fr> v(n);
  for (auto& x : v) x = Fr::from_u256_reduce({rng(), rng(), rng(), rng() >> 2});
  return v;
}

// O(n^2) evaluation at the powers of w: the definition the fast kernels must match.
std::vector<Fr> naive_dft(const std::vector<Fr>& a, const Fr& w) {
  std::vector<Fr> out(a.size());
  Fr wi = Fr::one();
  for (std::size_t i = 0; i < a.size(); ++i) {
    Fr acc = Fr::zero(), x = Fr::one();
    for (const Fr& c : a) {
      acc += c * x;
      x *= wi;
    }
    out[i] = acc;
    wi *= w;
  }
  return out;
}

TEST(Ntt, MatchesNaiveDft) {
  for (unsigned log_n : {0u, 1u, 2u, 5u, 8u}) {
    Domain d(log_n);
    auto a = random_vector(d.size(), log_n);
    auto want = naive_dft(a, d.generator());
    auto b = a;
    d.fft(b);
    EXPECT_EQ(b, want) << "log_n=" << log_n;
    auto c = a;
    d.fft_dif(c);
    for (std::size_t i = 0; i < c.size(); ++i) EXPECT_EQ(c[bit_reverse(i, log_n)], want[i]);
    d.ifft(b);
    EXPECT_EQ(b, a);
  }
}

// Past the 2^12-element cache block, both the blocked stages and the whole-array passes run:
// sampled outputs against direct evaluation (Horner at w^i) and the DIT against the DIF.
TEST(Ntt, LargeDomainsMatchDirectEvaluation) {
  for (unsigned log_n : {12u, 13u, 15u}) {
    Domain d(log_n);
    auto a = random_vector(d.size(), 1000 + log_n);
    auto dif = a;
    d.fft_dif(dif);
    auto dit = a;
    bit_reverse_permute(dit);
    d.fft_dit(dit);
    std::mt19937_64 rng(log_n);
    for (int s = 0; s < 12; ++s) {
      std::size_t i = s < 2 ? (s == 0 ? 0 : d.size() - 1) : rng() % d.size();
      Fr x = d.generator().pow_vartime({i, 0, 0, 0}), acc = Fr::zero();
      for (std::size_t j = a.size(); j-- > 0;) acc = acc * x + a[j];
      EXPECT_EQ(dif[bit_reverse(i, log_n)], acc) << "log_n=" << log_n << " i=" << i;
      EXPECT_EQ(dit[i], acc) << "log_n=" << log_n << " i=" << i;
    }
    auto back = dit;
    d.ifft_dif_unscaled(back);
    for (std::size_t i = 0; i < back.size(); i += 997) {
      EXPECT_EQ(back[bit_reverse(i, log_n)], a[i] * Fr::from_u64(d.size())) << "log_n=" << log_n;
    }
  }
}

TEST(Ntt, KernelsChainWithoutPermutation) {
  Domain d(13);  // large enough to run the stages on threads
  auto a = random_vector(d.size(), 99);
  auto b = a;
  d.ifft_dif(b);  // natural evaluations -> bit-reversed coefficients
  d.fft_dit(b);   // -> natural evaluations
  EXPECT_EQ(b, a);
  d.fft_dif(b);
  d.ifft_dit(b);
  EXPECT_EQ(b, a);
}

TEST(Ntt, RejectsDomainsPastTwoAdicity) { EXPECT_THROW(Domain(29), std::exception); }

}  // namespace
}  // namespace pm::poly
