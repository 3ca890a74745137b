// libFuzzer target: an arbitrary .ptau file (PtauFile maps a path, so the input goes through an
// in-memory file). Malformed input must end in pm::Error naming the problem, never a crash, an
// out-of-bounds read of the mapping or memory out of proportion to it.
#include "setup/ptau.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "base/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const int fd = ::memfd_create("fuzz.ptau", 0);
  if (fd < 0 || ::ftruncate(fd, 0) != 0 || ::pwrite(fd, data, size, 0) != static_cast<ssize_t>(size))
    return 0;
  try {
    pm::setup::PtauFile f("/proc/self/fd/" + std::to_string(fd));
    if (f.power() >= 1) (void)f.g1_points(2, 0, 1);  // the first tau power, checked on the curve
  } catch (const pm::Error&) {
  }
  return 0;
}
