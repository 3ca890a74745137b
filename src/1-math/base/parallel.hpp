#pragma once
/// \file Minimal fork-join parallelism over index ranges.
///
/// The thread count comes from `PROOFMILL_THREADS` when set, else the hardware concurrency.

#include <cstddef>
#include <functional>
#include <optional>

namespace pm {

/// Number of worker threads parallel loops use (>= 1).
unsigned num_threads();

/// Overrides the thread count for this process (0 restores the default).
void set_num_threads(unsigned n);

/// Splits [0, n) into at most `parts` contiguous chunks (parts = 0: num_threads()) and runs
/// `body(begin, end, chunk_index)` for each, concurrently; returns when all are done.
/// Exceptions thrown by a chunk are rethrown in the caller (the first one wins).
void parallel_chunks(std::size_t n, unsigned parts,
                     const std::function<void(std::size_t, std::size_t, unsigned)>& body);

/// parallel_chunks with a minimum chunk size: small loops run inline on the caller.
void parallel_for(std::size_t n, std::size_t min_chunk,
                  const std::function<void(std::size_t, std::size_t)>& body);

/// The smallest i in [0, n) with bad(i) true, searched in parallel chunks; nullopt if none.
/// `bad` must be safe to call concurrently (it may also do work, e.g. decode element i).
std::optional<std::size_t> parallel_find_first(std::size_t n, std::size_t min_chunk,
                                               const std::function<bool(std::size_t)>& bad);

}  // namespace pm
