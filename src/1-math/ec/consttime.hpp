#pragma once
/// \file Scalar multiplication in constant time, for secret scalars: the ceremony's toxic waste
/// (tau, alpha, beta, delta and their powers) and the prover's blinding factors r and s.
///
/// Double-and-add-always over all 256 bits of the scalar, with the complete formulas of Renes,
/// Costello and Batina ("Complete addition formulas for prime order elliptic curves", eprint
/// 2015/1060, algorithms 7 and 9 for a = 0) in homogeneous projective coordinates, and the
/// addition kept or dropped by a masked selection instead of a branch. Field arithmetic is
/// constant time (ff: branch-free reduction; `inverse` is Fermat's), so the operations and
/// memory accesses depend on the point only, never on the scalar. The formulas have no
/// exceptional case for points of odd order (G1, and G2's order-r subgroup). About three times
/// the cost of glv_mul_vartime; everything else in ec is variable time (docs/SECURITY.md).

#include <cstdint>

#include "ec/bn254.hpp"

namespace pm::ec {
namespace ct_detail {

inline ff::Fq select(const ff::Fq& a, const ff::Fq& b, std::uint64_t mask) {
  ff::u256 r;
  for (int i = 0; i < 4; ++i) r[i] = a.mont()[i] ^ ((a.mont()[i] ^ b.mont()[i]) & mask);
  return ff::Fq::from_mont_unchecked(r);
}
inline ff::Fq2 select(const ff::Fq2& a, const ff::Fq2& b, std::uint64_t mask) {
  return {select(a.c0, b.c0, mask), select(a.c1, b.c1, mask)};
}

template <class F>
struct Proj {
  F x, y, z;  // (X : Y : Z), the identity (0 : 1 : 0)
};

// Algorithm 7 (a = 0): 12M + 2 multiplications by b3.
template <class F>
Proj<F> add(const Proj<F>& p, const Proj<F>& q, const F& b3) {
  F t0 = p.x * q.x, t1 = p.y * q.y, t2 = p.z * q.z;
  F t3 = (p.x + p.y) * (q.x + q.y);
  F t4 = t0 + t1;
  t3 = t3 - t4;
  t4 = (p.y + p.z) * (q.y + q.z);
  F x3 = t1 + t2;
  t4 = t4 - x3;
  x3 = (p.x + p.z) * (q.x + q.z);
  F y3 = t0 + t2;
  y3 = x3 - y3;
  x3 = t0 + t0;
  t0 = x3 + t0;
  t2 = b3 * t2;
  F z3 = t1 + t2;
  t1 = t1 - t2;
  y3 = b3 * y3;
  x3 = t4 * y3;
  t2 = t3 * t1;
  x3 = t2 - x3;
  y3 = y3 * t0;
  t1 = t1 * z3;
  y3 = t1 + y3;
  t0 = t0 * t3;
  z3 = z3 * t4;
  z3 = z3 + t0;
  return {x3, y3, z3};
}

// Algorithm 9 (a = 0): 6M + 2S + 1 multiplication by b3.
template <class F>
Proj<F> dbl(const Proj<F>& p, const F& b3) {
  F t0 = p.y * p.y;
  F z3 = t0 + t0;
  z3 = z3 + z3;
  z3 = z3 + z3;
  F t1 = p.y * p.z, t2 = p.z * p.z;
  t2 = b3 * t2;
  F x3 = t2 * z3;
  F y3 = t0 + t2;
  z3 = t1 * z3;
  t1 = t2 + t2;
  t2 = t1 + t2;
  t0 = t0 - t2;
  y3 = t0 * y3;
  y3 = x3 + y3;
  t1 = p.x * p.y;
  x3 = t0 * t1;
  x3 = x3 + x3;
  return {x3, y3, z3};
}

}  // namespace ct_detail

/// k * P in constant time in k (any 256-bit k, standard form; P of odd order).
template <class C>
Jacobian<C> mul_consttime(const Jacobian<C>& p, const ff::u256& k) {
  using F = typename C::Field;
  using ct_detail::Proj;
  const F b3 = C::b() + C::b() + C::b();
  // Jacobian (x, y, z) is the projective (x z : y : z^3); the identity (0 : 1 : 0).
  const Proj<F> base =
      p.is_identity() ? Proj<F>{F::zero(), F::one(), F::zero()} : Proj<F>{p.x * p.z, p.y, p.z.square() * p.z};
  Proj<F> r{F::zero(), F::one(), F::zero()};
  for (int i = 255; i >= 0; --i) {
    r = ct_detail::dbl(r, b3);
    const Proj<F> t = ct_detail::add(r, base, b3);
    const std::uint64_t mask = std::uint64_t{0} - ((k[static_cast<std::size_t>(i) / 64] >> (i % 64)) & 1);
    r = {ct_detail::select(r.x, t.x, mask), ct_detail::select(r.y, t.y, mask),
         ct_detail::select(r.z, t.z, mask)};
  }
  // Projective (X : Y : Z) is the Jacobian (X Z, Y Z^2, Z).
  return {r.x * r.z, r.y * r.z.square(), r.z};
}

}  // namespace pm::ec
