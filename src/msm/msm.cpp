#include "msm/msm.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "base/error.hpp"
#include "base/parallel.hpp"
#include "msm/batch_affine.hpp"

namespace pm::msm {
namespace {

constexpr unsigned kScalarBits = 254;

// Cost in point additions of c-bit signed windows: each window adds every point once and
// reduces 2^(c-1) buckets with two additions each.
unsigned choose_window(std::size_t n) {
  unsigned best = 1;
  double best_cost = 1e300;
  for (unsigned c = 2; c <= 20; ++c) {
    double windows = (kScalarBits + c) / c;  // +1 bit for the signed-digit carry
    double cost = windows * (static_cast<double>(n) + 2.0 * static_cast<double>(1u << (c - 1)));
    if (cost < best_cost) {
      best_cost = cost;
      best = c;
    }
  }
  return best;
}

// Signed c-bit digits of k, least significant first: k = sum d_j 2^(cj), |d_j| <= 2^(c-1).
void signed_digits(const ff::u256& k, unsigned c, unsigned windows, std::int32_t* out) {
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
    out[w] = static_cast<std::int32_t>(d);
  }
}

template <class Cfg>
ec::Jacobian<Cfg> msm_impl(std::span<const ec::Affine<Cfg>> bases, std::span<const ff::u256> scalars) {
  using J = ec::Jacobian<Cfg>;
  if (bases.size() != scalars.size()) {
    throw Error(Errc::mismatch, "MSM: " + std::to_string(bases.size()) + " bases but " +
                                    std::to_string(scalars.size()) + " scalars");
  }
  // Split off scalars 0 and 1; the rest go through the buckets.
  std::vector<std::uint32_t> big;
  big.reserve(scalars.size());
  J ones = J::identity();
  for (std::size_t i = 0; i < scalars.size(); ++i) {
    const ff::u256& k = scalars[i];
    if (bases[i].is_infinity()) continue;
    if ((k[1] | k[2] | k[3]) == 0 && k[0] <= 1) {
      if (k[0] == 1) ones = ones.add_mixed(bases[i]);
      continue;
    }
    big.push_back(static_cast<std::uint32_t>(i));
  }
  if (big.empty()) return ones;

  const unsigned c = choose_window(big.size());
  const unsigned windows = (kScalarBits + c) / c + 1;
  // Window-major digits, so each window streams through its own row.
  const std::size_t nb = big.size();
  std::vector<std::int32_t> digits(nb * windows);
  parallel_for(nb, 1024, [&](std::size_t b, std::size_t e) {
    std::int32_t tmp[kScalarBits + 2];  // at most one digit per bit
    for (std::size_t t = b; t < e; ++t) {
      signed_digits(scalars[big[t]], c, windows, tmp);
      for (unsigned w = 0; w < windows; ++w) digits[w * nb + t] = tmp[w];
    }
  });

  std::vector<J> window_sums(windows, J::identity());
  const std::size_t n_buckets = std::size_t{1} << (c - 1);
  const std::size_t batch = std::clamp<std::size_t>(n_buckets / 8, 16, 1024);
  parallel_chunks(windows, 0, [&](std::size_t wb, std::size_t we, unsigned) {
    detail::AffineBuckets<Cfg> buckets(n_buckets, batch);
    for (std::size_t w = wb; w < we; ++w) {
      buckets.reset();
      const std::int32_t* row = &digits[w * nb];
      for (std::size_t t = 0; t < nb; ++t) {
        std::int32_t d = row[t];
        if (d > 0) {
          buckets.add(static_cast<std::uint32_t>(d - 1), bases[big[t]]);
        } else if (d < 0) {
          buckets.add(static_cast<std::uint32_t>(-d - 1), bases[big[t]].neg());
        }
      }
      buckets.finish();
      // sum_j (j+1) * bucket[j] by running sums from the top.
      J running = J::identity(), total = J::identity();
      for (std::size_t j = n_buckets; j-- > 0;) {
        buckets.accumulate(j, running);
        total = total.add(running);
      }
      window_sums[w] = total;
    }
  });
  J acc = J::identity();
  for (std::size_t w = windows; w-- > 0;) {
    for (unsigned i = 0; i < c; ++i) acc = acc.dbl();
    acc = acc.add(window_sums[w]);
  }
  return acc.add(ones);
}

}  // namespace

unsigned window_bits(std::size_t n) { return choose_window(n); }

ec::G1 msm_g1(std::span<const ec::G1Affine> bases, std::span<const ff::u256> scalars) {
  return msm_impl<ec::G1Config>(bases, scalars);
}

ec::G2 msm_g2(std::span<const ec::G2Affine> bases, std::span<const ff::u256> scalars) {
  return msm_impl<ec::G2Config>(bases, scalars);
}

}  // namespace pm::msm
