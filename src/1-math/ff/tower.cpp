#include "ff/tower.hpp"

#include "base/error.hpp"

namespace pm::ff {

// Karatsuba over the cubic extension: 6 Fq2 multiplications.
Fq6 operator*(const Fq6& a, const Fq6& b) {
  Fq2 v0 = a.c0 * b.c0, v1 = a.c1 * b.c1, v2 = a.c2 * b.c2;
  Fq2 c0 = ((a.c1 + a.c2) * (b.c1 + b.c2) - v1 - v2).mul_by_xi() + v0;
  Fq2 c1 = (a.c0 + a.c1) * (b.c0 + b.c1) - v0 - v1 + v2.mul_by_xi();
  Fq2 c2 = (a.c0 + a.c2) * (b.c0 + b.c2) - v0 - v2 + v1;
  return {c0, c1, c2};
}

Fq6 Fq6::inverse() const {
  Fq2 t0 = c0.square() - (c1 * c2).mul_by_xi();
  Fq2 t1 = c2.square().mul_by_xi() - c0 * c1;
  Fq2 t2 = c1.square() - c0 * c2;
  Fq2 norm = c0 * t0 + (c2 * t1).mul_by_xi() + (c1 * t2).mul_by_xi();
  Fq2 inv = norm.inverse();
  return {t0 * inv, t1 * inv, t2 * inv};
}

// Karatsuba over the quadratic extension: 3 Fq6 multiplications.
Fq12 operator*(const Fq12& a, const Fq12& b) {
  Fq6 v0 = a.c0 * b.c0, v1 = a.c1 * b.c1;
  return {v0 + v1.mul_by_v(), (a.c0 + a.c1) * (b.c0 + b.c1) - v0 - v1};
}

// Complex squaring: 2 Fq6 multiplications.
Fq12 Fq12::square() const {
  Fq6 ab = c0 * c1;
  Fq6 c0n = (c0 + c1) * (c0 + c1.mul_by_v()) - ab - ab.mul_by_v();
  return {c0n, ab + ab};
}

Fq12 Fq12::inverse() const {
  Fq6 t = (c0.square() - c1.square().mul_by_v()).inverse();
  return {c0 * t, -(c1 * t)};
}

namespace {

// gamma[k-1][e] = xi^(e (p^k - 1) / 6) for k = 1..3, e = 0..5: w^e maps to gamma * w^e under
// the k-th Frobenius, because w^6 = xi.
struct FrobeniusTable {
  Fq2 gamma[3][6];
  FrobeniusTable() {
    u256 e = FqParams::kModulus;
    e[0] -= 1;
    div_small(e, 6);
    Fq2 xi = Fq2::one().mul_by_xi();
    Fq2 g1 = xi.pow_vartime(e);         // xi^((p-1)/6)
    Fq2 g2 = g1 * g1.conjugate();       // xi^((p^2-1)/6) = g1^(p+1)
    Fq2 g3 = g1 * g1.conjugate() * g1;  // xi^((p^3-1)/6) = g1^(p^2+p+1)
    const Fq2 base[3] = {g1, g2, g3};
    for (int k = 0; k < 3; ++k) {
      gamma[k][0] = Fq2::one();
      for (int i = 1; i < 6; ++i) gamma[k][i] = gamma[k][i - 1] * base[k];
    }
  }
};

const FrobeniusTable& frobenius_table() {
  static const FrobeniusTable t;
  return t;
}

}  // namespace

Fq12 Fq12::frobenius(unsigned k) const {
  PM_ASSERT(k >= 1 && k <= 3);
  const auto& g = frobenius_table().gamma[k - 1];
  auto f = [k](const Fq2& x) { return (k % 2 == 1) ? x.conjugate() : x; };
  // Coefficient c_{i,j} multiplies v^j w^i = w^(i + 2j).
  return {{f(c0.c0) * g[0], f(c0.c1) * g[2], f(c0.c2) * g[4]},
          {f(c1.c0) * g[1], f(c1.c1) * g[3], f(c1.c2) * g[5]}};
}

Fq12 Fq12::pow_vartime(const u256* limbs_le, std::size_t n_limbs) const {
  Fq12 r = one();
  for (std::size_t w = n_limbs; w-- > 0;) {
    for (int i = 255; i >= 0; --i) {
      r = r.square();
      if (bit(limbs_le[w], static_cast<unsigned>(i))) r *= *this;
    }
  }
  return r;
}

std::array<Fq, 12> Fq12::coefficients() const {
  return {c0.c0.c0, c0.c0.c1, c0.c1.c0, c0.c1.c1, c0.c2.c0, c0.c2.c1,
          c1.c0.c0, c1.c0.c1, c1.c1.c0, c1.c1.c1, c1.c2.c0, c1.c2.c1};
}

}  // namespace pm::ff
