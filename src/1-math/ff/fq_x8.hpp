#pragma once
/// \file Eight BN254 base-field elements at once, in AVX-512 IFMA (x86-64 only).
///
/// A lane holds an element in five 52-bit limbs, in the same Montgomery form as ff::Fq (x * 2^256
/// mod q), so converting to and from Fq is re-slicing bits, not arithmetic. VPMADD52LUQ/HUQ
/// give the low and high 52 bits of eight 52x52-bit products per instruction, against one
/// 64x64-bit product per MULX: the reason to use them for the many independent products of
/// batch-affine bucket additions.
///
/// Multiplication: the 25 limb products summed into ten 64-bit column accumulators (no carries
/// while summing: a column stays below 2^57), then Montgomery reduction by R = 2^256 as four
/// 52-bit steps and one 48-bit step (so the result keeps Fq's Montgomery form), one carry pass,
/// a shift by 48 bits and a final conditional subtraction. Every result is fully reduced, in
/// [0, q), with limbs below 2^52.
///
/// Every function here carries the `avx512f,avx512ifma` target attribute and is inlined into
/// callers that carry it too; nothing here may run unless ff::use_ifma() is true. Include this
/// header only from translation units that dispatch on that (msm/batch_affine_ifma.cpp).
///
/// Measured (AMD EPYC Zen 4, `BM_Fq8Mul`): 40.6 ns a vector product in four independent chains,
/// 5.1 ns a lane product, against 15.9 ns throughput for the ADX scalar product.

#if defined(__x86_64__)

#include <immintrin.h>

// GCC 12's AVX-512 shift intrinsics start from _mm512_undefined_epi32(), which it then reports
// as "may be used uninitialized" once inlined. A false positive; off for the including file
// (only the IFMA translation units include this header).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include <array>
#include <cstdint>

#include "ff/bn254.hpp"

#define PM_IFMA_INLINE [[gnu::target("avx512f,avx512ifma"), gnu::always_inline]] inline

