// The builder: wires, inputs and outputs, products, assertions, hints, scopes (bit
// decompositions and comparisons: bits.cpp; the Expr algebra: expr.cpp).
#include "circuit/builder.hpp"

#include <algorithm>
#include <cctype>

#include "base/error.hpp"
#include "circuit/circuit.hpp"
#include "circuit/state.hpp"

namespace pm::circuit {

Builder::Builder(std::string name) : s_(std::make_unique<BuilderState>()) { s_->name = std::move(name); }
Builder::~Builder() = default;

const std::string& Builder::name() const { return s_->name; }
std::size_t Builder::num_constraints() const { return s_->constraints.size(); }
std::size_t Builder::num_wires() const { return s_->kinds.size(); }

std::uint32_t Builder::new_wire() {
  PM_ASSERT(s_ != nullptr);
  if (s_->kinds.size() >= 0xFFFFFFF0u) throw Error(Errc::out_of_range, "circuit has more than 2^32 wires");
  auto id = static_cast<std::uint32_t>(s_->kinds.size());
  s_->kinds.push_back(WireKind::internal);
  s_->boolean.push_back(false);
  s_->is_output.push_back(false);
  s_->wire_label.push_back(0);
  s_->wire_scope.push_back(s_->scope);
  return id;
}

void Builder::check_owner(const Expr& e) const {
  if (e.builder() != nullptr && e.builder() != this) {
    throw Error(Errc::invalid_argument, "an expression of another circuit builder was passed to " + s_->name);
  }
}

void Builder::add_constraint(const Expr& a, const Expr& b, const Expr& c, std::string_view label,
                             const Loc& loc) {
  check_owner(a), check_owner(b), check_owner(c);
  ConstraintInfo info{s_->intern(label), s_->scope, loc.file_name(), loc.line()};
  if (a.is_constant() && b.is_constant() && c.is_constant()) {
    if (a.constant() * b.constant() == c.constant()) return;
    s_->constraints.push_back({a, b, c, info, false});
    throw Error(Errc::invalid_argument,
                describe_constraint(*s_, s_->constraints.size() - 1) + " can never hold (constants only)");
  }
  s_->constraints.push_back({a, b, c, info, false});
}

bool Builder::eliminable(std::uint32_t w) const {
  return s_->kinds[w] == WireKind::internal && !s_->is_output[w] && !s_->substitutions.contains(w);
}

void Builder::add_linear(const Expr& zero, std::string_view label, const Loc& loc) {
  check_owner(zero);
  if (zero.is_constant()) {
    add_constraint(Expr(), Expr(), zero, label, loc);  // holds, or throws naming the label
    return;
  }
  // circom --O1: an equality of one wire with a constant, or of two wires, is folded away by
  // substituting the later foldable wire. The equality stays in the solver's checks.
  auto terms = zero.terms();
  const Fr c = zero.constant();
  std::size_t first = terms[0].wire == 0 ? 1 : 0;
  std::size_t n = terms.size() - first;
  std::optional<std::size_t> pick;
  if (n == 1 && eliminable(terms[first].wire)) pick = first;
  if (n == 2 && c.is_zero()) {
    if (eliminable(terms[1].wire)) {
      pick = 1;
    } else if (eliminable(terms[0].wire)) {
      pick = 0;
    }
  }
  ConstraintInfo info{s_->intern(label), s_->scope, loc.file_name(), loc.line()};
  s_->constraints.push_back({Expr(), Expr(), zero, info, pick.has_value()});
  if (pick) {
    // k*w + rest = 0  =>  w = -rest / k.
    const Term& t = terms[*pick];
    Expr rest = zero;
    rest -= Expr::wire(*this, t.wire) * t.coeff;
    s_->substitutions.emplace(t.wire, rest * -t.coeff.inverse());
  }
}

Expr Builder::product_wire(const Expr& a, const Expr& b, std::string_view label, const Loc& loc) {
  std::uint32_t w = new_wire();
  s_->wire_label[w] = s_->intern(label.empty() ? "mul" : label);
  auto ci = static_cast<std::uint32_t>(s_->constraints.size());
  add_constraint(a, b, Expr::wire(*this, w), label, loc);
  s_->steps.push_back({Step::Kind::product, ci, w});
  return Expr::wire(*this, w);
}

std::vector<Expr> Builder::declare_input(std::string_view name, std::size_t n, bool is_public,
                                         bool is_array) {
  bool ok = !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0]));
  for (char ch : name) ok = ok && (std::isalnum(static_cast<unsigned char>(ch)) || ch == '_');
  if (!ok) throw Error(Errc::invalid_argument, "input name `" + std::string(name) + "` is not an identifier");
  for (const auto& d : s_->inputs) {
    if (d.name == name)
      throw Error(Errc::invalid_argument, "input `" + std::string(name) + "` declared twice");
  }
  for (const auto& d : s_->outputs) {
    if (d.name == name)
      throw Error(Errc::invalid_argument, "`" + std::string(name) + "` is already an output");
  }
  InputDecl d{std::string(name), is_public, is_array, {}};
  std::vector<Expr> out;
  out.reserve(n);
  std::uint32_t label = s_->intern(name);
  for (std::size_t i = 0; i < n; ++i) {
    std::uint32_t w = new_wire();
    s_->kinds[w] = is_public ? WireKind::public_input : WireKind::private_input;
    s_->wire_label[w] = label;
    s_->wire_scope[w] = 0;
    d.wires.push_back(w);
    out.push_back(Expr::wire(*this, w));
  }
  s_->inputs.push_back(std::move(d));
  return out;
}

