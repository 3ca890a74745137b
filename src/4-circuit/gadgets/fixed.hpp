#pragma once
/// \file Signed fixed-point arithmetic in circuits.
///
/// A value v is the field element round(v * 2^F) (negative values as r - |.|), F the format's
/// fractional bits. Every `Fixed` carries a bound proven by its constraints, |raw| <= 2^bits, so
/// products and quotients can never wrap around the field: a gadget whose inputs are too wide
/// for that throws at build time (narrow() them first), and a result outside the format's range
/// (-2^I <= v < 2^I) fails a constraint. Results are range-checked to the format; sums and
/// differences are free and widen the bound by one bit.
///
/// Errors (1 ulp = 2^-F), asserted by fixed.test.cpp over grids and domain edges against exact
/// integer references (mul, div, sqrt) and long-double ones (exp, ln, normal_cdf); constraints
/// for F = I = 32 (also asserted), not counting the operands' own range checks:
///
/// | operation | constraints | maximum error | measured |
/// |---|---|---|---|
/// | add, sub, neg, mul_int | 0 | exact | |
/// | mul | 100 | 0.5 ulp (rounded to nearest) | 0.50 |
/// | div (divisor > 0) | 266 | 0.5 ulp | 0.50 |
/// | sqrt (x >= 0) | 105 | < 1 ulp (rounded down) | exact floor |
/// | exp | 1,153 | 0.75 ulp + 2^-(F+6) e^x (relative for large results) | 0.50 ulp + 2^-(F+7) e^x |
/// | ln (x > 0) | 1,043 | 0.75 ulp | 0.50 |
/// | normal_cdf | 1,026 | 0.75 ulp | 0.50 |
///
/// Domains are enforced by constraints, not only by the witness code: division by a
/// non-positive number, the square root of a negative number and the logarithm of a
/// non-positive number have no satisfying witness, nor has a result outside the format.
/// exp(x) for x below -(F + 3) ln 2 is 0 (the true value is below 1/8 ulp); normal_cdf(x) is
/// 0 or 1 for |x| >= 8 (within 2^-50 of the true value, below 1/4 ulp for F <= 48).
///
/// exp, ln and normal_cdf evaluate Chebyshev series (Clenshaw's recurrence) with F + 10
/// fractional bits inside. The coefficients are data (fixed_tables.inc, made by
/// scripts/gen_fixed_tables.py with mpmath), and the degree, every bound and every constant of the
/// R1CS are chosen with integer arithmetic: a circuit is the same on every host, compiler and libm.
///
/// Signed comparisons, min, max, abs, clamp and select (docs/CIRCUITS.md has their costs):
/// payoffs are max(S - K, 0), margins a max over scenarios.
///
/// A `Fixed` is made only by these functions, so its bound is always one its constraints prove
/// (an aggregate would let `Fixed{private_input, ...}` claim a bound nothing checks). It carries
/// its format and builder, so formulas read as formulas:
///   Fixed d1 = (ln(s / k) + (r + sigma * sigma * half) * t) / (sigma * sqrt(t));
/// (As one expression its constraints come in the compiler's evaluation order of operands, which
/// C++ leaves unspecified; one operation a statement fixes the R1CS across compilers.)

#include <cstdint>
#include <span>
#include <string_view>
#include <utility>

#include "circuit/builder.hpp"

namespace pm::gadgets::fixed {

using circuit::Builder;
using circuit::Expr;
using ff::Fr;

struct Format {
  unsigned frac_bits = 32;  ///< F: resolution 2^-F (1..64)
  unsigned int_bits = 32;   ///< I: |v| < 2^I (1..64); I + F <= 100
  friend bool operator==(const Format&, const Format&) = default;
};

struct Access;

class Fixed {
 public:
  /// The field element round(v * 2^frac()).
  const Expr& raw() const { return raw_; }
  unsigned frac() const { return fmt_.frac_bits; }
  /// |raw| <= 2^bits, proven by the constraints that made the value.
  unsigned bits() const { return bits_; }
  const Format& format() const { return fmt_; }
  /// Null for a constant.
  Builder* builder() const { return b_; }