namespace pm::ff::x8 {

constexpr std::uint64_t kMask52 = (std::uint64_t{1} << 52) - 1;

/// Four 64-bit limbs -> five 52-bit limbs.
constexpr std::array<std::uint64_t, 5> to_limbs52(const u256& a) {
  return {a[0] & kMask52, ((a[0] >> 52) | (a[1] << 12)) & kMask52, ((a[1] >> 40) | (a[2] << 24)) & kMask52,
          ((a[2] >> 28) | (a[3] << 36)) & kMask52, a[3] >> 16};
}

constexpr std::array<std::uint64_t, 5> kQ = to_limbs52(FqParams::kModulus);
/// -q^-1 mod 2^52.
constexpr std::uint64_t kQInv = Fq::kInv & kMask52;

/// Eight elements, limb-major: l[i] holds limb i of every lane.
struct Fq8 {
  __m512i l[5];
};

PM_IFMA_INLINE __m512i bcast(std::uint64_t v) { return _mm512_set1_epi64(static_cast<long long>(v)); }

/// All eight lanes set to `a` (Montgomery limbs).
PM_IFMA_INLINE Fq8 broadcast(const u256& a) {
  auto l = to_limbs52(a);
  return {{bcast(l[0]), bcast(l[1]), bcast(l[2]), bcast(l[3]), bcast(l[4])}};
}

/// From the four 64-bit limb vectors w[0..3] (limb j of each lane) to 52-bit limbs.
PM_IFMA_INLINE Fq8 from_words(const __m512i w[4]) {
  const __m512i m = bcast(kMask52);
  Fq8 r;
  r.l[0] = _mm512_and_si512(w[0], m);
  r.l[1] = _mm512_and_si512(_mm512_or_si512(_mm512_srli_epi64(w[0], 52), _mm512_slli_epi64(w[1], 12)), m);
  r.l[2] = _mm512_and_si512(_mm512_or_si512(_mm512_srli_epi64(w[1], 40), _mm512_slli_epi64(w[2], 24)), m);
  r.l[3] = _mm512_and_si512(_mm512_or_si512(_mm512_srli_epi64(w[2], 28), _mm512_slli_epi64(w[3], 36)), m);
  r.l[4] = _mm512_srli_epi64(w[3], 16);
  return r;
}

/// The inverse of from_words (limbs must be below 2^52, the value below 2^256).
PM_IFMA_INLINE void to_words(const Fq8& a, __m512i w[4]) {
  w[0] = _mm512_or_si512(a.l[0], _mm512_slli_epi64(a.l[1], 52));
  w[1] = _mm512_or_si512(_mm512_srli_epi64(a.l[1], 12), _mm512_slli_epi64(a.l[2], 40));
  w[2] = _mm512_or_si512(_mm512_srli_epi64(a.l[2], 24), _mm512_slli_epi64(a.l[3], 28));
  w[3] = _mm512_or_si512(_mm512_srli_epi64(a.l[3], 36), _mm512_slli_epi64(a.l[4], 16));
}

/// Eight Fq, lane i from v[i].
PM_IFMA_INLINE Fq8 pack(const Fq v[8]) {
  alignas(64) std::uint64_t w[4][8];
  for (int lane = 0; lane < 8; ++lane) {
    for (int j = 0; j < 4; ++j) w[j][lane] = v[lane].mont()[j];
  }
  __m512i words[4];
  for (int j = 0; j < 4; ++j) words[j] = _mm512_load_si512(w[j]);
  return from_words(words);
}

/// The eight lanes as Fq (a must be reduced, as every result here is).
PM_IFMA_INLINE void unpack(const Fq8& a, Fq out[8]) {
  __m512i words[4];
  to_words(a, words);
  alignas(64) std::uint64_t w[4][8];
  for (int j = 0; j < 4; ++j) _mm512_store_si512(w[j], words[j]);
  for (int lane = 0; lane < 8; ++lane)
    out[lane] = Fq::from_mont_unchecked({w[0][lane], w[1][lane], w[2][lane], w[3][lane]});
}

/// s - q where s >= q, else s; s normalised (limbs < 2^52) and below 2q.
PM_IFMA_INLINE Fq8 reduce_once(const Fq8& s) {
  const __m512i m = bcast(kMask52);
  __m512i t[5];
  for (int i = 0; i < 5; ++i) t[i] = _mm512_sub_epi64(s.l[i], bcast(kQ[i]));
  for (int i = 0; i < 4; ++i) {
    t[i + 1] = _mm512_add_epi64(t[i + 1], _mm512_srai_epi64(t[i], 52));
    t[i] = _mm512_and_si512(t[i], m);
  }
  const __mmask8 below = _mm512_cmplt_epi64_mask(t[4], _mm512_setzero_si512());  // s < q: keep s
  Fq8 r;
  for (int i = 0; i < 5; ++i) r.l[i] = _mm512_mask_blend_epi64(below, t[i], s.l[i]);
  return r;
}

PM_IFMA_INLINE Fq8 add(const Fq8& a, const Fq8& b) {
  const __m512i m = bcast(kMask52);
  Fq8 s;
  for (int i = 0; i < 5; ++i) s.l[i] = _mm512_add_epi64(a.l[i], b.l[i]);
  for (int i = 0; i < 4; ++i) {
    s.l[i + 1] = _mm512_add_epi64(s.l[i + 1], _mm512_srli_epi64(s.l[i], 52));
    s.l[i] = _mm512_and_si512(s.l[i], m);
  }
  return reduce_once(s);
}

PM_IFMA_INLINE Fq8 sub(const Fq8& a, const Fq8& b) {
  const __m512i m = bcast(kMask52);
  __m512i d[5];
  for (int i = 0; i < 5; ++i) d[i] = _mm512_sub_epi64(a.l[i], b.l[i]);
  for (int i = 0; i < 4; ++i) {
    d[i + 1] = _mm512_add_epi64(d[i + 1], _mm512_srai_epi64(d[i], 52));
    d[i] = _mm512_and_si512(d[i], m);
  }
  // a < b: add q back (the top limb is then negative).
  const __mmask8 neg = _mm512_cmplt_epi64_mask(d[4], _mm512_setzero_si512());
  for (int i = 0; i < 5; ++i) d[i] = _mm512_mask_add_epi64(d[i], neg, d[i], bcast(kQ[i]));
  for (int i = 0; i < 4; ++i) {
    d[i + 1] = _mm512_add_epi64(d[i + 1], _mm512_srli_epi64(d[i], 52));
    d[i] = _mm512_and_si512(d[i], m);
  }
  return {{d[0], d[1], d[2], d[3], d[4]}};
}

/// a * b * 2^-256 mod q, lane by lane.
PM_IFMA_INLINE Fq8 mul(const Fq8& a, const Fq8& b) {
  const __m512i m = bcast(kMask52), zero = _mm512_setzero_si512();
  __m512i t[10];
  for (auto& x : t) x = zero;
  for (int i = 0; i < 5; ++i) {
    for (int j = 0; j < 5; ++j) {
      t[i + j] = _mm512_madd52lo_epu64(t[i + j], a.l[i], b.l[j]);
      t[i + j + 1] = _mm512_madd52hi_epu64(t[i + j + 1], a.l[i], b.l[j]);
    }
  }
  const __m512i qinv = bcast(kQInv);
  // Four 52-bit reduction steps: t += m q 2^(52s) clears limb s, whose carry moves up.
  for (int s = 0; s < 4; ++s) {
    const __m512i k = _mm512_madd52lo_epu64(zero, t[s], qinv);
    for (int j = 0; j < 5; ++j) {
      t[s + j] = _mm512_madd52lo_epu64(t[s + j], k, bcast(kQ[j]));
      t[s + j + 1] = _mm512_madd52hi_epu64(t[s + j + 1], k, bcast(kQ[j]));
    }
    t[s + 1] = _mm512_add_epi64(t[s + 1], _mm512_srli_epi64(t[s], 52));
  }
  // The last 48 bits (4 * 52 + 48 = 256): clears the low 48 bits of limb 4.
  const __m512i k =
      _mm512_and_si512(_mm512_madd52lo_epu64(zero, t[4], qinv), bcast((std::uint64_t{1} << 48) - 1));
  for (int j = 0; j < 5; ++j) {
    t[4 + j] = _mm512_madd52lo_epu64(t[4 + j], k, bcast(kQ[j]));
    t[5 + j] = _mm512_madd52hi_epu64(t[5 + j], k, bcast(kQ[j]));
  }
  for (int i = 4; i < 9; ++i) {
    t[i + 1] = _mm512_add_epi64(t[i + 1], _mm512_srli_epi64(t[i], 52));
    t[i] = _mm512_and_si512(t[i], m);
  }
  // (t[4..9]) >> 48, below 2q.
  Fq8 r;
  for (int i = 0; i < 5; ++i) {
    r.l[i] =
        _mm512_or_si512(_mm512_srli_epi64(t[4 + i], 48), _mm512_and_si512(_mm512_slli_epi64(t[5 + i], 4), m));
  }
  return reduce_once(r);
}

PM_IFMA_INLINE Fq8 sqr(const Fq8& a) { return mul(a, a); }

/// Eight Fq2 elements (c0 + c1 u, u^2 = -1).
struct Fq2x8 {
  Fq8 c0, c1;
};

PM_IFMA_INLINE Fq2x8 add(const Fq2x8& a, const Fq2x8& b) { return {add(a.c0, b.c0), add(a.c1, b.c1)}; }
PM_IFMA_INLINE Fq2x8 sub(const Fq2x8& a, const Fq2x8& b) { return {sub(a.c0, b.c0), sub(a.c1, b.c1)}; }
/// Karatsuba: 3 products.
PM_IFMA_INLINE Fq2x8 mul(const Fq2x8& a, const Fq2x8& b) {
  Fq8 v0 = mul(a.c0, b.c0), v1 = mul(a.c1, b.c1);
  Fq8 s = mul(add(a.c0, a.c1), add(b.c0, b.c1));
  return {sub(v0, v1), sub(sub(s, v0), v1)};
}
/// Complex squaring: 2 products.
PM_IFMA_INLINE Fq2x8 sqr(const Fq2x8& a) {
  Fq8 ab = mul(a.c0, a.c1);
  return {mul(add(a.c0, a.c1), sub(a.c0, a.c1)), add(ab, ab)};
}

}  // namespace pm::ff::x8

#endif  // __x86_64__
