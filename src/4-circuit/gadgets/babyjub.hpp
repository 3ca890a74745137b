#pragma once
/// \file Baby Jubjub, the twisted Edwards curve a x^2 + y^2 = 1 + d x^2 y^2 over the BN254 scalar
/// field (a = 168700, d = 168696; EIP-2494), as circomlib and circomlibjs use it: the circuit
/// gadgets EdDSA needs (the native arithmetic is ec/babyjub.hpp).
///
/// The curve has order 8 l, l the 251-bit prime `kSubOrder`; Base8 generates the order-l
/// subgroup. Its birationally equivalent Montgomery form is B v^2 = u^3 + A u^2 + u with
/// A = 168698, B = 1 (u = (1 + y) / (1 - y), v = u / x).
///
/// Gadget costs in constraints (circomlib's templates of the same purpose are named;
/// docs/CIRCUITS.md compares the totals with circom --O2):
///  - add (BabyAdd): 6; 3 when one point is constant. dbl (BabyDbl): 6.
///  - assert_on_curve (BabyCheck): 3; 4 with a variable `enabled`.
///  - mul_any (EscalarMulAny): 9 per bit plus 24 (2,310 for 254 bits).
///  - mul_fixed (EscalarMulFix): 6 per 3-bit window plus 13 (523 for 253 bits).
/// The scalar multiplications use Montgomery formulas, which have exceptional cases (adding a
/// point to itself or to its negative); segmenting (148-bit segments for a variable base, as
/// circomlib; 246-bit for a fixed one, where circomlib's 249 lets a few scalars reach
/// acc = -w) keeps every addition away from them for points of order l, which is why EdDSA
/// first multiplies the public key by 8.

#include <span>

#include "circuit/builder.hpp"
#include "ec/babyjub.hpp"

namespace pm::gadgets::babyjub {

using circuit::Builder;
using circuit::Expr;
using ff::Fr;

// The native curve (ec/babyjub.hpp), beside the gadgets' overloads of add and dbl.
using ec::babyjub::add;
using ec::babyjub::base8;
using ec::babyjub::curve_a;
using ec::babyjub::curve_d;
using ec::babyjub::dbl;
using ec::babyjub::identity;
using ec::babyjub::in_subgroup;
using ec::babyjub::kSubOrder;
using ec::babyjub::mul;
using ec::babyjub::neg;
using ec::babyjub::on_curve;
using ec::babyjub::Point;
using ec::babyjub::Scalar;
using ec::babyjub::SubOrderParams;

// -- Gadgets.
struct PointExpr {
  Expr x, y;
};
inline PointExpr constant(const Point& p) { return {Expr(p.x), Expr(p.y)}; }

PointExpr add(Builder& b, const PointExpr& p, const PointExpr& q);
PointExpr dbl(Builder& b, const PointExpr& p);
void assert_on_curve(Builder& b, const PointExpr& p);
/// The same when `enabled` (boolean, the caller's) is 1: 4 constraints (3 for a constant 1, none
/// for a constant 0).
void assert_on_curve(Builder& b, const PointExpr& p, const Expr& enabled);

/// sum 2^i bits[i] * p (circomlib's EscalarMulAny): `bits` boolean (the caller constrains them,
/// e.g. with to_bits), 1 <= bits.size() <= 254, p of order l or the identity (x = 0 selects
/// the identity as the result). For other points the result is unspecified (circomlib's too).
PointExpr mul_any(Builder& b, std::span<const Expr> bits, const PointExpr& p);
/// sum 2^i bits[i] * base for a constant base of order l (circomlib's EscalarMulFix), bits
/// boolean (constrained by the caller), 1 <= bits.size() <= 253.
PointExpr mul_fixed(Builder& b, std::span<const Expr> bits, const Point& base);

}  // namespace pm::gadgets::babyjub
