#pragma once
/// \file Erasing secrets: memory zeroed in a way the compiler cannot elide (explicit_bzero).
/// Best effort: registers, stack temporaries and copies made elsewhere are not reached.

#include <cstddef>
#include <vector>

namespace pm {

/// Zeroes n bytes at p.
void wipe_bytes(void* p, std::size_t n);
template <class T>
void wipe(T& v) {
  wipe_bytes(&v, sizeof v);
}
template <class T>
void wipe_vector(std::vector<T>& v) {
  wipe_bytes(v.data(), v.size() * sizeof(T));
}

}  // namespace pm
