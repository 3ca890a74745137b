#include "msm/msm.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

#include "base/parallel.hpp"
#include "ff/bn254.hpp"
#include "ff/mont.hpp"
#include "msm/batch_affine_ifma.hpp"

namespace pm::msm {
namespace {

// n distinct points: p_0 = g, p_{i+1} = p_i + (2 p_i + g).
template <class Cfg>
std::vector<ec::Affine<Cfg>> distinct_points(const ec::Affine<Cfg>& g, std::size_t n) {
  using J = ec::Jacobian<Cfg>;
  std::vector<J> pts;
  J p = J::from_affine(g);
  for (std::size_t i = 0; i < n; ++i) {
    pts.push_back(p);
    p = p.add(p.dbl().add_mixed(g));
  }
  std::vector<ec::Affine<Cfg>> out(n);
  ec::batch_to_affine<Cfg>(pts, out);
  return out;
}

template <class Cfg>
void check_against_naive(const ec::Affine<Cfg>& g, std::size_t n, std::uint64_t seed,
                         ec::Jacobian<Cfg> (*msm)(UnalignedSpan<ec::Affine<Cfg>>,
                                                  std::span<const ff::u256>)) {
  using J = ec::Jacobian<Cfg>;
  std::mt19937_64 rng(seed);
  std::vector<ec::Affine<Cfg>> bases = distinct_points(g, n);
  std::vector<ff::u256> scalars(n);
  for (std::size_t i = 0; i < n; ++i) {
    switch (i % 5) {
      case 0:
        scalars[i] = {0, 0, 0, 0};
        break;
      case 1:
        scalars[i] = {1, 0, 0, 0};
        break;
      case 2:
        scalars[i] = {rng() & 0xff, 0, 0, 0};
        break;
      case 3: {  // r - 1: the largest scalar, every digit at its extreme
        scalars[i] = ff::FrParams::kModulus;
        scalars[i][0] -= 1;
        break;
      }
      default:
        scalars[i] = ff::Fr::from_u256_reduce({rng(), rng(), rng(), rng()}).to_canonical();
    }
  }
  if (n > 0) bases[n / 2] = ec::Affine<Cfg>::identity();
  J want = J::identity();
  for (std::size_t i = 0; i < n; ++i) want = want.add(J::from_affine(bases[i]).mul_vartime(scalars[i]));
  EXPECT_EQ(msm(bases, scalars), want) << "n=" << n;
  // The same bases at an address that is not 8-byte aligned, as in a mapped .zkey.
  std::vector<std::uint8_t> shifted(n * sizeof(ec::Affine<Cfg>) + 4);
  if (n > 0) std::memcpy(shifted.data() + 4, bases.data(), n * sizeof(ec::Affine<Cfg>));
  auto view = UnalignedSpan<ec::Affine<Cfg>>::from_bytes(std::span(shifted).subspan(4));
  EXPECT_EQ(msm(view, scalars), want) << "n=" << n << ", misaligned bases";
}

TEST(Msm, G1MatchesNaive) {
  for (std::size_t n : {0u, 1u, 2u, 5u, 33u, 300u}) check_against_naive(ec::g1_generator(), n, n, &msm_g1);
}

TEST(Msm, G2MatchesNaive) {
  for (std::size_t n : {1u, 7u, 64u}) check_against_naive(ec::g2_generator(), n, n, &msm_g2);
}

// Many points in few buckets: deep trees full of doublings and cancellations (P = Q and P = -Q,
// settled outside the batches), in one chunk (600 points) and in several, whose sums meet
// equal and opposite ones (3,000 and 17,000).
void check_repeated(std::size_t n) {
  std::vector<ec::G1Affine> bases(n);
  std::vector<ff::u256> scalars(n);
  auto g = ec::G1::from_affine(ec::g1_generator());
  auto two_g = g.dbl().to_affine();
  for (std::size_t i = 0; i < n; ++i) {
    bases[i] = (i % 3 == 0) ? ec::g1_generator() : (i % 3 == 1 ? two_g : two_g.neg());
    scalars[i] = {i % 2 == 0 ? 3u : 5u, 0, i % 7 == 0 ? 1u : 0u, 0};
  }
  ec::G1 want = ec::G1::identity();
  for (std::size_t i = 0; i < n; ++i) want = want.add(ec::G1::from_affine(bases[i]).mul_vartime(scalars[i]));
  EXPECT_EQ(msm_g1(bases, scalars), want) << "n=" << n;
}

TEST(Msm, RepeatedScalarsAndPoints) {
  check_repeated(600);
  check_repeated(3000);
  check_repeated(17000);
}

// MSM is linear over a split of the points: 20,000 points and each half of them take different
// window widths, so different buckets, chunks and bucket runs.
TEST(Msm, LinearOverASplit) {
  const std::size_t n = 20000;
  std::mt19937_64 rng(7);
  std::vector<ec::G1> pts;
  auto g = ec::G1::from_affine(ec::g1_generator());
  ec::G1 p = g;
  for (std::size_t i = 0; i < n; ++i) {
    pts.push_back(p);
    p = p.add(g.mul_vartime(ff::u256{rng(), 0, 0, 0}));
  }
  std::vector<ec::G1Affine> bases(n);
  ec::batch_to_affine<ec::G1Config>(pts, bases);
  std::vector<ff::u256> scalars(n);
  for (auto& k : scalars) k = ff::Fr::from_u256_reduce({rng(), rng(), rng(), rng()}).to_canonical();
  const std::size_t h = n / 2;
  auto whole = msm_g1(bases, scalars);
  auto lo = msm_g1(std::span(bases).first(h), std::span<const ff::u256>(scalars).first(h));
  auto hi = msm_g1(std::span(bases).subspan(h), std::span<const ff::u256>(scalars).subspan(h));
  EXPECT_EQ(whole, lo.add(hi));
  EXPECT_NE(whole, lo);
}

// The AVX-512 IFMA batches against the portable ones on the same inputs, in both groups, in
// one chunk (900 points) and in several (5,000 and 17,000). A fifth of
// the bases repeat an earlier one and a tenth of the scalars are small, so buckets see equal
// and opposite points; batch sizes not a multiple of eight come with the few-bucket windows.
ec::G1 msm_impl_for_test(const std::vector<ec::G1Affine>& b, const std::vector<ff::u256>& s) {
  return msm_g1(b, s);
}
ec::G2 msm_impl_for_test(const std::vector<ec::G2Affine>& b, const std::vector<ff::u256>& s) {
  return msm_g2(b, s);
}

template <class Cfg>
void check_ifma_against_portable(const ec::Affine<Cfg>& g, std::size_t n) {
  using J = ec::Jacobian<Cfg>;
  std::mt19937_64 rng(11);
  std::vector<ec::Affine<Cfg>> bases = distinct_points(g, n);
  std::vector<ff::u256> scalars(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (i % 5 == 4) bases[i] = i % 2 == 0 ? bases[i / 3] : bases[i / 3].neg();
    scalars[i] = i % 10 == 3 ? ff::u256{rng() & 0xffff, 0, 0, 0}
                             : ff::Fr::from_u256_reduce({rng(), rng(), rng(), rng()}).to_canonical();
  }
  const bool before = ff::use_ifma();  // PROOFMILL_NO_ASM runs keep their setting afterwards
  ff::set_use_ifma(false);
  const J portable = msm_impl_for_test(bases, scalars);
  ff::set_use_ifma(true);
  const J ifma = msm_impl_for_test(bases, scalars);
  ff::set_use_ifma(before);
  EXPECT_EQ(ifma, portable) << "n=" << n;
  EXPECT_FALSE(ifma.is_identity());
}

TEST(Msm, IfmaBatchesAgreeWithPortable) {
  if (!ff::cpu_has_ifma()) GTEST_SKIP() << "no AVX-512 IFMA on this CPU";
  for (std::size_t n : {900u, 5000u, 17000u}) {
    check_ifma_against_portable(ec::g1_generator(), n);
    check_ifma_against_portable(ec::g2_generator(), n);
  }
}

// The IFMA kernel alone, for every batch length from 1 to 17 (full blocks of eight, a partial
// last block, a lone addition), against the affine sums computed one by one.
template <class Cfg>
void check_ifma_kernel(const ec::Affine<Cfg>& g) {
  using J = ec::Jacobian<Cfg>;
  const std::vector<ec::Affine<Cfg>> all = distinct_points(g, 80);
  std::vector<std::uint64_t> scratch;
  for (std::size_t m = 1; m <= 17; ++m) {
    // Buckets 0..39 hold all[0..39]; addition i adds all[40 + i] to bucket (3 i + 1) mod 40.
    std::vector<ec::Affine<Cfg>> buckets(all.begin(), all.begin() + 40), want = buckets;
    std::vector<ec::Affine<Cfg>> points(all.begin() + 40, all.begin() + 40 + static_cast<std::ptrdiff_t>(m));
    std::vector<std::uint32_t> idx(m);
    for (std::size_t i = 0; i < m; ++i) {
      idx[i] = static_cast<std::uint32_t>((3 * i + 1) % 40);
      want[idx[i]] = J::from_affine(want[idx[i]]).add_mixed(points[i]).to_affine();
    }
    detail::batch_add_ifma(buckets.data(), idx.data(), points.data(), m, scratch);
    for (std::size_t b = 0; b < buckets.size(); ++b)
      ASSERT_EQ(buckets[b], want[b]) << "m=" << m << " bucket " << b;
  }
}

TEST(Msm, IfmaKernelEveryBatchLength) {
  if (!ff::cpu_has_ifma()) GTEST_SKIP() << "no AVX-512 IFMA on this CPU";
  check_ifma_kernel(ec::g1_generator());
  check_ifma_kernel(ec::g2_generator());
}

// The cost model cuts the points into slices only when threads outnumber the windows (never on
// 2 threads, where wider sliced windows measured slower), keeps the width at most two bits
// below the one-thread choice, and with 16 threads at 2^21 points gives every thread a task.
TEST(Msm, PlanSlicesPointsOnlyForManyThreads) {
  const auto windows = [](unsigned c) { return (128 + 2 + c - 1) / c; };
  for (unsigned e = 8; e <= 23; ++e) {
    const std::size_t n = std::size_t{1} << e;
    const Plan alone = plan(n, 1);
    EXPECT_EQ(alone.slices, 1u) << "n=2^" << e;
    EXPECT_EQ(plan(n, 2).slices, 1u) << "n=2^" << e;
    for (unsigned t : {2u, 4u, 16u, 64u}) {
      const Plan p = plan(n, t);
      EXPECT_GE(p.window_bits + 2, alone.window_bits) << "n=2^" << e << " t=" << t;
      EXPECT_LE(p.slices, t);
      if (p.slices > 1) {
        EXPECT_GE(n / p.slices, std::size_t{1} << p.window_bits) << "slices too small";
      }
    }
  }
  const Plan many = plan(std::size_t{1} << 21, 16);  // 2^20 scalars after the GLV split
  EXPECT_GT(many.slices, 1u);
  EXPECT_GE(windows(many.window_bits) * many.slices, 16u);
  EXPECT_EQ(many.window_bits, plan(std::size_t{1} << 21, 2).window_bits);
}

// Sliced plans (64 threads on however many cores) give the one-thread result, with small slices
// (2^10 scalars, 512 GLV points) and large ones (2^17 scalars: 5 slices of 52,428), in both
// groups.
template <class Cfg>
void check_sliced_against_one_thread(const ec::Affine<Cfg>& g, std::size_t n) {
  ASSERT_GT(plan(2 * n, 64).slices, 1u);
  std::mt19937_64 rng(n);
  const std::vector<ec::Affine<Cfg>> bases = distinct_points(g, n);
  std::vector<ff::u256> scalars(n);
  for (auto& k : scalars) k = ff::Fr::from_u256_reduce({rng(), rng(), rng(), rng()}).to_canonical();
  set_num_threads(1);
  const auto one = msm_impl_for_test(bases, scalars);
  set_num_threads(64);
  const auto sliced = msm_impl_for_test(bases, scalars);
  set_num_threads(0);
  EXPECT_EQ(sliced, one) << "n=" << n;
  EXPECT_FALSE(one.is_identity());
}

TEST(Msm, SlicedPlansAgreeWithOneThread) {
  check_sliced_against_one_thread(ec::g1_generator(), 1024);
  check_sliced_against_one_thread(ec::g1_generator(), std::size_t{1} << 17);
  check_sliced_against_one_thread(ec::g2_generator(), 1024);
}

// msm_many gives each MSM's own result, whatever the mix: empty and tiny MSMs, ones all of 0
// and 1, ones in one chunk and in several, both groups, on one, two and five threads.
TEST(Msm, ManyAgreesWithOneAtATime) {
  std::mt19937_64 rng(5);
  auto random_scalars = [&](std::size_t n) {
    std::vector<ff::u256> s(n);
    for (auto& k : s) k = ff::Fr::from_u256_reduce({rng(), rng(), rng(), rng()}).to_canonical();
    return s;
  };
  const auto b1 = distinct_points(ec::g1_generator(), 17000);
  const auto b2 = distinct_points(ec::g2_generator(), 700);
  std::vector<std::vector<ff::u256>> s1 = {{},
                                           random_scalars(1),
                                           random_scalars(300),
                                           random_scalars(2000),
                                           random_scalars(9000),
                                           random_scalars(17000),
                                           std::vector<ff::u256>(50, ff::u256{1, 0, 0, 0})};
  s1[6][7] = {0, 0, 0, 0};
  std::vector<std::vector<ff::u256>> s2 = {random_scalars(700), random_scalars(64)};
  std::vector<Job<ec::G1Affine>> j1;
  std::vector<Job<ec::G2Affine>> j2;
  for (const auto& s : s1) j1.push_back({std::span(b1).first(s.size()), s});
  for (const auto& s : s2) j2.push_back({std::span(b2).first(s.size()), s});
  for (unsigned threads : {1u, 2u, 5u}) {
    set_num_threads(threads);
    std::vector<ec::G1> r1(j1.size());
    std::vector<ec::G2> r2(j2.size());
    msm_many(j1, r1, j2, r2);
    for (std::size_t m = 0; m < j1.size(); ++m) {
      EXPECT_EQ(r1[m], msm_g1(j1[m].bases, j1[m].scalars)) << "G1 MSM " << m << ", threads " << threads;
    }
    EXPECT_TRUE(r1[0].is_identity()) << "an empty MSM, threads " << threads;
    EXPECT_FALSE(r1[3].is_identity());
    for (std::size_t m = 0; m < j2.size(); ++m) {
      EXPECT_EQ(r2[m], msm_g2(j2[m].bases, j2[m].scalars)) << "G2 MSM " << m << ", threads " << threads;
    }
  }
  set_num_threads(0);
}

TEST(Msm, RejectsLengthMismatch) {
  std::vector<ec::G1Affine> b(2, ec::g1_generator());
  std::vector<ff::u256> s(1);
  EXPECT_THROW(msm_g1(b, s), std::exception);
}

}  // namespace
}  // namespace pm::msm
