#include "gadgets/fixed.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <span>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "ff/signed.hpp"

namespace pm::gadgets::fixed {
namespace {

using ff::u256;

constexpr unsigned kGuard = 10;            // extra fractional bits inside exp, ln and normal_cdf
constexpr unsigned kMaxProductBits = 245;  // |intermediate| < 2^245 << r / 2: no wrap-around

__extension__ typedef unsigned __int128 u128;

// A table constant: round(c * 2^96), sign and magnitude.
struct Q96 {
  bool neg;
  std::uint64_t hi, lo;
  constexpr u128 mag() const { return (static_cast<u128>(hi) << 64) | lo; }
};

#include "gadgets/fixed_tables.inc"

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
unsigned bit_length(u128 v) {
  const auto hi = static_cast<std::uint64_t>(v >> 64);
  return hi != 0 ? 64 + bit_length(hi) : bit_length(static_cast<std::uint64_t>(v));
}

Fr from_u128(u128 m, bool neg) {
  Fr f = Fr::from_canonical_reduced(
      u256{static_cast<std::uint64_t>(m), static_cast<std::uint64_t>(m >> 64), 0, 0});
  return neg ? -f : f;
}

// round(m / 2^sh), halves away from zero on the magnitude.
u128 round_down_shift(u128 m, unsigned sh) {
  return sh == 0 ? m : (m + (static_cast<u128>(1) << (sh - 1))) >> sh;
}

// A table value (times k) at s fractional bits, s <= 96: integer arithmetic only.
Fr encode_q(const Q96& q, unsigned s, std::uint64_t k = 1) {
  return from_u128(round_down_shift(q.mag() * k, 96 - s), q.neg);
}

// The smallest k >= 0 with 2^k >= bound * 2^s, the bound given as an integer over 2^96 (so the
// circuit's bounds never depend on floating point).
unsigned bits_for_q(u128 bound_q, unsigned s) {
  const unsigned m = bound_q > 1 ? bit_length(bound_q - 1) : 0;  // smallest m with 2^m >= bound_q
  return m + s > 96 ? m + s - 96 : 0;
}

constexpr u128 kOneQ = static_cast<u128>(1) << 96;

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
                 std::string_view label, std::string_view hint_name = "fixed round") {
  if (s == 0) return v;
  need(vbits + 1 <= kMaxProductBits && out_bits + s + 2 <= kMaxProductBits, "intermediate value too wide");
  Expr q = b.hint1(hint_name, std::span<const Expr>(&v, 1), [s](std::span<const Fr> in, std::span<Fr> out) {
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

// -- Chebyshev series on [-1, 1] from the tables (fixed_tables.inc).
struct Table {
  std::span<const Q96> c;
  const Q96& tail;  // bounds the sum of |c_k| past the table
};

// The lowest degree n (>= 2) at which truncating every table keeps the error, sum_(k > n) |c_k|,
// within 2^(2 - S): 4 units of the series' own resolution, as the fits met before.
std::size_t series_degree(std::span<const Table> tables, unsigned S) {
  const u128 target = static_cast<u128>(1) << (98 - S);
  for (std::size_t n = 2;; ++n) {
    bool ok = true, any_left = false;
    for (const auto& t : tables) {
      u128 rest = t.tail.mag();
      for (std::size_t k = n + 1; k < t.c.size(); ++k) rest += t.c[k].mag();
      ok = ok && rest <= target;
      any_left = any_left || n + 1 < t.c.size();
    }
    if (ok) return n;
    if (!any_left)
      throw Error(Errc::invalid_argument, "fixed point: the series tables do not reach the precision");
  }
}

// Clenshaw's recurrence for sum c_k T_k(u) at fractional bits S, |u| <= 1 (|u_raw| <= 2^S).
// coeffs[k] are expressions of raw coefficients (constants, or selected by segment bits);
// maxabs[k] bounds them (over 2^96).
struct Series {
  std::vector<Expr> coeffs;
  std::vector<u128> maxabs;
};

Expr clenshaw(Builder& b, const Expr& u, unsigned S, const Series& s, unsigned& out_bits) {
  const std::size_t n = s.coeffs.size() - 1;
  // b_k = sum_{j>=k} c_j U_{j-k}(u) and |U_m| <= m + 1 bound every intermediate (plus slack
  // for the roundings).
  auto bound = [&](std::size_t k) {
    u128 t = kOneQ;
    for (std::size_t j = k; j <= n; ++j) t += s.maxabs[j] * static_cast<u128>(j - k + 1);
    return t;
  };
  Expr b1, b2;  // b_{k+1}, b_{k+2}
  unsigned b1bits = 0;
  for (std::size_t k = n; k >= 1; --k) {
    Expr t = s.coeffs[k] - b2;
    if (!b1.is_constant() || !b1.constant().is_zero()) {
      unsigned ob = bits_for_q(2 * bound(k + 1) + kOneQ, S);
      t += round_shift(b, b.mul(u, b1, "series step"), S + b1bits, S - 1, ob, "series term in range");
    }
    b2 = b1;
    b1 = t;
    b1bits = bits_for_q(bound(k), S);
  }
  Expr last = s.coeffs[0] - b2;
  unsigned ob = bits_for_q(bound(1) + kOneQ, S);
  last += round_shift(b, b.mul(u, b1, "series step"), S + b1bits, S, ob, "series term in range");
  out_bits = bits_for_q(bound(0) + kOneQ, S);
  return last;
}

Series constant_series(const Table& t, unsigned S) {
  const std::size_t n = series_degree(std::span<const Table>(&t, 1), S);
  Series s;
  for (std::size_t k = 0; k <= n; ++k) {
    s.coeffs.emplace_back(encode_q(t.c[k], S));
    s.maxabs.push_back(t.c[k].mag());
  }
  return s;
}

// A piecewise series: segment j = sum 2^i seg[i] (seg boolean) uses tables[j], all at the degree
// the worst of them needs. Multilinear selection over the bits: the products of bit subsets, then
// each coefficient is a free combination of them (Moebius transform of the tables).
Series segment_series(Builder& b, std::span<const Expr> seg, std::span<const Table> tables, unsigned S) {
  const std::size_t n = tables.size();
  PM_ASSERT(n == (std::size_t{1} << seg.size()));
  const std::size_t degree = series_degree(tables, S);
  // mono[T] = the product of the bits in T, each from the subset without T's top bit: one
  // product per subset of two or more bits (11 for four bits).
  std::vector<Expr> mono(n);
  mono[0] = Expr(1);
  for (unsigned T = 1; T < n; ++T) {
    const unsigned top = 31 - static_cast<unsigned>(__builtin_clz(T));
    mono[T] = b.mul(mono[T ^ (1u << top)], seg[top], "segment selection");
  }
  Series series;
  for (std::size_t k = 0; k <= degree; ++k) {
    std::vector<Fr> a_coef(n);
    u128 mx = 0;
    for (unsigned j = 0; j < n; ++j) {
      if (k >= tables[j].c.size()) continue;  // beyond the table: 0
      a_coef[j] = encode_q(tables[j].c[k], S);
      mx = std::max(mx, tables[j].c[k].mag());
    }
    for (unsigned i = 0; i < seg.size(); ++i) {
      for (unsigned T = 0; T < n; ++T) {
        if (T & (1u << i)) a_coef[T] = a_coef[T] - a_coef[T ^ (1u << i)];
      }
    }
    Expr c;
    for (unsigned T = 0; T < n; ++T) c += mono[T] * a_coef[T];
    series.coeffs.push_back(c);
    series.maxabs.push_back(mx);
  }
  return series;
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
  need(a.frac() == fmt.frac_bits, "operand has " + std::to_string(a.frac()) +
                                      " fractional bits, the format " + std::to_string(fmt.frac_bits));
}

}  // namespace

// The one maker of Fixed values (the class's friend): every bound it is given is proven by the
// constraints of the function that calls it.
struct Access {
  static Fixed make(Builder* b, Expr raw, const Format& fmt, unsigned bits) {
    return Fixed(b, std::move(raw), fmt, bits);
  }
};

namespace {

Fixed make(Builder& b, Expr raw, const Format& fmt, unsigned bits) {
  return Access::make(&b, std::move(raw), fmt, bits);
}

// The builder of a or b; operations on two constants that need constraints have none.
Builder& builder_of(const Fixed& a, const Fixed* b, const char* op) {
  if (a.builder() != nullptr) return *a.builder();
  if (b != nullptr && b->builder() != nullptr) return *b->builder();
  throw Error(Errc::invalid_argument, std::string("fixed point: ") + op +
                                          " of constants needs a builder (use fixed::" + op + "(b, ...))");
}

// The format of an operation on a and b: equal fractional bits, the wider integer part.
Format joint(const Fixed& a, const Fixed& b, const char* what) {
  need(a.frac() == b.frac(), std::string(what) + " values of different scales");
  return {a.frac(), std::max(a.format().int_bits, b.format().int_bits)};
}

Builder* any_builder(const Fixed& a, const Fixed& b) {
  return a.builder() != nullptr ? a.builder() : b.builder();
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

namespace {

// a = a * m + add; false on overflow past 256 bits.
bool mul_add_small(u256& a, std::uint64_t m, std::uint64_t add) {
  u128 carry = add;
  for (auto& limb : a) {
    const u128 t = static_cast<u128>(limb) * m + carry;
    limb = static_cast<std::uint64_t>(t);
    carry = t >> 64;
  }
  return carry == 0;
}

}  // namespace

Fr encode_decimal(std::string_view text, unsigned frac) {
  const std::string what = "decimal `" + std::string(text.substr(0, 60)) + "`";
  auto bad = [&](const char* why) { return Error(Errc::invalid_argument, what + ": " + why); };
  std::size_t i = 0;
  bool neg = false;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) neg = text[i++] == '-';
  u256 mant{};
  int exp10 = 0, significant = 0;
  bool dot = false, any = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '.' && !dot) {
      dot = true;
      continue;
    }
    if (c < '0' || c > '9') break;
    any = true;
    if (significant > 0 || c != '0') ++significant;
    if (significant > 38) throw bad("more than 38 significant digits");
    (void)mul_add_small(mant, 10, static_cast<std::uint64_t>(c - '0'));
    if (dot) --exp10;
  }
  if (!any) throw bad("no digits");
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool eneg = false;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) eneg = text[i++] == '-';
    int e = 0;
    bool edigits = false;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
      e = e * 10 + (text[i] - '0');
      edigits = true;
      if (e > 400) throw bad("exponent out of range");
    }
    if (!edigits) throw bad("no exponent digits");
    exp10 += eneg ? -e : e;
  }
  if (i != text.size()) throw bad("unexpected character");
  // value = mant 10^exp10; raw = round(mant 10^exp10 2^frac).
  u256 num = mant;
  for (unsigned k = 0; k < frac; ++k) {
    if (!mul_add_small(num, 2, 0)) throw Error(Errc::out_of_range, what + " does not fit in 126 bits");
  }
  for (; exp10 > 0; --exp10) {
    if (!mul_add_small(num, 10, 0)) throw Error(Errc::out_of_range, what + " does not fit in 126 bits");
  }
  u256 q = num;
  if (exp10 < 0) {
    if (-exp10 > 75) {
      q = u256{};  // below 10^(38 - 75) 2^64: rounds to 0
    } else {
      u256 den{1, 0, 0, 0};
      for (int k = 0; k < -exp10; ++k) (void)mul_add_small(den, 10, 0);
      u256 rem;
      q = ff::udiv(num, den, &rem);
      // Halves away from zero: round up when 2 rem >= den.
      u256 twice = rem;
      if (!mul_add_small(twice, 2, 0) || !ff::lt(twice, den)) (void)mul_add_small(q, 1, 1);
    }
  }
  if (ff::bit_length(q) > 126) throw Error(Errc::out_of_range, what + " does not fit in 126 bits");
  return from_signed({neg && !ff::is_zero(q), q});
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
  return make(b, raw, fmt, w);
}

