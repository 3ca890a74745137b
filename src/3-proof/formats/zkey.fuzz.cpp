// libFuzzer target: an arbitrary .zkey image. Malformed input must end in pm::Error (naming the
// problem), never a crash, a hang, an out-of-bounds read or memory out of proportion to it.
#include "formats/zkey.hpp"

#include <cstddef>
#include <cstdint>
#include <span>

#include "base/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    (void)pm::formats::parse_zkey(std::span<const std::uint8_t>(data, size), "fuzz.zkey");
  } catch (const pm::Error&) {
  }
  return 0;
}
