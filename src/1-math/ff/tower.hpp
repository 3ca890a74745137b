#pragma once
/// \file Fq6 = Fq2[v] / (v^3 - xi) and Fq12 = Fq6[w] / (w^2 - v), xi = 9 + u: the tower in
/// which BN254 pairings take their values (the same tower as ffjavascript and @noble/curves).

#include "ff/fq2.hpp"

namespace pm::ff {

struct Fq6 {
  Fq2 c0, c1, c2;  ///< c0 + c1 v + c2 v^2

  static Fq6 zero() { return {}; }
  static Fq6 one() { return {Fq2::one(), Fq2::zero(), Fq2::zero()}; }
  bool is_zero() const { return c0.is_zero() && c1.is_zero() && c2.is_zero(); }
  friend bool operator==(const Fq6& a, const Fq6& b) { return a.c0 == b.c0 && a.c1 == b.c1 && a.c2 == b.c2; }
  friend Fq6 operator+(const Fq6& a, const Fq6& b) { return {a.c0 + b.c0, a.c1 + b.c1, a.c2 + b.c2}; }
  friend Fq6 operator-(const Fq6& a, const Fq6& b) { return {a.c0 - b.c0, a.c1 - b.c1, a.c2 - b.c2}; }
  Fq6 operator-() const { return {-c0, -c1, -c2}; }
  friend Fq6 operator*(const Fq6& a, const Fq6& b);
  friend Fq6 operator*(const Fq6& a, const Fq2& s) { return {a.c0 * s, a.c1 * s, a.c2 * s}; }
  Fq6 square() const { return *this * *this; }
  /// Multiplication by v: (c0, c1, c2) -> (xi c2, c0, c1).
  Fq6 mul_by_v() const { return {c2.mul_by_xi(), c0, c1}; }
  Fq6 inverse() const;
};

struct Fq12 {
  Fq6 c0, c1;  ///< c0 + c1 w

  static Fq12 one() { return {Fq6::one(), Fq6::zero()}; }
  bool is_one() const { return *this == one(); }
  friend bool operator==(const Fq12& a, const Fq12& b) { return a.c0 == b.c0 && a.c1 == b.c1; }
  friend Fq12 operator*(const Fq12& a, const Fq12& b);
  Fq12& operator*=(const Fq12& b) { return *this = *this * b; }
  Fq12 square() const;
  Fq12 inverse() const;
  /// x^(p^6): conjugation, the inverse on the cyclotomic subgroup.
  Fq12 conjugate() const { return {c0, -c1}; }
  /// x^(p^k) for k = 1, 2, 3.
  Fq12 frobenius(unsigned k) const;
  Fq12 pow_vartime(const u256* limbs_le, std::size_t n_limbs) const;

  /// The 12 Fq coefficients in ffjavascript's nesting order:
  /// [c0.c0.c0, c0.c0.c1, c0.c1.c0, c0.c1.c1, c0.c2.c0, c0.c2.c1, c1.c0.c0, ..., c1.c2.c1].
  std::array<Fq, 12> coefficients() const;
};

}  // namespace pm::ff
