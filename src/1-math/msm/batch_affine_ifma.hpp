#pragma once
/// \file The batched affine additions of the MSM, eight at a time in AVX-512 IFMA.
///
/// Same algorithm as the portable batch (AffineAdder in sorted_buckets.hpp): the denominators'
/// prefix products,
/// one field inversion, then each slope and sum; here lane j of a vector carries every eighth
/// addition, the prefix products run as sixteen independent chains (two vectors, so one chain
/// never waits on its own latency) and the sixteen chain totals are inverted together with one
/// scalar inversion. Points are gathered from and scattered back to the bucket array. Internal
/// to the MSM; call only when ff::use_ifma().

#include <cstddef>
#include <cstdint>
#include <vector>

#include "ec/bn254.hpp"

namespace pm::msm::detail {

/// buckets[idx[i]] += points[i] for i < m. Requires: the idx distinct, no point at infinity,
/// and x(points[i]) != x(buckets[idx[i]]) (the caller settles doublings and cancellations).
/// `scratch` is reused between calls.
void batch_add_ifma(ec::G1Affine* buckets, const std::uint32_t* idx, const ec::G1Affine* points,
                    std::size_t m, std::vector<std::uint64_t>& scratch);
void batch_add_ifma(ec::G2Affine* buckets, const std::uint32_t* idx, const ec::G2Affine* points,
                    std::size_t m, std::vector<std::uint64_t>& scratch);

}  // namespace pm::msm::detail
