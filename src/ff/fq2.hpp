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
  /// Karatsuba: 3M.
  friend Fq2 operator*(const Fq2& a, const Fq2& b) {
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
  /// Multiplication by xi = 9 + u, the non-residue defining Fq6 and the twist.
  Fq2 mul_by_xi() const {
    Fq nine_c0 = c0.dbl().dbl().dbl() + c0;
    Fq nine_c1 = c1.dbl().dbl().dbl() + c1;
    return {nine_c0 - c1, c0 + nine_c1};
  }
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
