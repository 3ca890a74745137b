#include "msm/msm.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "base/error.hpp"
#include "base/parallel.hpp"
#include "ec/glv.hpp"
#include "msm/batch_affine.hpp"

namespace pm::msm {
namespace {

// After the GLV split every scalar has at most 128 bits.
constexpr unsigned kScalarBits = 128;
constexpr unsigned kMaxWindow = 16;                       // signed digits then fit in int16_t
constexpr std::size_t kMaxPoints = std::size_t{1} << 31;  // point indices are uint32_t

// Signed digits of a kScalarBits-bit scalar need ceil((kScalarBits + 2) / c) windows: with two
// spare bits at the top the last window's value stays below 2^(c-2), so it never carries out.
unsigned num_windows(unsigned c) { return (kScalarBits + 2 + c - 1) / c; }

// Bucket additions per batch (one field inversion each) for `n_buckets` buckets.
std::size_t batch_size(std::size_t n_buckets) { return std::clamp<std::size_t>(n_buckets / 8, 16, 1024); }

// Cost of c-bit signed windows with the points cut into `parts` slices, in batch-affine
// additions. Each (window, slice) task adds its slice's points once and reduces 2^(c-1) buckets
// with two Jacobian additions each, measured at about 3.7 times the cost of a batch-affine
// addition (bench_ec, bench_msm). Tasks run whole on threads, so what counts is the number of
// rounds, ceil(tasks / threads): on 2 threads an odd number of windows leaves one core idle for
// a round (bench_msm, 2 threads, G1 2^18: 13 windows of 10 bits 385 ms, 10 windows of 13 bits
// 298 ms). The model knows nothing of caches: wider buckets cost more than it says.
double plan_cost(std::size_t n, unsigned c, unsigned parts, unsigned threads) {
  constexpr double kReduceCost = 3.7;
  const double rounds = (num_windows(c) * parts + threads - 1) / threads;
  return rounds *
         (static_cast<double>(n) / parts + kReduceCost * static_cast<double>(std::size_t{1} << (c - 1)));
}

// The cheapest plan with widths in [lo, hi] and at most max_parts slices of at least 2^c
// points each; ties go to the narrower window and fewer slices.
Plan cheapest(std::size_t n, unsigned threads, unsigned lo, unsigned hi, unsigned max_parts) {
  Plan best{lo, 1};
  double best_cost = plan_cost(n, lo, 1, threads);
  for (unsigned c = lo; c <= hi; ++c) {
    for (unsigned parts = 1; parts <= max_parts; ++parts) {
      if (parts > 1 && n / parts < (std::size_t{1} << c)) break;
      const double cost = plan_cost(n, c, parts, threads);
      if (cost < best_cost) best = {c, parts}, best_cost = cost;
    }
  }
  return best;
}

// Signed c-bit digits of k (negated when `neg`), least significant first:
// k = sum d_j 2^(cj) with d_j in [-2^(c-1), 2^(c-1)).
void signed_digits(const ff::u256& k, bool neg, unsigned c, unsigned windows, std::int16_t* out,
                   std::size_t stride) {
  const std::int64_t half = std::int64_t{1} << (c - 1), full = std::int64_t{1} << c;
  std::int64_t carry = 0;
  for (unsigned w = 0; w < windows; ++w) {
    unsigned lo = w * c;
    std::uint64_t bits = 0;
    if (lo < 256) {
      unsigned limb = lo / 64, off = lo % 64;
      bits = k[limb] >> off;
      if (off + c > 64 && limb + 1 < 4) bits |= k[limb + 1] << (64 - off);
      bits &= (std::uint64_t{1} << c) - 1;
    }
    std::int64_t d = static_cast<std::int64_t>(bits) + carry;
    carry = 0;
    if (d >= half) {
      d -= full;
      carry = 1;
    }
    out[w * stride] = static_cast<std::int16_t>(neg ? -d : d);
  }
  PM_ASSERT(carry == 0);
}

// Plain Jacobian buckets (mixed additions, no inversions): faster than batch-affine ones for
// small MSMs, where a batch is too short to amortise its field inversion.
template <class C>
class JacobianBuckets {
 public:
  JacobianBuckets(std::size_t n_buckets, std::size_t) : sums_(n_buckets, ec::Jacobian<C>::identity()) {}
  void reset() { std::fill(sums_.begin(), sums_.end(), ec::Jacobian<C>::identity()); }
  void add(std::uint32_t b, const ec::Affine<C>& p) { sums_[b] = sums_[b].add_mixed(p); }
  void finish() {}
  void accumulate(std::size_t b, ec::Jacobian<C>& acc) const { acc = acc.add(sums_[b]); }