Fixed constant(long double v, const Format& fmt) {
  check(fmt);
  Fr raw = encode(v, fmt.frac_bits);
  return Access::make(nullptr, Expr(raw), fmt, bits_for(std::fabs(v) + 1, fmt.frac_bits));
}

Fixed constant_ratio(std::int64_t num, std::uint64_t den, const Format& fmt) {
  check(fmt);
  need(den > 0, "constant_ratio with a zero denominator");
  const std::uint64_t mag = num < 0 ? 0 - static_cast<std::uint64_t>(num) : static_cast<std::uint64_t>(num);
  // round(|num| 2^F / den), halves away from zero, without overflow: |num| 2^F < 2^128, and the
  // remainder test compares rem with den - rem.
  const u128 scaled = static_cast<u128>(mag) << fmt.frac_bits;
  u128 q = scaled / den;
  const u128 rem = scaled % den;
  if (rem >= den - rem) ++q;
  need(q < (static_cast<u128>(1) << 126), "constant does not fit in 126 bits");
  // The bound is the value's own bit length (|raw| < 2^bits), as for constant_decimal.
  const unsigned bits = std::max(1u, bit_length(q));
  return Access::make(nullptr, Expr(from_u128(q, num < 0)), fmt, bits);
}

Fixed constant_decimal(std::string_view text, const Format& fmt) {
  check(fmt);
  const Fr raw = encode_decimal(text, fmt.frac_bits);
  const SInt v = to_signed(raw);
  // |raw| <= 2^bits: bits = the magnitude's bit length (a power of two needs no more).
  const unsigned bits = std::max(1u, ff::bit_length(v.mag));
  return Access::make(nullptr, Expr(raw), fmt, bits);
}

