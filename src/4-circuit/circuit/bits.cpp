// The builder's bit gadgets: decompositions, recomposition, zero tests, ranges and comparisons.
#include <algorithm>
#include <string>

#include "base/error.hpp"
#include "circuit/builder.hpp"
#include "circuit/state.hpp"

namespace pm::circuit {

std::vector<Expr> Builder::to_bits(const Expr& a, unsigned n, std::string_view label, Loc loc) {
  check_owner(a);
  if (n == 0 || n > 253) throw Error(Errc::invalid_argument, "to_bits: bit count must be in 1..253");
  if (a.is_constant()) {
    ff::u256 v = a.constant().to_canonical();
    if (ff::bit_length(v) > n) {
      throw Error(Errc::invalid_argument, "constant " + a.constant().to_decimal() + " does not fit in " +
                                              std::to_string(n) + " bits (" + label_of(label, "to_bits") +
                                              ")");
    }
    std::vector<Expr> bits;
    for (unsigned i = 0; i < n; ++i) bits.emplace_back(ff::bit(v, i) ? 1 : 0);
    return bits;
  }
  std::string what = label.empty() ? "value fits in " + std::to_string(n) + " bits" : std::string(label);
  return decompose(a, n, "to_bits", what, loc);
}

std::vector<Expr> Builder::decompose(const Expr& a, unsigned n, std::string_view hint_name,
                                     std::string_view sum_label, const Loc& loc) {
  auto bits =
      hint(hint_name, std::span<const Expr>(&a, 1), n, [n](std::span<const Fr> in, std::span<Fr> out) {
        ff::u256 v = in[0].to_canonical();
        for (unsigned i = 0; i < n; ++i) out[i] = ff::bit(v, i) ? Fr::one() : Fr::zero();
      });
  Expr sum;
  Fr p = Fr::one();
  const Fr two = Fr::from_u64(2);
  for (unsigned i = 0; i < n; ++i) {
    add_constraint(bits[i], bits[i] - 1, Expr(), "bit is boolean", loc);
    mark_boolean(bits[i]);
    sum += bits[i] * p;
    p *= two;
  }
  add_linear(sum - a, sum_label, loc);
  return bits;
}

std::vector<Expr> Builder::to_bits_strict(const Expr& a, std::string_view label, Loc loc) {
  check_owner(a);
  constexpr unsigned n = 254;
  if (a.is_constant()) {
    ff::u256 v = a.constant().to_canonical();
    std::vector<Expr> bits;
    for (unsigned i = 0; i < n; ++i) bits.emplace_back(ff::bit(v, i) ? 1 : 0);
    return bits;
  }
  auto bits = decompose(a, n, "to_bits_strict", label.empty() ? "bits sum to the value" : label, loc);
  ff::u256 r_minus_1 = Fr::kModulus;
  r_minus_1[0] -= 1;  // r is odd
  assert_bits_at_most(bits, r_minus_1, label.empty() ? "bits are canonical (below r)" : label, loc);
  return bits;
}

void Builder::assert_bits_at_most(std::span<const Expr> bits, const ff::u256& c, std::string_view label,
                                  Loc loc) {
  // Scan from the top bit down, keeping `eq` = 1 while the bits seen so far equal c's. Where c
  // has a 1, eq *= bit (a 0 bit there makes the number smaller: eq drops to 0). Where c has a 0,
  // a 1 bit while eq is still 1 would make the number larger: eq * bit = 0.
  std::string what = label.empty() ? "bits at most the constant" : std::string(label);
  for (std::size_t i = 0; i < bits.size(); ++i) {
    check_owner(bits[i]);
    if (!is_boolean(bits[i])) {
      throw Error(Errc::invalid_argument, "assert_bits_at_most (" + what + "): bit " + std::to_string(i) +
                                              " is not constrained boolean (take bits from to_bits, or "
                                              "assert_boolean them first)");
    }
  }
  if (ff::bit_length(c) > bits.size()) return;  // every value of the bits is below c
  Expr eq(1);
  for (std::size_t i = bits.size(); i-- > 0;) {
    check_owner(bits[i]);
    bool c_bit = i < 256 && ff::bit(c, static_cast<unsigned>(i));
    if (c_bit) {
      eq = mul(eq, bits[i], what, loc);
    } else if (eq.is_constant()) {
      if (!eq.constant().is_zero()) assert_equal(bits[i], Expr(0), what, loc);
    } else {
      add_constraint(eq, bits[i], Expr(), what, loc);
    }
  }
}

Expr Builder::from_bits(std::span<const Expr> bits, std::string_view label, Loc loc) {
  Expr sum;
  Fr p = Fr::one();
  const Fr two = Fr::from_u64(2);
  for (const auto& b : bits) {
    assert_boolean(b, label.empty() ? "bit is boolean" : label, loc);
    sum += b * p;
    p *= two;
  }
  return sum;
}

Expr Builder::is_zero(const Expr& a, std::string_view label, Loc loc) {
  check_owner(a);
  if (a.is_constant()) return Expr(a.constant().is_zero() ? 1 : 0);
  Expr inv = hint1("is_zero", std::span<const Expr>(&a, 1), [](std::span<const Fr> in, std::span<Fr> out) {
    out[0] = in[0].is_zero() ? Fr::zero() : in[0].inverse();
  });
  // p = a * inv is 1 when a != 0; a * (1 - p) = 0 forces p = 1 then, and p = 0 when a = 0.
  Expr p = product_wire(a, inv, label.empty() ? "is_zero" : label, loc);
  add_constraint(a, 1 - p, Expr(), label.empty() ? "is_zero" : label, loc);
  mark_boolean(p);
  return 1 - p;
}

Bounded Builder::assert_range(const Expr& a, unsigned n, std::string_view label, Loc loc) {
  (void)to_bits(a, n, label.empty() ? "value fits in " + std::to_string(n) + " bits" : label, loc);
  return Bounded(a, n);
}

Bounded Builder::assert_range(const Bounded& a, unsigned n, std::string_view label, Loc loc) {
  check_owner(a.expr());
  if (a.bits() <= n) return a;
  return assert_range(a.expr(), n, label, loc);
}

Bounded operator+(const Bounded& a, const Bounded& b) {
  const unsigned bits = std::max(a.bits(), b.bits()) + 1;
  if (bits > 253) throw Error(Errc::invalid_argument, "a sum of bounded values would exceed 253 bits");
  return Bounded(a.expr() + b.expr(), bits);
}

void Builder::check_comparable(unsigned n, const char* what) const {
  if (n == 0 || n > 252) {
    throw Error(Errc::invalid_argument,
                std::string(what) + ": operands must be bounded by 1..252 bits, not " + std::to_string(n));
  }
}

Expr Builder::less_than_unchecked(const Expr& a, const Expr& b, unsigned n, std::string_view label, Loc loc) {
  check_comparable(n, "less_than");
  // a + 2^n - b lies in [1, 2^(n+1)) for a, b in [0, 2^n); its bit n is 1 exactly when a >= b.
  auto bits = to_bits(a + pow2(n) - b, n + 1, label.empty() ? "comparison operands in range" : label, loc);
  return 1 - bits[n];
}

void Builder::assert_less_than_unchecked(const Expr& a, const Expr& b, unsigned n, std::string_view label,
                                         Loc loc) {
  check_comparable(n, "assert_less_than");
  // For a, b in [0, 2^n): b - a - 1 is in [0, 2^n) exactly when a < b; otherwise it wraps to
  // at least r - 2^n, far outside n bits.
  (void)assert_range(b - a - 1, n, label.empty() ? "a < b" : label, loc);
}

Expr Builder::less_than(const Bounded& a, const Bounded& b, std::string_view label, Loc loc) {
  return less_than_unchecked(a, b, std::max(a.bits(), b.bits()), label, loc);
}

Expr Builder::less_or_equal(const Bounded& a, const Bounded& b, std::string_view label, Loc loc) {
  // a <= b  <=>  not (b < a).
  return 1 - less_than(b, a, label, loc);
}

void Builder::assert_less_than(const Bounded& a, const Bounded& b, std::string_view label, Loc loc) {
  assert_less_than_unchecked(a, b, std::max(a.bits(), b.bits()), label, loc);
}

void Builder::assert_less_or_equal(const Bounded& a, const Bounded& b, std::string_view label, Loc loc) {
  // a <= b  <=>  b - a in [0, 2^n): for a > b it wraps to at least r - 2^n.
  const unsigned n = std::max(a.bits(), b.bits());
  check_comparable(n, "assert_less_or_equal");
  (void)assert_range(b.expr() - a.expr(), n, label.empty() ? "a <= b" : label, loc);
}

Expr Builder::less_than(const Expr& a, const Expr& b, unsigned n, std::string_view label, Loc loc) {
  check_comparable(n, "less_than");
  return less_than(assert_range(a, n, "comparison operand a in range", loc),
                   assert_range(b, n, "comparison operand b in range", loc), label, loc);
}

Expr Builder::less_or_equal(const Expr& a, const Expr& b, unsigned n, std::string_view label, Loc loc) {
  check_comparable(n, "less_or_equal");
  return less_or_equal(assert_range(a, n, "comparison operand a in range", loc),
                       assert_range(b, n, "comparison operand b in range", loc), label, loc);
}

void Builder::assert_less_than(const Expr& a, const Expr& b, unsigned n, std::string_view label, Loc loc) {
  check_comparable(n, "assert_less_than");
  assert_less_than(assert_range(a, n, "comparison operand a in range", loc),
                   assert_range(b, n, "comparison operand b in range", loc), label, loc);
}

void Builder::assert_less_or_equal(const Expr& a, const Expr& b, unsigned n, std::string_view label,
                                   Loc loc) {
  check_comparable(n, "assert_less_or_equal");
  assert_less_or_equal(assert_range(a, n, "comparison operand a in range", loc),
                       assert_range(b, n, "comparison operand b in range", loc), label, loc);
}

// -- Boolean logic.

Expr Builder::logical_not(const Expr& a, std::string_view label, Loc loc) {
  assert_boolean(a, label.empty() ? "operand is boolean" : label, loc);
  return 1 - a;
}

Expr Builder::logical_and(const Expr& a, const Expr& b, std::string_view label, Loc loc) {
  assert_boolean(a, label.empty() ? "operand is boolean" : label, loc);
  assert_boolean(b, label.empty() ? "operand is boolean" : label, loc);
  Expr r = mul(a, b, label.empty() ? "and" : label, loc);
  mark_boolean(r);
  return r;
}

Expr Builder::logical_or(const Expr& a, const Expr& b, std::string_view label, Loc loc) {
  // a OR b = 1 - (1 - a)(1 - b).
  return logical_not(logical_and(1 - a, 1 - b, label.empty() ? "or" : label, loc), label, loc);
}

Expr Builder::logical_xor(const Expr& a, const Expr& b, std::string_view label, Loc loc) {
  assert_boolean(a, label.empty() ? "operand is boolean" : label, loc);
  assert_boolean(b, label.empty() ? "operand is boolean" : label, loc);
  if (a.is_constant()) return a.constant().is_zero() ? b : 1 - b;  // both boolean already
  if (b.is_constant()) return b.constant().is_zero() ? a : 1 - a;
  // a + b - 2ab as one wire: a * (-2b) = w - (a + b).
  Expr r = mul_add(a, b * -Fr::from_u64(2), a + b, label.empty() ? "xor" : label, loc);
  mark_boolean(r);
  return r;
}

Expr Builder::all_of(std::span<const Expr> bits, std::string_view label, Loc loc) {
  if (bits.empty()) return Expr(1);
  if (bits.size() == 1) {
    assert_boolean(bits[0], label.empty() ? "operand is boolean" : label, loc);
    return bits[0];
  }
  if (bits.size() == 2) return logical_and(bits[0], bits[1], label, loc);
  Expr sum;
  for (const auto& x : bits) {
    assert_boolean(x, label.empty() ? "operand is boolean" : label, loc);
    sum += x;
  }
  // The sum of n booleans is n exactly when all are 1 (n < r: no wrap).
  return is_equal(sum, Expr(static_cast<std::int64_t>(bits.size())), label.empty() ? "all_of" : label, loc);
}

Expr Builder::any_of(std::span<const Expr> bits, std::string_view label, Loc loc) {
  if (bits.empty()) return Expr(0);
  if (bits.size() == 1) {
    assert_boolean(bits[0], label.empty() ? "operand is boolean" : label, loc);
    return bits[0];
  }
  Expr sum;
  for (const auto& x : bits) {
    assert_boolean(x, label.empty() ? "operand is boolean" : label, loc);
    sum += x;
  }
  return 1 - is_zero(sum, label.empty() ? "any_of" : label, loc);
}

}  // namespace pm::circuit
