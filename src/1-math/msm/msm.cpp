#include "msm/msm.hpp"

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <type_traits>
#include <vector>

#include "base/error.hpp"
#include "base/parallel.hpp"
#include "ec/glv.hpp"
#include "msm/sorted_buckets.hpp"

namespace pm::msm {
namespace {

// After the GLV split every scalar has at most 128 bits.
constexpr unsigned kScalarBits = 128;
constexpr unsigned kMaxWindow = 16;                       // signed digits then fit in int16_t
constexpr std::size_t kMaxPoints = std::size_t{1} << 31;  // point indices are uint32_t

// Signed digits of a kScalarBits-bit scalar need ceil((kScalarBits + 2) / c) windows: with two
// spare bits at the top the last window's value stays below 2^(c-2), so it never carries out.
unsigned num_windows(unsigned c) { return (kScalarBits + 2 + c - 1) / c; }

// Cost of c-bit signed windows with the points cut into `parts` slices, in batched affine
// additions. Each (window, slice) task adds its slice's points once and reduces 2^(c-1) buckets
// with two additions each, batched across windows in lockstep but with fewer additions to share
// an inversion: 2.5 (bench_msm, one thread, ADX, G2 2^11: 24.3 ms at 3.7, 22.9 at 2.5, 23.1 at
// 1.8, 24.3 at 1.2; G1 flat). Tasks run whole on threads, so what counts is the number of
// rounds, ceil(tasks / threads): on 2 threads an odd number of windows leaves one core idle for
// a round (bench_msm, 2 threads, G1 2^18: 13 windows of 10 bits 385 ms, 10 windows of 13 bits
// 298 ms, in an earlier round). The model knows nothing of caches: wider buckets cost more than
// it says.
constexpr double kReduceCost = 2.5;

double plan_cost(std::size_t n, unsigned c, unsigned parts, unsigned threads) {
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

// How many pieces to reduce `runs` bucket runs in: one per thread, but never fewer than eight
// runs a piece (a lockstep step shares one inversion among a piece's runs).
unsigned reduction_pieces(std::size_t runs, unsigned threads) {
  return static_cast<unsigned>(std::clamp<std::size_t>(runs / 8, 1, threads));
}

template <class Cfg>
void reduce_over_threads(std::span<const detail::BucketRun<Cfg>> runs) {
  parallel_chunks(runs.size(), reduction_pieces(runs.size(), num_threads()),
                  [&](std::size_t b, std::size_t e, unsigned) {
                    detail::reduce_in_lockstep<Cfg>(runs.subspan(b, e - b));
                  });
}

// Runs a window's 2^(c-1) buckets are cut into for the lockstep reduction: one up to 511
// buckets, then one per 256 up to 8 (combining a window's runs costs about 3 additions a run
// and log2 of the run's length doublings).
unsigned runs_per_window(std::size_t n_buckets) {
  return static_cast<unsigned>(std::clamp<std::size_t>(n_buckets / 256, 1, 8));
}

// One MSM cut into tasks (windows, or windows and slices): the scalars' digits, the bases
// that take part, and each task's sum once run.
template <class Cfg>
class Prepared {
 public:
  using J = ec::Jacobian<Cfg>;

  // `threads`: how many threads the plan may count on for this MSM's tasks alone.
  Prepared(UnalignedSpan<ec::Affine<Cfg>> bases, std::span<const ff::u256> scalars, unsigned threads)
      : bases_(bases) {
    if (bases.size() != scalars.size()) {
      throw Error(Errc::mismatch, "MSM: " + std::to_string(bases.size()) + " bases but " +
                                      std::to_string(scalars.size()) + " scalars");
    }
    if (bases.size() >= kMaxPoints) throw Error(Errc::out_of_range, "MSM: more than 2^31 points");
    // Scalars 0 and 1 and bases at infinity never reach the buckets.
    big_.reserve(scalars.size());
    for (std::size_t i = 0; i < scalars.size(); ++i) {
      const ff::u256& k = scalars[i];
      if ((k[1] | k[2] | k[3]) == 0 && k[0] <= 1) {
        if (k[0] == 1) ones_ = ones_.add_mixed(bases[i]);  // no-op for a base at infinity
        continue;
      }
      if (bases[i].is_infinity()) continue;
      big_.push_back(static_cast<std::uint32_t>(i));
    }
    if (big_.empty()) return;

    // GLV: k P = k1 P + k2 phi(P) with 128-bit halves; entry 2t is P, entry 2t+1 is phi(P).
    ne_ = 2 * big_.size();
    const Plan cut = plan(ne_, threads);
    c_ = cut.window_bits, parts_ = cut.slices;
    windows_ = num_windows(c_);
    digits_.resize(ne_ * windows_);  // window-major
    // x(phi(P)) = beta x(P), once per MSM rather than once per window.
    endo_x_.resize(big_.size());
    parallel_for(big_.size(), 1024, [&](std::size_t b, std::size_t e) {
      for (std::size_t t = b; t < e; ++t) {
        endo_x_[t] = ec::glv_endo(bases[big_[t]]).x;
        ec::GlvSplit s = ec::glv_split(scalars[big_[t]]);
        signed_digits(s.k1, s.neg1, c_, windows_, &digits_[2 * t], ne_);
        signed_digits(s.k2, s.neg2, c_, windows_, &digits_[2 * t + 1], ne_);
      }
    });
    task_sums_.assign(std::size_t{windows_} * parts_, J::identity());
    bucket_sums_.resize(tasks() * buckets());
    bucket_has_.resize(tasks() * buckets());
    runs_ = runs_per_window(buckets());
    run_total_.resize(tasks() * runs_);
    run_sum_.resize(tasks() * runs_);
  }

  // Task t is window t / parts over slice t % parts of the points.
  std::size_t tasks() const { return task_sums_.size(); }
  std::size_t buckets() const { return std::size_t{1} << (c_ - 1); }
  std::size_t task_points() const { return ne_ / std::max(1u, parts_); }

  // Task t's bucket sums, into bucket_sums_ (reduced later, in lockstep: add_runs()).
  void run(std::size_t t, detail::SortedBuckets<Cfg>& sums) {
    sums.reset();
    const std::size_t w = t / parts_, slice = t % parts_;
    const std::int16_t* row = &digits_[w * ne_];
    const std::size_t lo = ne_ * slice / parts_, hi = ne_ * (slice + 1) / parts_;
    // The points in chunks: count them by bucket, then place them.
    for (std::size_t clo = lo; clo < hi; clo += sums.chunk_points()) {
      const std::size_t chi = std::min(hi, clo + sums.chunk_points());
      for (std::size_t e = clo; e < chi; ++e) {
        std::int32_t d = row[e];
        if (d != 0) sums.count(static_cast<std::uint32_t>((d > 0 ? d : -d) - 1));
      }
      sums.place_begin();
      for (std::size_t e = clo; e < chi; ++e) {
        std::int32_t d = row[e];
        if (d == 0) continue;
        ec::Affine<Cfg> p = bases_[big_[e / 2]];
        if (e & 1) p.x = endo_x_[e / 2];
        if (d > 0) {
          sums.place(static_cast<std::uint32_t>(d - 1), p);
        } else {
          sums.place(static_cast<std::uint32_t>(-d - 1), p.neg());
        }
      }
      sums.finish();
    }
    const std::size_t nb = buckets();
    for (std::size_t j = 0; j < nb; ++j) bucket_has_[t * nb + j] = sums.get(j, bucket_sums_[t * nb + j]);
  }

  // Runs every task, then the reduction, over this MSM's own threads.
  void run_all() {
    parallel_chunks(tasks(), 0, [&](std::size_t tb, std::size_t te, unsigned) {
      detail::SortedBuckets<Cfg> b(buckets());
      for (std::size_t t = tb; t < te; ++t) run(t, b);
    });
    std::vector<detail::BucketRun<Cfg>> runs;
    add_runs(runs);
    reduce_over_threads(std::span<const detail::BucketRun<Cfg>>(runs));
  }

  // The tasks' bucket runs, to reduce once the tasks have run (reduce_in_lockstep).
  void add_runs(std::vector<detail::BucketRun<Cfg>>& runs) {
    const std::size_t nb = buckets(), len = nb / runs_;
    for (std::size_t t = 0; t < tasks(); ++t) {
      for (std::size_t k = 0; k < runs_; ++k) {
        const std::size_t b = t * nb + k * len;
        runs.push_back(
            {&bucket_sums_[b], &bucket_has_[b], len, &run_total_[t * runs_ + k], &run_sum_[t * runs_ + k]});
      }
    }
  }

  // The MSM from the runs' sums (once reduced): each task's sum, then Horner over the windows.
  J result() {
    // Run k of a task starts at bucket k·len, so the task's sum is sum_k T_k + len·sum_k k·R_k,
    // the second sum by running sums over k, and len a power of two (doublings).
    const std::size_t len = buckets() / runs_;
    for (std::size_t t = 0; t < tasks(); ++t) {
      J weighted = J::identity(), running = J::identity(), sum = J::identity();
      for (std::size_t k = runs_; k-- > 1;) {
        running = running.add(run_sum_[t * runs_ + k]);
        weighted = weighted.add(running);
      }
      for (std::size_t k = 0; k < runs_; ++k) sum = sum.add(run_total_[t * runs_ + k]);
      for (std::size_t l = len; l > 1; l /= 2) weighted = weighted.dbl();
      task_sums_[t] = sum.add(weighted);
    }
    J acc = J::identity();
    for (std::size_t w = windows_; w-- > 0;) {
      for (unsigned i = 0; i < c_; ++i) acc = acc.dbl();
      for (unsigned slice = 0; slice < parts_; ++slice) acc = acc.add(task_sums_[w * parts_ + slice]);
    }
    return acc.add(ones_);
  }

 private:
  UnalignedSpan<ec::Affine<Cfg>> bases_;
  std::vector<std::uint32_t> big_;
  J ones_ = J::identity();
  std::size_t ne_ = 0;
  unsigned c_ = 1, parts_ = 1, windows_ = 0;
  std::vector<std::int16_t> digits_;
  std::vector<typename Cfg::Field> endo_x_;
  std::vector<J> task_sums_;
  // Each task's bucket sums (and which exist), between the tasks and the reduction.
  std::vector<ec::Affine<Cfg>> bucket_sums_;
  std::vector<std::uint8_t> bucket_has_;
  unsigned runs_ = 1;                   // bucket runs a window is cut into for the reduction
  std::vector<J> run_total_, run_sum_;  // each run's T and R
};

template <class Cfg>
ec::Jacobian<Cfg> msm_impl(UnalignedSpan<ec::Affine<Cfg>> bases, std::span<const ff::u256> scalars) {
  Prepared<Cfg> p(bases, scalars, num_threads());
  p.run_all();
  return p.result();
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

void msm_many(std::span<const Job<ec::G1Affine>> g1, std::span<ec::G1> g1_out,
              std::span<const Job<ec::G2Affine>> g2, std::span<ec::G2> g2_out) {
  PM_ASSERT(g1.size() == g1_out.size() && g2.size() == g2_out.size());
  // Every MSM planned as if alone on one thread: the pool, not the MSM, spreads over threads.
  std::vector<Prepared<ec::G1Config>> p1;
  std::vector<Prepared<ec::G2Config>> p2;
  p1.reserve(g1.size());
  p2.reserve(g2.size());
  for (const auto& j : g1) p1.emplace_back(j.bases, j.scalars, 1);
  for (const auto& j : g2) p2.emplace_back(j.bases, j.scalars, 1);
  // The pool: (curve, MSM, task), the costliest first so that the last tasks to end are short.
  // A G2 addition costs about 2.6 G1 ones (bench_ec: 658 / 251 ns for a mixed one).
  struct Task {
    double cost;
    unsigned curve;
    std::uint32_t msm;
    std::uint32_t task;
  };
  std::vector<Task> pool;
  auto cost = [](std::size_t points, std::size_t buckets) {
    return static_cast<double>(points) + kReduceCost * static_cast<double>(buckets);
  };
  for (std::uint32_t m = 0; m < p1.size(); ++m) {
    for (std::uint32_t t = 0; t < p1[m].tasks(); ++t) {
      pool.push_back({cost(p1[m].task_points(), p1[m].buckets()), 1, m, t});
    }
  }
  for (std::uint32_t m = 0; m < p2.size(); ++m) {
    for (std::uint32_t t = 0; t < p2[m].tasks(); ++t) {
      pool.push_back({2.6 * cost(p2[m].task_points(), p2[m].buckets()), 2, m, t});
    }
  }
  std::stable_sort(pool.begin(), pool.end(), [](const Task& a, const Task& b) { return a.cost > b.cost; });
  std::atomic<std::size_t> next{0};
  parallel_chunks(num_threads(), 0, [&](std::size_t, std::size_t, unsigned) {
    // Scratch buckets reused across this thread's tasks (re-made when the width changes).
    std::optional<detail::SortedBuckets<ec::G1Config>> s1;
    std::optional<detail::SortedBuckets<ec::G2Config>> s2;
    auto run = [](auto& prepared, std::size_t t, auto& sorted) {
      const std::size_t nb = prepared.buckets();
      if (!sorted || sorted->size() != nb) sorted.emplace(nb);
      prepared.run(t, *sorted);
    };
    for (std::size_t i; (i = next.fetch_add(1, std::memory_order_relaxed)) < pool.size();) {
      const Task& task = pool[i];
      if (task.curve == 1) {
        run(p1[task.msm], task.task, s1);
      } else {
        run(p2[task.msm], task.task, s2);
      }
    }
  });
  // The reductions, the bucket runs of all MSMs of a group in lockstep: the G1 ones in pieces
  // over the threads, and the G2 ones likewise.
  std::vector<detail::BucketRun<ec::G1Config>> w1;
  std::vector<detail::BucketRun<ec::G2Config>> w2;
  for (auto& p : p1) p.add_runs(w1);
  for (auto& p : p2) p.add_runs(w2);
  const unsigned threads = num_threads();
  const unsigned k1 = w1.empty() ? 0 : reduction_pieces(w1.size(), threads);
  const unsigned k2 = w2.empty() ? 0 : reduction_pieces(w2.size(), threads);
  std::vector<unsigned> pieces(k1 + k2);  // G2 pieces first: the costliest
  for (unsigned i = 0; i < k1 + k2; ++i) pieces[i] = (i + k1) % (k1 + k2);
  next = 0;
  // Piece k of `parts` of a group's runs.
  auto reduce_piece = [](const auto& runs, unsigned k, unsigned parts) {
    using Run = typename std::remove_cvref_t<decltype(runs)>::value_type;
    const std::size_t b = runs.size() * k / parts, e = runs.size() * (k + 1) / parts;
    detail::reduce_in_lockstep(std::span<const Run>(runs).subspan(b, e - b));
  };
  parallel_chunks(threads, 0, [&](std::size_t, std::size_t, unsigned) {
    for (std::size_t i; (i = next.fetch_add(1, std::memory_order_relaxed)) < pieces.size();) {
      const unsigned k = pieces[i];
      if (k < k1) {
        reduce_piece(w1, k, k1);
      } else {
        reduce_piece(w2, k - k1, k2);
      }
    }
  });
  for (std::size_t m = 0; m < p1.size(); ++m) g1_out[m] = p1[m].result();
  for (std::size_t m = 0; m < p2.size(); ++m) g2_out[m] = p2[m].result();
}

ec::G1 msm_g1(UnalignedSpan<ec::G1Affine> bases, std::span<const ff::u256> scalars) {
  return msm_impl<ec::G1Config>(bases, scalars);
}

ec::G2 msm_g2(UnalignedSpan<ec::G2Affine> bases, std::span<const ff::u256> scalars) {
  return msm_impl<ec::G2Config>(bases, scalars);
}

}  // namespace pm::msm