Fixed narrow(Builder& b, const Fixed& a, const Format& fmt) {
  same_frac(a, fmt);
  const unsigned w = fmt.int_bits + fmt.frac_bits;
  if (a.bits() <= w) return Access::make(a.builder(), a.raw(), fmt, a.bits());
  range_signed(b, a.raw(), w, "fixed-point value within the format");
  return make(b, a.raw(), fmt, w);
}

// Bounds past 2^240 could wrap around the field in later steps: refuse them when building.
unsigned capped(unsigned bits) {
  need(bits <= 240, "value too wide (over 240 bits): narrow() the operands first");
  return bits;
}

Fixed add(const Fixed& a, const Fixed& b) {
  Format f = joint(a, b, "adding");
  return Access::make(any_builder(a, b), a.raw() + b.raw(), f, capped(std::max(a.bits(), b.bits()) + 1));
}

Fixed sub(const Fixed& a, const Fixed& b) {
  Format f = joint(a, b, "subtracting");
  return Access::make(any_builder(a, b), a.raw() - b.raw(), f, capped(std::max(a.bits(), b.bits()) + 1));
}

Fixed neg(const Fixed& a) { return Access::make(a.builder(), -a.raw(), a.format(), a.bits()); }

Fixed mul_int(const Fixed& a, std::int64_t k) {
  const std::uint64_t mag = k < 0 ? 0 - static_cast<std::uint64_t>(k) : static_cast<std::uint64_t>(k);
  Fr f = k < 0 ? -Fr::from_u64(mag) : Fr::from_u64(mag);
  return Access::make(a.builder(), a.raw() * f, a.format(), capped(a.bits() + bit_length(mag)));
}