 private:
  friend struct Access;
  Fixed(Builder* b, Expr raw, const Format& fmt, unsigned bits)
      : b_(b), raw_(std::move(raw)), fmt_(fmt), bits_(bits) {}
  Builder* b_;
  Expr raw_;
  Format fmt_;
  unsigned bits_;
};

/// round(v * 2^frac) as a field element; throws Error(Errc::out_of_range) if it needs more
/// than 126 bits.
Fr encode(long double v, unsigned frac);
/// A decimal ("-12.5", "0.0001", "1e-4", "2.5E+3") rounded to frac fractional bits (halves
/// away from zero) with integer arithmetic: exact and the same on every host. At most 38
/// significant digits; throws Error(Errc::invalid_argument) on malformed text and
/// Error(Errc::out_of_range) past 126 bits.
Fr encode_decimal(std::string_view text, unsigned frac);
/// The value of a raw field element read as a signed integer over 2^frac.
long double decode(const Fr& raw, unsigned frac);

/// Checks a format (throws Error(Errc::invalid_argument)).
void check(const Format& fmt);

/// A wire holding a raw fixed-point value (an input, say), range-checked to the format:
/// I + F + 2 constraints.
Fixed from_raw(Builder& b, const Expr& raw, const Format& fmt);
Fixed constant(long double v, const Format& fmt);
/// num / den rounded to the format's resolution with integer arithmetic (the same on every host,
/// unlike a long double literal); den > 0.
Fixed constant_ratio(std::int64_t num, std::uint64_t den, const Format& fmt);
/// A decimal constant (encode_decimal), e.g. 1/sqrt(2 pi) to 30 digits.
Fixed constant_decimal(std::string_view text, const Format& fmt);
/// Range-checks a value into the format (a wide sum, say); I + F + 2 constraints.
Fixed narrow(Builder& b, const Fixed& a, const Format& fmt);

Fixed add(const Fixed& a, const Fixed& b);
Fixed sub(const Fixed& a, const Fixed& b);
Fixed neg(const Fixed& a);
Fixed mul_int(const Fixed& a, std::int64_t k);

/// hint_name names the rounding's hint (SolveOptions::hint_overrides: a test can lie about one
/// product among many); it changes no constraint.
Fixed mul(Builder& b, const Fixed& x, const Fixed& y, const Format& fmt,
          std::string_view hint_name = "fixed round");
/// sum_i x_i y_i, rounded once (n products and one rounding: a position-weighted total costs a
/// constraint a term, not a multiplication a term); xs and ys of equal length, at least one.
Fixed dot(Builder& b, std::span<const Fixed> xs, std::span<const Fixed> ys, const Format& fmt);
/// Across scales: x at Fx and y at Fy fractional bits, the product rounded once (to nearest) to
/// fmt's F <= Fx + Fy bits; dot_to likewise for sum_i x_i y_i, every pair at the same Fx + Fy.
/// A price at 20 bits times a size at 48 read at 48, say, without a second rounding.
Fixed mul_to(Builder& b, const Fixed& x, const Fixed& y, const Format& fmt);
Fixed dot_to(Builder& b, std::span<const Fixed> xs, std::span<const Fixed> ys, const Format& fmt);
/// x at fmt's fractional bits: exact (a shift) when that is more, rounded to nearest when fewer,
/// and range-checked to the format either way.
Fixed rescale(Builder& b, const Fixed& x, const Format& fmt);
/// x / y; y > 0 is a constraint ("divisor is positive").
Fixed div(Builder& b, const Fixed& x, const Fixed& y, const Format& fmt);
/// floor(sqrt(x) * 2^F) / 2^F; x >= 0 is a constraint.
Fixed sqrt(Builder& b, const Fixed& x, const Format& fmt);
Fixed exp(Builder& b, const Fixed& x, const Format& fmt);
/// Natural logarithm; x > 0 is a constraint.
Fixed ln(Builder& b, const Fixed& x, const Format& fmt);
/// The standard normal distribution function Phi(x).
Fixed normal_cdf(Builder& b, const Fixed& x, const Format& fmt);

// -- The same as operators and functions of the operands: the builder is the operands', the
// format theirs (equal fractional bits; the wider integer part). Two constants are an error
// for the operations that need constraints (Error(Errc::invalid_argument)).
Fixed operator+(const Fixed& a, const Fixed& b);
Fixed operator-(const Fixed& a, const Fixed& b);
Fixed operator-(const Fixed& a);
Fixed operator*(const Fixed& a, std::int64_t k);
Fixed operator*(const Fixed& a, const Fixed& b);
Fixed operator/(const Fixed& a, const Fixed& b);
Fixed sqrt(const Fixed& x);
Fixed exp(const Fixed& x);
Fixed ln(const Fixed& x);
Fixed normal_cdf(const Fixed& x);

// -- Signed comparison and selection. Results of the comparisons are boolean wires; constants
// compare at build time. Costs for operands bounded by n bits (docs/CIRCUITS.md).
/// [a < 0]: n + 3 constraints.
Expr is_negative(const Fixed& a);
/// [a < b]: n + 4 constraints (a - b is bounded by n + 1 bits).
Expr less_than(const Fixed& a, const Fixed& b);
/// [a <= b]: as less_than.
Expr less_or_equal(const Fixed& a, const Fixed& b);
/// cond ? a : b, cond boolean (asserted unless known): 1 constraint.
Fixed select(const Expr& cond, const Fixed& a, const Fixed& b);
/// less_than and a selection: n + 5 constraints.
Fixed max(const Fixed& a, const Fixed& b);
Fixed min(const Fixed& a, const Fixed& b);
/// |a|: n + 4 constraints; the bound stays a's.
Fixed abs(const Fixed& a);
/// min(max(x, lo), hi); lo <= hi is the caller's (checked at build time for constants).
Fixed clamp(const Fixed& x, const Fixed& lo, const Fixed& hi);

}  // namespace pm::gadgets::fixed
