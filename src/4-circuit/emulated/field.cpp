#include "emulated/field.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include "base/error.hpp"
#include "emulated/mpz.hpp"

namespace pm::emulated {
namespace {

using detail::to_mpz;
using detail::to_u256;

mpz_class to_mpz(const Int& v) {
  mpz_class z = to_mpz(v.mag);
  return v.neg ? mpz_class(-z) : z;
}

Int to_int(const mpz_class& z) {
  mpz_class a = abs(z);
  if (mpz_sizeinbase(a.get_mpz_t(), 2) > 256)
    throw Error(Errc::invalid_argument, "emulated: bound above 2^256");
  return {to_u256(a), z < 0};
}

const mpz_class& modulus_q() {
  static const mpz_class q = to_mpz(ff::FqParams::kModulus);
  return q;
}
const mpz_class& modulus_r() {
  static const mpz_class r = to_mpz(ff::FrParams::kModulus);
  return r;
}

/// Coefficient bounds must stay below r/2 in magnitude, so a field value names one integer.
Range checked(const mpz_class& lo, const mpz_class& hi) {
  static const mpz_class half = modulus_r() / 2;
  if (lo < -half || hi > half) {
    throw Error(
        Errc::invalid_argument,
        "emulated: an unreduced coefficient could reach r/2 (" +
            std::to_string(mpz_sizeinbase(mpz_class(abs(lo) > abs(hi) ? abs(lo) : abs(hi)).get_mpz_t(), 2)) +
            " bits); reduce the operands first");
  }
  return {to_int(lo), to_int(hi)};
}

Range exact(const mpz_class& v) { return checked(v, v); }

/// The integer a field element stands for, given that it lies within `rg`.
mpz_class signed_value(const Fr& v, const Range& rg) {
  mpz_class z = to_mpz(v.to_canonical());
  if (z > to_mpz(rg.hi)) z -= modulus_r();
  return z;
}

// z mod q.
Fq to_fq(const mpz_class& z) {
  mpz_class m;
  mpz_fdiv_r(m.get_mpz_t(), z.get_mpz_t(), modulus_q().get_mpz_t());
  return Fq::from_canonical_reduced(to_u256(m));
}

Fr to_fr(const mpz_class& z) {
  mpz_class m;
  mpz_fdiv_r(m.get_mpz_t(), z.get_mpz_t(), modulus_r().get_mpz_t());
  return Fr::from_canonical_reduced(to_u256(m));
}

mpz_class pow2(unsigned e) {
  mpz_class z = 1;
  z <<= e;
  return z;
}

/// Little-endian base-2^bits digits of |z| (z's sign applies to all), at least n of them.
std::vector<mpz_class> digits(const mpz_class& z, unsigned bits, std::size_t n = 0) {
  std::vector<mpz_class> d;
  mpz_class a = abs(z);
  const mpz_class mask = pow2(bits) - 1;
  while (a != 0 || d.size() < n) {
    mpz_class lo = a & mask;
    d.push_back(z < 0 ? mpz_class(-lo) : lo);
    a >>= bits;
  }
  return d;
}

void product_range(const Range& a, const Range& b, mpz_class& lo, mpz_class& hi) {
  const mpz_class al = to_mpz(a.lo), ah = to_mpz(a.hi), bl = to_mpz(b.lo), bh = to_mpz(b.hi);
  const mpz_class p[4] = {al * bl, al * bh, ah * bl, ah * bh};
  lo += *std::min_element(p, p + 4);
  hi += *std::max_element(p, p + 4);
}

}  // namespace

bool Lazy::is_constant() const {
  return std::all_of(c_.begin(), c_.end(), [](const Expr& e) { return e.is_constant(); });
}

Lazy operator+(const Lazy& a, const Lazy& b) {
  Lazy s;
  const std::size_t n = std::max(a.size(), b.size());
  for (std::size_t j = 0; j < n; ++j) {
    if (j >= b.size()) {
      s.c_.push_back(a.c_[j]);
      s.r_.push_back(a.r_[j]);
    } else if (j >= a.size()) {
      s.c_.push_back(b.c_[j]);
      s.r_.push_back(b.r_[j]);
    } else {
      s.c_.push_back(a.c_[j] + b.c_[j]);
      s.r_.push_back(
          checked(to_mpz(a.r_[j].lo) + to_mpz(b.r_[j].lo), to_mpz(a.r_[j].hi) + to_mpz(b.r_[j].hi)));
    }
  }
  return s;
}

Lazy operator*(std::int64_t k, const Lazy& a) {
  Lazy s;
  const mpz_class kz(static_cast<long>(k));
  for (std::size_t j = 0; j < a.size(); ++j) {
    s.c_.push_back(a.c_[j] * Expr(k).constant());
    mpz_class lo = to_mpz(a.r_[j].lo) * kz, hi = to_mpz(a.r_[j].hi) * kz;
    if (k < 0) std::swap(lo, hi);
    s.r_.push_back(checked(lo, hi));
  }
  return s;
}

Lazy operator-(const Lazy& a, const Lazy& b) { return a + -1 * b; }

Field::Field(Builder& b, Layout layout) : b_(b), layout_(layout) {
  if (layout.limb_bits < 16 || layout.limb_bits > 120 || layout.limbs * layout.limb_bits < 254 ||
      (layout.limbs - 1) * layout.limb_bits >= 254) {
    throw Error(Errc::invalid_argument,
                "emulated: a layout needs 16..120-bit limbs covering 254 bits, the "
                "top one non-empty");
  }
}

Elem Field::input(std::span<const Expr> limbs, std::string_view label) {
  if (limbs.size() != layout_.limbs) {
    throw Error(Errc::invalid_argument, "emulated input: " + std::to_string(limbs.size()) +
                                            " limbs, the layout has " + std::to_string(layout_.limbs));
  }
  const std::string what = label.empty() ? "emulated limb fits" : std::string(label) + ": limb fits";
  Lazy v;
  for (unsigned i = 0; i < layout_.limbs; ++i) {
    (void)b_.to_bits(limbs[i], layout_.bits_of(i), what);
    v.c_.push_back(limbs[i]);
    v.r_.push_back(checked(0, pow2(layout_.bits_of(i)) - 1));
  }
  return Elem(std::move(v));
}

Elem Field::constant(const Fq& x) const {
  const auto d = digits(to_mpz(x.to_canonical()), layout_.limb_bits, layout_.limbs);
  Lazy v;
  for (unsigned i = 0; i < layout_.limbs; ++i) {
    v.c_.emplace_back(to_fr(d[i]));
    v.r_.push_back(exact(d[i]));
  }
  return Elem(std::move(v));
}

Lazy Field::choose(std::span<const Expr> selectors, std::span<const Fq> values) const {
  if (selectors.size() != values.size() || values.empty()) {
    throw Error(Errc::invalid_argument, "emulated choose: one selector per value");
  }
  std::vector<std::vector<mpz_class>> limbs;
  for (const auto& x : values)
    limbs.push_back(digits(to_mpz(x.to_canonical()), layout_.limb_bits, layout_.limbs));
  Lazy v;
  for (unsigned i = 0; i < layout_.limbs; ++i) {
    Expr e;
    mpz_class lo, hi;
    for (std::size_t k = 0; k < values.size(); ++k) {
      const mpz_class& d = limbs[k][i];
      e += selectors[k] * to_fr(d);
      if (k == 0 || d < lo) lo = d;
      if (k == 0 || d > hi) hi = d;
    }
    v.c_.push_back(e);
    v.r_.push_back(checked(lo, hi));
  }
  return v;
}

Elem Field::select(const Expr& cond, const Elem& a, const Elem& b, std::string_view label) {
  Lazy v;
  for (unsigned i = 0; i < layout_.limbs; ++i) {
    v.c_.push_back(b_.select(cond, a.v_.c_[i], b.v_.c_[i], label.empty() ? "emulated select" : label));
    const Range &x = a.v_.r_[i], &y = b.v_.r_[i];
    v.r_.push_back(checked(std::min(to_mpz(x.lo), to_mpz(y.lo)), std::max(to_mpz(x.hi), to_mpz(y.hi))));
  }
  return Elem(std::move(v));
}

Elem Field::as_elem(const Lazy& a) const {
  bool ok = a.size() == layout_.limbs;
  for (unsigned i = 0; ok && i < layout_.limbs; ++i) {
    ok = !a.r_[i].lo.neg && to_mpz(a.r_[i].hi) < pow2(layout_.bits_of(i));
  }
  if (!ok) throw Error(Errc::invalid_argument, "emulated as_elem: the value's ranges do not make it reduced");
  return Elem(a);
}

Lazy Field::mul(const Lazy& a, const Lazy& b, std::string_view label) {
  return poly_mul(std::span<const Lazy>(&a, 1), std::span<const Lazy>(&b, 1), label)[0];
}

std::vector<Lazy> Field::poly_mul(std::span<const Lazy> a, std::span<const Lazy> b, std::string_view label) {
  if (a.empty() || b.empty()) throw Error(Errc::invalid_argument, "emulated poly_mul: an empty operand");
  std::size_t la = 0, lb = 0;
  for (const auto& x : a) la = std::max(la, x.size());
  for (const auto& x : b) lb = std::max(lb, x.size());
  const std::size_t dp = a.size() + b.size() - 1, lp = la + lb - 1;
  auto at = [](const Lazy& x, std::size_t j) { return j < x.size() ? x.c_[j] : Expr(); };

  // Exact ranges of every coefficient of the product.
  std::vector<Lazy> out(dp);
  for (std::size_t m = 0; m < dp; ++m) {
    for (std::size_t j = 0; j < lp; ++j) {
      mpz_class lo = 0, hi = 0;
      for (std::size_t i = 0; i < a.size(); ++i) {
        if (m < i || m - i >= b.size()) continue;
        const Lazy &x = a[i], &y = b[m - i];
        for (std::size_t s = 0; s < x.size(); ++s) {
          if (j < s || j - s >= y.size()) continue;
          product_range(x.r_[s], y.r_[j - s], lo, hi);
        }
      }
      out[m].r_.push_back(checked(lo, hi));
    }
  }

  const bool a_const = std::all_of(a.begin(), a.end(), [](const Lazy& x) { return x.is_constant(); });
  const bool b_const = std::all_of(b.begin(), b.end(), [](const Lazy& x) { return x.is_constant(); });
  if (a_const || b_const) {
    // Linear in the other side's wires: no hint, no constraint.
    for (std::size_t m = 0; m < dp; ++m) {
      out[m].c_.assign(lp, Expr());
      for (std::size_t i = 0; i < a.size(); ++i) {
        if (m < i || m - i >= b.size()) continue;
        const Lazy &x = a[i], &y = b[m - i];
        for (std::size_t s = 0; s < x.size(); ++s) {
          for (std::size_t t = 0; t < y.size(); ++t) {
            out[m].c_[s + t] += a_const ? y.c_[t] * x.c_[s].constant() : x.c_[s] * y.c_[t].constant();
          }
        }
      }
    }
    return out;
  }

  std::vector<Expr> in;
  for (const auto& x : a)
    for (std::size_t j = 0; j < la; ++j) in.push_back(at(x, j));
  for (const auto& y : b)
    for (std::size_t j = 0; j < lb; ++j) in.push_back(at(y, j));
  const std::size_t na = a.size(), nb = b.size();
  auto c =
      b_.hint("emulated product", in, dp * lp, [na, nb, la, lb, lp](std::span<const Fr> v, std::span<Fr> o) {
        std::fill(o.begin(), o.end(), Fr::zero());
        for (std::size_t i = 0; i < na; ++i)
          for (std::size_t k = 0; k < nb; ++k)
            for (std::size_t s = 0; s < la; ++s)
              for (std::size_t t = 0; t < lb; ++t)
                o[(i + k) * lp + s + t] += v[i * la + s] * v[na * la + k * lb + t];
      });
  for (std::size_t m = 0; m < dp; ++m) out[m].c_.assign(c.begin() + m * lp, c.begin() + (m + 1) * lp);

  // a(s, t) b(s, t) = c(s, t) on a grid of dp x lp points fixes every coefficient of c.
  auto scope = b_.scope(label.empty() ? "emulated product" : std::string(label));
  auto eval = [](std::span<const Lazy> p, const Fr& s, const Fr& t) {
    Expr e;
    Fr si = Fr::one();
    for (const auto& x : p) {
      Fr tj = si;
      for (const auto& cj : x.c_) {
        e += cj * tj;
        tj *= t;
      }
      si *= s;
    }
    return e;
  };
  for (std::size_t s = 0; s < dp; ++s) {
    for (std::size_t t = 0; t < lp; ++t) {
      const Fr fs = Fr::from_u64(s), ft = Fr::from_u64(t);
      b_.assert_product(eval(a, fs, ft), eval(b, fs, ft), eval(out, fs, ft), "product at a point");
    }
  }
  return out;
}

Elem Field::reduce(const Lazy& a, std::string_view label) { return reduce_impl(a, true, false, label); }
Elem Field::reduce_canonical(const Lazy& a, std::string_view label) {
  return reduce_impl(a, true, true, label);
}
void Field::assert_zero(const Lazy& a, std::string_view label) { (void)reduce_impl(a, false, false, label); }

Elem Field::reduce_impl(const Lazy& a, bool remainder, bool canonical, std::string_view label) {
  const unsigned L = layout_.limb_bits, k = layout_.limbs;
  const mpz_class& q = modulus_q();
  std::vector<mpz_class> lo, hi;
  for (const auto& r : a.r_) {
    lo.push_back(to_mpz(r.lo));
    hi.push_back(to_mpz(r.hi));
  }
  auto weighted = [L](const std::vector<mpz_class>& v) {
    mpz_class s = 0;
    for (std::size_t j = v.size(); j-- > 0;) s = (s << L) + v[j];
    return s;
  };
  if (a.is_constant()) {
    std::vector<mpz_class> vals;
    for (std::size_t j = 0; j < a.size(); ++j) vals.push_back(signed_value(a.c_[j].constant(), a.r_[j]));
    const Fq rem = to_fq(weighted(vals));
    if (!remainder && !rem.is_zero()) {
      throw Error(Errc::invalid_argument, "emulated assert_zero: a constant that is not 0 mod q");
    }
    return constant(rem);
  }

  const std::string name =
      label.empty() ? std::string(remainder ? "emulated reduce" : "emulated zero mod q") : std::string(label);
  auto scope = b_.scope(name);
  // Q = floor(U / q) lies in [qmin, qmax]; the witness holds Q - qmin >= 0 in limbs.
  mpz_class umin = weighted(lo), umax = weighted(hi), qmin, qmax;
  mpz_fdiv_q(qmin.get_mpz_t(), umin.get_mpz_t(), q.get_mpz_t());
  mpz_fdiv_q(qmax.get_mpz_t(), umax.get_mpz_t(), q.get_mpz_t());
  const unsigned qbits =
      static_cast<unsigned>(qmax == qmin ? 0 : mpz_sizeinbase(mpz_class(qmax - qmin).get_mpz_t(), 2));
  const unsigned qlimbs = (qbits + L - 1) / L;
  const unsigned rlimbs = remainder ? k : 0;

  std::vector<Range> ranges(a.r_);
  auto w =
      b_.hint("emulated quotient", a.c_, qlimbs + rlimbs,
              [ranges, qmin, q, L, qlimbs, rlimbs, remainder](std::span<const Fr> in, std::span<Fr> out) {
                std::vector<mpz_class> v;
                for (std::size_t j = 0; j < in.size(); ++j) v.push_back(signed_value(in[j], ranges[j]));
                mpz_class u = 0;
                for (std::size_t j = v.size(); j-- > 0;) u = (u << L) + v[j];
                mpz_class quo, rem;
                mpz_fdiv_qr(quo.get_mpz_t(), rem.get_mpz_t(), u.get_mpz_t(), q.get_mpz_t());
                // A value that is not 0 mod q (assert_zero) keeps the floor quotient: its carries
                // then fail, in the gadget's scope.
                const auto qd = digits(quo - qmin, L, qlimbs);
                const auto rd = digits(rem, L, rlimbs);
                for (unsigned i = 0; i < qlimbs; ++i) out[i] = i < qd.size() ? to_fr(qd[i]) : Fr::zero();
                for (unsigned i = 0; i < rlimbs; ++i) out[qlimbs + i] = to_fr(rd[i]);
              });
  for (unsigned i = 0; i < qlimbs; ++i) {
    (void)b_.to_bits(w[i], i + 1 < qlimbs ? L : qbits - L * (qlimbs - 1), "quotient limb fits");
  }
  std::vector<Expr> rbits;
  for (unsigned i = 0; i < rlimbs; ++i) {
    auto bits = b_.to_bits(w[qlimbs + i], layout_.bits_of(i), "remainder limb fits");
    rbits.insert(rbits.end(), bits.begin(), bits.end());
  }
  if (canonical) {
    ff::u256 qm1 = ff::FqParams::kModulus;
    qm1[0] -= 1;  // q is odd
    b_.assert_bits_at_most(rbits, qm1, "remainder below q");
  }

  // T = U - (Q' + qmin) q - R, coefficient by coefficient, with exact ranges.
  const auto qd = digits(q, L);
  const auto cd = digits(qmin * q, L);
  std::size_t n = std::max<std::size_t>({a.size(), qlimbs + qd.size() - 1, cd.size(), rlimbs});
  std::vector<Expr> t(n);
  std::vector<mpz_class> tlo(n, 0), thi(n, 0);
  for (std::size_t j = 0; j < a.size(); ++j) {
    t[j] += a.c_[j];
    tlo[j] += lo[j];
    thi[j] += hi[j];
  }
  for (unsigned i = 0; i < qlimbs; ++i) {
    const mpz_class qmax_i = pow2(i + 1 < qlimbs ? L : qbits - L * (qlimbs - 1)) - 1;
    for (std::size_t s = 0; s < qd.size(); ++s) {
      t[i + s] -= w[i] * to_fr(qd[s]);
      tlo[i + s] -= qmax_i * qd[s];
    }
  }
  for (std::size_t j = 0; j < cd.size(); ++j) {
    t[j] -= Expr(to_fr(cd[j]));
    tlo[j] -= cd[j];
    thi[j] -= cd[j];
  }
  for (unsigned i = 0; i < rlimbs; ++i) {
    t[i] -= w[qlimbs + i];
    tlo[i] -= pow2(layout_.bits_of(i)) - 1;
  }

  // Carries: group coefficients while the group's equation cannot wrap around r.
  const mpz_class& r = modulus_r();
  Expr cin;
  mpz_class cin_lo = 0, cin_hi = 0;
  std::size_t pos = 0;
  while (pos < n) {
    // The rest as one final group, when its sum cannot reach r: it must be 0.
    mpz_class slo = cin_lo, shi = cin_hi;
    for (std::size_t j = pos; j < n; ++j) {
      slo += tlo[j] << (L * (j - pos));
      shi += thi[j] << (L * (j - pos));
    }
    if (-slo < r && shi < r) {
      Expr s = cin;
      Fr sh = Fr::one();
      for (std::size_t j = pos; j < n; ++j) {
        s += t[j] * sh;
        sh *= to_fr(pow2(L));
      }
      b_.assert_equal(s, Expr(), "integer identity holds");
      break;
    }
    // Otherwise the longest group whose carry is sound.
    std::size_t best = 0;
    mpz_class best_cmin;
    unsigned best_bits = 0;
    mpz_class glo = cin_lo, ghi = cin_hi;
    for (std::size_t len = 1; pos + len < n; ++len) {
      glo += tlo[pos + len - 1] << (L * (len - 1));
      ghi += thi[pos + len - 1] << (L * (len - 1));
      const unsigned sh = static_cast<unsigned>(L * len);
      mpz_class cmin, cmax;
      mpz_fdiv_q_2exp(cmin.get_mpz_t(), glo.get_mpz_t(), sh);
      mpz_fdiv_q_2exp(cmax.get_mpz_t(), ghi.get_mpz_t(), sh);
      const unsigned bits =
          std::max<unsigned>(1, static_cast<unsigned>(mpz_sizeinbase(mpz_class(cmax - cmin).get_mpz_t(), 2)));
      const mpz_class ctop = cmin + pow2(bits) - 1;
      if (bits > 253 || ghi - (cmin << sh) >= r || (ctop << sh) - glo >= r) break;
      best = len;
      best_cmin = cmin;
      best_bits = bits;
    }
    if (best == 0)
      throw Error(Errc::invalid_argument, "emulated reduce: no sound carry (limbs too wide for the layout)");
    Expr s = cin;
    Fr sh = Fr::one();
    for (std::size_t j = pos; j < pos + best; ++j) {
      s += t[j] * sh;
      sh *= to_fr(pow2(L));
    }
    // c = s / 2^(L best) in Fr; its range check is the group's equation.
    Expr c = s * sh.inverse();
    (void)b_.to_bits(c - Expr(to_fr(best_cmin)), best_bits, "carry fits");
    cin = c;
    cin_lo = best_cmin;
    cin_hi = best_cmin + pow2(best_bits) - 1;
    pos += best;
  }

  Lazy v;
  for (unsigned i = 0; i < rlimbs; ++i) {
    v.c_.push_back(w[qlimbs + i]);
    v.r_.push_back(checked(0, pow2(layout_.bits_of(i)) - 1));
  }
  return Elem(std::move(v));
}

std::vector<Fr> to_limbs(const Layout& l, const Fq& x) {
  std::vector<Fr> out;
  for (const auto& d : digits(to_mpz(x.to_canonical()), l.limb_bits, l.limbs)) out.push_back(to_fr(d));
  return out;
}

Fq from_limbs(const Layout& l, std::span<const Fr> limbs) {
  mpz_class u = 0;
  for (std::size_t j = limbs.size(); j-- > 0;) u = (u << l.limb_bits) + to_mpz(limbs[j].to_canonical());
  return to_fq(u);
}

Fq Field::value(const Elem& a, std::span<const Fr> values) const {
  mpz_class u = 0;
  for (std::size_t j = a.v_.size(); j-- > 0;)
    u = (u << layout_.limb_bits) + signed_value(a.v_.c_[j].eval(values), a.v_.r_[j]);
  return to_fq(u);
}

}  // namespace pm::emulated