Expr Builder::public_input(std::string_view name) { return declare_input(name, 1, true, false)[0]; }
std::vector<Expr> Builder::public_inputs(std::string_view name, std::size_t n) {
  return declare_input(name, n, true, true);
}
Expr Builder::private_input(std::string_view name) { return declare_input(name, 1, false, false)[0]; }
std::vector<Expr> Builder::private_inputs(std::string_view name, std::size_t n) {
  return declare_input(name, n, false, true);
}

void Builder::declare_output(std::string_view name, std::span<const Expr> values, bool is_array,
                             const Loc& loc) {
  for (const auto& d : s_->outputs) {
    if (d.name == name)
      throw Error(Errc::invalid_argument, "output `" + std::string(name) + "` declared twice");
  }
  for (const auto& d : s_->inputs) {
    if (d.name == name)
      throw Error(Errc::invalid_argument, "`" + std::string(name) + "` is already an input");
  }
  OutputDecl d{std::string(name), is_array, {}};
  std::uint32_t label = s_->intern(name);
  for (const auto& v : values) {
    check_owner(v);
    auto w = v.as_wire();
    if (w && eliminable(*w)) {
      s_->is_output[*w] = true;  // the value's own wire becomes the output: no constraint
    } else {
      w = new_wire();
      s_->is_output[*w] = true;
      s_->steps.push_back({Step::Kind::linear, static_cast<std::uint32_t>(s_->linears.size()), *w});
      s_->linears.push_back(v);
      add_linear(v - Expr::wire(*this, *w), std::string("output ") + std::string(name), loc);
    }
    s_->wire_label[*w] = label;
    s_->wire_scope[*w] = 0;
    d.wires.push_back(*w);
  }
  s_->outputs.push_back(std::move(d));
}

void Builder::public_output(std::string_view name, const Expr& value, Loc loc) {
  declare_output(name, std::span<const Expr>(&value, 1), false, loc);
}

void Builder::public_outputs(std::string_view name, std::span<const Expr> values, Loc loc) {
  declare_output(name, values, true, loc);
}

void Builder::tap(std::string_view name, std::span<const Expr> values) {
  for (const auto& v : values) check_owner(v);
  auto [it, fresh] = s_->taps.try_emplace(std::string(name));
  if (!fresh) throw Error(Errc::invalid_argument, "tap `" + std::string(name) + "` declared twice");
  it->second.assign(values.begin(), values.end());
}

Expr Builder::mul(const Expr& a, const Expr& b, std::string_view label, Loc loc) {
  check_owner(a), check_owner(b);
  if (a.is_constant()) return b * a.constant();
  if (b.is_constant()) return a * b.constant();
  return product_wire(a, b, label, loc);
}

Expr Builder::mul_add(const Expr& a, const Expr& b, const Expr& c, std::string_view label, Loc loc) {
  check_owner(a), check_owner(b), check_owner(c);
  if (a.is_constant()) return b * a.constant() + c;
  if (b.is_constant()) return a * b.constant() + c;
  std::uint32_t w = new_wire();
  s_->wire_label[w] = s_->intern(label.empty() ? "mul" : label);
  auto ci = static_cast<std::uint32_t>(s_->constraints.size());
  add_constraint(a, b, Expr::wire(*this, w) - c, label, loc);
  s_->steps.push_back({Step::Kind::product, ci, w});
  return Expr::wire(*this, w);
}

