#include "ec/babyjub.hpp"

namespace pm::ec::babyjub {
namespace {

Fr dec(const char* s) { return *Fr::from_decimal(s); }

}  // namespace

const Fr& curve_a() {
  static const Fr v = Fr::from_u64(168700);
  return v;
}

const Fr& curve_d() {
  static const Fr v = Fr::from_u64(168696);
  return v;
}

const Point& base8() {
  static const Point p{dec("5299619240641551281634865583518297030282874472190772894086521144482721001553"),
                       dec("16950150798460657717958625567821834550301663161624707787222815936182638968203")};
  return p;
}

bool on_curve(const Point& p) {
  Fr x2 = p.x * p.x, y2 = p.y * p.y;
  return curve_a() * x2 + y2 == Fr::one() + curve_d() * x2 * y2;
}

bool in_subgroup(const Point& p) { return on_curve(p) && mul(p, kSubOrder) == identity(); }

Point add(const Point& p, const Point& q) {
  Fr x1y2 = p.x * q.y, y1x2 = p.y * q.x, x1x2 = p.x * q.x, y1y2 = p.y * q.y;
  Fr t = curve_d() * x1y2 * y1x2;
  return {(x1y2 + y1x2) * (Fr::one() + t).inverse(), (y1y2 - curve_a() * x1x2) * (Fr::one() - t).inverse()};
}

Point dbl(const Point& p) { return add(p, p); }

Point mul(const Point& p, const ff::u256& e) {
  Point acc = identity();
  for (unsigned i = ff::bit_length(e); i-- > 0;) {
    acc = dbl(acc);
    if (ff::bit(e, i)) acc = add(acc, p);
  }
  return acc;
}

}  // namespace pm::ec::babyjub
