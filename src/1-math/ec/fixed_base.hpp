#pragma once
/// \file Fixed-base scalar multiplication: k * B for many scalars k and one base B (a generator),
/// from a precomputed table of multiples of B, generic over the curve config (G1Config,
/// G2Config).
///
/// The scalar is split into signed w-bit digits d_j in [-2^(w-1), 2^(w-1)], so that
/// k = sum_j d_j * 2^(w*j), and the table holds d * 2^(w*j) * B for d = 1 .. 2^(w-1) and every
/// window j. One multiplication is then one addition per window and no doublings: 32 for
/// w = 8, 16 for w = 16 on 254-bit scalars. The batch routine adds in affine coordinates across
/// many scalars at once, sharing one field inversion per window (Montgomery's trick): about
/// 6 multiplications per addition instead of the 11 of a mixed Jacobian addition.
///
/// Variable-time in the scalar (the digits pick table entries and zero digits are skipped):
/// use it for public or dev-only data, never for a prover's blinding factors.

#include <string.h>  // explicit_bzero

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "base/error.hpp"
#include "base/parallel.hpp"
#include "ec/curve.hpp"
#include "ff/u256.hpp"

namespace pm::ec {

/// Reusable storage for batch_add_affine.
template <class C>
struct BatchAddScratch {
  std::vector<typename C::Field> prefix, num;
  std::vector<std::uint8_t> kind;
};

/// acc[i] += add(i) for i < acc.size(), in affine coordinates with one shared inversion.
/// `add(i)` returns the affine point (or infinity) to add. Every exceptional case is handled:
/// infinity on either side, acc[i] == add(i) (doubling) and acc[i] == -add(i).
template <class C, class AddFn>
void batch_add_affine(std::span<Affine<C>> acc, const AddFn& add, BatchAddScratch<C>& scratch) {
  using F = typename C::Field;
  enum : std::uint8_t { kDone, kChord, kTangent };
  const std::size_t n = acc.size();
  scratch.prefix.resize(n);
  scratch.num.resize(n);
  scratch.kind.resize(n);
  F* prefix = scratch.prefix.data();  // product of the denominators before i
  F* num = scratch.num.data();        // the slope's numerator
  std::uint8_t* kind = scratch.kind.data();
  F running = F::one();
  for (std::size_t i = 0; i < n; ++i) {
    const Affine<C>& q = add(i);
    Affine<C>& p = acc[i];
    prefix[i] = running;
    kind[i] = kDone;
    if (q.is_infinity()) continue;
    if (p.is_infinity()) {
      p = q;
      continue;
    }
    if (p.x == q.x) {
      if (!(p.y == q.y) || p.y.is_zero()) {  // P + (-P) = O; y = 0 means P = -P
        p = Affine<C>::identity();
        continue;
      }
      F xx = p.x.square();
      num[i] = xx.dbl() + xx;  // tangent slope 3x^2 / 2y
      kind[i] = kTangent;
      running *= p.y.dbl();
    } else {
      num[i] = q.y - p.y;  // chord slope (y2 - y1) / (x2 - x1)
      kind[i] = kChord;
      running *= q.x - p.x;
    }
  }
  F inv = running.inverse();
  for (std::size_t i = n; i-- > 0;) {
    if (kind[i] == kDone) continue;
    Affine<C>& p = acc[i];
    const Affine<C>& q = add(i);
    const bool tangent = kind[i] == kTangent;
    F lambda = num[i] * inv * prefix[i];
    inv *= tangent ? p.y.dbl() : q.x - p.x;
    F x3 = lambda.square() - p.x - q.x;  // q.x == p.x for a tangent
    p.y = lambda * (p.x - x3) - p.y;
    p.x = x3;
  }
}

template <class C>
class FixedBaseTable {
 public:
  using A = Affine<C>;
  using J = Jacobian<C>;
  using F = typename C::Field;

  /// The largest window the constructor accepts; a w = 16 table for 254-bit scalars holds
  /// 16 * 2^15 points (32 MiB for G1, 64 MiB for G2).
  static constexpr unsigned kMaxWindow = 16;

  /// Precomputes the multiples of `base` for scalars below 2^max_bits (max_bits <= 255; the
  /// default, 254, covers every canonical BN254 Fr element) with `window`-bit signed digits
  /// (1 <= window <= kMaxWindow). The table is built in parallel.
  explicit FixedBaseTable(const A& base, unsigned window = 8, unsigned max_bits = 254)
      : window_(window), max_bits_(max_bits) {
    PM_ASSERT(window >= 1 && window <= kMaxWindow && max_bits >= 1 && max_bits <= 255);
    n_windows_ = (max_bits + 1 + window - 1) / window;  // the recoding can carry one bit further
    half_ = std::size_t{1} << (window - 1);
    // Row j starts at 2^(w*j) * base (w doublings per row, then all made affine at once).
    std::vector<J> bases(n_windows_);
    J b = J::from_affine(base);
    for (unsigned j = 0; j < n_windows_; ++j) {
      bases[j] = b;
      for (unsigned i = 0; i < window; ++i) b = b.dbl();
    }
    std::vector<A> bases_aff(n_windows_);
    batch_to_affine<C>(bases, bases_aff);
    table_.resize(n_windows_ * half_);
    parallel_for(n_windows_, 1, [&](std::size_t wb, std::size_t we) {
      BatchAddScratch<C> scratch;
      for (std::size_t j = wb; j < we; ++j) {
        // row[d - 1] = d * B_j, doubling the filled prefix each round:
        // row[s .. 2s) = row[0 .. s) + s * B_j.
        A* row = table_.data() + j * half_;
        row[0] = bases_aff[j];
        for (std::size_t s = 1; s < half_; s *= 2) {
          std::copy(row, row + s, row + s);
          const A& step = row[s - 1];
          batch_add_affine<C>(
              std::span<A>(row + s, s), [&](std::size_t) -> const A& { return step; }, scratch);
        }
      }
    });
  }

