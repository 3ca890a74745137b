#pragma once
/// \file Fq2 = Fq[u] / (u^2 + 1), the field of G2's coordinates.

#include "ff/bn254.hpp"

namespace pm::ff {

struct Fq2 {
  Fq c0, c1;  ///< c0 + c1 * u

  static Fq2 zero() { return {}; }
  static Fq2 one() { return {Fq::one(), Fq::zero()}; }
  bool is_zero() const { return c0.is_zero() && c1.is_zero(); }
  friend bool operator==(const Fq2& a, const Fq2& b) { return a.c0 == b.c0 && a.c1 == b.c1; }

  friend Fq2 operator+(const Fq2& a, const Fq2& b) { return {a.c0 + b.c0, a.c1 + b.c1}; }
  friend Fq2 operator-(const Fq2& a, const Fq2& b) { return {a.c0 - b.c0, a.c1 - b.c1}; }
  Fq2 operator-() const { return {-c0, -c1}; }
  /// Karatsuba: 3M. With ADX, lazily reduced: three 512-bit products combined unreduced, then
  /// two Montgomery reductions instead of three (88 word multiplications rather than 108).
  friend Fq2 operator*(const Fq2& a, const Fq2& b) {
#if defined(__x86_64__)
    if (detail::g_use_adx) return mul_lazy(a, b);
#endif
    Fq v0 = a.c0 * b.c0, v1 = a.c1 * b.c1;
    return {v0 - v1, (a.c0 + a.c1) * (b.c0 + b.c1) - v0 - v1};
  }
  friend Fq2 operator*(const Fq2& a, const Fq& s) { return {a.c0 * s, a.c1 * s}; }
  Fq2& operator+=(const Fq2& b) { return *this = *this + b; }
  Fq2& operator-=(const Fq2& b) { return *this = *this - b; }
  Fq2& operator*=(const Fq2& b) { return *this = *this * b; }

  Fq2 dbl() const { return {c0.dbl(), c1.dbl()}; }
  /// Complex squaring: 2M.
  Fq2 square() const {
    Fq ab = c0 * c1;
    return {(c0 + c1) * (c0 - c1), ab.dbl()};
  }
  Fq2 conjugate() const { return {c0, -c1}; }
  /// x^p: the Frobenius map is conjugation on Fq2.
  Fq2 frobenius() const { return conjugate(); }
  Fq2 inverse() const {
    Fq t = (c0.square() + c1.square()).inverse();
    return {c0 * t, -(c1 * t)};
  }
  /// The same in variable time (Fp::inverse_vartime).
  Fq2 inverse_vartime() const {
    Fq t = (c0.square() + c1.square()).inverse_vartime();
    return {c0 * t, -(c1 * t)};
  }
  /// Multiplication by xi = 9 + u, the non-residue defining Fq6 and the twist.
  Fq2 mul_by_xi() const {
    Fq nine_c0 = c0.dbl().dbl().dbl() + c0;
    Fq nine_c1 = c1.dbl().dbl().dbl() + c1;
    return {nine_c0 - c1, c0 + nine_c1};
  }
#if defined(__x86_64__)
  /// The lazily reduced product (exposed for tests; operator* uses it when ADX is on).
  static Fq2 mul_lazy(const Fq2& a, const Fq2& b) {
    using W = std::uint64_t[8];
    W v0, v1, s;
    mul_wide_adx(v0, a.c0.mont(), b.c0.mont());
    mul_wide_adx(v1, a.c1.mont(), b.c1.mont());
    u256 sa, sb;  // unreduced sums, < 2q < 2^255
    add_carry(sa, a.c0.mont(), a.c1.mont());
    add_carry(sb, b.c0.mont(), b.c1.mont());
    mul_wide_adx(s, sa, sb);  // < 4q^2
    // c1 = s - v0 - v1 = a0 b1 + a1 b0 (>= 0, < 2q^2); c0 = v0 - v1, plus q * 2^256 if negative.
    // Both stay below q * 2^256, as the reduction needs.
    W c0, c1;
    unsigned char bw = 0, bw2 = 0;
    for (int i = 0; i < 8; ++i) {
      unsigned long long d;
      bw = _subborrow_u64(bw, s[i], v0[i], &d);
      bw2 = _subborrow_u64(bw2, d, v1[i], reinterpret_cast<unsigned long long*>(&c1[i]));
    }
    bw = 0;
    for (int i = 0; i < 8; ++i)
      bw = _subborrow_u64(bw, v0[i], v1[i], reinterpret_cast<unsigned long long*>(&c0[i]));
    const std::uint64_t mask = 0 - static_cast<std::uint64_t>(bw);
    unsigned char cy = 0;
    for (int i = 0; i < 4; ++i) {
      cy = _addcarry_u64(cy, c0[4 + i], Fq::kModulus[i] & mask,
                         reinterpret_cast<unsigned long long*>(&c0[4 + i]));
    }
    u256 r0, r1;
    mont_redc_adx(r0, c0, Fq::kModulus, Fq::kInv);
    mont_redc_adx(r1, c1, Fq::kModulus, Fq::kInv);
    return {Fq::from_mont_unchecked(r0), Fq::from_mont_unchecked(r1)};
  }
#endif

  Fq2 pow_vartime(const u256& e) const {
    Fq2 r = one();
    for (int i = static_cast<int>(bit_length(e)) - 1; i >= 0; --i) {
      r = r.square();
      if (bit(e, static_cast<unsigned>(i))) r *= *this;
    }
    return r;
  }
};

}  // namespace pm::ff
