#pragma once
/// \file Linear combinations of circuit wires: the values a circuit is written with.
///
/// An `Expr` is sum(c_i * w_i) over wires, wire 0 being the constant 1. Adding, subtracting and
/// scaling expressions costs no constraint; multiplying two non-constant expressions asks the
/// builder for a product wire and one constraint (see Builder::mul).

#include <cstdint>
#include <optional>
#include <source_location>
#include <span>
#include <utility>
#include <vector>

#include "ff/bn254.hpp"

namespace pm::circuit {

using ff::Fr;
class Builder;

struct Term {
  std::uint32_t wire;
  Fr coeff;
};

class Expr {
 public:
  Expr() = default;
  Expr(const Fr& c);     // NOLINT(google-explicit-constructor): constants mix freely
  Expr(std::int64_t c);  // NOLINT(google-explicit-constructor)
  Expr(int c) : Expr(static_cast<std::int64_t>(c)) {}  // NOLINT(google-explicit-constructor)

  /// 1 * wire `id` of `b`.
  static Expr wire(Builder& b, std::uint32_t id);
  /// coeff * wire (wire 0: a constant), tagged with builder `b` (may be null for constants).
  static Expr term(Builder* b, std::uint32_t wire, const Fr& coeff);

  /// True when no wire but the constant one appears.
  bool is_constant() const { return t_.empty() || (t_.size() == 1 && t_[0].wire == 0); }
  /// The coefficient of the constant wire.
  Fr constant() const { return !t_.empty() && t_[0].wire == 0 ? t_[0].coeff : Fr::zero(); }
  /// The wire when the expression is exactly 1 * w (w != 0).
  std::optional<std::uint32_t> as_wire() const;
  /// Terms sorted by wire, no zero coefficients.
  std::span<const Term> terms() const { return t_; }
  /// The builder of the wires (null for constants).
  Builder* builder() const { return b_; }

  Expr& operator+=(const Expr& o);
  Expr& operator-=(const Expr& o);
  Expr& operator*=(const Fr& k);
  Expr operator-() const;

  friend Expr operator+(Expr a, const Expr& b) { return a += b; }
  friend Expr operator-(Expr a, const Expr& b) { return a -= b; }
  friend Expr operator*(Expr a, const Fr& k) { return a *= k; }
  friend Expr operator*(const Fr& k, Expr a) { return a *= k; }

  /// Evaluates at an assignment indexed by wire.
  Fr eval(std::span<const Fr> values) const;

 private:
  friend class Builder;
  void merge(const Expr& o, const Fr& k);
  Builder* b_ = nullptr;
  std::vector<Term> t_;
};

/// The left operand of `a * b`, with the source line of the product: the default argument of an
/// implicit conversion is evaluated where the user wrote `*`, so the product's constraint names
/// the user's line, not this header's.
struct Factor {
  Factor(Expr e, std::source_location l = std::source_location::current())  // NOLINT
      : expr(std::move(e)), loc(l) {}
  Factor(const Fr& c, std::source_location l = std::source_location::current())  // NOLINT
      : expr(c), loc(l) {}
  Factor(std::int64_t c, std::source_location l = std::source_location::current())  // NOLINT
      : expr(c), loc(l) {}
  Factor(int c, std::source_location l = std::source_location::current())  // NOLINT
      : expr(c), loc(l) {}
  Expr expr;
  std::source_location loc;
};

/// Product; a constraint and a new wire unless one side is constant (Builder::mul), labelled
/// with the line that wrote `a * b`.
Expr operator*(const Factor& a, const Expr& b);

}  // namespace pm::circuit
