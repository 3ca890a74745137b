#pragma once
/// \file Multi-scalar multiplication sum_i k_i * P_i over fixed affine bases (Pippenger).
///
/// Algorithm: GLV (128-bit halves), signed-digit windows of c bits (c chosen by a cost model
/// from n), one set of 2^(c-1) buckets per window (and per slice of the points, see Plan). A
/// task (window, slice) sorts its points by bucket, in chunks, and sums each bucket as a tree of
/// batched affine additions (msm/sorted_buckets.hpp); the buckets' running sums then run for
/// many windows in lockstep, batched too; then Horner over the windows. Scalars 0 are skipped
/// and scalars 1 are summed apart, since witnesses are full of bits. Windows, and slices of the
/// points when there are more threads than windows, are spread over threads. Variable-time
/// (public bases, scalars that are the prover's own witness: see docs/SECURITY.md).
///
/// Measured (AMD EPYC Zen 4, one thread, random scalars, `bench_msm`, medians of 3): G1 2^16 /
/// 2^18 / 2^20 in 216 / 805 / 3268 ms on the ADX path (PROOFMILL_NO_IFMA=1), 123 / 482 ms with
/// IFMA; G2 495 / 1931 / 7952 ms ADX, 286 / 1166 ms IFMA. Two-thread figures in BENCHMARKS.md.

#include <span>

#include "base/table.hpp"
#include "ec/bn254.hpp"
#include "ff/u256.hpp"

namespace pm::msm {

/// sum_i scalars[i] * bases[i]; scalars in standard (not Montgomery) form, < r. The bases may
/// lie at any address (e.g. in a mapped .zkey): they are read, never copied as a whole.
ec::G1 msm_g1(UnalignedSpan<ec::G1Affine> bases, std::span<const ff::u256> scalars);
ec::G2 msm_g2(UnalignedSpan<ec::G2Affine> bases, std::span<const ff::u256> scalars);

/// One MSM of msm_many: sum_i scalars[i] * bases[i].
template <class A>
struct Job {
  UnalignedSpan<A> bases;
  std::span<const ff::u256> scalars;
};

/// Several MSMs at once: the windows of all of them form one pool of tasks that the threads
/// take, costliest first, instead of each MSM being split over the threads in turn. For small
/// MSMs (a proof's five at small domains) that keeps every core busy to the end, where one
/// MSM's few windows over two threads leave one idle. Every table is read during the whole
/// call. Results in the order of the jobs.
void msm_many(std::span<const Job<ec::G1Affine>> g1, std::span<ec::G1> g1_out,
              std::span<const Job<ec::G2Affine>> g2, std::span<ec::G2> g2_out);

/// How an MSM of n (GLV-split) points is cut: windows of `window_bits` bits, and the points in
/// `slices` equal slices, each (window, slice) pair a task with its own buckets. Slices keep
/// every thread busy when there are more threads than windows.
struct Plan {
  unsigned window_bits;
  unsigned slices;
  bool operator==(const Plan&) const = default;
};

/// The plan the cost model picks for n points on `threads` threads (exposed for benchmarks and
/// tests).
Plan plan(std::size_t n, unsigned threads);

/// plan(n, num_threads()).window_bits.
unsigned window_bits(std::size_t n);

}  // namespace pm::msm
