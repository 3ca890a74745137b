#pragma once
/// \file Randomness from the operating system's CSPRNG (getrandom(2)).

#include <cstddef>

namespace pm {

/// Fills `out` with `n` bytes from the OS CSPRNG; throws Error(Errc::io) if it is unavailable.
void os_random_bytes(void* out, std::size_t n);

}  // namespace pm
