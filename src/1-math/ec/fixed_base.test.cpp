#include "ec/fixed_base.hpp"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "ec/bn254.hpp"
#include "ff/bn254.hpp"

namespace pm::ec {
namespace {

using ff::u256;

/// Random canonical Fr scalars plus the edge cases of the signed-digit recoding.
std::vector<u256> test_scalars(std::size_t n_random) {
  std::mt19937_64 rng(2024);
  u256 r_minus_1 = ff::FrParams::kModulus;
  r_minus_1[0] -= 1;
  std::vector<u256> s = {
      {0, 0, 0, 0},
      {1, 0, 0, 0},
      {2, 0, 0, 0},
      {0x7f, 0, 0, 0},
      {0x80, 0, 0, 0},  // the largest positive 8-bit digit
      {0x81, 0, 0, 0},  // the smallest negative 8-bit digit: carries
      {0xff, 0, 0, 0},
      {0x100, 0, 0, 0},
      {~std::uint64_t{0}, ~std::uint64_t{0}, 0, 0},  // runs of carries across windows and limbs
      {0x8080808080808080ull, 0x8181818181818181ull, 0xffffffffffffffffull, 0x0fffffffffffffffull},
      {0, 0, 0, std::uint64_t{1} << 61},                                                        // 2^253
      {~std::uint64_t{0}, ~std::uint64_t{0}, ~std::uint64_t{0}, (std::uint64_t{1} << 62) - 1},  // 2^254 - 1
      r_minus_1,
      ff::FrParams::kModulus,  // r * G = O
  };
  for (std::size_t i = 0; i < n_random; ++i) {
    s.push_back(ff::Fr::from_u256_reduce({rng(), rng(), rng(), rng() >> 2}).to_canonical());
  }
  return s;
}

template <class Cfg>
void check_against_double_and_add(const Affine<Cfg>& g, unsigned window) {
  using J = Jacobian<Cfg>;
  FixedBaseTable<Cfg> table(g, window);
  J G = J::from_affine(g);
  for (const u256& k : test_scalars(20)) {
    EXPECT_EQ(table.mul(k), G.mul_vartime(k)) << "window " << window << ", k = " << ff::to_decimal(k);
  }
}

TEST(FixedBase, G1MatchesDoubleAndAdd) {
  for (unsigned w : {1u, 2u, 3u, 5u, 8u, 11u}) check_against_double_and_add(g1_generator(), w);
}

TEST(FixedBase, G2MatchesDoubleAndAdd) {
  for (unsigned w : {4u, 8u}) check_against_double_and_add(g2_generator(), w);
}

TEST(FixedBase, NonGeneratorBaseAndInfinity) {
  G1Affine p = g1_mul_generator({12345, 0, 0, 0}).to_affine();
  FixedBaseTable<G1Config> table(p, 6);
  for (const u256& k : test_scalars(5)) EXPECT_EQ(table.mul(k), G1::from_affine(p).mul_vartime(k));
  FixedBaseTable<G1Config> zero(G1Affine::identity(), 4);
  EXPECT_TRUE(zero.mul({77, 0, 0, 0}).is_identity());
}

TEST(FixedBase, SmallMaxBits) {
  FixedBaseTable<G1Config> table(g1_generator(), 4, 16);
  for (std::uint64_t k : {0ull, 1ull, 8ull, 9ull, 0xffffull, 0x8888ull}) {
    EXPECT_EQ(table.mul({k, 0, 0, 0}), g1_mul_generator({k, 0, 0, 0}));
  }
}

TEST(FixedBase, WindowChoice) {
  EXPECT_LE(FixedBaseTable<G1Config>::window_for(1), 4u);
  EXPECT_GE(FixedBaseTable<G1Config>::window_for(1u << 20), 14u);
  EXPECT_LE(FixedBaseTable<G1Config>::window_for(std::size_t{1} << 40), FixedBaseTable<G1Config>::kMaxWindow);
}

template <class Cfg>
void check_batch(const Affine<Cfg>& g, std::size_t n) {
  FixedBaseTable<Cfg> table(g, 7);
  std::vector<u256> scalars = test_scalars(n);
  // Repeats make equal accumulators meet equal table entries (doublings inside a batch).
  for (int i = 0; i < 40; ++i) scalars.push_back(scalars[20]);
  std::vector<Affine<Cfg>> out(scalars.size());
  fixed_base_mul_batch<Cfg>(table, scalars, out);
  for (std::size_t i = 0; i < scalars.size(); ++i) {
    EXPECT_EQ(out[i], Jacobian<Cfg>::from_affine(g).mul_vartime(scalars[i]).to_affine()) << i;
  }
  EXPECT_TRUE(out[0].is_infinity());  // k = 0
  EXPECT_EQ(out[1], g);               // k = 1
}

template <class Cfg>
void check_batch_add(const Affine<Cfg>& g, const typename Cfg::Field& cube_root) {
  using J = Jacobian<Cfg>;
  using A = Affine<Cfg>;
  std::mt19937_64 rng(7);
  auto rnd = [&] { return J::from_affine(g).mul_vartime({rng(), rng(), rng(), rng() >> 3}).to_affine(); };
  std::vector<A> acc, add;
  for (int i = 0; i < 20; ++i) acc.push_back(rnd()), add.push_back(rnd());
  A p = rnd();
  A p_omega = A::from_xy(p.x * cube_root, p.y);  // same y, another x: a zero chord slope
  ASSERT_TRUE(p_omega.is_on_curve());
  std::vector<std::pair<A, A>> special = {
      {p, p},      {p, p.neg()}, {A::identity(), p}, {p, A::identity()}, {A::identity(), A::identity()},
      {p, p_omega}};
  for (auto& [a, b] : special) acc.push_back(a), add.push_back(b);
  std::vector<A> expect(acc.size());
  for (std::size_t i = 0; i < acc.size(); ++i)
    expect[i] = J::from_affine(acc[i]).add_mixed(add[i]).to_affine();
  BatchAddScratch<Cfg> scratch;
  batch_add_affine<Cfg>(
      acc, [&](std::size_t i) -> const A& { return add[i]; }, scratch);
  for (std::size_t i = 0; i < acc.size(); ++i) EXPECT_EQ(acc[i], expect[i]) << i;
}

TEST(FixedBase, BatchAddExceptionalCases) {
  // A primitive cube root of unity in Fq (q = 1 mod 3): g^((q-1)/3) for a cubic non-residue g.
  u256 e = ff::FqParams::kModulus;
  e[0] -= 1;
  ASSERT_EQ(ff::div_small(e, 3), 0u);
  ff::Fq omega = ff::Fq::one();
  for (std::uint64_t g = 2; omega.is_one(); ++g) omega = ff::Fq::from_u64(g).pow_vartime(e);
  ASSERT_TRUE((omega * omega * omega).is_one());
  check_batch_add(g1_generator(), omega);
  check_batch_add(g2_generator(), ff::Fq2{omega, ff::Fq::zero()});
}

TEST(FixedBase, BatchG1) { check_batch(g1_generator(), 1500); }
TEST(FixedBase, BatchG2) { check_batch(g2_generator(), 600); }

}  // namespace
}  // namespace pm::ec
