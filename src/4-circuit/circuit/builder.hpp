#pragma once
/// \file The circuit-building API: a circuit is a C++ function of a `Builder`.
///
/// The function declares inputs, computes with `Expr` values and calls the builder for
/// products and assertions. It runs once, without values: the builder records
///  - the rank-1 constraints (A * B = C over linear combinations), each with a label, the gadget
///    scopes it was made in and the source line that made it, and
///  - the witness program: how every wire's value follows from the inputs (products, linear
///    outputs and *hints*, values computed outside the constraints and then constrained).
/// `Builder::compile` turns both into a `Circuit` (circuit.hpp) that solves witnesses and exports
/// circom's .r1cs/.sym.
///
/// Linear algebra costs nothing: sums and scalings stay symbolic, so only products, bits and
/// assertions make constraints. Equalities of one wire with a constant or with a multiple of
/// another wire are folded away by substitution, as circom's `--O1` does; other linear
/// equalities stay as constraints.
///
/// Gadgets follow one rule: every value a hint produces is constrained before it is used, so a
/// witness that disagrees with the hint's intent fails a named constraint. The tests prove this
/// by replacing hints with malicious ones (SolveOptions::hint_overrides).

#include <cstdint>
#include <functional>
#include <memory>
#include <source_location>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "circuit/expr.hpp"

namespace pm::circuit {

/// Computes a hint's outputs from its inputs' values. Throwing Error(Errc::unsatisfied) stops the
/// solver with the hint's name (e.g. inverting zero).
using HintFn = std::function<void(std::span<const Fr> in, std::span<Fr> out)>;
using Loc = std::source_location;

class Circuit;
struct BuilderState;

/// A value with a proven bound: 0 <= value < 2^bits as an integer (bits <= 253, so the bound is
/// unique). Only the builder makes one, from the constraints that prove it (assert_range), so a
/// bound cannot be claimed without them. Comparisons take Bounded operands; it reads as its Expr.
class Bounded {
 public:
  const Expr& expr() const { return e_; }
  unsigned bits() const { return bits_; }
  operator const Expr&() const { return e_; }  // NOLINT(google-explicit-constructor)

  /// The sum of two bounded values: free, the bound grows by a bit (Error past 253 bits).
  friend Bounded operator+(const Bounded& a, const Bounded& b);

 private:
  friend class Builder;
  Bounded(Expr e, unsigned bits) : e_(std::move(e)), bits_(bits) {}
  Expr e_;
  unsigned bits_;
};

class Builder {
 public:
  explicit Builder(std::string name = "circuit");
  ~Builder();
  Builder(const Builder&) = delete;
  Builder& operator=(const Builder&) = delete;

  const std::string& name() const;

  // -- Inputs and outputs. Names are JSON keys of the input file and .sym labels (main.NAME).
  Expr public_input(std::string_view name);
  std::vector<Expr> public_inputs(std::string_view name, std::size_t n);
  Expr private_input(std::string_view name);
  std::vector<Expr> private_inputs(std::string_view name, std::size_t n);
  /// Declares a public output equal to `value` (circom's `signal output`). Outputs come first
  /// among the public signals, in declaration order.
  void public_output(std::string_view name, const Expr& value, Loc loc = Loc::current());
  void public_outputs(std::string_view name, std::span<const Expr> values, Loc loc = Loc::current());
  /// Names values that stay private but that the prover reads after solving (Circuit::tap):
  /// results committed to by a hash rather than published, say. No constraint and no wire.
  void tap(std::string_view name, std::span<const Expr> values);

  // -- Arithmetic. Each returns an expression over a new wire when it costs a constraint.
  /// a * b: one constraint unless a or b is constant.
  Expr mul(const Expr& a, const Expr& b, std::string_view label = {}, Loc loc = Loc::current());
  /// a * b + c as a new wire (one constraint, a * b = w - c): keeps long chains (curve formulas,
  /// accumulators) from growing linear combinations. Without a constraint, and without a new
  /// wire, when a or b is constant.
  Expr mul_add(const Expr& a, const Expr& b, const Expr& c, std::string_view label = {},
               Loc loc = Loc::current());
  Expr square(const Expr& a, std::string_view label = {}, Loc loc = Loc::current()) {
    return mul(a, a, label, loc);
  }
  /// 1 / a; one constraint (a * inv = 1), which also proves a != 0.
  Expr inverse(const Expr& a, std::string_view label = {}, Loc loc = Loc::current());
  /// a / b with b != 0 proven; two constraints (one when b is constant).
  Expr div(const Expr& a, const Expr& b, std::string_view label = {}, Loc loc = Loc::current());
  /// a / b with only b * q = a constrained: any q satisfies it when a = b = 0.
  Expr div_unchecked(const Expr& a, const Expr& b, std::string_view label = {}, Loc loc = Loc::current());

