#pragma once
/// \file Typed errors raised at the library's edges (parsing, verification inputs, I/O).
///
/// Hostile input is an expected case: every parser and loader reports it with an `Error` whose
/// code says what kind of problem it is and whose message names the file, section and offset.
/// Internal invariants use `PM_ASSERT`, which stays on in release builds.

#include <stdexcept>
#include <string>

namespace pm {

enum class Errc {
  io,             ///< a file could not be opened, mapped or written
  format,         ///< malformed structure: bad magic, truncated section, wrong sizes
  out_of_range,   ///< a field element >= its modulus, an index past its bound
  invalid_point,  ///< a point off the curve or outside the prime-order subgroup
  mismatch,       ///< inputs that do not belong together (wtns vs zkey, wrong input count)
  unsatisfied,    ///< a witness that does not satisfy the constraint system
  invalid_argument,
};

const char* errc_name(Errc c) noexcept;

class Error : public std::runtime_error {
 public:
  Error(Errc code, const std::string& what) : std::runtime_error(what), code_(code) {}
  Errc code() const noexcept { return code_; }

 private:
  Errc code_;
};

[[noreturn]] void assertion_failed(const char* expr, const char* file, int line);

}  // namespace pm

/// Internal invariant check, kept in release builds.
#define PM_ASSERT(expr) ((expr) ? static_cast<void>(0) : ::pm::assertion_failed(#expr, __FILE__, __LINE__))
