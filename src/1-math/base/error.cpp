#include "base/error.hpp"

#include <cstdio>
#include <cstdlib>

namespace pm {

const char* errc_name(Errc c) noexcept {
  switch (c) {
    case Errc::io:
      return "io";
    case Errc::format:
      return "format";
    case Errc::out_of_range:
      return "out_of_range";
    case Errc::invalid_point:
      return "invalid_point";
    case Errc::mismatch:
      return "mismatch";
    case Errc::unsatisfied:
      return "unsatisfied";
    case Errc::invalid_argument:
      return "invalid_argument";
  }
  return "unknown";
}

void assertion_failed(const char* expr, const char* file, int line) {
  std::fprintf(stderr, "proofmill: internal error: assertion `%s` failed at %s:%d\n", expr, file, line);
  std::abort();
}

}  // namespace pm
