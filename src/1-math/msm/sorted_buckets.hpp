#pragma once
/// \file The MSM's bucket sums: sort a task's points by bucket, then add them pairwise in a
/// tree, one batched inversion per level of the tree; and the buckets' weighted sums for many
/// windows in lockstep, one batched inversion per step.
///
/// Bucket-at-a-time batches (one addition per bucket, queued until a batch is full, as the MSM
/// used before) need many more buckets than a batch holds, or most additions collide and wait:
/// small tasks (a few thousand points into a few hundred buckets) used Jacobian buckets (7M + 4S
/// an addition) instead. Here a chunk of the task's points (256 KiB of them, so that it stays in
/// the L2 cache) is first counted and placed by bucket (a counting sort in two passes over the
/// digits), and then each bucket's points are summed as a binary tree: at level L the element
/// at offset k·2^(L+1) of a bucket takes the one 2^L further on. Every addition of a level is
/// independent of the others, whatever the bucket sizes, so a level is one batch with one
/// inversion: about 6M + 1S an addition (5M + 1S and the inversion's share), for
/// ceil(log2(largest bucket)) inversions a chunk, and one more batch adds the chunk's sums to
/// the buckets'. Measured against both earlier kinds, one thread, ADX path (`bench_msm`): G1
/// 2^9 5.25 -> 3.45 ms (Jacobian before), 2^18 871 -> 805 ms (bucket-at-a-time before); G2 2^9
/// 14.2 -> 7.44 ms, 2^18 2360 -> 1931 ms.
///
/// The weighted sum of a window's buckets, sum_j (j+1)·B_j, is the running sum R += B_j, T += R
/// from the top bucket down: a chain, so one window alone could only use Jacobian additions
/// (about 2.3 times the cost of a batched affine one). reduce_in_lockstep() runs the chains of
/// many windows side by side instead: step j adds every window's B_j to its R in one batch, then
/// every R to its T in another. Wide windows are cut into runs of buckets, each its own chain
/// (more chains to a batch, and to spread over threads), and the runs' sums are combined after.
///
/// Equal x (a doubling or a cancellation) is settled exactly outside the batch. Where the CPU
/// has AVX-512 IFMA a batch's additions run eight per vector (batch_affine_ifma.hpp). Internal
/// to the MSM; variable-time.

#include <algorithm>
#include <cstdint>
#include <span>
#include <type_traits>
#include <vector>

#include "ec/curve.hpp"
#include "ff/fq2.hpp"
#include "ff/mont.hpp"
#include "msm/batch_affine_ifma.hpp"

namespace pm::msm::detail {

/// Batches of independent affine additions, with the scratch they reuse.
template <class C>
class AffineAdder {
 public:
  using A = ec::Affine<C>;
  using F = typename C::Field;

  /// dst[idx[i]] += src[i] for i < m. Requires: the idx distinct, no point at infinity, and
  /// x(src[i]) != x(dst[idx[i]]).
  void add(A* dst, const std::uint32_t* idx, const A* src, std::size_t m) {
    if (m == 0) return;
    if (use_ifma_) {
      batch_add_ifma(dst, idx, src, m, scratch_);
      return;
    }
    auto step = [&](std::size_t i, const F& d_inv) {  // addition i, given 1 / (x_src - x_dst)
      A& q = dst[idx[i]];
      const A& p = src[i];
      const F lambda = (p.y - q.y) * d_inv;
      const F x3 = lambda.square() - q.x - p.x;
      q.y = lambda * (q.x - x3) - q.y;
      q.x = x3;
    };
    auto denom = [&](std::size_t i) { return src[i].x - dst[idx[i]].x; };
    if constexpr (std::is_same_v<F, ff::Fq2>) {
      // In Fq2, 1/d = conj(d) / N(d) with the norm N(d) = d0^2 + d1^2 in Fq: the prefix products
      // and their inversion then run over Fq (7 Fq products an addition against about 10 for
      // Fq2 ones; bench_msm G2 2^11, one thread, ADX: 27.3 -> 25.9 ms).
      norm_.resize(m);
      batch_invert(
          m,
          [&](std::size_t i) {
            const F d = denom(i);
            return norm_[i] = d.c0.square() + d.c1.square();
          },
          [&](std::size_t i) { return norm_[i]; },
          [&](std::size_t i, const ff::Fq& n_inv) { step(i, denom(i).conjugate() * n_inv); }, prefix_fq_);
    } else {
      batch_invert(m, denom, denom, step, prefix_);
    }
  }

