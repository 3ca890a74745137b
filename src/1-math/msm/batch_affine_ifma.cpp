#include "msm/batch_affine_ifma.hpp"

#include "base/error.hpp"

#if defined(__x86_64__)

#include <algorithm>
#include <cstring>

#include "ff/fq2.hpp"
#include "ff/fq_x8.hpp"

namespace pm::msm::detail {
namespace {

using ff::x8::Fq2x8;
using ff::x8::Fq8;

// Gathers coordinate words [off, off + 4) of eight points whose first words sit at vidx (in
// 64-bit words from base); masked-off lanes read as zero.
PM_IFMA_INLINE Fq8 gather_fq(const std::uint64_t* base, __m512i vidx, unsigned off, __mmask8 k) {
  __m512i w[4];
  for (unsigned j = 0; j < 4; ++j) {
    w[j] =
        _mm512_mask_i64gather_epi64(_mm512_setzero_si512(), k, _mm512_add_epi64(vidx, ff::x8::bcast(off + j)),
                                    reinterpret_cast<const long long*>(base), 8);
  }
  return ff::x8::from_words(w);
}

PM_IFMA_INLINE void scatter_fq(std::uint64_t* base, __m512i vidx, unsigned off, __mmask8 k, const Fq8& v) {
  __m512i w[4];
  ff::x8::to_words(v, w);
  for (unsigned j = 0; j < 4; ++j) {
    _mm512_mask_i64scatter_epi64(reinterpret_cast<long long*>(base), k,
                                 _mm512_add_epi64(vidx, ff::x8::bcast(off + j)), w[j], 8);
  }
}

PM_IFMA_INLINE Fq8 blend(__mmask8 k, const Fq8& a, const Fq8& b) {  // k ? b : a
  Fq8 r;
  for (int i = 0; i < 5; ++i) r.l[i] = _mm512_mask_blend_epi64(k, a.l[i], b.l[i]);
  return r;
}

PM_IFMA_INLINE void store(std::uint64_t* out, const Fq8& v) {
  for (int i = 0; i < 5; ++i) _mm512_storeu_si512(out + 8 * i, v.l[i]);
}
PM_IFMA_INLINE Fq8 load(const std::uint64_t* in) {
  Fq8 v;
  for (int i = 0; i < 5; ++i) v.l[i] = _mm512_loadu_si512(in + 8 * i);
  return v;
}

// The per-curve parts: how a coordinate is laid out, and the scalar field for the inversion.
struct G1Traits {
  using V = Fq8;
  using F = ff::Fq;
  using Point = ec::G1Affine;
  static constexpr unsigned kWords = 8;   // 64-bit words per point: x[4], y[4]
  static constexpr unsigned kLimbs = 40;  // 64-bit words per stored vector
  PM_IFMA_INLINE static V gather(const std::uint64_t* b, __m512i vidx, unsigned coord, __mmask8 k) {
    return gather_fq(b, vidx, 4 * coord, k);
  }
  PM_IFMA_INLINE static void scatter(std::uint64_t* b, __m512i vidx, unsigned coord, __mmask8 k, const V& v) {
    scatter_fq(b, vidx, 4 * coord, k, v);
  }
  PM_IFMA_INLINE static V one() { return ff::x8::broadcast(ff::Fq::one().mont()); }
  PM_IFMA_INLINE static V blend(__mmask8 k, const V& a, const V& b) { return detail::blend(k, a, b); }
  PM_IFMA_INLINE static void store(std::uint64_t* out, const V& v) { detail::store(out, v); }
  PM_IFMA_INLINE static V load(const std::uint64_t* in) { return detail::load(in); }
  PM_IFMA_INLINE static void lanes(const V& v, F out[8]) { ff::x8::unpack(v, out); }
  PM_IFMA_INLINE static V from_lanes(const F in[8]) { return ff::x8::pack(in); }
};

struct G2Traits {
  using V = Fq2x8;
  using F = ff::Fq2;
  using Point = ec::G2Affine;
  static constexpr unsigned kWords = 16;  // x.c0, x.c1, y.c0, y.c1
  static constexpr unsigned kLimbs = 80;
  PM_IFMA_INLINE static V gather(const std::uint64_t* b, __m512i vidx, unsigned coord, __mmask8 k) {
    return {gather_fq(b, vidx, 8 * coord, k), gather_fq(b, vidx, 8 * coord + 4, k)};
  }
  PM_IFMA_INLINE static void scatter(std::uint64_t* b, __m512i vidx, unsigned coord, __mmask8 k, const V& v) {
    scatter_fq(b, vidx, 8 * coord, k, v.c0);
    scatter_fq(b, vidx, 8 * coord + 4, k, v.c1);
  }
  PM_IFMA_INLINE static V one() { return {G1Traits::one(), ff::x8::broadcast(ff::u256{0, 0, 0, 0})}; }
  PM_IFMA_INLINE static V blend(__mmask8 k, const V& a, const V& b) {
    return {detail::blend(k, a.c0, b.c0), detail::blend(k, a.c1, b.c1)};
  }
  PM_IFMA_INLINE static void store(std::uint64_t* out, const V& v) {
    detail::store(out, v.c0);
    detail::store(out + 40, v.c1);
  }
  PM_IFMA_INLINE static V load(const std::uint64_t* in) { return {detail::load(in), detail::load(in + 40)}; }
  PM_IFMA_INLINE static void lanes(const V& v, F out[8]) {
    ff::Fq c0[8], c1[8];
    G1Traits::lanes(v.c0, c0);
    G1Traits::lanes(v.c1, c1);
    for (int i = 0; i < 8; ++i) out[i] = {c0[i], c1[i]};
  }
  PM_IFMA_INLINE static V from_lanes(const F in[8]) {
    ff::Fq c0[8], c1[8];
    for (int i = 0; i < 8; ++i) {
      c0[i] = in[i].c0;
      c1[i] = in[i].c1;
    }
    return {G1Traits::from_lanes(c0), G1Traits::from_lanes(c1)};
  }
};

// Lane mask and the word offsets of block k's buckets and points (eight additions a block).
template <class T>
PM_IFMA_INLINE void block(const std::uint32_t* idx, std::size_t m, std::size_t k, __mmask8& valid,
                          __m512i& vb, __m512i& vp) {
  constexpr unsigned kShift = T::kWords == 8 ? 3 : 4;
  static_assert(T::kWords == 1u << kShift);
  const std::size_t first = 8 * k, n = std::min<std::size_t>(8, m - first);
  valid = static_cast<__mmask8>((1u << n) - 1);
  std::uint32_t ids[8] = {};
  std::memcpy(ids, idx + first, n * sizeof(std::uint32_t));
  vb = _mm512_slli_epi64(_mm512_cvtepu32_epi64(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(ids))),
                         kShift);
  vp = _mm512_slli_epi64(_mm512_add_epi64(_mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0), ff::x8::bcast(first)),
                         kShift);
}

