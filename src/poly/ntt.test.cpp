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
