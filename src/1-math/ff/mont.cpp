#include "ff/mont.hpp"

#include <cstdlib>
#include <cstring>
#if defined(__x86_64__)
#include <cpuid.h>
#endif

namespace pm::ff {
namespace {

bool detect_adx() noexcept {
#if defined(__x86_64__)
  // CPUID leaf 7: EBX bit 8 BMI2, bit 19 ADX (read directly: clang's __builtin_cpu_supports
  // knows no "adx").
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return false;
  return (b >> 8 & 1) != 0 && (b >> 19 & 1) != 0;
#else
  return false;
#endif
}

bool detect_ifma() noexcept {
#if defined(__x86_64__)
  __builtin_cpu_init();  // also checks that the OS saves the AVX-512 state
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512ifma");
#else
  return false;
#endif
}

bool env_set(const char* name) noexcept {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' && std::strcmp(v, "0") != 0;
}

bool asm_disabled_by_env() noexcept { return env_set("PROOFMILL_NO_ASM"); }

}  // namespace

namespace detail {
bool g_use_adx = detect_adx() && !asm_disabled_by_env();
}

namespace {
bool g_use_ifma = detect_ifma() && !asm_disabled_by_env() && !env_set("PROOFMILL_NO_IFMA");
}

bool cpu_has_adx() noexcept {
  static const bool has = detect_adx();
  return has;
}

bool use_adx() noexcept { return detail::g_use_adx; }

void set_use_adx(bool enabled) noexcept { detail::g_use_adx = enabled && cpu_has_adx(); }

bool cpu_has_ifma() noexcept {
  static const bool has = detect_ifma();
  return has;
}

bool use_ifma() noexcept { return g_use_ifma; }

void set_use_ifma(bool enabled) noexcept { g_use_ifma = enabled && cpu_has_ifma(); }

}  // namespace pm::ff
