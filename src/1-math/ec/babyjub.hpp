#pragma once
/// \file Baby Jubjub, the twisted Edwards curve a x^2 + y^2 = 1 + d x^2 y^2 over the BN254 scalar
/// field (a = 168700, d = 168696; EIP-2494), as circomlib and circomlibjs use it: native
/// arithmetic (the circuit gadgets are gadgets/babyjub.hpp).
///
/// The curve has order 8 l, l the 251-bit prime `kSubOrder`; Base8 generates the order-l
/// subgroup. Variable-time: only public points and scalars, or where timing may leak.

#include "ff/bn254.hpp"

namespace pm::ec::babyjub {

using ff::Fr;

struct SubOrderParams {
  // l = 2736030358979909402780800718157159386076813972158567259200215660948447373041
  static constexpr ff::u256 kModulus = {0x677297dc392126f1ull, 0xab3eedb83920ee0aull, 0x370a08b6d0302b0bull,
                                        0x060c89ce5c263405ull};
};
/// Integers mod l: scalars of the prime-order subgroup.
using Scalar = ff::Fp<SubOrderParams>;
inline constexpr ff::u256 kSubOrder = SubOrderParams::kModulus;

struct Point {
  Fr x, y;
  friend bool operator==(const Point&, const Point&) = default;
};

const Fr& curve_a();  ///< 168700
const Fr& curve_d();  ///< 168696
inline Point identity() { return {Fr::zero(), Fr::one()}; }
/// circomlibjs's Base8, generator of the order-l subgroup (8 times its Generator).
const Point& base8();

bool on_curve(const Point& p);
/// On the curve and of order dividing l.
bool in_subgroup(const Point& p);
/// The complete twisted Edwards addition (no exceptional cases on the curve).
Point add(const Point& p, const Point& q);
Point dbl(const Point& p);
inline Point neg(const Point& p) { return {-p.x, p.y}; }
/// e * p for a non-negative integer e (any 256-bit value; not reduced mod l).
Point mul(const Point& p, const ff::u256& e);

}  // namespace pm::ec::babyjub