  /// The window that minimises the work for `n_scalars` multiplications: building the table
  /// costs about one addition per entry, each multiplication one addition per window.
  static unsigned window_for(std::size_t n_scalars, unsigned max_bits = 254) {
    unsigned best = 1;
    double best_cost = 0;
    for (unsigned w = 1; w <= kMaxWindow; ++w) {
      double windows = (max_bits + w) / w;
      double cost =
          windows * static_cast<double>(std::size_t{1} << (w - 1)) + windows * static_cast<double>(n_scalars);
      if (w == 1 || cost < best_cost) {
        best = w;
        best_cost = cost;
      }
    }
    return best;
  }

  unsigned window() const { return window_; }
  unsigned n_windows() const { return n_windows_; }
  unsigned max_bits() const { return max_bits_; }
  std::size_t table_size() const { return table_.size(); }

  /// The signed digits of k (k < 2^max_bits, checked): k = sum_j digits[j] * 2^(w*j), with
  /// |digits[j]| <= 2^(w-1). `digits` must hold n_windows() entries.
  void recode(const ff::u256& k, std::int32_t* digits) const {
    PM_ASSERT(ff::bit_length(k) <= max_bits_);
    const std::uint64_t mask = (std::uint64_t{1} << window_) - 1;
    std::uint64_t carry = 0;
    for (unsigned j = 0; j < n_windows_; ++j) {
      std::uint64_t d = (extract(k, j * window_) & mask) + carry;  // in [0, 2^w]
      carry = d > half_ ? 1 : 0;  // a digit above 2^(w-1) becomes d - 2^w, carrying 1
      digits[j] = static_cast<std::int32_t>(d) - static_cast<std::int32_t>(carry << window_);
    }
    PM_ASSERT(carry == 0);  // n_windows_ covers max_bits + 1 bits
  }

  /// The table entry for digit d != 0 of window j: d * 2^(w*j) * base (negated for d < 0).
  A entry(unsigned j, std::int32_t d) const {
    const A& t = table_[j * half_ + static_cast<std::size_t>(d < 0 ? -d : d) - 1];
    return d < 0 ? t.neg() : t;
  }

  /// k * base for k < 2^max_bits, with mixed Jacobian additions (one scalar at a time).
  J mul(const ff::u256& k) const {
    std::int32_t digits[256];
    recode(k, digits);
    J acc = J::identity();
    for (unsigned j = 0; j < n_windows_; ++j) {
      if (digits[j] != 0) acc = acc.add_mixed(entry(j, digits[j]));
    }
    return acc;
  }

 private:
  /// 64 bits of k starting at bit `pos` (bits past 255 read as zero).
  static std::uint64_t extract(const ff::u256& k, unsigned pos) {
    unsigned limb = pos / 64, shift = pos % 64;
    if (limb >= 4) return 0;
    std::uint64_t v = k[limb] >> shift;
    if (shift != 0 && limb + 1 < 4) v |= k[limb + 1] << (64 - shift);
    return v;
  }

  unsigned window_, max_bits_, n_windows_ = 0;
  std::size_t half_ = 0;
  std::vector<A> table_;  ///< table_[j * half_ + d - 1] = d * 2^(window_ * j) * base
};

/// out[i] = scalars[i] * base as affine points (infinity as (0, 0)), computed in parallel.
/// Each thread takes blocks of scalars and adds one window's table entries to all of them at
/// once with batch_add_affine, so a block costs one inversion per window.
template <class C>
void fixed_base_mul_batch(const FixedBaseTable<C>& table, std::span<const ff::u256> scalars,
                          std::span<Affine<C>> out) {
  PM_ASSERT(out.size() == scalars.size());
  constexpr std::size_t kBlock = 1024;  // amortises the inversions; the block stays in L2
  const unsigned nw = table.n_windows();
  parallel_for(scalars.size(), 256, [&](std::size_t begin, std::size_t end) {
    std::vector<std::int32_t> digits(std::min(kBlock, end - begin) * nw);
    std::vector<Affine<C>> add(std::min(kBlock, end - begin));
    BatchAddScratch<C> scratch;
    for (std::size_t b = begin; b < end; b += kBlock) {
      const std::size_t n = std::min(kBlock, end - b);
      for (std::size_t i = 0; i < n; ++i) table.recode(scalars[b + i], digits.data() + i * nw);
      std::span<Affine<C>> acc = out.subspan(b, n);
      std::fill(acc.begin(), acc.end(), Affine<C>::identity());
      for (unsigned j = 0; j < nw; ++j) {
        for (std::size_t i = 0; i < n; ++i) {
          std::int32_t d = digits[i * nw + j];
          add[i] = d == 0 ? Affine<C>::identity() : table.entry(j, d);
        }
        batch_add_affine<C>(
            acc, [&](std::size_t i) -> const Affine<C>& { return add[i]; }, scratch);
      }
    }
    explicit_bzero(digits.data(), digits.size() * sizeof(std::int32_t));  // they encode the scalars
  });
}

}  // namespace pm::ec
