#include "pairing/pairing.hpp"

#include <gtest/gtest.h>

#include <random>

#include "ff/bn254.hpp"

namespace pm::pairing {
namespace {

using ec::G1;
using ec::G2;

TEST(Pairing, BilinearAndNonDegenerate) {
  const auto& g1 = ec::g1_generator();
  const auto& g2 = ec::g2_generator();
  ff::Fq12 e = pairing(g1, g2);
  EXPECT_FALSE(e.is_one());
  // e^r == 1: the value lies in GT.
  ff::u256 r = ff::FrParams::kModulus;
  EXPECT_TRUE(e.pow_vartime(&r, 1).is_one());
  std::mt19937_64 rng(2);
  for (int i = 0; i < 2; ++i) {
    ff::Fr a = ff::Fr::from_u256_reduce({rng(), rng(), rng(), rng() >> 2});
    ff::Fr b = ff::Fr::from_u256_reduce({rng(), rng(), rng(), rng() >> 2});
    auto aP = G1::from_affine(g1).mul_vartime(a.to_canonical()).to_affine();
    auto bQ = G2::from_affine(g2).mul_vartime(b.to_canonical()).to_affine();
    ff::u256 ab = (a * b).to_canonical();
    EXPECT_EQ(pairing(aP, bQ), e.pow_vartime(&ab, 1));
    // e(aP, bQ) * e(-abP, Q) == 1
    auto abP = G1::from_affine(g1).mul_vartime(ab).to_affine().neg();
    ec::G1Affine ps[] = {aP, abP};
    ec::G2Affine qs[] = {bQ, g2};
    EXPECT_TRUE(pairing_product_is_one(ps, qs));
    qs[1] = G2::from_affine(g2).dbl().to_affine();
    EXPECT_FALSE(pairing_product_is_one(ps, qs));
  }
}

TEST(Pairing, InfinityContributesOne) {
  ec::G1Affine ps[] = {ec::G1Affine::identity()};
  ec::G2Affine qs[] = {ec::g2_generator()};
  EXPECT_TRUE(pairing_product_is_one(ps, qs));
}

}  // namespace
}  // namespace pm::pairing