  // -- Assertions.
  void assert_equal(const Expr& a, const Expr& b, std::string_view label = {}, Loc loc = Loc::current());
  /// a * b == c.
  void assert_product(const Expr& a, const Expr& b, const Expr& c, std::string_view label = {},
                      Loc loc = Loc::current());
  /// a in {0, 1}; free when `a` is already known to be boolean.
  void assert_boolean(const Expr& a, std::string_view label = {}, Loc loc = Loc::current());
  void assert_nonzero(const Expr& a, std::string_view label = {}, Loc loc = Loc::current());

  // -- Bits, selection and comparison.
  /// cond ? if_true : if_false as one new wire, cond boolean (asserted unless known); one
  /// constraint.
  Expr select(const Expr& cond, const Expr& if_true, const Expr& if_false, std::string_view label = {},
              Loc loc = Loc::current());
  /// The n low bits of a, little-endian, proving 0 <= a < 2^n (n <= 253, so the decomposition is
  /// unique); n + 1 constraints.
  std::vector<Expr> to_bits(const Expr& a, unsigned n, std::string_view label = {}, Loc loc = Loc::current());
  /// All 254 bits of a, little-endian, with the decomposition proven canonical (the bits read as
  /// an integer are < r, so a + r is no alternative): circomlib's Num2Bits_strict. About 507
  /// constraints: 254 bits, the sum, and assert_bits_at_most(bits, r - 1).
  std::vector<Expr> to_bits_strict(const Expr& a, std::string_view label = {}, Loc loc = Loc::current());
  /// The integer sum 2^i bits[i] is at most the constant c (nothing to check when c has more
  /// bits than `bits`). Every bit must be constrained boolean already (to_bits, assert_boolean):
  /// a bit the builder has not seen constrained is refused when building. One constraint per bit
  /// below the highest set bit of c, roughly.
  void assert_bits_at_most(std::span<const Expr> bits, const ff::u256& c, std::string_view label = {},
                           Loc loc = Loc::current());
  /// sum 2^i bits[i]; each bit is asserted boolean unless known to be.
  Expr from_bits(std::span<const Expr> bits, std::string_view label = {}, Loc loc = Loc::current());
  /// 1 when a == 0, else 0; two constraints.
  Expr is_zero(const Expr& a, std::string_view label = {}, Loc loc = Loc::current());
  Expr is_equal(const Expr& a, const Expr& b, std::string_view label = {}, Loc loc = Loc::current()) {
    return is_zero(a - b, label, loc);
  }
  /// 0 <= a < 2^n (n <= 253), returned as a Bounded for the comparisons; n + 1 constraints (none
  /// for a constant, which must fit).
  Bounded assert_range(const Expr& a, unsigned n, std::string_view label = {}, Loc loc = Loc::current());
  /// Free when a's proven bound is already within n bits.
  Bounded assert_range(const Bounded& a, unsigned n, std::string_view label = {}, Loc loc = Loc::current());

  // -- Comparisons. Safe by default: the operands' bounds are proven (Bounded), or the forms
  // taking a bit count range-check both operands themselves. The `_unchecked` forms are
  // circomlib's LessThan: they trust the caller, and with a = r - 1 ("-1"), b = 0 they say a < b.
  /// 1 when a < b, else 0; n = max(a.bits, b.bits) <= 252; n + 2 constraints.
  Expr less_than(const Bounded& a, const Bounded& b, std::string_view label = {}, Loc loc = Loc::current());
  Expr less_or_equal(const Bounded& a, const Bounded& b, std::string_view label = {},
                     Loc loc = Loc::current());
  /// a < b; n = max(a.bits, b.bits) <= 252; n + 1 constraints.
  void assert_less_than(const Bounded& a, const Bounded& b, std::string_view label = {},
                        Loc loc = Loc::current());
  void assert_less_or_equal(const Bounded& a, const Bounded& b, std::string_view label = {},
                            Loc loc = Loc::current());
  /// The same, range-checking a and b to n bits first (n + 1 constraints each, none for a
  /// constant).
  Expr less_than(const Expr& a, const Expr& b, unsigned n, std::string_view label = {},
                 Loc loc = Loc::current());
  Expr less_or_equal(const Expr& a, const Expr& b, unsigned n, std::string_view label = {},
                     Loc loc = Loc::current());
  void assert_less_than(const Expr& a, const Expr& b, unsigned n, std::string_view label = {},
                        Loc loc = Loc::current());
  void assert_less_or_equal(const Expr& a, const Expr& b, unsigned n, std::string_view label = {},
                            Loc loc = Loc::current());
  /// For a and b the caller has proven to lie in [0, 2^n) (n <= 252); n + 2 constraints.
  Expr less_than_unchecked(const Expr& a, const Expr& b, unsigned n, std::string_view label = {},
                           Loc loc = Loc::current());
  /// a < b for a, b the caller has proven to lie in [0, 2^n) (n <= 252); n + 1 constraints.
  void assert_less_than_unchecked(const Expr& a, const Expr& b, unsigned n, std::string_view label = {},
                                  Loc loc = Loc::current());

