#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "ec/bn254.hpp"
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

TEST(G1, GroupLaw) { check_group_law(g1_generator()); }
TEST(G2, GroupLaw) { check_group_law(g2_generator()); }

TEST(G1, OffCurveIsRejected) {
  G1Affine p = G1Affine::from_xy(Fq::from_u64(1), Fq::from_u64(3));
  EXPECT_FALSE(g1_is_valid(p));
}

}  // namespace
}  // namespace pm::ec