Fixed mul(Builder& b, const Fixed& x, const Fixed& y, const Format& fmt, std::string_view hint_name) {
  check(fmt);
  same_frac(x, fmt), same_frac(y, fmt);
  const unsigned w = fmt.int_bits + fmt.frac_bits, F = fmt.frac_bits;
  const unsigned pbits = x.bits() + y.bits();
  need(pbits + 1 <= kMaxProductBits, "operands too wide to multiply: narrow() them first");
  auto s = b.scope("fixed mul");
  Expr p = b.mul(x.raw(), y.raw(), "product");
  unsigned out = std::min(w, pbits > F ? pbits - F + 1 : 1u);
  return make(b, round_shift(b, p, pbits, F, out, "product within the format", hint_name), fmt, out);
}

Fixed dot(Builder& b, std::span<const Fixed> xs, std::span<const Fixed> ys, const Format& fmt) {
  check(fmt);
  need(!xs.empty() && xs.size() == ys.size(), "dot: two lists of equal, non-zero length");
  const unsigned w = fmt.int_bits + fmt.frac_bits, F = fmt.frac_bits;
  auto s = b.scope("fixed dot");
  unsigned pbits = 0;
  Expr sum(0);
  for (std::size_t i = 0; i < xs.size(); ++i) {
    same_frac(xs[i], fmt), same_frac(ys[i], fmt);
    pbits = std::max(pbits, xs[i].bits() + ys[i].bits());
    sum += b.mul(xs[i].raw(), ys[i].raw(), "product");
  }
  unsigned n = 0;
  while ((std::size_t{1} << n) < xs.size()) ++n;
  pbits += n;  // |sum| <= count 2^pbits <= 2^(pbits + n), n = ceil(log2 count)
  need(pbits + 1 <= kMaxProductBits, "operands too wide for dot: narrow() them first");
  unsigned out = std::min(w, pbits > F ? pbits - F + 1 : 1u);
  return make(b, round_shift(b, sum, pbits, F, out, "sum within the format"), fmt, out);
}

Fixed mul_to(Builder& b, const Fixed& x, const Fixed& y, const Format& fmt) {
  const Fixed xs[1] = {x}, ys[1] = {y};
  return dot_to(b, xs, ys, fmt);
}

