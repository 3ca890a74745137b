#include "r1cs/r1cs.hpp"

#include <gtest/gtest.h>

namespace pm::r1cs {
namespace {

using ff::Fr;

// out = x^3 + x + 5 over wires (1, out, x, t): x * x = t, then t * x = out - x - 5.
R1cs cubic() {
  R1cs r;
  r.n_wires = 4;
  r.n_pub_out = 1;
  r.n_prv_in = 1;
  r.n_constraints = 2;
  r.terms = {{2, Fr::one()}, {2, Fr::one()}, {3, Fr::one()},  {3, Fr::one()},
             {2, Fr::one()}, {1, Fr::one()}, {2, -Fr::one()}, {0, -Fr::from_u64(5)}};
  r.lc_begin = {0, 1, 2, 3, 4, 5, 8};
  return r;
}

TEST(R1cs, LinearCombinationsAndFirstUnsatisfied) {
  R1cs r = cubic();
  std::vector<Fr> w = {Fr::one(), Fr::from_u64(35), Fr::from_u64(3), Fr::from_u64(9)};
  EXPECT_EQ(r.n_public(), 1u);
  EXPECT_EQ(r.lc(1, 2).size(), 3u);
  EXPECT_EQ(eval_lc(r.lc(1, 2), w), Fr::from_u64(27));  // 35 - 3 - 5
  EXPECT_EQ(first_unsatisfied(r, w), -1);
  w[1] = Fr::from_u64(36);  // a wrong output breaks constraint 1 only
  EXPECT_EQ(first_unsatisfied(r, w), 1);
  w[3] = Fr::from_u64(10);  // a wrong square breaks constraint 0 first
  EXPECT_EQ(first_unsatisfied(r, w), 0);
}

// Constraints are checked in parallel; the first failing index is still the smallest.
TEST(R1cs, FirstUnsatisfiedIsTheSmallestIndexAmongMany) {
  R1cs r;
  r.n_wires = 2;
  r.n_prv_in = 1;
  r.n_constraints = 5000;
  for (std::uint32_t i = 0; i < r.n_constraints; ++i) {  // x * 1 = x
    r.lc_begin.push_back(r.terms.size());
    r.terms.push_back({1, Fr::one()});
    r.lc_begin.push_back(r.terms.size());
    r.terms.push_back({0, Fr::one()});
    r.lc_begin.push_back(r.terms.size());
    r.terms.push_back({1, Fr::from_u64(i == 4321 || i == 4999 ? 2 : 1)});
  }
  r.lc_begin.push_back(r.terms.size());
  std::vector<Fr> w = {Fr::one(), Fr::from_u64(7)};
  EXPECT_EQ(first_unsatisfied(r, w), 4321);
}

}  // namespace
}  // namespace pm::r1cs
