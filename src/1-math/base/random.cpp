#include "base/random.hpp"

#include <sys/random.h>

#include <cerrno>
#include <cstdint>

#include "base/error.hpp"

namespace pm {

void os_random_bytes(void* out, std::size_t n) {
  auto* p = static_cast<std::uint8_t*>(out);
  while (n > 0) {
    ssize_t got = ::getrandom(p, n, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      throw Error(Errc::io, "getrandom failed: the OS CSPRNG is unavailable");
    }
    p += got;
    n -= static_cast<std::size_t>(got);
  }
}

}  // namespace pm