Fixed dot_to(Builder& b, std::span<const Fixed> xs, std::span<const Fixed> ys, const Format& fmt) {
  check(fmt);
  need(!xs.empty() && xs.size() == ys.size(), "dot: two lists of equal, non-zero length");
  const unsigned sum_frac = xs[0].frac() + ys[0].frac();
  need(sum_frac >= fmt.frac_bits, "the result has more fractional bits than the operands' product");
  const unsigned w = fmt.int_bits + fmt.frac_bits, shift = sum_frac - fmt.frac_bits;
  auto s = b.scope("fixed dot");
  unsigned pbits = 0;
  Expr sum(0);
  for (std::size_t i = 0; i < xs.size(); ++i) {
    need(xs[i].frac() + ys[i].frac() == sum_frac, "dot: every pair at the same scale");
    pbits = std::max(pbits, xs[i].bits() + ys[i].bits());
    sum += b.mul(xs[i].raw(), ys[i].raw(), "product");
  }
  unsigned n = 0;
  while ((std::size_t{1} << n) < xs.size()) ++n;
  pbits += n;
  need(pbits + 1 <= kMaxProductBits, "operands too wide for dot: narrow() them first");
  unsigned out = std::min(w, pbits > shift ? pbits - shift + 1 : 1u);
  if (shift == 0) {
    if (pbits <= w) return make(b, sum, fmt, pbits);
    range_signed(b, sum, w, "sum within the format");
    return make(b, sum, fmt, w);
  }
  return make(b, round_shift(b, sum, pbits, shift, out, "sum within the format"), fmt, out);
}

Fixed rescale(Builder& b, const Fixed& x, const Format& fmt) {
  check(fmt);
  const unsigned w = fmt.int_bits + fmt.frac_bits;
  if (fmt.frac_bits >= x.frac()) {
    const unsigned up = fmt.frac_bits - x.frac();
    Fixed wide =
        Access::make(x.builder(), x.raw() * pow2(up), {fmt.frac_bits, fmt.int_bits}, capped(x.bits() + up));
    return narrow(b, wide, fmt);
  }
  const unsigned shift = x.frac() - fmt.frac_bits;
  auto s = b.scope("fixed rescale");
  unsigned out = std::min(w, x.bits() > shift ? x.bits() - shift + 1 : 1u);
  return make(b, round_shift(b, x.raw(), x.bits(), shift, out, "fixed-point value within the format"), fmt,
              out);
}

Fixed div(Builder& b, const Fixed& x, const Fixed& y, const Format& fmt) {
  check(fmt);
  same_frac(x, fmt), same_frac(y, fmt);
  const unsigned w = fmt.int_bits + fmt.frac_bits, F = fmt.frac_bits;
  auto s = b.scope("fixed div");
  // 1 <= y_raw <= 2^ybits.
  b.assert_range(y.raw() - 1, y.bits(), "divisor is positive");
  const unsigned nbits = x.bits() + F;
  Expr n = x.raw() * pow2(F);
  const unsigned qbits = std::min(w, nbits + 1);
  need(nbits + 3 <= kMaxProductBits && qbits + y.bits() + 3 <= kMaxProductBits,
       "operands too wide to divide");
  // q = round(n / y) = floor((2n + y) / 2y): 2n + y = 2 q y + rem, 0 <= rem < 2y.
  std::vector<Expr> in{n, y.raw()};
  Expr q = b.hint1("fixed div", in, [](std::span<const Fr> v, std::span<Fr> out) {
    SInt t = to_signed(v[0] + v[0] + v[1]);
    SInt d = to_signed(v[1] + v[1]);
    if (d.neg || ff::is_zero(d.mag))
      throw Error(Errc::unsatisfied, "fixed-point division by a non-positive number");
    out[0] = from_signed(floor_div(t, d.mag));
  });
  Expr qy = b.mul(q, y.raw(), "quotient times divisor");
  Expr rem = n * Fr::from_u64(2) + y.raw() - qy * Fr::from_u64(2);
  b.assert_range(rem, y.bits() + 2, "division remainder is non-negative");
  b.assert_range(y.raw() * Fr::from_u64(2) - 1 - rem, y.bits() + 2, "division remainder below the divisor");
  range_signed(b, q, qbits, "quotient within the format");
  return make(b, q, fmt, qbits);
}

