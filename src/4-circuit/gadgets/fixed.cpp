#include "gadgets/fixed.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <numbers>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "ff/signed.hpp"

namespace pm::gadgets::fixed {
namespace {

using ff::u256;

constexpr unsigned kGuard = 10;            // extra fractional bits inside exp, ln and normal_cdf
constexpr unsigned kMaxProductBits = 245;  // |intermediate| < 2^245 << r / 2: no wrap-around

// Signed integers below r / 2 in magnitude, for the witness hints (ff/signed.hpp).
using SInt = ff::SignedInt;
using ff::floor_div;
using ff::from_signed;
using ff::to_signed;

Fr pow2(unsigned k) {
  u256 v{};
  v[k / 64] = 1ull << (k % 64);
  return Fr::from_canonical_reduced(v);
}

unsigned bit_length(std::uint64_t v) { return v == 0 ? 0 : 64 - static_cast<unsigned>(__builtin_clzll(v)); }

void need(bool ok, const std::string& what) {
  if (!ok) throw Error(Errc::invalid_argument, "fixed point: " + what);
}

// -- Constraint building blocks.

// -2^bits <= v < 2^bits (so |v| <= 2^bits, the bound every Fixed carries); bits + 2 constraints.
void range_signed(Builder& b, const Expr& v, unsigned bits, std::string_view label) {
  b.assert_range(v + pow2(bits), bits + 1, label);
}

// round(v / 2^s) (halves up), |v| <= 2^vbits, the result range-checked to |q| <= 2^out_bits:
// s + 1 + out_bits + 2 constraints. The range checks make q unique: v + 2^(s-1) = q 2^s + rem
// holds over the integers since both sides stay far below r / 2.
Expr round_shift(Builder& b, const Expr& v, unsigned vbits, unsigned s, unsigned out_bits,
                 std::string_view label) {
  if (s == 0) return v;
  need(vbits + 1 <= kMaxProductBits && out_bits + s + 2 <= kMaxProductBits, "intermediate value too wide");
  Expr q =
      b.hint1("fixed round", std::span<const Expr>(&v, 1), [s](std::span<const Fr> in, std::span<Fr> out) {
        SInt t = to_signed(in[0] + pow2(s - 1));
        out[0] = from_signed(floor_div(t, ff::pow2_u256(s)));
      });
  Expr rem = v + pow2(s - 1) - q * pow2(s);
  b.assert_range(rem, s, "rounding remainder in range");
  range_signed(b, q, out_bits, label);
  return q;
}

unsigned bits_for(long double bound_real, unsigned frac) {
  long double v = std::ldexp(bound_real, static_cast<int>(frac));
  unsigned k = 0;
  while (std::ldexp(1.0L, static_cast<int>(k)) < v) ++k;
  return k;
}

// -- Chebyshev series on [-1, 1], fitted at build time.
std::vector<long double> cheb_fit(const std::function<long double(long double)>& f, unsigned n) {
  const unsigned N = n + 1;
  std::vector<long double> c(N, 0.0L), fv(N);
  const long double pi = std::numbers::pi_v<long double>;
  for (unsigned j = 0; j < N; ++j) fv[j] = f(std::cos(pi * (j + 0.5L) / N));
  for (unsigned k = 0; k < N; ++k) {
    long double s = 0;
    for (unsigned j = 0; j < N; ++j) s += fv[j] * std::cos(pi * k * (j + 0.5L) / N);
    c[k] = 2 * s / N;
  }
  c[0] /= 2;
  return c;
}

long double cheb_eval(const std::vector<long double>& c, long double u) {
  long double b1 = 0, b2 = 0;
  for (std::size_t k = c.size(); k-- > 1;) {
    long double t = c[k] + 2 * u * b1 - b2;
    b2 = b1, b1 = t;
  }
  return c[0] + u * b1 - b2;
}

// The lowest degree whose fit of every function is within `target` on a fine grid.
std::vector<std::vector<long double>> cheb_fits(
    const std::vector<std::function<long double(long double)>>& fs, long double target) {
  for (unsigned n = 2; n <= 60; ++n) {
    std::vector<std::vector<long double>> out;
    bool ok = true;
    for (const auto& f : fs) {
      auto c = cheb_fit(f, n);
      for (int i = 0; i <= 2000 && ok; ++i) {
        long double u = -1 + i / 1000.0L;
        ok = std::fabs(cheb_eval(c, u) - f(u)) <= target;
      }
      if (!ok) break;
      out.push_back(std::move(c));
    }
    if (ok) return out;
  }
  throw Error(Errc::invalid_argument, "fixed point: no Chebyshev fit reaches the precision");
}

// Clenshaw's recurrence for sum c_k T_k(u) at fractional bits S, |u| <= 1 (|u_raw| <= 2^S).
// coeffs[k] are expressions of raw coefficients (constants, or selected by segment bits);
// maxabs[k] bounds them in real units.
struct Series {
  std::vector<Expr> coeffs;
  std::vector<long double> maxabs;
};

Fixed clenshaw(Builder& b, const Expr& u, unsigned S, const Series& s) {
  const std::size_t n = s.coeffs.size() - 1;
  // b_k = sum_{j>=k} c_j U_{j-k}(u) and |U_m| <= m + 1 bound every intermediate (plus slack
  // for the roundings).
  auto bound = [&](std::size_t k) {
    long double t = 1;
    for (std::size_t j = k; j <= n; ++j) t += s.maxabs[j] * static_cast<long double>(j - k + 1);
    return t;
  };
  Expr b1, b2;  // b_{k+1}, b_{k+2}
  unsigned b1bits = 0;
  for (std::size_t k = n; k >= 1; --k) {
    Expr t = s.coeffs[k] - b2;
    if (!b1.is_constant() || !b1.constant().is_zero()) {
      unsigned out_bits = bits_for(2 * bound(k + 1) + 1, S);
      t += round_shift(b, b.mul(u, b1, "series step"), S + b1bits, S - 1, out_bits, "series term in range");
    }
    b2 = b1;
    b1 = t;
    b1bits = bits_for(bound(k), S);
  }
  Expr last = s.coeffs[0] - b2;
  unsigned out_bits = bits_for(bound(1) + 1, S);
  last += round_shift(b, b.mul(u, b1, "series step"), S + b1bits, S, out_bits, "series term in range");
  return {last, S, bits_for(bound(0) + 1, S)};
}

Series constant_series(const std::vector<long double>& c, unsigned S) {
  Series s;
  for (long double v : c) {
    s.coeffs.emplace_back(encode(v, S));
    s.maxabs.push_back(std::fabs(v));
  }
  return s;
}

// 2^(sum 2^i bits[i]) as a field element: one constraint per bit after the first.
Expr pow2_of_bits(Builder& b, std::span<const Expr> bits) {
  Expr p(1);
  for (std::size_t i = 0; i < bits.size(); ++i) {
    Expr factor = 1 + bits[i] * (pow2(1u << i) - Fr::one());
    p = b.mul(p, factor, "power of two");
  }
  return p;
}

void same_frac(const Fixed& a, const Format& fmt) {
  need(a.frac == fmt.frac_bits, "operand has " + std::to_string(a.frac) + " fractional bits, the format " +
                                    std::to_string(fmt.frac_bits));
}

}  // namespace

Fr encode(long double v, unsigned frac) {
  long double s = std::nearbyint(std::ldexp(v, static_cast<int>(frac)));
  if (!(std::fabs(s) < std::ldexp(1.0L, 126)))
    throw Error(Errc::out_of_range, "fixed point: value does not fit in 126 bits");
  const long double a = std::fabs(s), two64 = std::ldexp(1.0L, 64);
  const long double hi = std::floor(a / two64);
  u256 m{static_cast<std::uint64_t>(a - hi * two64), static_cast<std::uint64_t>(hi), 0, 0};
  return from_signed({s < 0, m});
}

long double decode(const Fr& raw, unsigned frac) {
  SInt s = to_signed(raw);
  long double v = 0;
  for (int i = 3; i >= 0; --i) v = v * 18446744073709551616.0L + static_cast<long double>(s.mag[i]);
  return std::ldexp(s.neg ? -v : v, -static_cast<int>(frac));
}

void check(const Format& fmt) {
  need(fmt.frac_bits >= 1 && fmt.frac_bits <= 64, "fractional bits must be in 1..64");
  need(fmt.int_bits >= 1 && fmt.int_bits <= 64, "integer bits must be in 1..64");
  need(fmt.frac_bits + fmt.int_bits <= 100, "integer plus fractional bits must be at most 100");
}

Fixed from_raw(Builder& b, const Expr& raw, const Format& fmt) {
  check(fmt);
  const unsigned w = fmt.int_bits + fmt.frac_bits;
  range_signed(b, raw, w, "fixed-point value within the format");
  return {raw, fmt.frac_bits, w};
}

Fixed constant(long double v, const Format& fmt) {
  check(fmt);
  Fr raw = encode(v, fmt.frac_bits);
  return {Expr(raw), fmt.frac_bits, bits_for(std::fabs(v) + 1, fmt.frac_bits)};
}

Fixed narrow(Builder& b, const Fixed& a, const Format& fmt) {
  same_frac(a, fmt);
  const unsigned w = fmt.int_bits + fmt.frac_bits;
  if (a.bits <= w) return a;
  range_signed(b, a.raw, w, "fixed-point value within the format");
  return {a.raw, a.frac, w};
}

// Bounds past 2^240 could wrap around the field in later steps: refuse them when building.
unsigned capped(unsigned bits) {
  need(bits <= 240, "value too wide (over 240 bits): narrow() the operands first");
  return bits;
}

Fixed add(const Fixed& a, const Fixed& b) {
  need(a.frac == b.frac, "adding values of different scales");
  return {a.raw + b.raw, a.frac, capped(std::max(a.bits, b.bits) + 1)};
}

Fixed sub(const Fixed& a, const Fixed& b) {
  need(a.frac == b.frac, "subtracting values of different scales");
  return {a.raw - b.raw, a.frac, capped(std::max(a.bits, b.bits) + 1)};
}

Fixed neg(const Fixed& a) { return {-a.raw, a.frac, a.bits}; }

Fixed mul_int(const Fixed& a, std::int64_t k) {
  const std::uint64_t mag = k < 0 ? 0 - static_cast<std::uint64_t>(k) : static_cast<std::uint64_t>(k);
  Fr f = k < 0 ? -Fr::from_u64(mag) : Fr::from_u64(mag);
  return {a.raw * f, a.frac, capped(a.bits + bit_length(mag))};
}

Fixed mul(Builder& b, const Fixed& x, const Fixed& y, const Format& fmt) {
  check(fmt);
  same_frac(x, fmt), same_frac(y, fmt);
  const unsigned w = fmt.int_bits + fmt.frac_bits, F = fmt.frac_bits;
  const unsigned pbits = x.bits + y.bits;
  need(pbits + 1 <= kMaxProductBits, "operands too wide to multiply: narrow() them first");
  auto s = b.scope("fixed mul");
  Expr p = b.mul(x.raw, y.raw, "product");
  unsigned out = std::min(w, pbits > F ? pbits - F + 1 : 1u);
  return {round_shift(b, p, pbits, F, out, "product within the format"), F, out};
}

Fixed div(Builder& b, const Fixed& x, const Fixed& y, const Format& fmt) {
  check(fmt);
  same_frac(x, fmt), same_frac(y, fmt);
  const unsigned w = fmt.int_bits + fmt.frac_bits, F = fmt.frac_bits;
  auto s = b.scope("fixed div");
  // 1 <= y_raw <= 2^ybits.
  b.assert_range(y.raw - 1, y.bits, "divisor is positive");
  const unsigned nbits = x.bits + F;
  Expr n = x.raw * pow2(F);
  const unsigned qbits = std::min(w, nbits + 1);
  need(nbits + 3 <= kMaxProductBits && qbits + y.bits + 3 <= kMaxProductBits, "operands too wide to divide");
  // q = round(n / y) = floor((2n + y) / 2y): 2n + y = 2 q y + rem, 0 <= rem < 2y.
  std::vector<Expr> in{n, y.raw};
  Expr q = b.hint1("fixed div", in, [](std::span<const Fr> v, std::span<Fr> out) {
    SInt t = to_signed(v[0] + v[0] + v[1]);
    SInt d = to_signed(v[1] + v[1]);
    if (d.neg || ff::is_zero(d.mag))
      throw Error(Errc::unsatisfied, "fixed-point division by a non-positive number");
    out[0] = from_signed(floor_div(t, d.mag));
  });
  Expr qy = b.mul(q, y.raw, "quotient times divisor");
  Expr rem = n * Fr::from_u64(2) + y.raw - qy * Fr::from_u64(2);
  b.assert_range(rem, y.bits + 2, "division remainder is non-negative");
  b.assert_range(y.raw * Fr::from_u64(2) - 1 - rem, y.bits + 2, "division remainder below the divisor");
  range_signed(b, q, qbits, "quotient within the format");
  return {q, F, qbits};
}

Fixed sqrt(Builder& b, const Fixed& x, const Format& fmt) {
  check(fmt);
  same_frac(x, fmt);
  const unsigned F = fmt.frac_bits;
  auto s = b.scope("fixed sqrt");
  const unsigned xbits = x.bits + F;
  need(xbits + 2 <= kMaxProductBits, "operand too wide for sqrt");
  Expr big = x.raw * pow2(F);  // sqrt(x) 2^F = sqrt(x_raw 2^F)
  const unsigned ybits = (xbits + 1) / 2 + 1;
  Expr y = b.hint1("fixed sqrt", std::span<const Expr>(&big, 1),
                   [ybits](std::span<const Fr> v, std::span<Fr> out) {
                     SInt t = to_signed(v[0]);
                     if (t.neg) throw Error(Errc::unsatisfied, "square root of a negative number");
                     // The largest y with y^2 <= t (y^2 < 2^250 stays exact in Fr).
                     u256 lo{}, hi = ff::pow2_u256(ybits);
                     const Fr target = Fr::from_canonical_reduced(t.mag);
                     auto square_le = [&](const u256& c) {
                       Fr f = Fr::from_canonical_reduced(c);
                       return !ff::lt(target.to_canonical(), (f * f).to_canonical());
                     };
                     while (ff::lt(lo, hi)) {  // invariant: square_le(lo); answer in [lo, hi]
                       u256 mid;
                       ff::add_carry(mid, lo, hi);
                       ff::add_carry(mid, mid, u256{1, 0, 0, 0});
                       for (int i = 0; i < 4; ++i) mid[i] = (mid[i] >> 1) | (i < 3 ? mid[i + 1] << 63 : 0);
                       if (square_le(mid)) {
                         lo = mid;
                       } else {
                         ff::sub_borrow(hi, mid, u256{1, 0, 0, 0});
                       }
                     }
                     out[0] = Fr::from_canonical_reduced(lo);
                   });
  // y^2 <= X <= y^2 + 2y. Both remainders small forces y small, so no field root of X - rem
  // but the integer one passes; a negative X has none at all.
  Expr rem = big - b.square(y, "root squared");
  b.assert_range(rem, ybits + 2, "square root of a non-negative number");
  b.assert_range(y * Fr::from_u64(2) - rem, ybits + 2, "square root rounded down");
  return {y, F, ybits};
}

Fixed exp(Builder& b, const Fixed& x, const Format& fmt) {
  check(fmt);
  same_frac(x, fmt);
  const unsigned F = fmt.frac_bits, I = fmt.int_bits, S = F + kGuard;
  const long double ln2 = std::numbers::ln2_v<long double>;
  auto sc = b.scope("fixed exp");
  // Below lo = -(F + 3) ln 2 the result is under 1/8 ulp: return 0.
  const int kmin = -static_cast<int>(F) - 4, kmax = static_cast<int>(I) + 1;
  Fr lo_raw = encode(-(static_cast<long double>(F) + 3) * ln2, F);
  // d = x - lo, |d| <= 2^dbits; d + 2^(dbits+1) has bit dbits + 1 set exactly when d >= 0.
  const unsigned dbits = std::max(x.bits, bits_for((static_cast<long double>(F) + 3) * ln2, F)) + 1;
  need(dbits + 3 <= 250 && x.bits + kGuard + 8 + 2 <= kMaxProductBits, "operand too wide for exp");
  auto sign = b.to_bits(x.raw - lo_raw + pow2(dbits + 1), dbits + 2, "exp argument in range");
  Expr below = 1 - sign[dbits + 1];
  Expr xc = b.select(below, Expr(lo_raw), x.raw, "clamp below");
  // x = k ln 2 + t, |t| < 1/2; k - kmin in nb bits gives 2^(k - kmin) directly.
  const unsigned nb = bit_length(static_cast<std::uint64_t>(kmax - kmin));
  Expr k = b.hint1("exp reduction", std::span<const Expr>(&xc, 1),
                   [F, ln2](std::span<const Fr> v, std::span<Fr> out) {
                     // Clamped: far outside the format the range check of k rejects the input anyway.
                     long double kk = std::clamp(std::nearbyint(decode(v[0], F) / ln2), -1000.0L, 1000.0L);
                     out[0] = kk < 0 ? -Fr::from_u64(static_cast<std::uint64_t>(-kk))
                                     : Fr::from_u64(static_cast<std::uint64_t>(kk));
                   });
  auto kbits = b.to_bits(k - kmin, nb, "exp argument within the format");
  Expr p = pow2_of_bits(b, kbits);
  const unsigned pbits = (1u << nb) - 1;
  // t at S + 8 fractional bits (ln 2 to that precision), then rounded to S.
  Expr t_wide = xc * pow2(kGuard + 8) - k * encode(ln2, S + 8);
  const unsigned twide_bits = std::max(dbits + kGuard + 8, S + 8 + nb) + 1;
  Expr t = round_shift(b, t_wide, twide_bits, 8, S - 1, "exp reduced argument below 1/2");
  // e^t = f(u) with u = 2t in [-1, 1].
  auto fit =
      cheb_fits({[](long double u) { return std::exp(u / 2); }}, std::ldexp(1.0L, -static_cast<int>(S) + 2));
  Fixed e = clenshaw(b, t * Fr::from_u64(2), S, constant_series(fit[0], S));
  // result = e 2^k = e_raw p / 2^(S - F - kmin).
  need(e.bits + pbits + 1 <= kMaxProductBits, "format too wide for exp");
  Expr ep = b.mul(e.raw, p, "scale by 2^k");
  Expr r = round_shift(b, ep, e.bits + pbits, kGuard + static_cast<unsigned>(-kmin), I + F,
                       "exp result within the format");
  return {b.select(below, Expr(0), r, "zero below the range"), F, I + F};
}

Fixed ln(Builder& b, const Fixed& x, const Format& fmt) {
  check(fmt);
  same_frac(x, fmt);
  const unsigned F = fmt.frac_bits, S = F + kGuard;
  const long double ln2 = std::numbers::ln2_v<long double>;
  auto sc = b.scope("fixed ln");
  // x = m 2^k with m in [1, 2): k in [-F, x.bits - F].
  const int kmin = -static_cast<int>(F);
  const int kmax = static_cast<int>(x.bits) - static_cast<int>(F);
  const unsigned span = static_cast<unsigned>(kmax - kmin);
  const unsigned nb = std::max(1u, bit_length(span));
  need(x.bits + S + 2 <= kMaxProductBits, "operand too wide for ln");
  Expr k_off =
      b.hint1("ln exponent", std::span<const Expr>(&x.raw, 1), [F](std::span<const Fr> v, std::span<Fr> out) {
        SInt t = to_signed(v[0]);
        if (t.neg || ff::is_zero(t.mag)) throw Error(Errc::unsatisfied, "logarithm of a non-positive number");
        out[0] = Fr::from_u64(ff::bit_length(t.mag) - 1);  // k + F
      });
  auto kbits = b.to_bits(k_off, nb, "ln exponent in range");
  Expr p = pow2_of_bits(b, kbits);  // 2^(k - kmin)
  // x_raw 2^S = m_raw p + rem, m_raw in [2^S, 2^(S+1)), 0 <= rem < p (p <= 2^(span+1)).
  Expr big = x.raw * pow2(S);
  std::vector<Expr> in{big, p};
  Expr m = b.hint1("ln mantissa", in, [](std::span<const Fr> v, std::span<Fr> out) {
    SInt t = to_signed(v[0]);
    if (t.neg) throw Error(Errc::unsatisfied, "logarithm of a non-positive number");
    out[0] = from_signed(floor_div(t, v[1].to_canonical()));
  });
  Expr rem = big - b.mul(m, p, "mantissa times 2^k");
  b.assert_range(m - pow2(S), S, "ln of a positive number: mantissa in [1, 2)");
  b.assert_range(rem, span + 1, "ln mantissa remainder");
  b.assert_range(p - 1 - rem, span + 1, "ln mantissa remainder below 2^k");
  // ln m = f(u), u = 2m - 3 in [-1, 1).
  auto fit = cheb_fits({[](long double u) { return std::log(1.5L + u / 2); }},
                       std::ldexp(1.0L, -static_cast<int>(S) + 2));
  Fixed lnm = clenshaw(b, m * Fr::from_u64(2) - pow2(S) * Fr::from_u64(3), S, constant_series(fit[0], S));
  Expr k = k_off - static_cast<std::int64_t>(F);
  Expr total = lnm.raw + k * encode(ln2, S);
  const long double maxabs = (static_cast<long double>(std::max(-kmin, kmax)) + 1) * ln2;
  const unsigned out_bits = bits_for(maxabs + 1, F);
  return {round_shift(b, total, bits_for(maxabs + 2, S), kGuard, out_bits, "ln result in range"), F,
          out_bits};
}

Fixed normal_cdf(Builder& b, const Fixed& x, const Format& fmt) {
  check(fmt);
  same_frac(x, fmt);
  const unsigned F = fmt.frac_bits, S = F + kGuard;
  need(F >= 2 && F <= 48, "normal_cdf needs 2..48 fractional bits");
  auto sc = b.scope("fixed normal_cdf");
  const unsigned xb = x.bits;
  // |x| from the sign; then |x|'s bits: 16 segments of width 1/2 cover [0, 8), beyond is 1.
  need(xb + 3 <= 250, "operand too wide for normal_cdf");
  // x + 2^(xb+1) lies in [2^xb, 3 2^xb]: bit xb + 1 is set exactly when x >= 0.
  auto sbits = b.to_bits(x.raw + pow2(xb + 1), xb + 2, "normal_cdf argument in range");
  Expr nonneg = sbits[xb + 1];
  Expr a = b.select(nonneg, x.raw, -x.raw, "absolute value");
  auto abits = b.to_bits(a, xb + 1, "absolute value in range");
  std::vector<Expr> high(abits.begin() + std::min<std::size_t>(F + 3, abits.size()), abits.end());
  Expr none_high(1);
  for (const auto& h : high) none_high = b.mul(none_high, 1 - h, "argument below 8");
  std::vector<Expr> seg;
  for (unsigned i = F - 1; i < F + 3; ++i) seg.push_back(i < abits.size() ? abits[i] : Expr(0));
  Expr low;
  for (unsigned i = 0; i + 1 < F && i < abits.size(); ++i) low += abits[i] * pow2(i);
  // u = low / 2^(F-2) - 1 in [-1, 1) at S fractional bits.
  Expr u = low * pow2(kGuard + 2) - pow2(S);
  std::vector<std::function<long double(long double)>> fs;
  for (int j = 0; j < 16; ++j) {
    fs.emplace_back([j](long double v) {
      return 0.5L * std::erfc(-(0.5L * j + 0.25L * (v + 1)) / std::numbers::sqrt2_v<long double>);
    });
  }
  auto fits = cheb_fits(fs, std::ldexp(1.0L, -static_cast<int>(S) + 2));
  // Multilinear selection over the 4 segment bits: the products of bit subsets (11 constraints),
  // then each coefficient is a free combination of them (Moebius transform of the table).
  std::vector<Expr> mono(16);
  for (unsigned T = 0; T < 16; ++T) {
    Expr m(1);
    for (unsigned i = 0; i < 4; ++i) {
      if (T & (1u << i)) m = b.mul(m, seg[i], "segment selection");
    }
    mono[T] = m;
  }
  Series series;
  const std::size_t deg = fits[0].size();
  for (std::size_t k = 0; k < deg; ++k) {
    std::vector<Fr> a_coef(16);
    long double mx = 0;
    for (unsigned j = 0; j < 16; ++j) {
      a_coef[j] = encode(fits[j][k], S);
      mx = std::max(mx, std::fabs(fits[j][k]));
    }
    for (unsigned i = 0; i < 4; ++i) {
      for (unsigned T = 0; T < 16; ++T) {
        if (T & (1u << i)) a_coef[T] = a_coef[T] - a_coef[T ^ (1u << i)];
      }
    }
    Expr c;
    for (unsigned T = 0; T < 16; ++T) c += mono[T] * a_coef[T];
    series.coeffs.push_back(c);
    series.maxabs.push_back(mx);
  }
  Fixed v = clenshaw(b, u, S, series);
  Expr val = b.select(none_high, v.raw, Expr(pow2(S)), "saturate at 1");
  Expr phi = round_shift(b, val, S + 2, kGuard, F + 2, "normal_cdf result in range");
  return {b.select(nonneg, phi, pow2(F) - phi, "reflect for negative x"), F, F + 2};
}

}  // namespace pm::gadgets::fixed
