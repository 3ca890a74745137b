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
// One row of a schoolbook product: accumulator X0..X3 += a * B, the row's top word into X4.
#define PM_WIDE_ROW(B, X0, X1, X2, X3, X4)                                     \
  "movq " B ", %%rdx\n\t"                                                      \
  "xorl %%eax, %%eax\n\t"                                                      \
  "mulxq 0(%[a]), %[lo], %[hi]\n\t"                                            \
  "adoxq %[lo], %[" X0 "]\n\t"                                                 \
  "adcxq %[hi], %[" X1 "]\n\t"                                                 \
  "mulxq 8(%[a]), %[lo], %[hi]\n\t"                                            \
  "adoxq %[lo], %[" X1 "]\n\t"                                                 \
  "adcxq %[hi], %[" X2 "]\n\t"                                                 \
  "mulxq 16(%[a]), %[lo], %[hi]\n\t"                                           \
  "adoxq %[lo], %[" X2 "]\n\t"                                                 \
  "adcxq %[hi], %[" X3 "]\n\t"                                                 \
  "mulxq 24(%[a]), %[lo], %[" X4 "]\n\t"                                       \
  "adoxq %[lo], %[" X3 "]\n\t"                                                 \
  "adcxq %%rax, %[" X4 "]\n\t"                                                 \
  "adoxq %%rax, %[" X4 "]\n\t"

/// out[0..8) = a * b, the full 512-bit product (any 256-bit a, b).
[[gnu::always_inline]] inline void mul_wide_adx(std::uint64_t* out, const u256& a, const u256& b) {
  using Limbs = const std::uint64_t[4];
  std::uint64_t t0, t1, t2, t3, t4, lo, hi;
  __asm__("movq 0(%[b]), %%rdx\n\t"
          "mulxq 0(%[a]), %[t0], %[t1]\n\t"
          "mulxq 8(%[a]), %[lo], %[t2]\n\t"
          "addq %[lo], %[t1]\n\t"
          "mulxq 16(%[a]), %[lo], %[t3]\n\t"
          "adcq %[lo], %[t2]\n\t"
          "mulxq 24(%[a]), %[lo], %[t4]\n\t"
          "adcq %[lo], %[t3]\n\t"
          "adcq $0, %[t4]\n\t"
          "movq %[t0], 0(%[o])\n\t"
          PM_WIDE_ROW("8(%[b])", "t1", "t2", "t3", "t4", "t0")
          "movq %[t1], 8(%[o])\n\t"
          PM_WIDE_ROW("16(%[b])", "t2", "t3", "t4", "t0", "t1")
          "movq %[t2], 16(%[o])\n\t"
          PM_WIDE_ROW("24(%[b])", "t3", "t4", "t0", "t1", "t2")
          "movq %[t3], 24(%[o])\n\t"
          "movq %[t4], 32(%[o])\n\t"
          "movq %[t0], 40(%[o])\n\t"
          "movq %[t1], 48(%[o])\n\t"
          "movq %[t2], 56(%[o])\n\t"
          : [t0] "=&r"(t0), [t1] "=&r"(t1), [t2] "=&r"(t2), [t3] "=&r"(t3), [t4] "=&r"(t4), [lo] "=&r"(lo),
            [hi] "=&r"(hi), "=m"(*reinterpret_cast<std::uint64_t(*)[8]>(out))
          : [a] "r"(a.data()), [b] "r"(b.data()), [o] "r"(out), "m"(*reinterpret_cast<Limbs*>(a.data())),
            "m"(*reinterpret_cast<Limbs*>(b.data()))
          : "rax", "rdx", "cc");
}
#undef PM_WIDE_ROW

// One Montgomery reduction round: T0..T4 += m * p with m = T0 * inv, so T0 becomes 0 (and
// the next round's top word). T4 == 0 on entry.
#define PM_REDC_ROUND(T0, T1, T2, T3, T4)                                      \
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

/// r = t * 2^-256 mod p (Montgomery reduction) for a 512-bit t < p * 2^256, fully reduced.
/// The low half reduces to w = (t_lo + m p) / 2^256 <= p; then r = w + t_hi (< 2p) minus p
/// if needed.
[[gnu::always_inline]] inline void mont_redc_adx(u256& r, const std::uint64_t* t, const u256& p,
                                                 std::uint64_t inv) {
  using Limbs = const std::uint64_t[4];
  std::uint64_t t0 = t[0], t1 = t[1], t2 = t[2], t3 = t[3], t4 = 0, lo, hi;
  __asm__(PM_REDC_ROUND("t0", "t1", "t2", "t3", "t4")
          PM_REDC_ROUND("t1", "t2", "t3", "t4", "t0")
          PM_REDC_ROUND("t2", "t3", "t4", "t0", "t1")
          PM_REDC_ROUND("t3", "t4", "t0", "t1", "t2")
          "addq 32(%[t]), %[t4]\n\t"
          "adcq 40(%[t]), %[t0]\n\t"
          "adcq 48(%[t]), %[t1]\n\t"
          "adcq 56(%[t]), %[t2]\n\t"
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
          : [t0] "+&r"(t0), [t1] "+&r"(t1), [t2] "+&r"(t2), [t3] "+&r"(t3), [t4] "+&r"(t4), [lo] "=&r"(lo),
            [hi] "=&r"(hi)
          : [t] "r"(t), [p] "r"(p.data()), [inv] "m"(inv), "m"(*reinterpret_cast<const std::uint64_t(*)[8]>(t)),
            "m"(*reinterpret_cast<Limbs*>(p.data()))
          : "rax", "rdx", "cc");
  r = u256{t4, t0, t1, t2};
}
#undef PM_REDC_ROUND
// clang-format on
#endif

