#include "base/parallel.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <vector>

#include "base/error.hpp"

namespace pm {
namespace {

TEST(Parallel, CoversEveryIndexExactlyOnce) {
  for (std::size_t n : {0u, 1u, 7u, 1000u}) {
    std::vector<std::atomic<int>> hits(n);
    parallel_chunks(n, 4, [&](std::size_t b, std::size_t e, unsigned) {
      for (std::size_t i = b; i < e; ++i) hits[i].fetch_add(1);
    });
    for (auto& h : hits) EXPECT_EQ(h.load(), 1);
  }
}

TEST(Parallel, RethrowsChunkErrors) {
  EXPECT_THROW(parallel_chunks(100, 4,
                               [](std::size_t b, std::size_t, unsigned) {
                                 if (b > 0) throw Error(Errc::format, "boom");
                               }),
               Error);
}

}  // namespace
}  // namespace pm