Fixed sqrt(Builder& b, const Fixed& x, const Format& fmt) {
  check(fmt);
  same_frac(x, fmt);
  const unsigned F = fmt.frac_bits;
  auto s = b.scope("fixed sqrt");
  const unsigned xbits = x.bits() + F;
  need(xbits + 2 <= kMaxProductBits, "operand too wide for sqrt");
  Expr big = x.raw() * pow2(F);  // sqrt(x) 2^F = sqrt(x_raw 2^F)
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
  return make(b, y, fmt, ybits);
}

Fixed exp(Builder& b, const Fixed& x, const Format& fmt) {
  check(fmt);
  same_frac(x, fmt);
  const unsigned F = fmt.frac_bits, I = fmt.int_bits, S = F + kGuard;
  auto sc = b.scope("fixed exp");
  // Below lo = -(F + 3) ln 2 the result is under 1/8 ulp: return 0.
  const int kmin = -static_cast<int>(F) - 4, kmax = static_cast<int>(I) + 1;
  Fr lo_raw = -encode_q(kLn2, F, F + 3);
  // d = x - lo, |d| <= 2^dbits; d + 2^(dbits+1) has bit dbits + 1 set exactly when d >= 0.
  const unsigned dbits = std::max(x.bits(), bits_for_q(kLn2.mag() * (F + 3), F)) + 1;
  need(dbits + 3 <= 250 && x.bits() + kGuard + 8 + 2 <= kMaxProductBits, "operand too wide for exp");
  auto sign = b.to_bits(x.raw() - lo_raw + pow2(dbits + 1), dbits + 2, "exp argument in range");
  Expr below = 1 - sign[dbits + 1];
  Expr xc = b.select(below, Expr(lo_raw), x.raw(), "clamp below");
  // x = k ln 2 + t with t in [-ln 2 / 2, ln 2 / 2): a window exactly one ln 2 wide, so k is
  // unique (a looser |t| < 1/2 would let two values of k, and two results, pass). With L = ln 2
  // at S + 8 bits and X = x 2^(S + 8 - F): X - k L + floor(L / 2) in [0, L).
  const unsigned nb = bit_length(static_cast<std::uint64_t>(kmax - kmin));
  const u128 L = round_down_shift(kLn2.mag(), 96 - (S + 8));
  const u256 L256{static_cast<std::uint64_t>(L), static_cast<std::uint64_t>(L >> 64), 0, 0};
  const Fr L_fr = from_u128(L, false), half_L = from_u128(L / 2, false);
  Expr k = b.hint1("exp reduction", std::span<const Expr>(&xc, 1),
                   [L256, half_L](std::span<const Fr> v, std::span<Fr> out) {
                     // floor((X + floor(L / 2)) / L), exactly; far outside the format the range
                     // check of k rejects the input anyway.
                     SInt t = to_signed(v[0] * pow2(kGuard + 8) + half_L);
                     out[0] = from_signed(floor_div(t, L256));
                   });
  auto kbits = b.to_bits(k - kmin, nb, "exp argument within the format");
  Expr p = pow2_of_bits(b, kbits);
  const unsigned pbits = (1u << nb) - 1;
  // t at S + 8 fractional bits, then rounded to S.
  Expr t_wide = xc * pow2(kGuard + 8) - k * L_fr;
  const unsigned lbits = bit_length(L);  // L < 2^lbits
  b.assert_range(t_wide + half_L, lbits, "exp reduction window: k unique");
  b.assert_range(L_fr - Fr::one() - half_L - t_wide, lbits, "exp reduction window: k unique");
  const unsigned twide_bits = std::max(dbits + kGuard + 8, S + 8 + nb) + 1;
  Expr t = round_shift(b, t_wide, twide_bits, 8, S - 1, "exp reduced argument below 1/2");
  // e^t = f(u) with u = 2t in [-1, 1].
  unsigned ebits = 0;
  Expr e = clenshaw(b, t * Fr::from_u64(2), S, constant_series({kExpHalf, kExpHalf_tail}, S), ebits);
  // result = e 2^k = e_raw p / 2^(S - F - kmin).
  need(ebits + pbits + 1 <= kMaxProductBits, "format too wide for exp");
  Expr ep = b.mul(e, p, "scale by 2^k");
  Expr r = round_shift(b, ep, ebits + pbits, kGuard + static_cast<unsigned>(-kmin), I + F,
                       "exp result within the format");
  return make(b, b.select(below, Expr(0), r, "zero below the range"), fmt, I + F);
}

