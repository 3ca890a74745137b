#pragma once
/// \file Short Weierstrass curves y^2 = x^3 + b (a = 0) over a field F, generic over a config
/// `C` that names the field (`C::Field`) and the coefficient (`C::b()`).
///
/// Points are `Affine` (x, y; the point at infinity is encoded (0, 0), which is never on a curve
/// with b != 0, as in snarkjs's files and the EVM precompiles) or `Jacobian` (X/Z^2, Y/Z^3;
/// Z = 0 is the point at infinity). An affine point has exactly the memory layout of snarkjs's
/// Montgomery-form encoding: two field elements, nothing else. Every routine here is variable-time: they
/// serve verification and MSMs over public bases; the prover's blinding multiplications are documented in
/// docs/SECURITY.md.

#include <cstddef>
#include <span>
#include <vector>

#include "ff/u256.hpp"

namespace pm::ec {

template <class C>
struct Affine {
  using F = typename C::Field;
  F x{}, y{};

  static Affine identity() { return {}; }
  static Affine from_xy(const F& x_, const F& y_) { return {x_, y_}; }
  bool is_infinity() const { return x.is_zero() && y.is_zero(); }
  /// y^2 == x^3 + b, or the point at infinity.
  bool is_on_curve() const { return is_infinity() || y.square() == x.square() * x + C::b(); }
  Affine neg() const { return {x, -y}; }  // -(0, 0) = (0, 0)
  friend bool operator==(const Affine& a, const Affine& b) { return a.x == b.x && a.y == b.y; }
};

template <class C>
struct Jacobian {
  using F = typename C::Field;
  F x{}, y{}, z{};  // z == 0: infinity

  static Jacobian identity() { return {F::one(), F::one(), F::zero()}; }
  static Jacobian from_affine(const Affine<C>& p) {
    return p.is_infinity() ? identity() : Jacobian{p.x, p.y, F::one()};
  }
  bool is_identity() const { return z.is_zero(); }

  /// dbl-2009-l (a = 0): 2M + 5S.
  Jacobian dbl() const {
    if (is_identity()) return *this;
    F a = x.square(), b = y.square(), c = b.square();
    F d = ((x + b).square() - a - c).dbl();
    F e = a.dbl() + a, f = e.square();
    Jacobian r;
    r.x = f - d.dbl();
    r.y = e * (d - r.x) - c.dbl().dbl().dbl();
    r.z = (y * z).dbl();
    return r;
  }

  /// Mixed addition madd-2007-bl: 7M + 4S, with the exceptional cases handled.
  Jacobian add_mixed(const Affine<C>& q) const {
    if (q.is_infinity()) return *this;
    if (is_identity()) return from_affine(q);
    F z1z1 = z.square();
    F u2 = q.x * z1z1, s2 = q.y * z * z1z1;
    F h = u2 - x, rr = (s2 - y).dbl();
    if (h.is_zero()) return rr.is_zero() ? dbl() : identity();
    F hh = h.square(), i = hh.dbl().dbl(), j = h * i, v = x * i;
    Jacobian r;
    r.x = rr.square() - j - v.dbl();
    r.y = rr * (v - r.x) - (y * j).dbl();
    r.z = (z + h).square() - z1z1 - hh;
    return r;
  }

  /// add-2007-bl: 11M + 5S, with the exceptional cases handled.
  Jacobian add(const Jacobian& q) const {
    if (q.is_identity()) return *this;
    if (is_identity()) return q;
    F z1z1 = z.square(), z2z2 = q.z.square();
    F u1 = x * z2z2, u2 = q.x * z1z1;
    F s1 = y * q.z * z2z2, s2 = q.y * z * z1z1;
    F h = u2 - u1, rr = (s2 - s1).dbl();
    if (h.is_zero()) return rr.is_zero() ? dbl() : identity();
    F i = h.dbl().square(), j = h * i, v = u1 * i;
    Jacobian r;
    r.x = rr.square() - j - v.dbl();
    r.y = rr * (v - r.x) - (s1 * j).dbl();
    r.z = ((z + q.z).square() - z1z1 - z2z2) * h;
    return r;
  }

  Jacobian neg() const { return {x, -y, z}; }

  /// k * P by double-and-add over the bits of k (standard form). Variable-time.
  Jacobian mul_vartime(const ff::u256& k) const {
    Jacobian r = identity();
    for (int i = static_cast<int>(ff::bit_length(k)) - 1; i >= 0; --i) {
      r = r.dbl();
      if (ff::bit(k, static_cast<unsigned>(i))) r = r.add(*this);
    }
    return r;
  }

  Affine<C> to_affine() const {
    if (is_identity()) return Affine<C>::identity();
    F zi = z.inverse(), zi2 = zi.square();
    return Affine<C>::from_xy(x * zi2, y * zi2 * zi);
  }

  friend bool operator==(const Jacobian& a, const Jacobian& b) {
    if (a.is_identity() || b.is_identity()) return a.is_identity() == b.is_identity();
    F az2 = a.z.square(), bz2 = b.z.square();
    return a.x * bz2 == b.x * az2 && a.y * bz2 * b.z == b.y * az2 * a.z;
  }
};

/// Converts many points with one field inversion (Montgomery's trick).
template <class C>
void batch_to_affine(std::span<const Jacobian<C>> in, std::span<Affine<C>> out) {
  using F = typename C::Field;
  std::vector<F> prefix(in.size());
  F acc = F::one();
  for (std::size_t i = 0; i < in.size(); ++i) {
    prefix[i] = acc;
    if (!in[i].is_identity()) acc *= in[i].z;
  }
  F inv = acc.inverse();
  for (std::size_t i = in.size(); i-- > 0;) {
    if (in[i].is_identity()) {
      out[i] = Affine<C>::identity();
      continue;
    }
    F zi = inv * prefix[i];
    inv *= in[i].z;
    F zi2 = zi.square();
    out[i] = Affine<C>::from_xy(in[i].x * zi2, in[i].y * zi2 * zi);
  }
}

}  // namespace pm::ec
