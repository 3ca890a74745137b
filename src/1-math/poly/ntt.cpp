#include "poly/ntt.hpp"

#include <algorithm>
#include <utility>

#include "base/error.hpp"
#include "base/parallel.hpp"

namespace pm::poly {
namespace {

// Butterflies of one stage are independent: below this many, threads cost more than they save.
constexpr std::size_t kParallelMin = std::size_t{1} << 12;

// Both kernels are cache-blocked: the stages whose butterflies stay inside aligned blocks of
// kBlock elements (128 KiB, well inside L2) run block by block, all of them while the block is
// in cache, blocks spread over threads; only the log(n / kBlock) stages that span blocks are
// full passes over the array. Block and offset come from shifts and masks (len is a power of
// two), not from divisions.
constexpr unsigned kLogBlock = 12;

// Butterfly t of the stage with half-block 2^log_len pairs a[i] and a[i + len] with twiddle
// index k (times the stage's stride).
struct Pair {
  std::size_t i, k;
};
inline Pair butterfly_pair(std::size_t t, unsigned log_len) {
  const std::size_t k = t & ((std::size_t{1} << log_len) - 1);
  return {((t >> log_len) << (log_len + 1)) + k, k};
}

}  // namespace

Domain::Domain(unsigned log_n) : log_n_(log_n) {
  if (log_n > ff::FrParams::kTwoAdicity) {
    throw Error(Errc::out_of_range,
                "NTT domain 2^" + std::to_string(log_n) + " exceeds Fr's two-adicity 2^28");
  }
  w_ = ff::fr_root_of_unity(log_n);
  n_inv_ = Fr::from_u64(size()).inverse();
  std::size_t half = size() / 2;
  tw_.resize(half);
  tw_inv_.resize(half);
  Fr w_inv = w_.inverse();
  // Powers filled in parallel blocks, each block seeded by one exponentiation.
  parallel_for(half, kParallelMin, [&](std::size_t b, std::size_t e) {
    Fr x = w_.pow_vartime({b, 0, 0, 0}), y = w_inv.pow_vartime({b, 0, 0, 0});
    for (std::size_t i = b; i < e; ++i) {
      tw_[i] = x;
      tw_inv_[i] = y;
      x *= w_;
      y *= w_inv;
    }
  });
}

// Gentleman-Sande: natural -> bit-reversed. Stage with half-block `len` uses w_(2 len)^k,
// which is tw[k * n / (2 len)].
void Domain::dif(std::span<Fr> a, const std::vector<Fr>& tw) const {
  PM_ASSERT(a.size() == size());
  const std::size_t n = size();
  if (n < 2) return;
  const unsigned log_block = std::min(kLogBlock, log_n_);
  const std::size_t block = std::size_t{1} << log_block;
  auto butterflies = [&](unsigned log_len, std::size_t b, std::size_t e) {
    const std::size_t len = std::size_t{1} << log_len, stride = n >> (log_len + 1);
    for (std::size_t t = b; t < e; ++t) {
      const auto [i, k] = butterfly_pair(t, log_len);
      Fr u = a[i], v = a[i + len];
      a[i] = u + v;
      a[i + len] = (u - v) * tw[k * stride];
    }
  };
  for (unsigned log_len = log_n_ - 1; log_len >= log_block; --log_len) {
    parallel_for(n / 2, kParallelMin, [&](std::size_t b, std::size_t e) { butterflies(log_len, b, e); });
  }
  parallel_for(n >> log_block, 1, [&](std::size_t b, std::size_t e) {
    for (std::size_t blk = b; blk < e; ++blk) {
      const std::size_t t0 = blk * (block / 2);
      for (unsigned log_len = log_block; log_len-- > 0;) butterflies(log_len, t0, t0 + block / 2);
    }
  });
}

// Cooley-Tukey: bit-reversed -> natural (the same blocking, stages in the other order).
void Domain::dit(std::span<Fr> a, const std::vector<Fr>& tw) const {
  PM_ASSERT(a.size() == size());
  const std::size_t n = size();
  if (n < 2) return;
  const unsigned log_block = std::min(kLogBlock, log_n_);
  const std::size_t block = std::size_t{1} << log_block;
  auto butterflies = [&](unsigned log_len, std::size_t b, std::size_t e) {
    const std::size_t len = std::size_t{1} << log_len, stride = n >> (log_len + 1);
    for (std::size_t t = b; t < e; ++t) {
      const auto [i, k] = butterfly_pair(t, log_len);
      Fr u = a[i], v = a[i + len] * tw[k * stride];
      a[i] = u + v;
      a[i + len] = u - v;
    }
  };
  parallel_for(n >> log_block, 1, [&](std::size_t b, std::size_t e) {
    for (std::size_t blk = b; blk < e; ++blk) {
      const std::size_t t0 = blk * (block / 2);
      for (unsigned log_len = 0; log_len < log_block; ++log_len) butterflies(log_len, t0, t0 + block / 2);
    }
  });
  for (unsigned log_len = log_block; log_len < log_n_; ++log_len) {
    parallel_for(n / 2, kParallelMin, [&](std::size_t b, std::size_t e) { butterflies(log_len, b, e); });
  }
}

void Domain::scale(std::span<Fr> a, const Fr& s) const {
  parallel_for(a.size(), kParallelMin, [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) a[i] *= s;
  });
}

void Domain::fft_dif(std::span<Fr> a) const { dif(a, tw_); }
void Domain::fft_dit(std::span<Fr> a) const { dit(a, tw_); }
void Domain::ifft_dif(std::span<Fr> a) const {
  dif(a, tw_inv_);
  scale(a, n_inv_);
}
void Domain::ifft_dif_unscaled(std::span<Fr> a) const { dif(a, tw_inv_); }
void Domain::ifft_dit(std::span<Fr> a) const {
  dit(a, tw_inv_);
  scale(a, n_inv_);
}

void Domain::fft(std::span<Fr> a) const {
  fft_dif(a);
  bit_reverse_permute(a);
}
void Domain::ifft(std::span<Fr> a) const {
  ifft_dif(a);
  bit_reverse_permute(a);
}

void bit_reverse_permute(std::span<Fr> a) {
  unsigned log_n = static_cast<unsigned>(__builtin_ctzll(a.size()));
  PM_ASSERT((std::size_t{1} << log_n) == a.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    std::size_t j = bit_reverse(i, log_n);
    if (i < j) std::swap(a[i], a[j]);
  }
}

}  // namespace pm::poly
