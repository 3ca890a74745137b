#include "pairing/pairing.hpp"

#include <vector>

#include "base/error.hpp"

namespace pm::pairing {

using ec::G1Affine;
using ec::G2Affine;
using ff::Fq;
using ff::Fq12;
using ff::Fq2;
using ff::Fq6;
using ff::u256;

namespace {

const Fq& two_inv() {
  static const Fq v = Fq::from_u64(2).inverse();
  return v;
}

// A point of the twist in homogeneous projective coordinates (x = X/Z, y = Y/Z).
struct G2Proj {
  Fq2 x, y, z;
};

// A line through points of the twist, evaluated later at P: the sparse Fq12 element
// (c0 * P.y) + (c1 * P.x) w + c2 v w (a D-type twist puts the coefficients at w^0, w^1, w^3).
struct Line {
  Fq2 c0, c1, c2;
};

// Doubling step with the tangent line (Costello-Lange-Naehrig formulas, homogeneous).
Line double_step(G2Proj& r) {
  const Fq& half = two_inv();
  Fq2 a = (r.x * r.y) * half;
  Fq2 b = r.y.square();
  Fq2 c = r.z.square();
  Fq2 e = (c.dbl() + c) * ec::G2Config::b();
  Fq2 f = e.dbl() + e;
  Fq2 g = (b + f) * half;
  Fq2 h = (r.y + r.z).square() - (b + c);
  Fq2 i = e - b;
  Fq2 j = r.x.square();
  Fq2 e2 = e.square();
  r.x = a * (b - f);
  r.y = g.square() - (e2.dbl() + e2);
  r.z = b * h;
  return {-h, j.dbl() + j, i};
}

// Addition step R + Q with the chord line, Q affine.
Line add_step(G2Proj& r, const G2Affine& q) {
  Fq2 theta = r.y - q.y * r.z;
  Fq2 lambda = r.x - q.x * r.z;
  Fq2 c = theta.square();
  Fq2 d = lambda.square();
  Fq2 e = lambda * d;
  Fq2 f = r.z * c;
  Fq2 g = r.x * d;
  Fq2 h = e + f - g.dbl();
  r.x = lambda * h;
  r.y = theta * (g - h) - e * r.y;
  r.z = r.z * e;
  Fq2 j = theta * q.x - lambda * q.y;
  return {lambda, -theta, j};
}

void mul_by_line(Fq12& f, const Line& l, const G1Affine& p) {
  Fq12 s{{l.c0 * p.y, Fq2::zero(), Fq2::zero()}, {l.c1 * p.x, l.c2, Fq2::zero()}};
  f *= s;
}

// f^x for the (positive, 63-bit) BN parameter; f is in the cyclotomic subgroup.
Fq12 exp_by_x(const Fq12& f) {
  Fq12 r = f;
  for (int i = 62 - __builtin_clzll(kBnX); i >= 0; --i) {
    r = r.square();
    if ((kBnX >> i) & 1) r *= f;
  }
  return r;
}

}  // namespace

const std::vector<int>& ate_loop_naf() {
  static const std::vector<int> naf = [] {
    ff::u128 n = static_cast<ff::u128>(kBnX) * 6 + 2;
    std::vector<int> d;
    while (n > 0) {
      int v = 0;
      if (n & 1) {
        v = 2 - static_cast<int>(n & 3);  // +1 or -1
        n = v > 0 ? n - 1 : n + 1;
      }
      d.push_back(v);
      n >>= 1;
    }
    return d;
  }();
  return naf;
}

const PsiConstants& psi_constants() {
  static const PsiConstants c = [] {
    u256 e3 = ff::FqParams::kModulus, e2 = ff::FqParams::kModulus;
    e3[0] -= 1;
    e2[0] -= 1;
    ff::div_small(e3, 3);
    ff::div_small(e2, 2);
    const Fq2 xi = Fq2::one().mul_by_xi();
    return PsiConstants{xi.pow_vartime(e3), xi.pow_vartime(e2)};
  }();
  return c;
}

G2Affine psi(const G2Affine& q) {
  const PsiConstants& k = psi_constants();
  return G2Affine::from_xy(q.x.frobenius() * k.cx, q.y.frobenius() * k.cy);
}

Fq12 miller_loop(std::span<const G1Affine> p, std::span<const G2Affine> q) {
  PM_ASSERT(p.size() == q.size());
  std::vector<G1Affine> ps;
  std::vector<G2Affine> qs;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (p[i].is_infinity() || q[i].is_infinity()) continue;
    ps.push_back(p[i]);
    qs.push_back(q[i]);
  }
  const std::vector<int>& naf = ate_loop_naf();
  std::vector<G2Proj> r(qs.size());
  for (std::size_t k = 0; k < qs.size(); ++k) r[k] = {qs[k].x, qs[k].y, Fq2::one()};
  Fq12 f = Fq12::one();
  for (std::size_t i = naf.size() - 1; i > 0; --i) {
    if (i != naf.size() - 1) f = f.square();
    for (std::size_t k = 0; k < qs.size(); ++k) mul_by_line(f, double_step(r[k]), ps[k]);
    int digit = naf[i - 1];
    if (digit != 0) {
      for (std::size_t k = 0; k < qs.size(); ++k) {
        mul_by_line(f, add_step(r[k], digit > 0 ? qs[k] : qs[k].neg()), ps[k]);
      }
    }
  }
  // Correction lines through pi(Q) and -pi^2(Q) (x > 0 for BN254, so no final conjugation).
  for (std::size_t k = 0; k < qs.size(); ++k) {
    G2Affine q1 = psi(qs[k]);
    G2Affine q2 = psi(q1).neg();
    mul_by_line(f, add_step(r[k], q1), ps[k]);
    mul_by_line(f, add_step(r[k], q2), ps[k]);
  }
  return f;
}

