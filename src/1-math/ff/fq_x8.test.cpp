// The eight-lane IFMA arithmetic against the scalar Fq/Fq2 (which fp.test.cpp checks against
// GMP): random elements and the edge values 0, 1, q - 1 and those whose 52-bit limbs are all
// at their maximum. Skipped on CPUs without AVX-512 IFMA.
#include "ff/fq_x8.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "ff/fq2.hpp"
#include "ff/mont.hpp"

#if defined(__x86_64__)

namespace pm::ff {
namespace {

enum class Op { add, sub, mul, sqr };

// Every limb of every lane below 2^52 (values below q are checked by the comparison with Fq,
// whose elements are fully reduced: the limbs must be equal).
[[gnu::target("avx512f,avx512ifma")]] bool limbs_in_range(const x8::Fq8& r) {
  for (int i = 0; i < 5; ++i) {
    alignas(64) std::uint64_t limb[8];
    _mm512_store_si512(limb, r.l[i]);
    for (auto v : limb)
      if (v >> 52 != 0) return false;
  }
  return true;
}

// out[i] = op(a[i], b[i]) computed eight lanes at a time (sizes a multiple of 8).
[[gnu::target("avx512f,avx512ifma")]] void run_x8(Op op, const std::vector<Fq>& a, const std::vector<Fq>& b,
                                                  std::vector<Fq>& out) {
  for (std::size_t k = 0; k < a.size(); k += 8) {
    x8::Fq8 x = x8::pack(&a[k]), y = x8::pack(&b[k]), r;
    switch (op) {
      case Op::add:
        r = x8::add(x, y);
        break;
      case Op::sub:
        r = x8::sub(x, y);
        break;
      case Op::mul:
        r = x8::mul(x, y);
        break;
      case Op::sqr:
        r = x8::sqr(x);
        break;
    }
    ASSERT_TRUE(limbs_in_range(r));
    x8::unpack(r, &out[k]);
  }
}

[[gnu::target("avx512f,avx512ifma")]] void run_fq2_x8(bool square, const std::vector<Fq2>& a,
                                                      const std::vector<Fq2>& b, std::vector<Fq2>& out) {
  for (std::size_t k = 0; k < a.size(); k += 8) {
    Fq a0[8], a1[8], b0[8], b1[8], c0[8], c1[8];
    for (int i = 0; i < 8; ++i)
      a0[i] = a[k + i].c0, a1[i] = a[k + i].c1, b0[i] = b[k + i].c0, b1[i] = b[k + i].c1;
    x8::Fq2x8 x{x8::pack(a0), x8::pack(a1)}, y{x8::pack(b0), x8::pack(b1)};
    x8::Fq2x8 r = square ? x8::sqr(x) : x8::mul(x, y);
    ASSERT_TRUE(limbs_in_range(r.c0) && limbs_in_range(r.c1));
    x8::unpack(r.c0, c0);
    x8::unpack(r.c1, c1);
    for (int i = 0; i < 8; ++i) out[k + i] = {c0[i], c1[i]};
  }
}

std::vector<Fq> samples(std::mt19937_64& rng, std::size_t n) {
  std::vector<Fq> v;
  u256 q_minus_1 = FqParams::kModulus;
  q_minus_1[0] -= 1;
  // 2^k - 1 for k = 52 * j (k = 52 ... 208): limbs at their maximum; 2^254 - 1 reduced.
  for (u256 edge : {u256{0, 0, 0, 0}, u256{1, 0, 0, 0}, q_minus_1, u256{~0ull >> 12, 0, 0, 0},
                    u256{~0ull, ~0ull >> 24, 0, 0}, u256{~0ull, ~0ull, ~0ull >> 36, 0},
                    u256{~0ull, ~0ull, ~0ull, ~0ull >> 48}, u256{~0ull, ~0ull, ~0ull, ~0ull >> 2}}) {
    v.push_back(Fq::from_u256_reduce(edge));
    v.push_back(Fq::from_mont_unchecked(Fq::from_u256_reduce(edge).to_canonical()));  // the same as limbs
  }
  while (v.size() < n) v.push_back(Fq::from_u256_reduce({rng(), rng(), rng(), rng() >> 2}));
  return v;
}

TEST(FqX8, MatchesScalarFq) {
  if (!cpu_has_ifma()) GTEST_SKIP() << "no AVX-512 IFMA on this CPU";
  std::mt19937_64 rng(52);
  const std::size_t n = 4096;
  auto a = samples(rng, n);
  std::vector<Fq> b(a.rbegin(), a.rend()), out(n);
  std::shuffle(b.begin() + 64, b.end(), rng);
  for (std::size_t i = 0; i < 16; ++i) b[i] = a[i];  // equal operands: x - x, x + x, x * x
  run_x8(Op::add, a, b, out);
  for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(out[i], a[i] + b[i]) << "add " << i;
  run_x8(Op::sub, a, b, out);
  for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(out[i], a[i] - b[i]) << "sub " << i;
  run_x8(Op::mul, a, b, out);
  for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(out[i], a[i] * b[i]) << "mul " << i;
  run_x8(Op::sqr, a, b, out);
  for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(out[i], a[i].square()) << "sqr " << i;
}

TEST(FqX8, Fq2MatchesScalarFq2) {
  if (!cpu_has_ifma()) GTEST_SKIP() << "no AVX-512 IFMA on this CPU";
  std::mt19937_64 rng(104);
  const std::size_t n = 1024;
  auto c = samples(rng, 2 * n);
  std::vector<Fq2> a(n), b(n), out(n);
  for (std::size_t i = 0; i < n; ++i) {
    a[i] = {c[i], c[2 * n - 1 - i]};
    b[i] = {c[(7 * i + 3) % (2 * n)], c[(11 * i + 5) % (2 * n)]};
  }
  run_fq2_x8(false, a, b, out);
  for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(out[i], a[i] * b[i]) << "mul " << i;
  run_fq2_x8(true, a, b, out);
  for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(out[i], a[i].square()) << "sqr " << i;
}

}  // namespace
}  // namespace pm::ff

#endif
