#include "ff/signed.hpp"

#include <gtest/gtest.h>

#include <random>

#include "base/error.hpp"

namespace pm::ff {
namespace {

// q * d + r over 512 bits (schoolbook, in the test: independent of the GMP call under test).
std::array<std::uint64_t, 8> mul_add(const u256& q, const u256& d, const u256& r) {
  std::array<std::uint64_t, 8> out{};
  for (int i = 0; i < 4; ++i) {
    u128 carry = 0;
    for (int j = 0; j < 4; ++j) {
      u128 t = static_cast<u128>(q[i]) * d[j] + out[i + j] + carry;
      out[i + j] = static_cast<std::uint64_t>(t);
      carry = t >> 64;
    }
    out[i + 4] = static_cast<std::uint64_t>(carry);
  }
  u128 carry = 0;
  for (int i = 0; i < 8; ++i) {
    u128 t = static_cast<u128>(out[i]) + (i < 4 ? r[i] : 0) + carry;
    out[i] = static_cast<std::uint64_t>(t);
    carry = t >> 64;
  }
  return out;
}

TEST(Signed, DivisionSatisfiesItsIdentity) {
  std::mt19937_64 rng(5);
  std::vector<std::pair<u256, u256>> cases = {{{7, 0, 0, 0}, {1, 0, 0, 0}},
                                              {{7, 0, 0, 0}, {9, 0, 0, 0}},
                                              {{~0ull, ~0ull, ~0ull, ~0ull}, {0, 0, 0, 1ull << 63}},
                                              {{~0ull, ~0ull, ~0ull, ~0ull}, {3, 0, 0, 0}}};
  for (int i = 0; i < 500; ++i) {
    u256 a{rng(), rng(), rng(), rng()}, d{rng(), rng(), rng(), rng()};
    for (int k = static_cast<int>(rng() % 4); k < 4; ++k) d[static_cast<std::size_t>(k)] = 0;  // 1 to 4 limbs
    if (is_zero(d)) d[0] = 1 + rng() % 1000;
    cases.emplace_back(a, d);
  }
  for (const auto& [a, d] : cases) {
    u256 r;
    u256 q = udiv(a, d, &r);
    EXPECT_TRUE(lt(r, d));
    auto back = mul_add(q, d, r);
    EXPECT_EQ((u256{back[0], back[1], back[2], back[3]}), a);
    EXPECT_EQ(back[4] | back[5] | back[6] | back[7], 0u);
  }
  EXPECT_THROW(udiv({1, 0, 0, 0}, {0, 0, 0, 0}), Error);
}

TEST(Signed, FloorDivisionRoundsDownAndSignsRoundTrip) {
  auto fd = [](std::int64_t t, std::uint64_t d) {
    SignedInt s{t < 0, {static_cast<std::uint64_t>(t < 0 ? -t : t), 0, 0, 0}};
    SignedInt q = floor_div(s, {d, 0, 0, 0});
    return q.neg ? -static_cast<std::int64_t>(q.mag[0]) : static_cast<std::int64_t>(q.mag[0]);
  };
  EXPECT_EQ(fd(7, 2), 3);
  EXPECT_EQ(fd(-7, 2), -4);
  EXPECT_EQ(fd(-8, 2), -4);
  EXPECT_EQ(fd(-1, 5), -1);
  EXPECT_EQ(fd(0, 5), 0);
  // (r - 1) / 2 is the largest positive value; one more is the most negative.
  u256 half = Fr::kModulus;
  for (int i = 0; i < 4; ++i) half[i] = (half[i] >> 1) | (i < 3 ? half[i + 1] << 63 : 0);
  Fr top = Fr::from_canonical_reduced(half);
  EXPECT_FALSE(to_signed(top).neg);
  EXPECT_TRUE(to_signed(top + Fr::one()).neg);
  for (Fr v : {Fr::zero(), Fr::one(), -Fr::one(), top, top + Fr::one(), Fr::from_u64(12345)}) {
    EXPECT_EQ(from_signed(to_signed(v)), v);
  }
  EXPECT_EQ(pow2_u256(200), (u256{0, 0, 0, 1ull << 8}));
}

}  // namespace
}  // namespace pm::ff
