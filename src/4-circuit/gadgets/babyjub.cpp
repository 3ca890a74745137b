#include "gadgets/babyjub.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "base/error.hpp"

namespace pm::gadgets::babyjub {
namespace {

const Fr& mont_a() {
  static const Fr v = Fr::from_u64(168698);
  return v;
}

// Montgomery-form points (B = 1) in a circuit. Constant inputs give constant outputs for free:
// the builder folds products and quotients of constants.
struct MPoint {
  Expr u, v;
};

MPoint to_montgomery(Builder& b, const PointExpr& p) {
  Expr u = b.div_unchecked(1 + p.y, 1 - p.y, "edwards to montgomery: u");
  Expr v = b.div_unchecked(u, p.x, "edwards to montgomery: v");
  return {u, v};
}

PointExpr to_edwards(Builder& b, const MPoint& m) {
  Expr x = b.div_unchecked(m.u, m.v, "montgomery to edwards: x");
  Expr y = b.div_unchecked(m.u - 1, m.u + 1, "montgomery to edwards: y");
  return {x, y};
}

// p + q for p != +-q (the caller keeps clear of the exceptional cases); 3 constraints.
MPoint madd(Builder& b, const MPoint& p, const MPoint& q) {
  Expr lambda = b.div_unchecked(q.v - p.v, q.u - p.u, "montgomery add: slope");
  Expr u = b.mul_add(lambda, lambda, -(Expr(mont_a()) + p.u + q.u), "montgomery add: u");
  Expr v = b.mul_add(lambda, p.u - u, -p.v, "montgomery add: v");
  return {u, v};
}

// 2p for p of odd order; 4 constraints.
MPoint mdbl(Builder& b, const MPoint& p) {
  Expr u2 = b.mul(p.u, p.u, "montgomery double: u^2");
  Expr lambda = b.div_unchecked(3 * u2 + p.u * (mont_a() + mont_a()) + 1, p.v * Fr::from_u64(2),
                                "montgomery double: slope");
  Expr u = b.mul_add(lambda, lambda, -(Expr(mont_a()) + p.u * Fr::from_u64(2)), "montgomery double: u");
  Expr v = b.mul_add(lambda, p.u - u, -p.v, "montgomery double: v");
  return {u, v};
}

PointExpr select(Builder& b, const Expr& bit, const PointExpr& t, const PointExpr& f) {
  return {b.select(bit, t.x, f.x, "scalar bit selects"), b.select(bit, t.y, f.y, "scalar bit selects")};
}

MPoint select(Builder& b, const Expr& bit, const MPoint& t, const MPoint& f) {
  return {b.select(bit, t.u, f.u, "scalar bit selects"), b.select(bit, t.v, f.v, "scalar bit selects")};
}

// Bits s0 s1 s2 pick one of 8 constants: g(s0, s1) + s2 * (h(s0, s1) - g(s0, s1)), where
// g and h are the bilinear interpolations of c[0..3] and c[4..7]. s0 * s1 is shared (given).
Expr lookup8(Builder& b, const Expr& s0, const Expr& s1, const Expr& s2, const Expr& s01,
             const std::array<Fr, 8>& c) {
  auto bilinear = [&](const Fr* k) {
    return Expr(k[0]) + s0 * (k[1] - k[0]) + s1 * (k[2] - k[0]) + s01 * (k[3] - k[2] - k[1] + k[0]);
  };
  Expr g = bilinear(c.data()), h = bilinear(c.data() + 4);
  return b.mul_add(s2, h - g, g, "window lookup");
}

// Montgomery coordinates of a constant Edwards point (not the identity or of order 2).
std::array<Fr, 2> mont_of(const Point& p) {
  Fr u = (Fr::one() + p.y) * (Fr::one() - p.y).inverse();
  return {u, u * p.x.inverse()};
}

// One segment of mul_any: sum 2^i bits[i] * p, for up to 148 bits.
// Accumulates from acc = p (never the identity): acc = p + sum_{i>=1} bits[i] 2^i p, and
// subtracts p at the end when bits[0] = 0. acc is an odd multiple of p below 2^148 p and the
// added point an even one, so no addition meets an exceptional case.
struct Segment {
  PointExpr out;
  MPoint last_dbl;  // 2^(n-1) p
};

Segment segment_any(Builder& b, std::span<const Expr> bits, const PointExpr& p) {
  MPoint m = to_montgomery(b, p);
  MPoint acc = m, d = m;
  for (std::size_t i = 1; i < bits.size(); ++i) {
    d = mdbl(b, d);
    acc = select(b, bits[i], madd(b, d, acc), acc);
  }
  PointExpr e = to_edwards(b, acc);
  PointExpr minus_p = add(b, e, {-p.x, p.y});
  return {select(b, bits[0], e, minus_p), d};
}

}  // namespace

PointExpr add(Builder& b, const PointExpr& p, const PointExpr& q) {
  // circomlib's BabyAdd: beta = x1 y2, gamma = y1 x2, delta = (y1 - a x1)(x2 + y2),
  // tau = d beta gamma; x3 = (beta + gamma) / (1 + tau), y3 = (delta + a beta - gamma) / (1 - tau).
  Expr beta = b.mul(p.x, q.y, "edwards add: beta");
  Expr gamma = b.mul(p.y, q.x, "edwards add: gamma");
  Expr delta = b.mul(p.y - p.x * curve_a(), q.x + q.y, "edwards add: delta");
  Expr tau = b.mul(beta, gamma, "edwards add: tau") * curve_d();
  Expr x = b.div_unchecked(beta + gamma, 1 + tau, "edwards add: x");
  Expr y = b.div_unchecked(delta + beta * curve_a() - gamma, 1 - tau, "edwards add: y");
  return {x, y};
}

PointExpr dbl(Builder& b, const PointExpr& p) { return add(b, p, p); }

void assert_on_curve(Builder& b, const PointExpr& p) {
  Expr x2 = b.square(p.x, "on curve: x^2");
  Expr y2 = b.square(p.y, "on curve: y^2");
  b.assert_product(x2 * curve_d(), y2, x2 * curve_a() + y2 - 1, "point is on the curve");
}

void assert_on_curve(Builder& b, const PointExpr& p, const Expr& enabled) {
  if (enabled.is_constant()) {
    if (!enabled.constant().is_zero()) assert_on_curve(b, p);
    return;
  }
  Expr x2 = b.square(p.x, "on curve: x^2");
  Expr y2 = b.square(p.y, "on curve: y^2");
  Expr dx2y2 = b.mul(x2 * curve_d(), y2, "on curve: d x^2 y^2");
  b.assert_product(x2 * curve_a() + y2 - 1 - dx2y2, enabled, Expr(0), "point is on the curve");
}

PointExpr mul_any(Builder& b, std::span<const Expr> bits, const PointExpr& p) {
  constexpr std::size_t kSegment = 148;
  if (bits.empty() || bits.size() > 254)
    throw Error(Errc::invalid_argument,
                "babyjub::mul_any: 1..254 scalar bits, not " + std::to_string(bits.size()));
  auto s = b.scope("escalar_mul_any");
  // x = 0 (the identity, or the order-2 point): compute with Base8 instead and return the identity.
  Expr zero = b.is_zero(p.x, "base x is zero");
  PointExpr base = select(b, zero, constant(base8()), p);
  PointExpr acc{};
  PointExpr seg_base = base;
  for (std::size_t start = 0; start < bits.size(); start += kSegment) {
    std::size_t n = std::min(kSegment, bits.size() - start);
    Segment seg = segment_any(b, bits.subspan(start, n), seg_base);
    acc = start == 0 ? seg.out : add(b, acc, seg.out);
    if (start + n < bits.size()) seg_base = to_edwards(b, mdbl(b, seg.last_dbl));
  }
  return {b.mul(acc.x, 1 - zero, "identity when the base is"),
          b.mul_add(1 - acc.y, zero, acc.y, "identity when the base is")};
}

PointExpr mul_fixed(Builder& b, std::span<const Expr> bits, const Point& base) {
  // 82 windows of 3 bits: the accumulator (below 3.15 * 8^82 = 0.2 * 2^250) never reaches l,
  // so no addition meets acc = -w. With 249 bits (circomlib's) it can: for a few scalars
  // acc + w = l and the slope is 0/0.
  constexpr std::size_t kSegment = 246;
  if (bits.empty() || bits.size() > 253)
    throw Error(Errc::invalid_argument,
                "babyjub::mul_fixed: 1..253 scalar bits, not " + std::to_string(bits.size()));
  auto s = b.scope("escalar_mul_fixed");
  Point seg_base = base;
  PointExpr total{};
  for (std::size_t start = 0; start < bits.size(); start += kSegment) {
    std::size_t n = std::min(kSegment, bits.size() - start);
    std::size_t windows = (n + 2) / 3;
    // Window i has base B_i = 8^i seg_base and adds (1 + k_i) B_i, k_i its 3-bit digit. The sum
    // starts at 2 * 8^windows * seg_base, above every window's value, so no addition is
    // exceptional; the constant offset (that start plus sum B_i) is subtracted at the end.
    std::vector<Point> wb(windows + 1);
    wb[0] = seg_base;
    for (std::size_t i = 0; i < windows; ++i) wb[i + 1] = mul(wb[i], {8, 0, 0, 0});
    Point start_point = dbl(wb[windows]);
    Point offset = start_point;
    for (std::size_t i = 0; i < windows; ++i) offset = add(offset, wb[i]);
    auto sm = mont_of(start_point);
    MPoint acc{Expr(sm[0]), Expr(sm[1])};
    for (std::size_t i = 0; i < windows; ++i) {
      auto bit = [&](std::size_t j) { return 3 * i + j < n ? bits[start + 3 * i + j] : Expr(0); };
      Expr s0 = bit(0), s1 = bit(1), s2 = bit(2);
      Expr s01 = b.mul(s0, s1, "window bits product");
      std::array<Fr, 8> cu{}, cv{};
      Point k = wb[i];
      for (int j = 0; j < 8; ++j) {
        auto m = mont_of(k);
        cu[j] = m[0], cv[j] = m[1];
        k = add(k, wb[i]);
      }
      MPoint w{lookup8(b, s0, s1, s2, s01, cu), lookup8(b, s0, s1, s2, s01, cv)};
      acc = madd(b, acc, w);
    }
    PointExpr seg_out = add(b, to_edwards(b, acc), constant(neg(offset)));
    total = start == 0 ? seg_out : add(b, total, seg_out);
    seg_base = wb[windows];
  }
  return total;
}

}  // namespace pm::gadgets::babyjub