Fq12 final_exponentiation(const Fq12& f) {
  // Easy part: f^((p^6 - 1)(p^2 + 1)) lands in the cyclotomic subgroup, where inversion is
  // conjugation.
  Fq12 r = f.conjugate() * f.inverse();
  r = r.frobenius(2) * r;
  // Hard part by Fuentes-Castaneda, Knapp and Rodriguez-Henriquez: raises to
  // m (p^4 - p^2 + 1) / r with m = 2x(6x^2 + 3x + 1) coprime to r. This is the exponent
  // ffjavascript (snarkjs's vk_alphabeta_12) and @noble/curves use, so GT values compare equal.
  auto exp_by_neg_x = [](const Fq12& a) { return exp_by_x(a).conjugate(); };
  Fq12 y0 = exp_by_neg_x(r);
  Fq12 y1 = y0.square();
  Fq12 y2 = y1.square();
  Fq12 y3 = y2 * y1;
  Fq12 y4 = exp_by_neg_x(y3);
  Fq12 y5 = y4.square();
  Fq12 y6 = exp_by_neg_x(y5).conjugate();
  y3 = y3.conjugate();
  Fq12 y7 = y6 * y4;
  Fq12 y8 = y7 * y3;
  Fq12 y9 = y8 * y1;
  Fq12 y10 = y8 * y4;
  Fq12 y11 = y10 * r;
  Fq12 y13 = y9.frobenius(1) * y11;
  Fq12 y14 = y8.frobenius(2) * y13;
  Fq12 y15 = (r.conjugate() * y9).frobenius(3);
  return y15 * y14;
}

Fq12 pairing(const G1Affine& p, const G2Affine& q) {
  return final_exponentiation(miller_loop(std::span(&p, 1), std::span(&q, 1)));
}

bool pairing_product_is_one(std::span<const G1Affine> p, std::span<const G2Affine> q) {
  return final_exponentiation(miller_loop(p, q)).is_one();
}

}  // namespace pm::pairing
