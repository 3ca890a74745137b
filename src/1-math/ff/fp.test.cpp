// Field axioms for every prime field, and known answers computed by GMP (an independent
// implementation) on both multiplication paths: MULX/ADCX/ADOX assembly and portable C++.
#include <gmp.h>
#include <gtest/gtest.h>

#include <random>

#include "ff/bn254.hpp"

namespace pm::ff {
namespace {

template <class F>
F random_element(std::mt19937_64& rng) {
  u256 a{rng(), rng(), rng(), rng() >> 2};
  return F::from_u256_reduce(a);
}

// Runs each test twice: with the ADX path (when the CPU has it) and with the portable path.
template <class F>
class FieldTest : public ::testing::Test {
 protected:
  void TearDown() override { set_use_adx(true); }
  template <class Body>
  void on_both_paths(Body body) {
    for (bool adx : {true, false}) {
      if (adx && !cpu_has_adx()) continue;
      set_use_adx(adx);
      SCOPED_TRACE(adx ? "adx path" : "portable path");
      body();
    }
  }
};

using Fields = ::testing::Types<Fq, Fr>;
TYPED_TEST_SUITE(FieldTest, Fields);

TYPED_TEST(FieldTest, Axioms) {
  using F = TypeParam;
  this->on_both_paths([] {
    std::mt19937_64 rng(1);
    for (int i = 0; i < 200; ++i) {
      F a = random_element<F>(rng), b = random_element<F>(rng), c = random_element<F>(rng);
      EXPECT_EQ(a + b, b + a);
      EXPECT_EQ(a * b, b * a);
      EXPECT_EQ((a + b) + c, a + (b + c));
      EXPECT_EQ((a * b) * c, a * (b * c));
      EXPECT_EQ(a * (b + c), a * b + a * c);
      EXPECT_EQ(a + F::zero(), a);
      EXPECT_EQ(a * F::one(), a);
      EXPECT_EQ(a - a, F::zero());
      EXPECT_EQ(a + (-a), F::zero());
      EXPECT_EQ(a.square(), a * a);
      EXPECT_EQ(a.dbl(), a + a);
      if (!a.is_zero()) {
        EXPECT_EQ(a * a.inverse(), F::one());
      }
    }
    EXPECT_TRUE(F::zero().inverse().is_zero());
    EXPECT_EQ(-F::zero(), F::zero());
  });
}

// The extended-Euclid inverse against Fermat's on values of every size: small integers (their
// cofactors are short), values next to p and p/2, powers of two, and random ones.
TYPED_TEST(FieldTest, VartimeInverseAgreesWithFermat) {
  using F = TypeParam;
  std::vector<F> values = {F::zero(), F::one(), -F::one(), F::from_u64(2), F::from_u64(3), -F::from_u64(2)};
  u256 half = F::kModulus;
  div_small(half, 2);
  values.push_back(*F::from_canonical(half));
  values.push_back(*F::from_canonical(half) + F::one());
  F pow2 = F::one();
  for (int i = 0; i < 254; ++i, pow2 = pow2.dbl()) values.push_back(pow2);
  std::mt19937_64 rng(3);
  for (int i = 0; i < 2000; ++i) values.push_back(random_element<F>(rng));
  for (std::uint64_t k = 1; k < 300; ++k) values.push_back(F::from_u64(k));
  for (const F& a : values) {
    ASSERT_EQ(a.inverse_vartime(), a.inverse()) << a.to_decimal();
    if (!a.is_zero()) {
      ASSERT_EQ(a * a.inverse_vartime(), F::one());
    }
  }
}

// Edge values next to the modulus, where carries and the final subtraction matter.
TYPED_TEST(FieldTest, EdgeValuesMatchGmp) {
  using F = TypeParam;
  this->on_both_paths([] {
    mpz_t p, x, y, z;
    mpz_inits(p, x, y, z, nullptr);
    mpz_import(p, 4, -1, 8, 0, 0, F::kModulus.data());
    u256 pm1 = F::kModulus;
    pm1[0] -= 1;
    const u256 edges[] = {{0, 0, 0, 0}, {1, 0, 0, 0},         {2, 0, 0, 0},
                          pm1,          {~0ull, ~0ull, 0, 0}, {0, 0, 0, 1ull << 61}};
    for (const auto& ea : edges) {
      for (const auto& eb : edges) {
        auto a = F::from_canonical(ea), b = F::from_canonical(eb);
        ASSERT_TRUE(a && b);
        mpz_import(x, 4, -1, 8, 0, 0, ea.data());
        mpz_import(y, 4, -1, 8, 0, 0, eb.data());
        mpz_mul(z, x, y);
        mpz_mod(z, z, p);
        u256 got = (*a * *b).to_canonical(), want{};
        mpz_export(want.data(), nullptr, -1, 8, 0, 0, z);
        EXPECT_EQ(got, want);
        // Addition and subtraction (carries and the conditional correction by p).
        mpz_add(z, x, y);
        mpz_mod(z, z, p);
        want = {};
        mpz_export(want.data(), nullptr, -1, 8, 0, 0, z);
        EXPECT_EQ((*a + *b).to_canonical(), want);
        mpz_sub(z, x, y);
        mpz_mod(z, z, p);
        want = {};
        mpz_export(want.data(), nullptr, -1, 8, 0, 0, z);
        EXPECT_EQ((*a - *b).to_canonical(), want);
      }
    }
    mpz_clears(p, x, y, z, nullptr);
  });
}

TYPED_TEST(FieldTest, RandomOperationsMatchGmp) {
  using F = TypeParam;
  this->on_both_paths([] {
    std::mt19937_64 rng(7);
    mpz_t p, x, y, z;
    mpz_inits(p, x, y, z, nullptr);
    mpz_import(p, 4, -1, 8, 0, 0, F::kModulus.data());
    auto to_u256 = [](mpz_t v) {
      u256 out{};
      mpz_export(out.data(), nullptr, -1, 8, 0, 0, v);
      return out;
    };
    for (int i = 0; i < 500; ++i) {
      F a = random_element<F>(rng), b = random_element<F>(rng);
      u256 ca = a.to_canonical(), cb = b.to_canonical();
      mpz_import(x, 4, -1, 8, 0, 0, ca.data());
      mpz_import(y, 4, -1, 8, 0, 0, cb.data());
      mpz_mul(z, x, y);
      mpz_mod(z, z, p);
      EXPECT_EQ((a * b).to_canonical(), to_u256(z));
      mpz_add(z, x, y);
      mpz_mod(z, z, p);
      EXPECT_EQ((a + b).to_canonical(), to_u256(z));
      mpz_sub(z, x, y);
      mpz_mod(z, z, p);
      EXPECT_EQ((a - b).to_canonical(), to_u256(z));
      if (!a.is_zero()) {
        mpz_invert(z, x, p);
        EXPECT_EQ(a.inverse().to_canonical(), to_u256(z));
        EXPECT_EQ(a.inverse_vartime(), a.inverse());
      }
      char* dec = mpz_get_str(nullptr, 10, x);
      EXPECT_EQ(a.to_decimal(), dec);
      auto back = F::from_decimal(dec);
      ASSERT_TRUE(back.has_value());
      EXPECT_EQ(*back, a);
      free(dec);
    }
    mpz_clears(p, x, y, z, nullptr);
  });
}

TYPED_TEST(FieldTest, RejectsNonCanonicalEncodings) {
  using F = TypeParam;
  EXPECT_FALSE(F::from_canonical(F::kModulus).has_value());
  EXPECT_FALSE(F::from_mont(F::kModulus).has_value());
  u256 pm1 = F::kModulus;
  pm1[0] -= 1;
  EXPECT_TRUE(F::from_canonical(pm1).has_value());
  std::uint8_t bytes[32];
  store_le(F::kModulus, bytes);
  EXPECT_FALSE(F::from_le_bytes(bytes).has_value());
  EXPECT_FALSE(F::from_mont_le_bytes(bytes).has_value());
  EXPECT_FALSE(F::from_decimal(to_decimal(F::kModulus)).has_value());
  EXPECT_FALSE(F::from_decimal("").has_value());
  EXPECT_FALSE(F::from_decimal("12a").has_value());
  EXPECT_FALSE(F::from_decimal("-1").has_value());
  EXPECT_FALSE(F::from_decimal(std::string(90, '9')).has_value());
}

TEST(Fr, RootsOfUnityHaveExactOrder) {
  for (unsigned k = 1; k <= FrParams::kTwoAdicity; ++k) {
    Fr w = fr_root_of_unity(k);
    Fr x = w;
    for (unsigned i = 1; i < k; ++i) x = x.square();
    EXPECT_EQ(x, -Fr::one()) << "w[" << k << "]^(2^(k-1)) must be -1";
    EXPECT_EQ(x.square(), Fr::one());
  }
}

}  // namespace
}  // namespace pm::ff
