#include "ff/tower.hpp"

#include <gtest/gtest.h>

#include <random>

namespace pm::ff {
namespace {

Fq rq(std::mt19937_64& rng) { return Fq::from_u256_reduce({rng(), rng(), rng(), rng() >> 2}); }
Fq2 r2(std::mt19937_64& rng) { return {rq(rng), rq(rng)}; }
Fq6 r6(std::mt19937_64& rng) { return {r2(rng), r2(rng), r2(rng)}; }
Fq12 r12(std::mt19937_64& rng) { return {r6(rng), r6(rng)}; }

TEST(Fq2, Axioms) {
  std::mt19937_64 rng(3);
  Fq2 u{Fq::zero(), Fq::one()};
  EXPECT_EQ(u * u, -Fq2::one());
  for (int i = 0; i < 50; ++i) {
    Fq2 a = r2(rng), b = r2(rng), c = r2(rng);
    EXPECT_EQ(a * (b + c), a * b + a * c);
    EXPECT_EQ(a * b, b * a);
    EXPECT_EQ(a.square(), a * a);
    EXPECT_EQ(a * a.inverse(), Fq2::one());
    EXPECT_EQ(a.inverse_vartime(), a.inverse());
    EXPECT_EQ(a.mul_by_xi(), (a * Fq2{Fq::from_u64(9), Fq::one()}));
  }
}

// The lazily reduced Fq2 product against the plain Karatsuba one (three full Montgomery
// products), on random values and on components next to q where the unreduced sums, the
// negative c0 and the final correction matter.
TEST(Fq2, LazyProductMatchesReducedKaratsuba) {
#if defined(__x86_64__)
  if (!cpu_has_adx()) GTEST_SKIP() << "no ADX on this CPU";
  auto plain = [](const Fq2& a, const Fq2& b) {
    Fq v0 = a.c0 * b.c0, v1 = a.c1 * b.c1;
    return Fq2{v0 - v1, (a.c0 + a.c1) * (b.c0 + b.c1) - v0 - v1};
  };
  u256 qm1 = Fq::kModulus;
  qm1[0] -= 1;
  const Fq edges[] = {Fq::zero(), Fq::one(), *Fq::from_canonical(qm1), *Fq::from_mont(qm1), Fq::from_u64(2)};
  std::vector<Fq2> values;
  for (const Fq& x : edges) {
    for (const Fq& y : edges) values.push_back({x, y});
  }
  std::mt19937_64 rng(11);
  for (int i = 0; i < 200; ++i) values.push_back(r2(rng));
  for (const Fq2& a : values) {
    for (std::size_t j = 0; j < values.size(); j += 7) {
      EXPECT_EQ(Fq2::mul_lazy(a, values[j]), plain(a, values[j]));
    }
  }
#else
  GTEST_SKIP() << "x86-64 only";
#endif
}

TEST(Fq6, Axioms) {
  std::mt19937_64 rng(4);
  Fq6 v{Fq2::zero(), Fq2::one(), Fq2::zero()};
  Fq2 xi = Fq2::one().mul_by_xi();
  EXPECT_EQ(v * v * v, (Fq6{xi, Fq2::zero(), Fq2::zero()}));
  for (int i = 0; i < 20; ++i) {
    Fq6 a = r6(rng), b = r6(rng), c = r6(rng);
    EXPECT_EQ((a * b) * c, a * (b * c));
    EXPECT_EQ(a * (b + c), a * b + a * c);
    EXPECT_EQ(a * a.inverse(), Fq6::one());
    EXPECT_EQ(a.mul_by_v(), a * v);
  }
}

TEST(Fq12, AxiomsAndFrobenius) {
  std::mt19937_64 rng(5);
  for (int i = 0; i < 10; ++i) {
    Fq12 a = r12(rng), b = r12(rng), c = r12(rng);
    EXPECT_EQ((a * b) * c, a * (b * c));
    EXPECT_EQ(a.square(), a * a);
    EXPECT_EQ(a * a.inverse(), Fq12::one());
    // Frobenius is the p-th power map: a ring morphism whose 12th iterate is the identity.
    EXPECT_EQ((a * b).frobenius(1), a.frobenius(1) * b.frobenius(1));
    EXPECT_EQ(a.frobenius(1).frobenius(1), a.frobenius(2));
    EXPECT_EQ(a.frobenius(2).frobenius(1), a.frobenius(3));
    Fq12 x = a;
    for (int k = 0; k < 4; ++k) x = x.frobenius(3);
    EXPECT_EQ(x, a);
    EXPECT_EQ(a.frobenius(3).frobenius(3), a.conjugate());
  }
  // On an element of Fq (c0.c0.c0 only) the Frobenius is the identity.
  Fq12 s = Fq12::one();
  s.c0.c0.c0 = Fq::from_u64(12345);
  EXPECT_EQ(s.frobenius(1), s);
}

TEST(Fq12, FrobeniusIsPthPower) {
  std::mt19937_64 rng(6);
  Fq12 a = r12(rng);
  EXPECT_EQ(a.pow_vartime(&FqParams::kModulus, 1), a.frobenius(1));
}

}  // namespace
}  // namespace pm::ff