  // -- Boolean logic. Operands are asserted boolean unless known to be; results are boolean.
  Expr logical_not(const Expr& a, std::string_view label = {}, Loc loc = Loc::current());
  /// a AND b: 1 constraint.
  Expr logical_and(const Expr& a, const Expr& b, std::string_view label = {}, Loc loc = Loc::current());
  /// a OR b: 1 constraint.
  Expr logical_or(const Expr& a, const Expr& b, std::string_view label = {}, Loc loc = Loc::current());
  /// a XOR b: 1 constraint.
  Expr logical_xor(const Expr& a, const Expr& b, std::string_view label = {}, Loc loc = Loc::current());
  /// AND of all: 2 constraints for any count above 2 (is the sum equal to the count).
  Expr all_of(std::span<const Expr> bits, std::string_view label = {}, Loc loc = Loc::current());
  /// OR of all: 2 constraints for any count above 1 (is the sum non-zero).
  Expr any_of(std::span<const Expr> bits, std::string_view label = {}, Loc loc = Loc::current());

  // -- Hints.
  /// New wires whose values `fn` computes from the values of `inputs`. Unconstrained: the caller
  /// constrains them. `name` identifies the hint (errors, SolveOptions::hint_overrides).
  std::vector<Expr> hint(std::string_view name, std::span<const Expr> inputs, std::size_t n_outputs,
                         HintFn fn);
  Expr hint1(std::string_view name, std::span<const Expr> inputs, HintFn fn) {
    return hint(name, inputs, 1, fn)[0];
  }

  /// True for 0, 1, a wire the builder has constrained boolean and 1 - such a wire.
  bool is_boolean(const Expr& a) const;

  // -- Gadget scopes: constraints made while a Scope lives carry its name ("poseidon/round 3").
  class Scope {
   public:
    Scope(Scope&& o) noexcept : b_(o.b_) { o.b_ = nullptr; }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;
    Scope& operator=(Scope&&) = delete;
    ~Scope();

   private:
    friend class Builder;
    explicit Scope(Builder* b) : b_(b) {}
    Builder* b_;
  };
  [[nodiscard]] Scope scope(std::string_view name);

  std::size_t num_constraints() const;
  std::size_t num_wires() const;

  /// Finishes the circuit. The builder is empty afterwards.
  Circuit compile();

 private:
  friend class Expr;
  std::uint32_t new_wire();
  /// Marks the wire of `a` boolean; only after this builder has constrained it so (internal: a
  /// public one would let any caller make assert_boolean free on an unconstrained wire).
  void mark_boolean(const Expr& a);
  void check_comparable(unsigned n, const char* what) const;
  bool eliminable(std::uint32_t w) const;
  void check_owner(const Expr& e) const;
  void add_constraint(const Expr& a, const Expr& b, const Expr& c, std::string_view label, const Loc& loc);
  void add_linear(const Expr& zero, std::string_view label, const Loc& loc);
  Expr product_wire(const Expr& a, const Expr& b, std::string_view label, const Loc& loc);
  /// The n low bits of a (hint `hint_name`), each constrained boolean, their sum equal to a.
  std::vector<Expr> decompose(const Expr& a, unsigned n, std::string_view hint_name,
                              std::string_view sum_label, const Loc& loc);
  std::vector<Expr> declare_input(std::string_view name, std::size_t n, bool is_public, bool is_array);
  void declare_output(std::string_view name, std::span<const Expr> values, bool is_array, const Loc& loc);
  std::unique_ptr<BuilderState> s_;
};

}  // namespace pm::circuit