 private:
  // Montgomery's trick over m nonzero values of a field E (value(i), and again(i) giving the
  // same value a second time): use(i, 1 / value(i)) for i from m - 1 down to 0. Two interleaved
  // chains of prefix products, so that neither waits on its own latency; one inversion.
  template <class E, class Value, class Again, class Use>
  static void batch_invert(std::size_t m, Value value, Again again, Use use, std::vector<E>& prefix) {
    prefix.resize(m);
    E acc[2] = {E::one(), E::one()};
    for (std::size_t i = 0; i < m; ++i) {
      prefix[i] = acc[i & 1];
      acc[i & 1] *= value(i);
    }
    const E both = (acc[0] * acc[1]).inverse_vartime();  // bucket sums may leak timing: MSMs are vartime
    E inv[2] = {both * acc[1], both * acc[0]};           // 1 / each chain's product
    for (std::size_t i = m; i-- > 0;) {
      const E v_inv = inv[i & 1] * prefix[i];
      inv[i & 1] *= again(i);
      use(i, v_inv);
    }
  }

  bool use_ifma_ = ff::use_ifma();
  std::vector<std::uint64_t> scratch_;
  std::vector<F> prefix_;
  std::vector<ff::Fq> prefix_fq_, norm_;
};

/// `acc` += p exactly (either may be infinity; `has` says whether acc holds a point), for the
/// additions a batch cannot take: equal x.
template <class C>
void add_exactly(ec::Affine<C>& acc, std::uint8_t& has, const ec::Affine<C>& p) {
  if (!has) {
    acc = p, has = 1;
    return;
  }
  const auto r = ec::Jacobian<C>::from_affine(acc).add_mixed(p);
  has = r.is_identity() ? 0 : 1;
  if (has) acc = r.to_affine();
}

template <class C>
class SortedBuckets {
 public:
  using A = ec::Affine<C>;

  explicit SortedBuckets(std::size_t n_buckets)
      : count_(n_buckets, 0), start_(n_buckets + 1, 0), sum_(n_buckets), has_sum_(n_buckets, 0) {}

  std::size_t size() const { return count_.size(); }

  /// How many points to place at most between place_begin() and finish(): a task's points go
  /// through in chunks of this many, so that the sorted copy stays in the L2 cache (256 KiB,
  /// or two points a bucket for very wide windows) and memory does not grow with the task.
  std::size_t chunk_points() const { return std::max(2 * count_.size(), std::size_t{262144} / sizeof(A)); }

  /// Empties every bucket.
  void reset() { std::fill(has_sum_.begin(), has_sum_.end(), 0); }

  /// First pass over a chunk of the task's points: one more point will go to bucket b.
  void count(std::uint32_t b) { ++count_[b]; }

  /// Between the passes: room for every counted point, bucket by bucket.
  void place_begin() {
    const std::size_t nb = count_.size();
    longest_ = 0;
    start_[0] = 0;
    for (std::size_t b = 0; b < nb; ++b) {
      start_[b + 1] = start_[b] + count_[b];
      longest_ = std::max(longest_, count_[b]);
    }
    pts_.resize(start_[nb]);
    has_.assign(start_[nb], 1);
    cursor_.assign(start_.begin(), start_.end() - 1);
  }

  /// Second pass, the same points in any order: p (not infinity) goes to bucket b.
  void place(std::uint32_t b, const A& p) { pts_[cursor_[b]++] = p; }

  /// Sums the chunk's points bucket by bucket, adds those sums to the buckets' (one more batch)
  /// and makes ready for the next chunk.
  void finish() {
    for (std::uint32_t step = 1; step < longest_; step *= 2) level(step);
    target_.clear();
    source_.clear();
    for (std::uint32_t b = 0; b < count_.size(); ++b) {
      if (count_[b] == 0 || !has_[start_[b]]) continue;
      const A& p = pts_[start_[b]];
      if (!has_sum_[b] || sum_[b].x == p.x) {
        add_exactly(sum_[b], has_sum_[b], p);
        continue;
      }
      target_.push_back(b);
      source_.push_back(p);
    }
    adder_.add(sum_.data(), target_.data(), source_.data(), target_.size());
    std::fill(count_.begin(), count_.end(), 0);
  }

