#pragma once
/// \file 4-limb Montgomery multiplication, two implementations of one contract:
///
///   mont_mul(a, b) = a * b * 2^-256 mod p,  for a, b < p, result < p (fully reduced).
///
/// Both use CIOS (coarsely integrated operand scanning). `mont_mul_portable` is plain C++ with
/// 128-bit products; `mont_mul_adx` is x86-64 assembly that runs two independent carry chains
/// (ADCX on CF, ADOX on OF) over MULX products. Which one runs is chosen once at start-up from
/// CPUID (BMI2 and ADX), and `PROOFMILL_NO_ASM=1` forces the portable path. Both are
/// constant-time in their operands (the final subtraction is branch-free).

#include <cstdint>

#include "ff/u256.hpp"

namespace pm::ff {

/// True when the MULX/ADCX/ADOX path is in use (CPU support and not disabled).
bool use_adx() noexcept;
/// Forces the portable path on (false) or restores CPU detection (true); for tests and benches.
void set_use_adx(bool enabled) noexcept;
/// True when the CPU supports BMI2 and ADX at all.
bool cpu_has_adx() noexcept;

namespace detail {
extern bool g_use_adx;
}

/// r = a if a < p else a - p, branch-free. `hi` is an extra top word of a (0 or 1).
[[gnu::always_inline]] inline void reduce_once(u256& r, const u256& a, const u256& p) {
  u256 s;
  std::uint64_t borrow = sub_borrow(s, a, p);
  std::uint64_t mask = 0 - borrow;  // all ones when a < p: keep a
  for (int i = 0; i < 4; ++i) r[i] = (a[i] & mask) | (s[i] & ~mask);
}

inline void mont_mul_portable(u256& r, const u256& a, const u256& b, const u256& p, std::uint64_t inv) {
  std::uint64_t t[6] = {0, 0, 0, 0, 0, 0};
  for (int i = 0; i < 4; ++i) {
    // t += a * b[i]
    u128 c = 0;
    for (int j = 0; j < 4; ++j) {
      c = static_cast<u128>(a[j]) * b[i] + t[j] + (c >> 64);
      t[j] = static_cast<std::uint64_t>(c);
    }
    c = static_cast<u128>(t[4]) + (c >> 64);
    t[4] = static_cast<std::uint64_t>(c);
    t[5] = static_cast<std::uint64_t>(c >> 64);
    // t = (t + m * p) / 2^64 with m chosen so the low word vanishes
    std::uint64_t m = t[0] * inv;
    c = static_cast<u128>(m) * p[0] + t[0];
    for (int j = 1; j < 4; ++j) {
      c = static_cast<u128>(m) * p[j] + t[j] + (c >> 64);
      t[j - 1] = static_cast<std::uint64_t>(c);
    }
    c = static_cast<u128>(t[4]) + (c >> 64);
    t[3] = static_cast<std::uint64_t>(c);
    t[4] = t[5] + static_cast<std::uint64_t>(c >> 64);
  }
  // t < 2p < 2^255, so t[4] == 0 here.
  reduce_once(r, u256{t[0], t[1], t[2], t[3]}, p);
}

#if defined(__x86_64__)
// clang-format off
// One CIOS round in assembly. Register roles: rdx = multiplier (b[i], then m), rax = 0,
// T0..T4 = the 5-word accumulator (T4 == 0 on entry), LO/HI = MULX product halves.
// After the round T0 == 0; it becomes T4 of the next round (the names rotate).
#define PM_MONT_ROUND(BI, T0, T1, T2, T3, T4)                                  \
  "movq " BI ", %%rdx\n\t"                                                     \
  "xorl %%eax, %%eax\n\t"                                                      \
  "mulxq 0(%[a]), %[lo], %[hi]\n\t"                                            \
  "adoxq %[lo], %[" T0 "]\n\t"                                                 \
  "adcxq %[hi], %[" T1 "]\n\t"                                                 \
  "mulxq 8(%[a]), %[lo], %[hi]\n\t"                                            \
  "adoxq %[lo], %[" T1 "]\n\t"                                                 \
  "adcxq %[hi], %[" T2 "]\n\t"                                                 \
  "mulxq 16(%[a]), %[lo], %[hi]\n\t"                                           \
  "adoxq %[lo], %[" T2 "]\n\t"                                                 \
  "adcxq %[hi], %[" T3 "]\n\t"                                                 \
  "mulxq 24(%[a]), %[lo], %[hi]\n\t"                                           \
  "adoxq %[lo], %[" T3 "]\n\t"                                                 \
  "adcxq %[hi], %[" T4 "]\n\t"                                                 \
  "adoxq %%rax, %[" T4 "]\n\t"                                                 \
  "movq %[" T0 "], %%rdx\n\t"                                                  \
  "imulq %[inv], %%rdx\n\t"                                                    \
  "xorl %%eax, %%eax\n\t"                                                      \
  "mulxq 0(%[p]), %[lo], %[hi]\n\t"                                            \
  "adoxq %[lo], %[" T0 "]\n\t"                                                 \
  "adcxq %[hi], %[" T1 "]\n\t"                                                 \
  "mulxq 8(%[p]), %[lo], %[hi]\n\t"                                            \
  "adoxq %[lo], %[" T1 "]\n\t"                                                 \
  "adcxq %[hi], %[" T2 "]\n\t"                                                 \
  "mulxq 16(%[p]), %[lo], %[hi]\n\t"                                           \
  "adoxq %[lo], %[" T2 "]\n\t"                                                 \
  "adcxq %[hi], %[" T3 "]\n\t"                                                 \
  "mulxq 24(%[p]), %[lo], %[hi]\n\t"                                           \
  "adoxq %[lo], %[" T3 "]\n\t"                                                 \
  "adcxq %[hi], %[" T4 "]\n\t"                                                 \
  "adoxq %%rax, %[" T4 "]\n\t"

[[gnu::always_inline]] inline void mont_mul_adx(u256& r, const u256& a, const u256& b, const u256& p, std::uint64_t inv) {
  using Limbs = const std::uint64_t[4];
  std::uint64_t t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0, lo, hi;
  // The operands' memory is declared as inputs (no "memory" clobber), so the compiler keeps
  // the caller's values in registers across the multiplication. The final conditional
  // subtraction of p is done here too, with CMOV: the result (< 2p) sits in t4, t0, t1, t2.
  __asm__(PM_MONT_ROUND("0(%[b])", "t0", "t1", "t2", "t3", "t4")
          PM_MONT_ROUND("8(%[b])", "t1", "t2", "t3", "t4", "t0")
          PM_MONT_ROUND("16(%[b])", "t2", "t3", "t4", "t0", "t1")
          PM_MONT_ROUND("24(%[b])", "t3", "t4", "t0", "t1", "t2")
          "movq %[t4], %[lo]\n\t"
          "subq 0(%[p]), %[lo]\n\t"
          "movq %[t0], %[hi]\n\t"
          "sbbq 8(%[p]), %[hi]\n\t"
          "movq %[t1], %%rax\n\t"
          "sbbq 16(%[p]), %%rax\n\t"
          "movq %[t2], %%rdx\n\t"
          "sbbq 24(%[p]), %%rdx\n\t"
          "cmovncq %[lo], %[t4]\n\t"
          "cmovncq %[hi], %[t0]\n\t"
          "cmovncq %%rax, %[t1]\n\t"
          "cmovncq %%rdx, %[t2]\n\t"
          : [t0] "+&r"(t0), [t1] "+&r"(t1), [t2] "+&r"(t2), [t3] "+&r"(t3), [t4] "+&r"(t4),
            [lo] "=&r"(lo), [hi] "=&r"(hi)
          : [a] "r"(a.data()), [b] "r"(b.data()), [p] "r"(p.data()), [inv] "m"(inv),
            "m"(*reinterpret_cast<Limbs*>(a.data())), "m"(*reinterpret_cast<Limbs*>(b.data())),
            "m"(*reinterpret_cast<Limbs*>(p.data()))
          : "rax", "rdx", "cc");
  r = u256{t4, t0, t1, t2};
}
#undef PM_MONT_ROUND
// clang-format on
#endif

[[gnu::always_inline]] inline void mont_mul(u256& r, const u256& a, const u256& b, const u256& p,
                                            std::uint64_t inv) {
#if defined(__x86_64__)
  if (detail::g_use_adx) {
    mont_mul_adx(r, a, b, p, inv);
    return;
  }
#endif
  mont_mul_portable(r, a, b, p, inv);
}

}  // namespace pm::ff
