#include "ff/mont.hpp"

#include <cstdlib>
#include <cstring>

namespace pm::ff {
namespace {

bool detect_adx() noexcept {
#if defined(__x86_64__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("adx");
#else
  return false;
#endif
}

bool asm_disabled_by_env() noexcept {
  const char* v = std::getenv("PROOFMILL_NO_ASM");
  return v != nullptr && *v != '\0' && std::strcmp(v, "0") != 0;
}

}  // namespace

namespace detail {
bool g_use_adx = detect_adx() && !asm_disabled_by_env();
}

bool cpu_has_adx() noexcept {
  static const bool has = detect_adx();
  return has;
}

bool use_adx() noexcept { return detail::g_use_adx; }

void set_use_adx(bool enabled) noexcept { detail::g_use_adx = enabled && cpu_has_adx(); }

}  // namespace pm::ff