  /// Bucket b's sum (after the last finish()) into `out`, and whether there is one (not
  /// infinity).
  std::uint8_t get(std::size_t b, A& out) const {
    if (!has_sum_[b]) return 0;
    out = sum_[b];
    return 1;
  }

 private:
  // One level of every bucket's tree: element k·2·step of a bucket takes element k·2·step + step.
  void level(std::uint32_t step) {
    target_.clear();
    source_.clear();
    for (std::size_t b = 0; b < count_.size(); ++b) {
      const std::uint32_t len = count_[b];
      if (len <= step) continue;
      for (std::uint32_t k = 0; k + step < len; k += 2 * step) {
        const std::uint32_t t = start_[b] + k, u = t + step;
        if (!has_[u]) continue;
        if (!has_[t] || pts_[t].x == pts_[u].x) {
          add_exactly(pts_[t], has_[t], pts_[u]);
          continue;
        }
        target_.push_back(t);
        source_.push_back(pts_[u]);
      }
    }
    adder_.add(pts_.data(), target_.data(), source_.data(), target_.size());
  }

  std::vector<std::uint32_t> count_, start_, cursor_;
  std::uint32_t longest_ = 0;
  std::vector<A> pts_;             // the chunk's points, sorted by bucket
  std::vector<std::uint8_t> has_;  // 0: the element became infinity (a cancellation)
  std::vector<A> sum_;             // each bucket's sum over the chunks so far
  std::vector<std::uint8_t> has_sum_;
  std::vector<std::uint32_t> target_;
  std::vector<A> source_;
  AffineAdder<C> adder_;
};

/// A run of consecutive buckets B_0..B_{len-1} of one window (has[j]: B_j exists, is not
/// infinity), whose sum R = sum_j B_j and weighted sum T = sum_j (j+1)·B_j are wanted.
template <class C>
struct BucketRun {
  const ec::Affine<C>* sums;
  const std::uint8_t* has;
  std::size_t len;
  ec::Jacobian<C>* total;    // T
  ec::Jacobian<C>* running;  // R
};

/// Every run's R and T, the running sums of all runs in lockstep (see the file comment); runs
/// may have different lengths.
template <class C>
void reduce_in_lockstep(std::span<const BucketRun<C>> runs) {
  using A = ec::Affine<C>;
  const std::size_t n = runs.size();
  std::size_t top = 0;
  for (const auto& r : runs) top = std::max(top, r.len);
  std::vector<A> running(n), total(n), src(n);
  std::vector<std::uint8_t> has_running(n, 0), has_total(n, 0);
  std::vector<std::uint32_t> idx(n);
  AffineAdder<C> adder;
  // acc[w] += p(w) for every run where p(w) exists: batched where x differs.
  auto step = [&](std::vector<A>& acc, std::vector<std::uint8_t>& has_acc, auto&& point) {
    std::size_t m = 0;
    for (std::size_t w = 0; w < n; ++w) {
      const A* p = point(w);
      if (p == nullptr) continue;
      if (!has_acc[w] || acc[w].x == p->x) {
        add_exactly(acc[w], has_acc[w], *p);
        continue;
      }
      idx[m] = static_cast<std::uint32_t>(w);
      src[m++] = *p;
    }
    adder.add(acc.data(), idx.data(), src.data(), m);
  };
  for (std::size_t j = top; j-- > 0;) {
    step(running, has_running,
         [&](std::size_t w) { return j < runs[w].len && runs[w].has[j] ? &runs[w].sums[j] : nullptr; });
    step(total, has_total, [&](std::size_t w) { return has_running[w] ? &running[w] : nullptr; });
  }
  using J = ec::Jacobian<C>;
  for (std::size_t w = 0; w < n; ++w) {
    *runs[w].total = has_total[w] ? J::from_affine(total[w]) : J::identity();
    *runs[w].running = has_running[w] ? J::from_affine(running[w]) : J::identity();
  }
}

}  // namespace pm::msm::detail
