#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "ec/bn254.hpp"
#include "ec/consttime.hpp"
#include "ff/bn254.hpp"

namespace pm::ec {
namespace {

using ff::Fq;
using ff::Fq2;
using ff::u256;

u256 random_scalar(std::mt19937_64& rng) {
  return ff::Fr::from_u256_reduce({rng(), rng(), rng(), rng() >> 2}).to_canonical();
}

template <class Cfg>
void check_group_law(const Affine<Cfg>& g) {
  using J = Jacobian<Cfg>;
  std::mt19937_64 rng(11);
  J G = J::from_affine(g);
  EXPECT_TRUE(g.is_on_curve());
  EXPECT_TRUE(G.mul_vartime(ff::FrParams::kModulus).is_identity()) << "r * G must be O";
  for (int i = 0; i < 10; ++i) {
    u256 a = random_scalar(rng), b = random_scalar(rng);
    J A = G.mul_vartime(a), B = G.mul_vartime(b);
    EXPECT_TRUE(A.to_affine().is_on_curve());
    EXPECT_EQ(A.add(B), B.add(A));
    EXPECT_EQ(A.add(A), A.dbl());
    EXPECT_EQ(A.add_mixed(A.to_affine()), A.dbl());
    EXPECT_EQ(A.add_mixed(B.to_affine()), A.add(B));
    EXPECT_TRUE(A.add(A.neg()).is_identity());
    EXPECT_TRUE(A.add_mixed(A.to_affine().neg()).is_identity());
    EXPECT_EQ(A.add(J::identity()), A);
    EXPECT_EQ(J::identity().add_mixed(A.to_affine()), A);
    // (a + b) G = aG + bG
    ff::Fr s = *ff::Fr::from_canonical(a) + *ff::Fr::from_canonical(b);
    EXPECT_EQ(G.mul_vartime(s.to_canonical()), A.add(B));
  }
  std::vector<J> pts;
  for (int i = 0; i < 5; ++i) pts.push_back(G.mul_vartime(random_scalar(rng)));
  pts.push_back(J::identity());
  std::vector<Affine<Cfg>> aff(pts.size());
  batch_to_affine<Cfg>(pts, aff);
  for (std::size_t i = 0; i < pts.size(); ++i) EXPECT_EQ(aff[i], pts[i].to_affine());
}

// The constant-time multiplication agrees with double-and-add on random and edge scalars (0, 1,
// r - 1, r, 2^256 - 1) and points (the generator, a random multiple, a Jacobian with z != 1,
// the identity).
template <class Cfg>
void check_consttime(const Affine<Cfg>& g) {
  using J = Jacobian<Cfg>;
  std::mt19937_64 rng(29);
  const u256 r = ff::FrParams::kModulus;
  u256 r_minus_1 = r;
  r_minus_1[0] -= 1;
  const J p2 = J::from_affine(g).mul_vartime(random_scalar(rng));
  for (const J& p : {J::from_affine(g), p2, p2.add(p2).add(J::from_affine(g)), J::identity()}) {
    std::vector<u256> ks{u256{0, 0, 0, 0}, u256{1, 0, 0, 0}, r_minus_1, r, u256{~0ull, ~0ull, ~0ull, ~0ull}};
    for (int i = 0; i < 8; ++i) ks.push_back(random_scalar(rng));
    for (const auto& k : ks) EXPECT_EQ(mul_consttime(p, k), p.mul_vartime(k)) << ff::to_decimal(k);
  }
  EXPECT_TRUE(mul_consttime(J::from_affine(g), r).is_identity());
}

TEST(G1, ConstantTimeMultiplicationAgrees) { check_consttime(g1_generator()); }
TEST(G2, ConstantTimeMultiplicationAgrees) { check_consttime(g2_generator()); }

TEST(G1, GroupLaw) { check_group_law(g1_generator()); }
TEST(G2, GroupLaw) { check_group_law(g2_generator()); }

TEST(G1, OffCurveIsRejected) {
  G1Affine p = G1Affine::from_xy(Fq::from_u64(1), Fq::from_u64(3));
  EXPECT_FALSE(g1_is_valid(p));
}

}  // namespace
}  // namespace pm::ec