#if defined(__x86_64__)
/// r = a + b mod p and r = a - b mod p for a, b < p < 2^255; plain x86-64 (ADD/ADC/SUB/SBB and
/// CMOV, no ADX needed), used with the ADX multiplication so `PROOFMILL_NO_ASM` covers both.
using Limbs4 = const std::uint64_t[4];
[[gnu::always_inline]] inline void mod_add_asm(u256& r, const u256& a, const u256& b, const u256& p) {
  std::uint64_t r0 = a[0], r1 = a[1], r2 = a[2], r3 = a[3], s0, s1, s2, s3;
  __asm__(
      "addq 0(%[b]), %[r0]\n\t"
      "adcq 8(%[b]), %[r1]\n\t"
      "adcq 16(%[b]), %[r2]\n\t"
      "adcq 24(%[b]), %[r3]\n\t"
      "movq %[r0], %[s0]\n\t"
      "subq 0(%[p]), %[s0]\n\t"
      "movq %[r1], %[s1]\n\t"
      "sbbq 8(%[p]), %[s1]\n\t"
      "movq %[r2], %[s2]\n\t"
      "sbbq 16(%[p]), %[s2]\n\t"
      "movq %[r3], %[s3]\n\t"
      "sbbq 24(%[p]), %[s3]\n\t"
      "cmovncq %[s0], %[r0]\n\t"
      "cmovncq %[s1], %[r1]\n\t"
      "cmovncq %[s2], %[r2]\n\t"
      "cmovncq %[s3], %[r3]\n\t"
      : [r0] "+&r"(r0), [r1] "+&r"(r1), [r2] "+&r"(r2), [r3] "+&r"(r3), [s0] "=&r"(s0), [s1] "=&r"(s1),
        [s2] "=&r"(s2), [s3] "=&r"(s3)
      : [b] "r"(b.data()), [p] "r"(p.data()), "m"(*reinterpret_cast<Limbs4*>(b.data())),
        "m"(*reinterpret_cast<Limbs4*>(p.data()))
      : "cc");
  r = u256{r0, r1, r2, r3};
}

[[gnu::always_inline]] inline void mod_sub_asm(u256& r, const u256& a, const u256& b, const u256& p) {
  std::uint64_t r0 = a[0], r1 = a[1], r2 = a[2], r3 = a[3], s0, s1, s2, s3, z = 0;
  // r = a - b; on a borrow add p back (s = p, or 0 selected by CMOV).
  __asm__(
      "subq 0(%[b]), %[r0]\n\t"
      "sbbq 8(%[b]), %[r1]\n\t"
      "sbbq 16(%[b]), %[r2]\n\t"
      "sbbq 24(%[b]), %[r3]\n\t"
      "movq 0(%[p]), %[s0]\n\t"
      "movq 8(%[p]), %[s1]\n\t"
      "movq 16(%[p]), %[s2]\n\t"
      "movq 24(%[p]), %[s3]\n\t"
      "cmovncq %[z], %[s0]\n\t"
      "cmovncq %[z], %[s1]\n\t"
      "cmovncq %[z], %[s2]\n\t"
      "cmovncq %[z], %[s3]\n\t"
      "addq %[s0], %[r0]\n\t"
      "adcq %[s1], %[r1]\n\t"
      "adcq %[s2], %[r2]\n\t"
      "adcq %[s3], %[r3]\n\t"
      : [r0] "+&r"(r0), [r1] "+&r"(r1), [r2] "+&r"(r2), [r3] "+&r"(r3), [s0] "=&r"(s0), [s1] "=&r"(s1),
        [s2] "=&r"(s2), [s3] "=&r"(s3)
      : [b] "r"(b.data()), [p] "r"(p.data()), [z] "r"(z), "m"(*reinterpret_cast<Limbs4*>(b.data())),
        "m"(*reinterpret_cast<Limbs4*>(p.data()))
      : "cc");
  r = u256{r0, r1, r2, r3};
}
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