Fixed ln(Builder& b, const Fixed& x, const Format& fmt) {
  check(fmt);
  same_frac(x, fmt);
  const unsigned F = fmt.frac_bits, S = F + kGuard;
  auto sc = b.scope("fixed ln");
  // x = m 2^k with m in [1, 2): k in [-F, x.bits() - F].
  const int kmin = -static_cast<int>(F);
  const int kmax = static_cast<int>(x.bits()) - static_cast<int>(F);
  const unsigned span = static_cast<unsigned>(kmax - kmin);
  const unsigned nb = std::max(1u, bit_length(static_cast<std::uint64_t>(span)));
  need(x.bits() + S + 2 <= kMaxProductBits, "operand too wide for ln");
  Expr k_off = b.hint1("ln exponent", std::span<const Expr>(&x.raw(), 1),
                       [](std::span<const Fr> v, std::span<Fr> out) {
                         SInt t = to_signed(v[0]);
                         if (t.neg || ff::is_zero(t.mag))
                           throw Error(Errc::unsatisfied, "logarithm of a non-positive number");
                         out[0] = Fr::from_u64(ff::bit_length(t.mag) - 1);  // k + F
                       });
  auto kbits = b.to_bits(k_off, nb, "ln exponent in range");
  Expr p = pow2_of_bits(b, kbits);  // 2^(k - kmin)
  // x_raw 2^S = m_raw p + rem, m_raw in [2^S, 2^(S+1)), 0 <= rem < p (p <= 2^(span+1)).
  Expr big = x.raw() * pow2(S);
  std::vector<Expr> in{big, p};
  Expr m = b.hint1("ln mantissa", in, [](std::span<const Fr> v, std::span<Fr> out) {
    SInt t = to_signed(v[0]);
    if (t.neg) throw Error(Errc::unsatisfied, "logarithm of a non-positive number");
    out[0] = from_signed(floor_div(t, v[1].to_canonical()));
  });
  Expr rem = big - b.mul(m, p, "mantissa times 2^k");
  // m - 2^S in S bits: m in [1, 2). Its top two bits pick one of four segments of width 1/4;
  // the rest gives u in [-1, 1) within the segment (ln is analytic farther out relative to a
  // shorter segment: fewer terms).
  auto mbits = b.to_bits(m - pow2(S), S, "ln of a positive number: mantissa in [1, 2)");
  b.assert_range(rem, span + 1, "ln mantissa remainder");
  b.assert_range(p - 1 - rem, span + 1, "ln mantissa remainder below 2^k");
  Expr low;
  for (unsigned i = 0; i + 2 < S; ++i) low += mbits[i] * pow2(i);
  const Expr seg[2] = {mbits[S - 2], mbits[S - 1]};
  std::vector<Table> tables;
  for (int j = 0; j < 4; ++j) tables.push_back({{kLnSeg[j], kLnSegSize[j]}, *kLnSegTail[j]});
  unsigned lnm_bits = 0;
  Expr lnm = clenshaw(b, low * Fr::from_u64(8) - pow2(S), S, segment_series(b, seg, tables, S), lnm_bits);
  Expr k = k_off - static_cast<std::int64_t>(F);
  Expr total = lnm + k * encode_q(kLn2, S);
  // |result| <= (max |k| + 1) ln 2.
  const u128 maxabs = kLn2.mag() * static_cast<std::uint64_t>(std::max(-kmin, kmax) + 1);
  const unsigned out_bits = bits_for_q(maxabs + kOneQ, F);
  return make(
      b, round_shift(b, total, bits_for_q(maxabs + 2 * kOneQ, S), kGuard, out_bits, "ln result in range"),
      fmt, out_bits);
}

