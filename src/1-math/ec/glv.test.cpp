#include "ec/glv.hpp"

#include <gtest/gtest.h>

#include <random>

namespace pm::ec {
namespace {

using ff::Fr;
using ff::u256;

TEST(Glv, EndomorphismActsAsLambda) {
  u256 lam = glv_lambda().to_canonical();
  EXPECT_TRUE((glv_lambda() * glv_lambda() * glv_lambda()).is_one());
  auto p = G1::from_affine(g1_generator()).mul_vartime({12345, 678, 0, 0}).to_affine();
  EXPECT_EQ(glv_endo(p), G1::from_affine(p).mul_vartime(lam).to_affine());
  auto q = G2::from_affine(g2_generator()).mul_vartime({999, 0, 5, 0}).to_affine();
  EXPECT_EQ(glv_endo(q), G2::from_affine(q).mul_vartime(lam).to_affine());
}

TEST(Glv, SplitRecombinesWithShortHalves) {
  std::mt19937_64 rng(17);
  std::vector<u256> ks = {{0, 0, 0, 0}, {1, 0, 0, 0}, glv_lambda().to_canonical()};
  u256 rm1 = ff::FrParams::kModulus;
  rm1[0] -= 1;
  ks.push_back(rm1);
  for (int i = 0; i < 2000; ++i)
    ks.push_back(Fr::from_u256_reduce({rng(), rng(), rng(), rng()}).to_canonical());
  for (const auto& k : ks) {
    GlvSplit s = glv_split(k);
    EXPECT_LE(ff::bit_length(s.k1), 128u);
    EXPECT_LE(ff::bit_length(s.k2), 128u);
    Fr k1 = *Fr::from_canonical(s.k1), k2 = *Fr::from_canonical(s.k2);
    if (s.neg1) k1 = -k1;
    if (s.neg2) k2 = -k2;
    EXPECT_EQ(k1 + k2 * glv_lambda(), *Fr::from_canonical(k));
  }
}

// The GLV product against the plain double-and-add one, at edge scalars and random ones.
TEST(Glv, MulMatchesDoubleAndAdd) {
  std::mt19937_64 rng(29);
  u256 rm1 = ff::FrParams::kModulus;
  rm1[0] -= 1;
  std::vector<u256> ks = {{0, 0, 0, 0}, {1, 0, 0, 0}, {2, 0, 0, 0}, rm1, glv_lambda().to_canonical()};
  for (int i = 0; i < 40; ++i)
    ks.push_back(Fr::from_u256_reduce({rng(), rng(), rng(), rng()}).to_canonical());
  G1 p = G1::from_affine(g1_generator()).mul_vartime({rng(), rng(), 0, 0});
  G2 q = G2::from_affine(g2_generator()).mul_vartime({rng(), rng(), 0, 0});
  for (const auto& k : ks) {
    EXPECT_EQ(glv_mul_vartime(p, k).to_affine(), p.mul_vartime(k).to_affine());
    EXPECT_EQ(glv_mul_vartime(q, k).to_affine(), q.mul_vartime(k).to_affine());
  }
  EXPECT_TRUE(glv_mul_vartime(G1::identity(), ks.back()).is_identity());
}

}  // namespace
}  // namespace pm::ec
