#include "base/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace pm {
namespace {

std::atomic<unsigned> g_override{0};

unsigned default_threads() {
  if (const char* env = std::getenv("PROOFMILL_THREADS")) {
    long v = std::strtol(env, nullptr, 10);
    if (v > 0 && v < 4096) return static_cast<unsigned>(v);
  }
  unsigned hc = std::thread::hardware_concurrency();
  return hc == 0 ? 1 : hc;
}

}  // namespace

unsigned num_threads() {
  unsigned o = g_override.load(std::memory_order_relaxed);
  if (o != 0) return o;
  static const unsigned d = default_threads();
  return d;
}

void set_num_threads(unsigned n) { g_override.store(n, std::memory_order_relaxed); }

void parallel_chunks(std::size_t n, unsigned parts,
                     const std::function<void(std::size_t, std::size_t, unsigned)>& body) {
  if (n == 0) return;
  if (parts == 0) parts = num_threads();
  parts = static_cast<unsigned>(std::min<std::size_t>(parts, n));
  if (parts <= 1) {
    body(0, n, 0);
    return;
  }
  std::exception_ptr first_error;
  std::mutex error_mutex;
  auto run = [&](unsigned k) {
    std::size_t begin = n * k / parts, end = n * (k + 1) / parts;
    try {
      body(begin, end, k);
    } catch (...) {
      std::lock_guard<std::mutex> lock(error_mutex);
      if (!first_error) first_error = std::current_exception();
    }
  };
  std::vector<std::thread> threads;
  threads.reserve(parts - 1);
  for (unsigned k = 1; k < parts; ++k) threads.emplace_back(run, k);
  run(0);
  for (auto& t : threads) t.join();
  if (first_error) std::rethrow_exception(first_error);
}

void parallel_for(std::size_t n, std::size_t min_chunk,
                  const std::function<void(std::size_t, std::size_t)>& body) {
  if (min_chunk == 0) min_chunk = 1;
  std::size_t max_parts = std::max<std::size_t>(1, n / min_chunk);
  unsigned parts = static_cast<unsigned>(std::min<std::size_t>(num_threads(), max_parts));
  parallel_chunks(n, parts, [&](std::size_t b, std::size_t e, unsigned) { body(b, e); });
}

std::optional<std::size_t> parallel_find_first(std::size_t n, std::size_t min_chunk,
                                               const std::function<bool(std::size_t)>& bad) {
  std::atomic<std::size_t> first{SIZE_MAX};
  parallel_for(n, min_chunk, [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) {
      if (!bad(i)) continue;
      std::size_t cur = first.load();
      while (i < cur && !first.compare_exchange_weak(cur, i)) {
      }
      return;  // later indices of this chunk cannot be smaller
    }
  });
  std::size_t f = first.load();
  if (f == SIZE_MAX) return std::nullopt;
  return f;
}

}  // namespace pm