 private:
  std::vector<ec::Jacobian<C>> sums_;
};

// Below this many (GLV-split) points per task (window, or window and slice) the Jacobian buckets win
// (bench_msm, medians of 5, batch-affine -> Jacobian: G1 2^9 8.2 -> 3.7 ms, 2^11 17.1 -> 11.7 ms; G2 2^9 13.2
// -> 10.4 ms, 2^11 32.5 -> 33.2 ms).
constexpr std::size_t kBatchAffineMinPoints = 16384;

template <class Cfg>
ec::Jacobian<Cfg> msm_impl(UnalignedSpan<ec::Affine<Cfg>> bases, std::span<const ff::u256> scalars) {
  using J = ec::Jacobian<Cfg>;
  if (bases.size() != scalars.size()) {
    throw Error(Errc::mismatch, "MSM: " + std::to_string(bases.size()) + " bases but " +
                                    std::to_string(scalars.size()) + " scalars");
  }
  if (bases.size() >= kMaxPoints) throw Error(Errc::out_of_range, "MSM: more than 2^31 points");
  // Scalars 0 and 1 and bases at infinity never reach the buckets.
  std::vector<std::uint32_t> big;
  big.reserve(scalars.size());
  J ones = J::identity();
  for (std::size_t i = 0; i < scalars.size(); ++i) {
    const ff::u256& k = scalars[i];
    if ((k[1] | k[2] | k[3]) == 0 && k[0] <= 1) {
      if (k[0] == 1) ones = ones.add_mixed(bases[i]);  // no-op for a base at infinity
      continue;
    }
    if (bases[i].is_infinity()) continue;
    big.push_back(static_cast<std::uint32_t>(i));
  }
  if (big.empty()) return ones;

  // GLV: k P = k1 P + k2 phi(P) with 128-bit halves; entry 2t is P, entry 2t+1 is phi(P).
  const std::size_t ne = 2 * big.size();
  const Plan cut = plan(ne, num_threads());
  const unsigned c = cut.window_bits, parts = cut.slices;
  const unsigned windows = num_windows(c);
  std::vector<std::int16_t> digits(ne * windows);  // window-major
  // x(phi(P)) = beta x(P), once per MSM rather than once per window.
  std::vector<typename Cfg::Field> endo_x(big.size());
  parallel_for(big.size(), 1024, [&](std::size_t b, std::size_t e) {
    for (std::size_t t = b; t < e; ++t) {
      endo_x[t] = ec::glv_endo(bases[big[t]]).x;
      ec::GlvSplit s = ec::glv_split(scalars[big[t]]);
      signed_digits(s.k1, s.neg1, c, windows, &digits[2 * t], ne);
      signed_digits(s.k2, s.neg2, c, windows, &digits[2 * t + 1], ne);
    }
  });

  // Task t is window t / parts over slice t % parts of the points.
  std::vector<J> task_sums(std::size_t{windows} * parts, J::identity());
  const std::size_t n_buckets = std::size_t{1} << (c - 1);
  const std::size_t batch = batch_size(n_buckets);
  auto pass = [&]<class Buckets>(std::type_identity<Buckets>) {
    parallel_chunks(task_sums.size(), 0, [&](std::size_t tb, std::size_t te, unsigned) {
      Buckets buckets(n_buckets, batch);
      for (std::size_t t = tb; t < te; ++t) {
        buckets.reset();
        const std::size_t w = t / parts, slice = t % parts;
        const std::int16_t* row = &digits[w * ne];
        for (std::size_t e = ne * slice / parts, end = ne * (slice + 1) / parts; e < end; ++e) {
          std::int32_t d = row[e];
          if (d == 0) continue;
          ec::Affine<Cfg> p = bases[big[e / 2]];
          if (e & 1) p.x = endo_x[e / 2];
          if (d > 0) {
            buckets.add(static_cast<std::uint32_t>(d - 1), p);
          } else {
            buckets.add(static_cast<std::uint32_t>(-d - 1), p.neg());
          }
        }
        buckets.finish();
        // sum_j (j+1) * bucket[j] by running sums from the top.
        J running = J::identity(), total = J::identity();
        for (std::size_t j = n_buckets; j-- > 0;) {
          buckets.accumulate(j, running);
          total = total.add(running);
        }
        task_sums[t] = total;
      }
    });
  };
  if (ne / parts < kBatchAffineMinPoints) {  // points per task
    pass(std::type_identity<JacobianBuckets<Cfg>>{});
  } else {
    pass(std::type_identity<detail::AffineBuckets<Cfg>>{});
  }
  J acc = J::identity();
  for (std::size_t w = windows; w-- > 0;) {
    for (unsigned i = 0; i < c; ++i) acc = acc.dbl();
    for (unsigned slice = 0; slice < parts; ++slice) acc = acc.add(task_sums[w * parts + slice]);
  }
  return acc.add(ones);
}

}  // namespace

// Whole windows first, the width at most 2 bits below the one-thread choice: with many threads,
// rounds alone would pick narrow windows whose batches are too short to amortise their
// inversions. Only when threads then outnumber the windows are the points sliced, and never
// with wider windows than that choice: on 2 threads the model preferred 2 slices of 15-bit
// windows to 13-bit whole ones at 2^21 points, and they measured 1.4 times slower (G1 1208 ->
// 1743 ms, G2 2580 -> 3725 ms at 2^20 scalars, bench_msm): the wider buckets miss the cache.
Plan plan(std::size_t n, unsigned threads) {
  threads = std::max(1u, threads);
  const unsigned alone = cheapest(n, 1, 2, kMaxWindow, 1).window_bits;
  const unsigned lo = std::max(2u, alone - 2);
  const Plan whole = cheapest(n, threads, lo, kMaxWindow, 1);
  if (num_windows(whole.window_bits) >= threads) return whole;
  return cheapest(n, threads, lo, whole.window_bits, threads);
}

unsigned window_bits(std::size_t n) { return plan(n, num_threads()).window_bits; }

ec::G1 msm_g1(UnalignedSpan<ec::G1Affine> bases, std::span<const ff::u256> scalars) {
  return msm_impl<ec::G1Config>(bases, scalars);
}

ec::G2 msm_g2(UnalignedSpan<ec::G2Affine> bases, std::span<const ff::u256> scalars) {
  return msm_impl<ec::G2Config>(bases, scalars);
}

}  // namespace pm::msm
