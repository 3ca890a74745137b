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
///
/// Measured (AMD EPYC Zen 4, BENCHMARKS.md, `bench_ff`): 18.4 ns latency and 15.9 ns throughput
/// on the ADX path, 30.2 ns portable.

#include <cstdint>

#include "ff/u256.hpp"

namespace pm::ff {

/// True when the MULX/ADCX/ADOX path is in use (CPU support and not disabled).
bool use_adx() noexcept;
/// Forces the portable path on (false) or restores CPU detection (true); for tests and benches.
void set_use_adx(bool enabled) noexcept;
/// True when the CPU supports BMI2 and ADX at all.
bool cpu_has_adx() noexcept;

/// True when the AVX-512 IFMA kernels (batch-affine additions, ff/fq_x8.hpp) are in use: the
/// CPU has AVX-512F and IFMA, and neither PROOFMILL_NO_ASM nor PROOFMILL_NO_IFMA is set.
bool use_ifma() noexcept;
/// Turns the IFMA kernels off (false) or back on where the CPU has them; for tests and benches.
void set_use_ifma(bool enabled) noexcept;
bool cpu_has_ifma() noexcept;

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
// Shared assembly pieces. Register roles: rdx = the multiplier word, rax = 0, LO/HI = MULX
// product halves, %[p] = the modulus.
//
// X0..X4 += rdx * SRC[0..3], X4 == 0 on entry: two carry chains, ADOX on the low halves and
// ADCX on the high ones (flags cleared by the XOR).
#define PM_MULADD(SRC, X0, X1, X2, X3, X4)                                     \
  "xorl %%eax, %%eax\n\t"                                                      \
  "mulxq 0(" SRC "), %[lo], %[hi]\n\t"                                         \
  "adoxq %[lo], %[" X0 "]\n\t"                                                 \
  "adcxq %[hi], %[" X1 "]\n\t"                                                 \
  "mulxq 8(" SRC "), %[lo], %[hi]\n\t"                                         \
  "adoxq %[lo], %[" X1 "]\n\t"                                                 \
  "adcxq %[hi], %[" X2 "]\n\t"                                                 \
  "mulxq 16(" SRC "), %[lo], %[hi]\n\t"                                        \
  "adoxq %[lo], %[" X2 "]\n\t"                                                 \
  "adcxq %[hi], %[" X3 "]\n\t"                                                 \
  "mulxq 24(" SRC "), %[lo], %[hi]\n\t"                                        \
  "adoxq %[lo], %[" X3 "]\n\t"                                                 \
  "adcxq %[hi], %[" X4 "]\n\t"                                                 \
  "adoxq %%rax, %[" X4 "]\n\t"

// One Montgomery reduction step: T0..T4 += m * p with m = T0 * inv, which zeroes T0 (the
// next step's top word: the names rotate). T4 == 0 on entry.
#define PM_REDC_STEP(T0, T1, T2, T3, T4)                                       \
  "movq %[" T0 "], %%rdx\n\t"                                                  \
  "imulq %[inv], %%rdx\n\t"                                                    \
  PM_MULADD("%[p]", T0, T1, T2, T3, T4)

// One CIOS round: T0..T4 += a * BI, then a reduction step.
#define PM_MONT_ROUND(BI, T0, T1, T2, T3, T4)                                  \
  "movq " BI ", %%rdx\n\t"                                                     \
  PM_MULADD("%[a]", T0, T1, T2, T3, T4)                                        \
  PM_REDC_STEP(T0, T1, T2, T3, T4)

// R0..R3 -= p when R >= p (R < 2p), branch-free: S0..S3 = R - p, kept unless it borrowed.
#define PM_SUB_P_IF_GE(R0, R1, R2, R3, S0, S1, S2, S3)                         \
  "movq " R0 ", " S0 "\n\t"                                                    \
  "subq 0(%[p]), " S0 "\n\t"                                                   \
  "movq " R1 ", " S1 "\n\t"                                                    \
  "sbbq 8(%[p]), " S1 "\n\t"                                                   \
  "movq " R2 ", " S2 "\n\t"                                                    \
  "sbbq 16(%[p]), " S2 "\n\t"                                                  \
  "movq " R3 ", " S3 "\n\t"                                                    \
  "sbbq 24(%[p]), " S3 "\n\t"                                                  \
  "cmovncq " S0 ", " R0 "\n\t"                                                 \
  "cmovncq " S1 ", " R1 "\n\t"                                                 \
  "cmovncq " S2 ", " R2 "\n\t"                                                 \
  "cmovncq " S3 ", " R3 "\n\t"

using Limbs4 = const std::uint64_t[4];

// The operands' memory is declared as asm inputs (no "memory" clobber), so callers keep their
// own values in registers across these routines.
[[gnu::always_inline]] inline void mont_mul_adx(u256& r, const u256& a, const u256& b, const u256& p, std::uint64_t inv) {
  std::uint64_t t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0, lo, hi;
  // After four rounds the result (< 2p) sits in t4, t0, t1, t2 (t3 == 0).
  __asm__(PM_MONT_ROUND("0(%[b])", "t0", "t1", "t2", "t3", "t4")
          PM_MONT_ROUND("8(%[b])", "t1", "t2", "t3", "t4", "t0")
          PM_MONT_ROUND("16(%[b])", "t2", "t3", "t4", "t0", "t1")
          PM_MONT_ROUND("24(%[b])", "t3", "t4", "t0", "t1", "t2")
          PM_SUB_P_IF_GE("%[t4]", "%[t0]", "%[t1]", "%[t2]", "%[lo]", "%[hi]", "%%rax", "%%rdx")
          : [t0] "+&r"(t0), [t1] "+&r"(t1), [t2] "+&r"(t2), [t3] "+&r"(t3), [t4] "+&r"(t4),
            [lo] "=&r"(lo), [hi] "=&r"(hi)
          : [a] "r"(a.data()), [b] "r"(b.data()), [p] "r"(p.data()), [inv] "m"(inv),
            "m"(*reinterpret_cast<Limbs4*>(a.data())), "m"(*reinterpret_cast<Limbs4*>(b.data())),
            "m"(*reinterpret_cast<Limbs4*>(p.data()))
          : "rax", "rdx", "cc");
  r = u256{t4, t0, t1, t2};
}

/// out[0..8) = a * b, the full 512-bit product (any 256-bit a, b): schoolbook rows, each
/// finished low word stored as soon as it is final.
[[gnu::always_inline]] inline void mul_wide_adx(std::uint64_t* out, const u256& a, const u256& b) {
  std::uint64_t t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0, lo, hi;
  __asm__("movq 0(%[b]), %%rdx\n\t"
          PM_MULADD("%[a]", "t0", "t1", "t2", "t3", "t4")
          "movq %[t0], 0(%[o])\n\t"
          "xorl %k[t0], %k[t0]\n\t"
          "movq 8(%[b]), %%rdx\n\t"
          PM_MULADD("%[a]", "t1", "t2", "t3", "t4", "t0")
          "movq %[t1], 8(%[o])\n\t"
          "xorl %k[t1], %k[t1]\n\t"
          "movq 16(%[b]), %%rdx\n\t"
          PM_MULADD("%[a]", "t2", "t3", "t4", "t0", "t1")
          "movq %[t2], 16(%[o])\n\t"
          "xorl %k[t2], %k[t2]\n\t"
          "movq 24(%[b]), %%rdx\n\t"
          PM_MULADD("%[a]", "t3", "t4", "t0", "t1", "t2")
          "movq %[t3], 24(%[o])\n\t"
          "movq %[t4], 32(%[o])\n\t"
          "movq %[t0], 40(%[o])\n\t"
          "movq %[t1], 48(%[o])\n\t"
          "movq %[t2], 56(%[o])\n\t"
          : [t0] "+&r"(t0), [t1] "+&r"(t1), [t2] "+&r"(t2), [t3] "+&r"(t3), [t4] "+&r"(t4), [lo] "=&r"(lo),
            [hi] "=&r"(hi), "=m"(*reinterpret_cast<std::uint64_t(*)[8]>(out))
          : [a] "r"(a.data()), [b] "r"(b.data()), [o] "r"(out), "m"(*reinterpret_cast<Limbs4*>(a.data())),
            "m"(*reinterpret_cast<Limbs4*>(b.data()))
          : "rax", "rdx", "cc");
}

/// r = t * 2^-256 mod p (Montgomery reduction) for a 512-bit t < p * 2^256, fully reduced.
/// The low half reduces to w = (t_lo + m p) / 2^256 <= p; then r = w + t_hi (< 2p) minus p
/// if needed.
[[gnu::always_inline]] inline void mont_redc_adx(u256& r, const std::uint64_t* t, const u256& p, std::uint64_t inv) {
  std::uint64_t t0 = t[0], t1 = t[1], t2 = t[2], t3 = t[3], t4 = 0, lo, hi;
  __asm__(PM_REDC_STEP("t0", "t1", "t2", "t3", "t4")
          PM_REDC_STEP("t1", "t2", "t3", "t4", "t0")
          PM_REDC_STEP("t2", "t3", "t4", "t0", "t1")
          PM_REDC_STEP("t3", "t4", "t0", "t1", "t2")
          "addq 32(%[t]), %[t4]\n\t"
          "adcq 40(%[t]), %[t0]\n\t"
          "adcq 48(%[t]), %[t1]\n\t"
          "adcq 56(%[t]), %[t2]\n\t"
          PM_SUB_P_IF_GE("%[t4]", "%[t0]", "%[t1]", "%[t2]", "%[lo]", "%[hi]", "%%rax", "%%rdx")
          : [t0] "+&r"(t0), [t1] "+&r"(t1), [t2] "+&r"(t2), [t3] "+&r"(t3), [t4] "+&r"(t4), [lo] "=&r"(lo),
            [hi] "=&r"(hi)
          : [t] "r"(t), [p] "r"(p.data()), [inv] "m"(inv), "m"(*reinterpret_cast<const std::uint64_t(*)[8]>(t)),
            "m"(*reinterpret_cast<Limbs4*>(p.data()))
          : "rax", "rdx", "cc");
  r = u256{t4, t0, t1, t2};
}

/// r = a + b mod p and r = a - b mod p for a, b < p < 2^255; plain x86-64 (ADD/ADC/SUB/SBB and
/// CMOV, no ADX needed), used with the ADX multiplication so `PROOFMILL_NO_ASM` covers both.
[[gnu::always_inline]] inline void mod_add_asm(u256& r, const u256& a, const u256& b, const u256& p) {
  std::uint64_t r0 = a[0], r1 = a[1], r2 = a[2], r3 = a[3], s0, s1, s2, s3;
  __asm__("addq 0(%[b]), %[r0]\n\t"
          "adcq 8(%[b]), %[r1]\n\t"
          "adcq 16(%[b]), %[r2]\n\t"
          "adcq 24(%[b]), %[r3]\n\t"
          PM_SUB_P_IF_GE("%[r0]", "%[r1]", "%[r2]", "%[r3]", "%[s0]", "%[s1]", "%[s2]", "%[s3]")
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
  __asm__("subq 0(%[b]), %[r0]\n\t"
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
#undef PM_MULADD
#undef PM_REDC_STEP
#undef PM_MONT_ROUND
#undef PM_SUB_P_IF_GE
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