Fixed normal_cdf(Builder& b, const Fixed& x, const Format& fmt) {
  check(fmt);
  same_frac(x, fmt);
  const unsigned F = fmt.frac_bits, S = F + kGuard;
  need(F >= 2 && F <= 48, "normal_cdf needs 2..48 fractional bits");
  auto sc = b.scope("fixed normal_cdf");
  const unsigned xb = x.bits();
  // |x| from the sign; then |x|'s bits: 16 segments of width 1/2 cover [0, 8), beyond is 1.
  need(xb + 3 <= 250, "operand too wide for normal_cdf");
  // x + 2^(xb+1) lies in [2^xb, 3 2^xb]: bit xb + 1 is set exactly when x >= 0.
  auto sbits = b.to_bits(x.raw() + pow2(xb + 1), xb + 2, "normal_cdf argument in range");
  Expr nonneg = sbits[xb + 1];
  Expr a = b.select(nonneg, x.raw(), -x.raw(), "absolute value");
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
  std::vector<Table> tables;
  for (int j = 0; j < 16; ++j) tables.push_back({{kNormalCdf[j], kNormalCdfSize[j]}, *kNormalCdfTail[j]});
  Series series = segment_series(b, seg, tables, S);
  unsigned vbits = 0;
  Expr v = clenshaw(b, u, S, series, vbits);
  Expr val = b.select(none_high, v, Expr(pow2(S)), "saturate at 1");
  Expr phi = round_shift(b, val, S + 2, kGuard, F + 2, "normal_cdf result in range");
  return make(b, b.select(nonneg, phi, pow2(F) - phi, "reflect for negative x"), fmt, F + 2);
}

// -- Operators: the operands' builder and format.

Fixed operator+(const Fixed& a, const Fixed& b) { return add(a, b); }
Fixed operator-(const Fixed& a, const Fixed& b) { return sub(a, b); }
Fixed operator-(const Fixed& a) { return neg(a); }
Fixed operator*(const Fixed& a, std::int64_t k) { return mul_int(a, k); }
Fixed operator*(const Fixed& a, const Fixed& b) {
  return mul(builder_of(a, &b, "mul"), a, b, joint(a, b, "multiplying"));
}
Fixed operator/(const Fixed& a, const Fixed& b) {
  return div(builder_of(a, &b, "div"), a, b, joint(a, b, "dividing"));
}
Fixed sqrt(const Fixed& x) { return sqrt(builder_of(x, nullptr, "sqrt"), x, x.format()); }
Fixed exp(const Fixed& x) { return exp(builder_of(x, nullptr, "exp"), x, x.format()); }
Fixed ln(const Fixed& x) { return ln(builder_of(x, nullptr, "ln"), x, x.format()); }
Fixed normal_cdf(const Fixed& x) { return normal_cdf(builder_of(x, nullptr, "normal_cdf"), x, x.format()); }

// -- Signed comparison and selection.

Expr is_negative(const Fixed& a) {
  if (a.raw().is_constant()) return Expr(to_signed(a.raw().constant()).neg ? 1 : 0);
  Builder& b = *a.builder();
  const unsigned n = a.bits();
  need(n + 2 <= 250, "operand too wide to compare");
  auto sc = b.scope("fixed compare");
  // a + 2^(n+1) lies in [2^n, 3 2^n] since |a| <= 2^n (proven): its bit n + 1 is set exactly
  // when a >= 0, and the decomposition into n + 2 bits is unique.
  auto bits = b.to_bits(a.raw() + pow2(n + 1), n + 2, "compared value within its bound");
  return 1 - bits[n + 1];
}

Expr less_than(const Fixed& a, const Fixed& b) { return is_negative(sub(a, b)); }

Expr less_or_equal(const Fixed& a, const Fixed& b) { return 1 - is_negative(sub(b, a)); }

Fixed select(const Expr& cond, const Fixed& a, const Fixed& b) {
  Format f = joint(a, b, "selecting between");
  Builder* bl = any_builder(a, b);
  if (bl == nullptr) bl = cond.builder();
  const unsigned bits = std::max(a.bits(), b.bits());
  if (cond.is_constant()) {
    need(cond.constant().is_zero() || cond.constant().is_one(), "select condition is not boolean");
    const Fixed& pick = cond.constant().is_zero() ? b : a;
    return Access::make(bl, pick.raw(), f, bits);
  }
  return Access::make(bl, bl->select(cond, a.raw(), b.raw(), "fixed select"), f, bits);
}

Fixed max(const Fixed& a, const Fixed& b) { return select(less_than(a, b), b, a); }

Fixed min(const Fixed& a, const Fixed& b) { return select(less_than(a, b), a, b); }

Fixed abs(const Fixed& a) { return select(is_negative(a), neg(a), a); }

Fixed clamp(const Fixed& x, const Fixed& lo, const Fixed& hi) {
  if (lo.raw().is_constant() && hi.raw().is_constant()) {
    need(is_negative(sub(hi, lo)).constant().is_zero(), "clamp with lo > hi");
  }
  return min(max(x, lo), hi);
}

}  // namespace pm::gadgets::fixed