Expr Builder::inverse(const Expr& a, std::string_view label, Loc loc) {
  check_owner(a);
  if (a.is_constant()) {
    if (a.constant().is_zero()) {
      throw Error(Errc::invalid_argument, "inverse of the constant 0 (" + label_of(label, "inverse") + ")");
    }
    return Expr(a.constant().inverse());
  }
  std::string what = label_of(label, "inverse");
  Expr inv =
      hint1("inverse", std::span<const Expr>(&a, 1), [what](std::span<const Fr> in, std::span<Fr> out) {
        if (in[0].is_zero()) throw Error(Errc::unsatisfied, "inverse of zero (" + what + ")");
        out[0] = in[0].inverse();
      });
  add_constraint(a, inv, Expr(1), label.empty() ? "nonzero" : label, loc);
  return inv;
}

Expr Builder::div(const Expr& a, const Expr& b, std::string_view label, Loc loc) {
  if (b.is_constant()) return a * inverse(b, label, loc).constant();
  Expr inv = inverse(b, label.empty() ? "divisor nonzero" : label, loc);
  return mul(a, inv, label, loc);
}

Expr Builder::div_unchecked(const Expr& a, const Expr& b, std::string_view label, Loc loc) {
  if (b.is_constant()) return div(a, b, label, loc);
  std::vector<Expr> in{a, b};
  Expr q = hint1("div", in, [](std::span<const Fr> v, std::span<Fr> out) {
    if (v[1].is_zero()) {
      if (!v[0].is_zero()) throw Error(Errc::unsatisfied, "division of a non-zero value by zero");
      out[0] = Fr::zero();
      return;
    }
    out[0] = v[0] * v[1].inverse();
  });
  add_constraint(b, q, a, label.empty() ? "quotient" : label, loc);
  return q;
}

void Builder::assert_equal(const Expr& a, const Expr& b, std::string_view label, Loc loc) {
  check_owner(a), check_owner(b);
  add_linear(a - b, label, loc);
}

void Builder::assert_product(const Expr& a, const Expr& b, const Expr& c, std::string_view label, Loc loc) {
  check_owner(a), check_owner(b), check_owner(c);
  if (a.is_constant() || b.is_constant()) {
    add_linear(a * b - c, label, loc);
  } else {
    add_constraint(a, b, c, label, loc);
  }
}

void Builder::assert_boolean(const Expr& a, std::string_view label, Loc loc) {
  check_owner(a);
  if (is_boolean(a)) return;
  add_constraint(a, a - 1, Expr(), label.empty() ? "boolean" : label, loc);
  mark_boolean(a);
}

void Builder::assert_nonzero(const Expr& a, std::string_view label, Loc loc) {
  (void)inverse(a, label.empty() ? "nonzero" : label, loc);
}

void Builder::mark_boolean(const Expr& a) {
  if (auto w = a.as_wire()) s_->boolean[*w] = true;
}

bool Builder::is_boolean(const Expr& a) const {
  if (a.is_constant()) return a.constant().is_zero() || a.constant().is_one();
  if (auto w = a.as_wire()) return s_->boolean[*w];
  auto t = a.terms();
  return t.size() == 2 && t[0].wire == 0 && t[0].coeff.is_one() && t[1].coeff == -Fr::one() &&
         s_->boolean[t[1].wire];
}

Expr Builder::select(const Expr& cond, const Expr& if_true, const Expr& if_false, std::string_view label,
                     Loc loc) {
  assert_boolean(cond, label.empty() ? "select condition is boolean" : label, loc);
  if (cond.is_constant()) return cond.constant().is_zero() ? if_false : if_true;
  return mul_add(cond, if_true - if_false, if_false, label.empty() ? "select" : label, loc);
}

std::vector<Expr> Builder::hint(std::string_view name, std::span<const Expr> inputs, std::size_t n_outputs,
                                HintFn fn) {
  HintCall h;
  h.name = s_->intern(name);
  for (const auto& e : inputs) check_owner(e);
  h.inputs.assign(inputs.begin(), inputs.end());
  h.fn = std::move(fn);
  std::vector<Expr> out;
  out.reserve(n_outputs);
  for (std::size_t i = 0; i < n_outputs; ++i) {
    std::uint32_t w = new_wire();
    s_->wire_label[w] = h.name;
    h.outputs.push_back(w);
    out.push_back(Expr::wire(*this, w));
  }
  s_->steps.push_back({Step::Kind::hint, static_cast<std::uint32_t>(s_->hints.size()), 0});
  s_->hints.push_back(std::move(h));
  return out;
}

Builder::Scope Builder::scope(std::string_view name) {
  s_->scope_stack.emplace_back(name);
  s_->update_scope();
  return Scope(this);
}

Builder::Scope::~Scope() {
  if (b_ == nullptr || b_->s_ == nullptr) return;
  b_->s_->scope_stack.pop_back();
  b_->s_->update_scope();
}

Circuit Builder::compile() {
  PM_ASSERT(s_ != nullptr);
  return Circuit(std::move(s_));
}

}  // namespace pm::circuit
