#pragma once
/// \file Bucket accumulation in affine coordinates with batched inversions (Montgomery's trick).
///
/// An affine addition P + Q costs one inversion and 2M + 1S; over a batch of B independent
/// additions the B inversions become one inversion and 3(B - 1) multiplications, so an
/// addition costs about 6M + 1S against 7M + 4S for a Jacobian mixed addition. Additions are
/// independent only when they touch distinct buckets: a second addition to a bucket already in
/// the batch waits for the next batch, and once that queue is full (few buckets, many points:
/// the top window) further conflicting additions go to a Jacobian bucket beside the affine one.
/// Where the CPU has AVX-512 IFMA the batch runs eight additions per vector instruction
/// (batch_affine_ifma.hpp); the portable loop below is the same algorithm.
/// Equal or opposite x (P = Q or P = -Q) are handled exactly, outside the batch. Internal to the
/// MSM; variable-time.

#include <cstdint>
#include <vector>

#include "ec/curve.hpp"
#include "ff/mont.hpp"
#include "msm/batch_affine_ifma.hpp"

namespace pm::msm::detail {

template <class C>
class AffineBuckets {
 public:
  using A = ec::Affine<C>;
  using F = typename C::Field;

  AffineBuckets(std::size_t n_buckets, std::size_t batch)
      : points_(n_buckets), filled_(n_buckets, 0), stamp_(n_buckets, 0), batch_(batch) {
    pend_bucket_.reserve(batch);
    pend_point_.reserve(batch);
    denom_.resize(batch);
    prefix_.resize(batch);
  }

  /// Empties every bucket.
  void reset() {
    std::fill(filled_.begin(), filled_.end(), 0);
    if (overflow_used_) std::fill(overflow_.begin(), overflow_.end(), ec::Jacobian<C>::identity());
    overflow_used_ = false;
    pend_bucket_.clear();
    pend_point_.clear();
    deferred_.clear();
  }

  /// bucket[b] += p (p not infinity).
  void add(std::uint32_t b, const A& p) {
    enqueue(b, p);
    while (pend_bucket_.size() >= batch_) flush_batch();
  }

  /// Completes every pending addition.
  void finish() {
    while (!pend_bucket_.empty() || !deferred_.empty()) flush_batch();
  }

  /// Adds bucket b's content (after finish()) to a Jacobian accumulator.
  void accumulate(std::size_t b, ec::Jacobian<C>& acc) const {
    if (filled_[b]) acc = acc.add_mixed(points_[b]);
    if (overflow_used_) acc = acc.add(overflow_[b]);
  }

 private:
  struct Pending {
    std::uint32_t bucket;
    A point;
  };

  // Queues bucket[b] += p for the current batch; a second addition to a bucket already in it
  // waits (deferred_) for the next batch, or, when that queue is full, goes to the Jacobian
  // overflow bucket.
  void enqueue(std::uint32_t b, const A& p) {
    if (stamp_[b] == epoch_) {
      if (deferred_.size() < batch_) {
        deferred_.push_back({b, p});
      } else {
        if (overflow_.empty()) overflow_.assign(points_.size(), ec::Jacobian<C>::identity());
        overflow_used_ = true;
        overflow_[b] = overflow_[b].add_mixed(p);
      }
      return;
    }
    if (!filled_[b]) {
      points_[b] = p;
      filled_[b] = 1;
      return;
    }
    stamp_[b] = epoch_;
    pend_bucket_.push_back(b);
    pend_point_.push_back(p);
  }

  // Runs the pending additions with one inversion, then starts the next batch with the
  // additions deferred from this one (at most batch_ of them, so it never overfills).
  void flush_batch() {
    const std::size_t n = pend_bucket_.size();
    // Equal x values (doubling or cancellation) are settled exactly and dropped from the batch.
    std::size_t m = 0;
    for (std::size_t i = 0; i < n; ++i) {
      std::uint32_t b = pend_bucket_[i];
      const A& q = points_[b];
      const A& p = pend_point_[i];
      if (q.x == p.x) {
        auto r = ec::Jacobian<C>::from_affine(q).add_mixed(p);  // doubling or cancellation
        if (r.is_identity()) {
          filled_[b] = 0;
        } else {
          points_[b] = r.to_affine();
        }
        continue;
      }
      pend_bucket_[m] = b;
      pend_point_[m] = p;
      ++m;
    }
    if (m > 0 && use_ifma_) {
      batch_add_ifma(points_.data(), pend_bucket_.data(), pend_point_.data(), m, scratch_);
    } else if (m > 0) {
      for (std::size_t i = 0; i < m; ++i) denom_[i] = pend_point_[i].x - points_[pend_bucket_[i]].x;
      F acc = F::one();
      for (std::size_t i = 0; i < m; ++i) {
        prefix_[i] = acc;
        acc *= denom_[i];
      }
      F inv = acc.inverse_vartime();  // bucket sums may leak timing: MSMs are vartime
      for (std::size_t i = m; i-- > 0;) {
        F d_inv = inv * prefix_[i];
        inv *= denom_[i];
        A& q = points_[pend_bucket_[i]];
        const A& p = pend_point_[i];
        F lambda = (p.y - q.y) * d_inv;
        F x3 = lambda.square() - q.x - p.x;
        q.y = lambda * (q.x - x3) - q.y;
        q.x = x3;
      }
    }
    pend_bucket_.clear();
    pend_point_.clear();
    ++epoch_;
    if (!deferred_.empty()) {
      retry_.swap(deferred_);
      for (const auto& d : retry_) enqueue(d.bucket, d.point);
      retry_.clear();
    }
  }

  std::vector<A> points_;
  std::vector<std::uint8_t> filled_;
  std::vector<std::uint32_t> stamp_;  // == epoch_: the bucket has an addition in this batch
  std::uint32_t epoch_ = 1;
  std::size_t batch_;
  std::vector<std::uint32_t> pend_bucket_;
  std::vector<A> pend_point_;
  std::vector<F> denom_, prefix_;
  std::vector<Pending> deferred_, retry_;
  std::vector<ec::Jacobian<C>> overflow_;
  bool overflow_used_ = false;
  bool use_ifma_ = ff::use_ifma();  // eight additions per vector (batch_affine_ifma.hpp)
  std::vector<std::uint64_t> scratch_;
};

}  // namespace pm::msm::detail