// 1/x for the sixteen chain totals (none zero), by Montgomery's trick: one inversion.
template <class F>
void invert16(F x[16]) {
  F prefix[16];
  F acc = F::one();
  for (int i = 0; i < 16; ++i) {
    prefix[i] = acc;
    acc *= x[i];
  }
  F inv = acc.inverse_vartime();  // bucket sums may leak timing: MSMs are vartime
  for (int i = 16; i-- > 0;) {
    F xi = x[i];
    x[i] = inv * prefix[i];
    inv *= xi;
  }
}

template <class T>
[[gnu::target("avx512f,avx512ifma")]] void run(typename T::Point* buckets_pts, const std::uint32_t* idx,
                                               const typename T::Point* points_pts, std::size_t m,
                                               std::vector<std::uint64_t>& scratch) {
  using V = typename T::V;
  using ff::x8::add;
  using ff::x8::mul;
  using ff::x8::sqr;
  using ff::x8::sub;
  auto* buckets = reinterpret_cast<std::uint64_t*>(buckets_pts);
  const auto* points = reinterpret_cast<const std::uint64_t*>(points_pts);
  const std::size_t nb = (m + 7) / 8;
  if (scratch.size() < nb * T::kLimbs) scratch.resize(nb * T::kLimbs);
  const V one = T::one();
  // Forward: prefix[k] = product of the earlier denominators of k's chain (k mod 2).
  V acc[2] = {one, one};
  for (std::size_t k = 0; k < nb; ++k) {
    __mmask8 valid;
    __m512i vb, vp;
    block<T>(idx, m, k, valid, vb, vp);
    V d = sub(T::gather(points, vp, 0, valid), T::gather(buckets, vb, 0, valid));
    d = T::blend(valid, one, d);  // padding lanes: denominator 1
    T::store(&scratch[k * T::kLimbs], acc[k & 1]);
    acc[k & 1] = mul(acc[k & 1], d);
  }
  V inv[2];
  {
    typename T::F x[16];
    T::lanes(acc[0], x);
    T::lanes(acc[1], x + 8);
    invert16(x);
    inv[0] = T::from_lanes(x);
    inv[1] = T::from_lanes(x + 8);
  }
  // Backward: each slope, then the sums written back to the buckets.
  for (std::size_t k = nb; k-- > 0;) {
    __mmask8 valid;
    __m512i vb, vp;
    block<T>(idx, m, k, valid, vb, vp);
    const V px = T::gather(points, vp, 0, valid), py = T::gather(points, vp, 1, valid);
    const V qx = T::gather(buckets, vb, 0, valid), qy = T::gather(buckets, vb, 1, valid);
    const V d = T::blend(valid, one, sub(px, qx));
    V& chain = inv[k & 1];
    const V d_inv = mul(chain, T::load(&scratch[k * T::kLimbs]));
    chain = mul(chain, d);
    const V lambda = mul(sub(py, qy), d_inv);
    const V x3 = sub(sub(sqr(lambda), qx), px);
    const V y3 = sub(mul(lambda, sub(qx, x3)), qy);
    T::scatter(buckets, vb, 0, valid, x3);
    T::scatter(buckets, vb, 1, valid, y3);
  }
}

}  // namespace

void batch_add_ifma(ec::G1Affine* buckets, const std::uint32_t* idx, const ec::G1Affine* points,
                    std::size_t m, std::vector<std::uint64_t>& scratch) {
  PM_ASSERT(ff::cpu_has_ifma());
  run<G1Traits>(buckets, idx, points, m, scratch);
}

void batch_add_ifma(ec::G2Affine* buckets, const std::uint32_t* idx, const ec::G2Affine* points,
                    std::size_t m, std::vector<std::uint64_t>& scratch) {
  PM_ASSERT(ff::cpu_has_ifma());
  run<G2Traits>(buckets, idx, points, m, scratch);
}

}  // namespace pm::msm::detail

#else  // not x86-64: never called (ff::use_ifma() is false)

namespace pm::msm::detail {
void batch_add_ifma(ec::G1Affine*, const std::uint32_t*, const ec::G1Affine*, std::size_t,
                    std::vector<std::uint64_t>&) {
  PM_ASSERT(false);
}
void batch_add_ifma(ec::G2Affine*, const std::uint32_t*, const ec::G2Affine*, std::size_t,
                    std::vector<std::uint64_t>&) {
  PM_ASSERT(false);
}
}  // namespace pm::msm::detail

#endif
