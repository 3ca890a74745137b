#include "emulated/pairing.hpp"

#include <array>
#include <functional>
#include <string>

#include "base/error.hpp"
#include "emulated/mpz.hpp"
#include "pairing/pairing.hpp"

namespace pm::emulated {

using ff::Fq12;
using ff::Fq2;
using ff::Fq6;

namespace {

using pairing::ate_loop_naf;

using detail::to_mpz;
using detail::to_u256;

Fq12 pow(const Fq12& a, const mpz_class& e) {
  std::vector<ff::u256> limbs;
  mpz_class x = e;
  while (x != 0) {
    limbs.push_back(to_u256(x));
    x >>= 256;
  }
  return a.pow_vartime(limbs.data(), limbs.size());
}

Fq12 from_coeffs(const std::array<ff::Fq, 12>& c) {
  return {Fq6{Fq2{c[0], c[1]}, Fq2{c[2], c[3]}, Fq2{c[4], c[5]}},
          Fq6{Fq2{c[6], c[7]}, Fq2{c[8], c[9]}, Fq2{c[10], c[11]}}};
}

// -- Circuit helpers.
using Fq2L = std::array<Lazy, 2>;
Fq2L lz(const Fq2Var& a) { return {a.c0.lazy(), a.c1.lazy()}; }
Fq2L operator-(const Fq2L& a, const Fq2L& b) { return {a[0] - b[0], a[1] - b[1]}; }
Fq2L operator*(std::int64_t k, const Fq2L& a) { return {k * a[0], k * a[1]}; }
Fq2L prod(Field& f, const Fq2L& a, const Fq2L& b, std::string_view label) {
  auto p = f.poly_mul(a, b, label);
  return {p[0] - p[2], p[1]};  // u^2 = -1
}
Fq2Var reduce2(Field& f, const Fq2L& a) { return {f.reduce(a[0]), f.reduce(a[1])}; }
void assert_zero2(Field& f, const Fq2L& a, std::string_view label) {
  f.assert_zero(a[0], label);
  f.assert_zero(a[1], label);
}
Fq2Var constant2(Field& f, const Fq2& v) { return {f.constant(v.c0), f.constant(v.c1)}; }

void append(std::vector<Expr>& v, const Elem& a) { v.insert(v.end(), a.limbs().begin(), a.limbs().end()); }
void append(std::vector<Expr>& v, const Fq2Var& a) {
  append(v, a.c0);
  append(v, a.c1);
}

Fq2 read2(const Layout& l, std::span<const Fr> in, std::size_t at) {
  return {from_limbs(l, in.subspan(at, l.limbs)), from_limbs(l, in.subspan(at + l.limbs, l.limbs))};
}
void write2(const Layout& l, const Fq2& v, std::span<Fr> out) {
  auto a = to_limbs(l, v.c0), b = to_limbs(l, v.c1);
  std::copy(a.begin(), a.end(), out.begin());
  std::copy(b.begin(), b.end(), out.begin() + l.limbs);
}

// An Fq2 value from a hint over `in`, its limbs range-checked.
Fq2Var hint2(Field& f, std::string_view name, const std::vector<Expr>& in,
             std::function<Fq2(std::span<const Fr>)> fn) {
  const Layout l = f.layout();
  auto w = f.builder().hint(name, in, 2 * l.limbs,
                            [l, fn](std::span<const Fr> v, std::span<Fr> out) { write2(l, fn(v), out); });
  const std::span<const Expr> ws(w);
  return {f.input(ws.subspan(0, l.limbs), name), f.input(ws.subspan(l.limbs, l.limbs), name)};
}

// The twist's b = 3 / (9 + u).
const Fq2& twist_b() { return ec::G2Config::b(); }

}  // namespace

std::vector<Fr> g1_limbs(const Layout& l, const ec::G1Affine& p) {
  auto x = to_limbs(l, p.x), y = to_limbs(l, p.y);
  x.insert(x.end(), y.begin(), y.end());
  return x;
}

std::vector<Fr> g2_limbs(const Layout& l, const ec::G2Affine& q) {
  std::vector<Fr> out;
  for (const auto& c : {q.x.c0, q.x.c1, q.y.c0, q.y.c1}) {
    auto v = to_limbs(l, c);
    out.insert(out.end(), v.begin(), v.end());
  }
  return out;
}

G1Var g1_input(Field& f, std::span<const Expr> limbs) {
  const unsigned k = f.layout().limbs;
  if (limbs.size() != 2 * k) throw Error(Errc::invalid_argument, "g1_input: expected 2 x limbs wires");
  auto scope = f.builder().scope("g1 point");
  G1Var p{f.input(limbs.subspan(0, k), "g1 x"), f.input(limbs.subspan(k, k), "g1 y")};
  // y^2 = x^3 + 3.
  const Elem xx = f.reduce(f.mul(p.x.lazy(), p.x.lazy()));
  f.assert_zero(
      f.mul(p.y.lazy(), p.y.lazy()) - f.mul(xx.lazy(), p.x.lazy()) - f.constant(ff::Fq::from_u64(3)).lazy(),
      "g1 point on the curve");
  return p;
}

G2Var g2_input(Field& f, std::span<const Expr> limbs) {
  const unsigned k = f.layout().limbs;
  if (limbs.size() != 4 * k) throw Error(Errc::invalid_argument, "g2_input: expected 4 x limbs wires");
  auto scope = f.builder().scope("g2 point");
  G2Var q{{f.input(limbs.subspan(0, k), "g2 x"), f.input(limbs.subspan(k, k), "g2 x")},
          {f.input(limbs.subspan(2 * k, k), "g2 y"), f.input(limbs.subspan(3 * k, k), "g2 y")}};
  const Fq2Var xx = reduce2(f, prod(f, lz(q.x), lz(q.x), "x^2"));
  const Fq2Var b = constant2(f, twist_b());
  assert_zero2(f, prod(f, lz(q.y), lz(q.y), "y^2") - prod(f, lz(xx), lz(q.x), "x^3") - lz(b),
               "g2 point on the twist");
  return q;
}

namespace {

// The tangent's slope at T, proven: lambda * 2y = 3x^2 (y = 0 would need x = 0, off the twist).
Fq2Var tangent_slope(Field& f, const G2Var& t) {
  const Layout l = f.layout();
  std::vector<Expr> in;
  append(in, t.x);
  append(in, t.y);
  const Fq2Var lam = hint2(f, "tangent slope", in, [l](std::span<const Fr> v) {
    const Fq2 x = read2(l, v, 0), y = read2(l, v, 2 * l.limbs);
    if (y.is_zero()) throw Error(Errc::unsatisfied, "doubling a point with y = 0");
    const Fq2 xx = x.square();
    return (xx + xx + xx) * (y + y).inverse();
  });
  assert_zero2(f, 2 * prod(f, lz(lam), lz(t.y), "lambda y") - 3 * prod(f, lz(t.x), lz(t.x), "x^2"),
               "tangent slope");
  return lam;
}

// The chord's slope through T and Q, proven: x_Q - x_T has an inverse (so the slope is never
// free, as it would be for T = Q) and lambda (x_Q - x_T) = y_Q - y_T.
Fq2Var chord_slope(Field& f, const G2Var& t, const G2Var& q) {
  const Layout l = f.layout();
  std::vector<Expr> in;
  append(in, t.x);
  append(in, t.y);
  append(in, q.x);
  append(in, q.y);
  const Fq2L dx = lz(q.x) - lz(t.x), dy = lz(q.y) - lz(t.y);
  const Fq2Var inv = hint2(f, "chord x inverse", in, [l](std::span<const Fr> v) {
    const Fq2 d = read2(l, v, 4 * l.limbs) - read2(l, v, 0);
    if (d.is_zero()) throw Error(Errc::unsatisfied, "adding points with equal x");
    return d.inverse();
  });
  assert_zero2(f, prod(f, lz(inv), dx, "inverse") - lz(constant2(f, Fq2::one())),
               "chord x coordinates differ");
  const Fq2Var lam = hint2(f, "chord slope", in, [l](std::span<const Fr> v) {
    const Fq2 dxv = read2(l, v, 4 * l.limbs) - read2(l, v, 0);
    const Fq2 dyv = read2(l, v, 6 * l.limbs) - read2(l, v, 2 * l.limbs);
    if (dxv.is_zero()) throw Error(Errc::unsatisfied, "adding points with equal x");
    return dyv * dxv.inverse();
  });
  assert_zero2(f, prod(f, lz(lam), dx, "lambda dx") - dy, "chord slope");
  return lam;
}

// The point on the line of slope lambda through T, past T and a point with x = x_other:
// x3 = lambda^2 - x_T - x_other, y3 = lambda (x_T - x3) - y_T.
G2Var third_point(Field& f, const Fq2Var& lam, const G2Var& t, const Fq2Var& x_other) {
  const Fq2Var x3 = reduce2(f, prod(f, lz(lam), lz(lam), "lambda^2") - lz(t.x) - lz(x_other));
  const Fq2Var y3 = reduce2(f, prod(f, lz(lam), lz(t.x) - lz(x3), "lambda (x - x3)") - lz(t.y));
  return {x3, y3};
}

// The same from mu = lambda x_T - y_T, which the line needs anyway: y3 = mu - lambda x3.
G2Var point_past(Field& f, const Fq2Var& lam, const Fq2Var& mu, const Fq2Var& x_t, const Fq2Var& x_other) {
  const Fq2Var x3 = reduce2(f, prod(f, lz(lam), lz(lam), "lambda^2") - lz(x_t) - lz(x_other));
  return {x3, reduce2(f, lz(mu) - prod(f, lz(lam), lz(x3), "lambda x3"))};
}

LineVar line_at(Field& f, const Fq2Var& lam, const Fq2Var& mu, const G1Var& p) {
  const Fq2Var a = {f.reduce(-f.mul(lam.c0.lazy(), p.x.lazy())), f.reduce(-f.mul(lam.c1.lazy(), p.x.lazy()))};
  return {p.y, a, mu};
}

}  // namespace

LineVar miller_double(Field& f, G2Var& t, const G1Var& p) {
  auto scope = f.builder().scope("miller double");
  const Fq2Var lam = tangent_slope(f, t);
  const Fq2Var mu = reduce2(f, prod(f, lz(lam), lz(t.x), "lambda x") - lz(t.y));
  t = point_past(f, lam, mu, t.x, t.x);
  return line_at(f, lam, mu, p);
}

LineVar miller_add(Field& f, G2Var& t, const G2Var& q, const G1Var& p, bool need_point) {
  auto scope = f.builder().scope("miller add");
  const Fq2Var lam = chord_slope(f, t, q);
  const Fq2Var mu = reduce2(f, prod(f, lz(lam), lz(t.x), "lambda x") - lz(t.y));
  if (need_point) t = point_past(f, lam, mu, t.x, q.x);
  return line_at(f, lam, mu, p);
}

G2Var g2_double(Field& f, const G2Var& t) {
  auto scope = f.builder().scope("g2 double");
  return third_point(f, tangent_slope(f, t), t, t.x);
}

G2Var g2_add(Field& f, const G2Var& t, const G2Var& q) {
  auto scope = f.builder().scope("g2 add");
  return third_point(f, chord_slope(f, t, q), t, q.x);
}

G2Var g2_neg(Field& f, const G2Var& t) { return {t.x, {f.reduce(-t.y.c0.lazy()), f.reduce(-t.y.c1.lazy())}}; }

G2Var g2_psi(Field& f, const G2Var& a) {
  auto scope = f.builder().scope("g2 psi");
  const Fq2Var fx = constant2(f, pairing::psi_constants().cx), fy = constant2(f, pairing::psi_constants().cy);
  const Fq2L cx = {a.x.c0.lazy(), -a.x.c1.lazy()}, cy = {a.y.c0.lazy(), -a.y.c1.lazy()};
  return {reduce2(f, prod(f, cx, lz(fx), "psi x")), reduce2(f, prod(f, cy, lz(fy), "psi y"))};
}

namespace {

// An Fq value from a hint over `in`, its limbs range-checked.
Elem hint1(Field& f, const char* name, const std::vector<Expr>& in,
           std::function<ff::Fq(std::span<const Fr>)> fn) {
  const Layout l = f.layout();
  auto w = f.builder().hint(name, in, l.limbs, [l, fn](std::span<const Fr> v, std::span<Fr> out) {
    const auto limbs = to_limbs(l, fn(v));
    std::copy(limbs.begin(), limbs.end(), out.begin());
  });
  return f.input(w, name);
}

}  // namespace

G1Var g1_add(Field& f, const G1Var& t, const G1Var& q) {
  auto scope = f.builder().scope("g1 add");
  const Layout l = f.layout();
  const unsigned k = l.limbs;
  std::vector<Expr> in;
  for (const Elem* e : {&t.x, &t.y, &q.x, &q.y}) append(in, *e);
  const Lazy dx = q.x.lazy() - t.x.lazy(), dy = q.y.lazy() - t.y.lazy();
  auto diff = [l, k](std::span<const Fr> v, unsigned a, unsigned b) {
    return from_limbs(l, v.subspan(a * k, k)) - from_limbs(l, v.subspan(b * k, k));
  };
  const Elem inv = hint1(f, "g1 chord x inverse", in, [diff](std::span<const Fr> v) {
    const ff::Fq d = diff(v, 2, 0);
    if (d.is_zero()) throw Error(Errc::unsatisfied, "adding points with equal x");
    return d.inverse();
  });
  f.assert_zero(f.mul(inv.lazy(), dx) - f.constant(ff::Fq::one()).lazy(), "g1 chord x coordinates differ");
  const Elem lam = hint1(f, "g1 chord slope", in, [diff](std::span<const Fr> v) {
    const ff::Fq d = diff(v, 2, 0);
    if (d.is_zero()) throw Error(Errc::unsatisfied, "adding points with equal x");
    return diff(v, 3, 1) * d.inverse();
  });
  f.assert_zero(f.mul(lam.lazy(), dx) - dy, "g1 chord slope");
  const Elem x3 = f.reduce(f.mul(lam.lazy(), lam.lazy()) - t.x.lazy() - q.x.lazy());
  const Elem y3 = f.reduce(f.mul(lam.lazy(), t.x.lazy() - x3.lazy()) - t.y.lazy());
  return {x3, y3};
}

G1Var g1_double(Field& f, const G1Var& t) {
  auto scope = f.builder().scope("g1 double");
  const Layout l = f.layout();
  const unsigned k = l.limbs;
  std::vector<Expr> in;
  append(in, t.x);
  append(in, t.y);
  const Elem lam = hint1(f, "g1 tangent slope", in, [l, k](std::span<const Fr> v) {
    const ff::Fq x = from_limbs(l, v.subspan(0, k)), y = from_limbs(l, v.subspan(k, k));
    if (y.is_zero()) throw Error(Errc::unsatisfied, "doubling a point with y = 0");
    const ff::Fq xx = x.square();
    return (xx + xx + xx) * (y + y).inverse();
  });
  // lambda 2y = 3x^2 (y = 0 would need x = 0, and (0, 0) is not on the curve).
  f.assert_zero(2 * f.mul(lam.lazy(), t.y.lazy()) - 3 * f.mul(t.x.lazy(), t.x.lazy()), "g1 tangent slope");
  const Elem x3 = f.reduce(f.mul(lam.lazy(), lam.lazy()) - 2 * t.x.lazy());
  const Elem y3 = f.reduce(f.mul(lam.lazy(), t.x.lazy() - x3.lazy()) - t.y.lazy());
  return {x3, y3};
}

G1Var g1_scalar_mul(Field& f, const G1Var& p, std::span<const Expr> bits) {
  if (bits.empty() || bits.size() > 253)
    throw Error(Errc::invalid_argument, "g1_scalar_mul: 1..253 scalar bits");
  Builder& b = f.builder();
  auto scope = b.scope("g1 scalar mul");
  // acc starts at R, a point of unknown discrete logarithm, so no step meets an equal x except
  // with negligible probability; R's multiple 2^n R is taken off at the end.
  const ec::G1Affine r = g1_offset_point();
  ec::G1 rn = ec::G1::from_affine(r);
  for (std::size_t i = 0; i < bits.size(); ++i) rn = rn.dbl();
  G1Var acc = {f.constant(r.x), f.constant(r.y)};
  for (std::size_t i = bits.size(); i-- > 0;) {
    b.assert_boolean(bits[i], "scalar bit is boolean");
    acc = g1_double(f, acc);
    const G1Var sum = g1_add(f, acc, p);
    acc = {f.select(bits[i], sum.x, acc.x), f.select(bits[i], sum.y, acc.y)};
  }
  const ec::G1Affine minus = rn.neg().to_affine();
  return g1_add(f, acc, {f.constant(minus.x), f.constant(minus.y)});
}

ec::G1Affine g1_offset_point() { return g1_point_from_counter((std::uint64_t{1} << 32) + 7); }

ec::G1Affine g1_point_from_counter(std::uint64_t start) {
  ff::u256 e = ff::FqParams::kModulus;
  e[0] += 1;  // q + 1 (no carry: q's low limb is far from 2^64)
  ff::div_small(e, 4);
  for (std::uint64_t t = start;; ++t) {
    const ff::Fq x = ff::Fq::from_u64(t);
    const ff::Fq a = x.square() * x + ff::Fq::from_u64(3);
    const ff::Fq y = a.pow_vartime(e);
    if (y.square() == a) return ec::G1Affine::from_xy(x, y);
  }
}

G1Var g1_neg(Field& f, const G1Var& a) { return {a.x, f.reduce(-a.y.lazy())}; }

Fq12Var fq12_mul_line(Field& f, const Fq12Var& a, const LineVar& l) {
  // Tower positions: yp at c0.c0.c0, a at c1.c0 (w), b at c1.c1 (v w = w^3).
  Fq12Var s;
  for (auto& c : s.c) c = f.zero();
  s.c[0] = l.yp;
  s.c[6] = l.a.c0;
  s.c[7] = l.a.c1;
  s.c[8] = l.b.c0;
  s.c[9] = l.b.c1;
  return fq12_mul(f, a, s);
}

Fq12Var fq12_frobenius(Field& f, const Fq12Var& a, unsigned k) {
  // The Frobenius is Fq-linear: its matrix in the twelve coefficients, from the native map.
  std::array<std::array<ff::Fq, 12>, 12> m;  // m[j] = image of basis vector j
  for (unsigned j = 0; j < 12; ++j) {
    std::array<ff::Fq, 12> e{};
    e[j] = ff::Fq::one();
    m[j] = from_coeffs(e).frobenius(k).coefficients();
  }
  auto scope = f.builder().scope("fq12 frobenius");
  Fq12Var out;
  for (unsigned i = 0; i < 12; ++i) {
    Lazy s;
    bool any = false;
    for (unsigned j = 0; j < 12; ++j) {
      if (m[j][i].is_zero()) continue;
      Lazy t = m[j][i] == ff::Fq::one() ? a.c[j].lazy() : f.mul(f.constant(m[j][i]).lazy(), a.c[j].lazy());
      s = any ? s + t : t;
      any = true;
    }
    out.c[i] = any ? f.reduce(s) : f.zero();
  }
  return out;
}

namespace {

Fq12Var constant12(Field& f, const Fq12& v) {
  Fq12Var out;
  const auto c = v.coefficients();
  for (unsigned i = 0; i < 12; ++i) out.c[i] = f.constant(c[i]);
  return out;
}

// a * b == c in Fq12, with no reduction of the product (each coefficient's difference is
// proven 0 mod q).
void assert_fq12_product(Field& f, const Fq12Var& a, const Fq12Var& b, const Fq12Var& c,
                         std::string_view label) {
  const auto d = fq12_from_w(f.poly_mul(fq12_to_w(a), fq12_to_w(b), label));
  for (unsigned i = 0; i < 12; ++i) f.assert_zero(d[i] - c.c[i].lazy(), label);
}

}  // namespace

void assert_pairing_product_is_one(Field& f, std::span<const G1Var> p, std::span<const G2Var> q) {
  PairingProduct t;
  t.p.assign(p.begin(), p.end());
  t.q.assign(q.begin(), q.end());
  assert_pairing_product_is_one(f, t);
}

void assert_pairing_product_is_one(Field& f, const PairingProduct& terms) {
  const std::span<const G1Var> p = terms.p, fp = terms.fixed_p;
  const std::span<const G2Var> q = terms.q;
  if (p.size() != q.size() || fp.size() != terms.fixed_q.size() ||
      terms.const_p.size() != terms.const_q.size() || p.size() + fp.size() == 0) {
    throw Error(Errc::invalid_argument, "pairing check: one G1 point per G2 point, and some variable pair");
  }
  Builder& b = f.builder();
  auto scope = b.scope("pairing check");
  const Layout l = f.layout();
  const unsigned k = l.limbs;
  const std::size_t n = p.size(), nf = fp.size();

  // The residue c, c^-1 and w's selectors, from the native Miller loop of the same points.
  std::vector<Expr> in;
  for (std::size_t i = 0; i < n; ++i) {
    append(in, p[i].x);
    append(in, p[i].y);
    append(in, q[i].x);
    append(in, q[i].y);
  }
  for (std::size_t i = 0; i < nf; ++i) {
    append(in, fp[i].x);
    append(in, fp[i].y);
  }
  std::vector<ec::G1Affine> known_p(terms.const_p);
  std::vector<ec::G2Affine> known_q(terms.const_q);
  for (const auto& x : terms.fixed_q) known_q.push_back(x.point());
  auto w = b.hint("pairing residue", in, 24 * k + 2,
                  [l, n, nf, k, known_p, known_q](std::span<const Fr> v, std::span<Fr> out) {
                    std::vector<ec::G1Affine> ps(known_p);
                    std::vector<ec::G2Affine> qs(known_q);
                    for (std::size_t i = 0; i < nf; ++i) {  // fixed pairs: after the constant ones
                      const std::size_t at = n * 6 * k + i * 2 * k;
                      ps.push_back(ec::G1Affine::from_xy(from_limbs(l, v.subspan(at, k)),
                                                         from_limbs(l, v.subspan(at + k, k))));
                    }
                    for (std::size_t i = 0; i < n; ++i) {
                      const std::size_t at = i * 6 * k;
                      ps.push_back(ec::G1Affine::from_xy(from_limbs(l, v.subspan(at, k)),
                                                         from_limbs(l, v.subspan(at + k, k))));
                      qs.push_back(ec::G2Affine::from_xy(read2(l, v, at + 2 * k), read2(l, v, at + 4 * k)));
                    }
                    auto res = residue_witness(miller_loop_affine(ps, qs));
                    if (!res) throw Error(Errc::unsatisfied, "the pairing product is not 1");
                    const auto c = res->c.coefficients(), g = res->c.inverse().coefficients();
                    for (unsigned i = 0; i < 12; ++i) {
                      auto a = to_limbs(l, c[i]), bb = to_limbs(l, g[i]);
                      std::copy(a.begin(), a.end(), out.begin() + i * k);
                      std::copy(bb.begin(), bb.end(), out.begin() + (12 + i) * k);
                    }
                    out[24 * k] = res->j == 1 ? Fr::one() : Fr::zero();
                    out[24 * k + 1] = res->j == 2 ? Fr::one() : Fr::zero();
                  });
  const std::span<const Expr> ws(w);
  Fq12Var c, g;
  for (unsigned i = 0; i < 12; ++i) {
    c.c[i] = f.input(ws.subspan(i * k, k), "residue");
    g.c[i] = f.input(ws.subspan((12 + i) * k, k), "residue inverse");
  }
  const Expr s1 = w[24 * k], s2 = w[24 * k + 1];
  b.assert_boolean(s1, "root selector is boolean");
  b.assert_boolean(s2, "root selector is boolean");
  b.assert_product(s1, s2, Expr(), "one root selected");
  assert_fq12_product(f, c, g, constant12(f, Fq12::one()), "residue is invertible");

  // The Miller loop, with c^-(6x+2) folded into the accumulator.
  std::vector<G2Var> t(q.begin(), q.end()), neg(n);
  for (std::size_t i = 0; i < n; ++i) neg[i] = g2_neg(f, q[i]);
  auto fixed_line = [&](std::size_t j, std::size_t at) {
    const auto& [lam, mu] = terms.fixed_q[j].lines()[at];
    const Fq2Var a = {f.reduce(-f.mul(f.constant(lam.c0).lazy(), fp[j].x.lazy())),
                      f.reduce(-f.mul(f.constant(lam.c1).lazy(), fp[j].x.lazy()))};
    return LineVar{fp[j].y, a, constant2(f, mu)};
  };
  const auto& naf = ate_loop_naf();
  Fq12Var acc = g;
  std::size_t at = 0;  // index into the fixed points' lines
  for (std::size_t i = naf.size() - 1; i > 0; --i) {
    acc = fq12_mul(f, acc, acc);
    for (std::size_t j = 0; j < n; ++j) acc = fq12_mul_line(f, acc, miller_double(f, t[j], p[j]));
    for (std::size_t j = 0; j < nf; ++j) acc = fq12_mul_line(f, acc, fixed_line(j, at));
    ++at;
    const int d = naf[i - 1];
    if (d != 0) {
      for (std::size_t j = 0; j < n; ++j)
        acc = fq12_mul_line(f, acc, miller_add(f, t[j], d > 0 ? q[j] : neg[j], p[j]));
      for (std::size_t j = 0; j < nf; ++j) acc = fq12_mul_line(f, acc, fixed_line(j, at));
      ++at;
      acc = fq12_mul(f, acc, d > 0 ? g : c);
    }
  }
  // The correction lines through pi(Q) and -pi^2(Q).
  for (std::size_t j = 0; j < n; ++j) {
    const G2Var q1 = g2_psi(f, q[j]);
    const G2Var q2 = g2_neg(f, g2_psi(f, q1));
    acc = fq12_mul_line(f, acc, miller_add(f, t[j], q1, p[j]));
    acc = fq12_mul_line(f, acc, miller_add(f, t[j], q2, p[j], false));
  }
  for (std::size_t j = 0; j < nf; ++j) {
    acc = fq12_mul_line(f, acc, fixed_line(j, at));
    acc = fq12_mul_line(f, acc, fixed_line(j, at + 1));
  }
  // The pairs known in full: one constant factor.
  if (!terms.const_p.empty())
    acc = fq12_mul(f, acc, constant12(f, miller_loop_affine(terms.const_p, terms.const_q)));

  // acc = f c^-(6x+2). Check acc * w == c^p (c^-1)^(p^2) c^(p^3).
  const Fq12& om = omega27();
  const Fq12 om2 = om * om;
  const auto o1 = om.coefficients(), o2 = om2.coefficients();
  const Expr s0 = Expr(1) - s1 - s2;
  const Expr sel[3] = {s0, s1, s2};
  Fq12Var wv;
  for (unsigned i = 0; i < 12; ++i) {
    const ff::Fq vals[3] = {i == 0 ? ff::Fq::one() : ff::Fq::zero(), o1[i], o2[i]};
    wv.c[i] = f.as_elem(f.choose(sel, vals));  // limbs of canonical constants: already reduced
  }
  const Fq12Var lhs = fq12_mul(f, acc, wv);
  const Fq12Var r12 = fq12_mul(f, fq12_frobenius(f, c, 1), fq12_frobenius(f, g, 2));
  assert_fq12_product(f, r12, fq12_frobenius(f, c, 3), lhs, "pairing product is 1");
}

// -- Native side.

std::vector<std::pair<Fq2, Fq2>> affine_lines(const ec::G2Affine& q) {
  // The (lambda, mu) of every line of the loop for one Q, in the order the circuit uses them:
  // per iteration the tangent, then the chord where the digit is not 0; then the two
  // corrections.
  std::vector<std::pair<Fq2, Fq2>> out;
  ec::G2Affine t = q;
  auto dbl = [&] {
    const Fq2 xx = t.x.square();
    const Fq2 lam = (xx + xx + xx) * (t.y + t.y).inverse();
    const Fq2 mu = lam * t.x - t.y;
    const Fq2 x3 = lam.square() - t.x - t.x;
    t = ec::G2Affine::from_xy(x3, mu - lam * x3);
    out.emplace_back(lam, mu);
  };
  auto add = [&](const ec::G2Affine& a) {
    const Fq2 lam = (a.y - t.y) * (a.x - t.x).inverse();
    const Fq2 mu = lam * t.x - t.y;
    const Fq2 x3 = lam.square() - t.x - a.x;
    t = ec::G2Affine::from_xy(x3, mu - lam * x3);
    out.emplace_back(lam, mu);
  };
  const auto& naf = ate_loop_naf();
  for (std::size_t i = naf.size() - 1; i > 0; --i) {
    dbl();
    if (naf[i - 1] != 0) add(naf[i - 1] > 0 ? q : q.neg());
  }
  const ec::G2Affine q1 = pairing::psi(q);
  add(q1);
  add(pairing::psi(q1).neg());
  return out;
}

Fq12 miller_loop_affine(std::span<const ec::G1Affine> p, std::span<const ec::G2Affine> q) {
  PM_ASSERT(p.size() == q.size());
  auto line = [](const ec::G1Affine& pt, const std::pair<Fq2, Fq2>& l) {
    return Fq12{{Fq2{pt.y, ff::Fq::zero()}, Fq2::zero(), Fq2::zero()},
                {-(l.first * pt.x), l.second, Fq2::zero()}};
  };
  std::vector<std::vector<std::pair<Fq2, Fq2>>> lines;
  for (const auto& qq : q) lines.push_back(affine_lines(qq));
  const auto& naf = ate_loop_naf();
  Fq12 f = Fq12::one();
  std::size_t at = 0;
  for (std::size_t i = naf.size() - 1; i > 0; --i) {
    f = f.square();
    for (std::size_t j = 0; j < p.size(); ++j) f *= line(p[j], lines[j][at]);
    ++at;
    if (naf[i - 1] != 0) {
      for (std::size_t j = 0; j < p.size(); ++j) f *= line(p[j], lines[j][at]);
      ++at;
    }
  }
  for (int k = 0; k < 2; ++k, ++at) {
    for (std::size_t j = 0; j < p.size(); ++j) f *= line(p[j], lines[j][at]);
  }
  return f;
}

FixedG2::FixedG2(const ec::G2Affine& q) : q_(q) {
  if (q.is_infinity() || !ec::g2_is_valid(q)) {
    throw Error(Errc::invalid_point, "fixed G2 point: not a point of the order-r subgroup (or infinity)");
  }
  lines_ = affine_lines(q);
}

namespace {

struct ResidueConstants {
  mpz_class n, r, lambda;
  Fq12 omega;
  ResidueConstants() {
    const mpz_class p = to_mpz(ff::FqParams::kModulus);
    r = to_mpz(ff::FrParams::kModulus);
    mpz_class p12;
    mpz_pow_ui(p12.get_mpz_t(), p.get_mpz_t(), 12);
    n = p12 - 1;
    lambda = 6 * mpz_class(std::to_string(pairing::kBnX)) + 2 + p - p * p + p * p * p;
    // A primitive 27th root of unity: z^((p^12 - 1) / 27) for the first small z whose power
    // has order 27 (its 9th power is not 1).
    for (std::uint64_t t = 2;; ++t) {
      std::array<ff::Fq, 12> e{};
      e[0] = ff::Fq::from_u64(t);
      e[6] = ff::Fq::one();
      const Fq12 cand = pow(from_coeffs(e), n / 27);
      if (!pow(cand, mpz_class(9)).is_one()) {
        omega = cand;
        break;
      }
    }
  }
};
const ResidueConstants& residue_constants() {
  static const ResidueConstants c;
  return c;
}

mpz_class inverse_mod(const mpz_class& a, const mpz_class& m) {
  mpz_class x;
  if (mpz_invert(x.get_mpz_t(), a.get_mpz_t(), m.get_mpz_t()) == 0)
    throw Error(Errc::invalid_argument, "no inverse");
  return x;
}

}  // namespace

const Fq12& omega27() { return residue_constants().omega; }

std::optional<Residue> residue_witness(const Fq12& f) {
  const ResidueConstants& k = residue_constants();
  // y = f w must be a 3r-th power (gcd(lambda, p^12 - 1) = 3r): an r-th power that is a cube.
  Fq12 y;
  unsigned j = 0;
  Fq12 wj = Fq12::one();
  for (; j < 3; ++j) {
    y = f * wj;
    if (pow(y, k.n / 3).is_one() && pow(y, k.n / k.r).is_one()) break;
    wj *= k.omega;
  }
  if (j == 3) return std::nullopt;
  // u = y^(1/r): r divides p^12 - 1 once, so y^(r^-1 mod (p^12-1)/r) is an r-th root.
  const Fq12 u = pow(y, inverse_mod(k.r, k.n / k.r));
  // z = u^(1/3): u^(3^-1 mod s), s = (p^12-1)/27, is a cube root up to an element of order
  // dividing 9, which is a power of omega^3.
  const mpz_class s = k.n / 27;
  const Fq12 z0 = pow(u, inverse_mod(3, s));
  const Fq12 eps = z0 * z0 * z0 * u.inverse();
  Fq12 om3i = Fq12::one(), om_neg_i = Fq12::one();
  const Fq12 om3 = k.omega * k.omega * k.omega, om_inv = k.omega.inverse();
  unsigned i = 0;
  for (; i < 9 && !(om3i == eps); ++i) {
    om3i *= om3;
    om_neg_i *= om_inv;
  }
  if (i == 9) throw Error(Errc::unsatisfied, "residue: no cube root (internal)");
  const Fq12 z = z0 * om_neg_i;
  // c = z^(e), e = (lambda / 3r)^-1 mod p^12 - 1: c^lambda = z^(3r) = u^r = y.
  const Fq12 c = pow(z, inverse_mod(k.lambda / (3 * k.r), k.n));
  if (!(pow(c, k.lambda) == y)) throw Error(Errc::unsatisfied, "residue: c^lambda != f w (internal)");
  return Residue{c, j};
}

}  // namespace pm::emulated
