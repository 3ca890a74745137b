// Linear combinations: construction, merging, scaling, the product that asks for a wire.
#include "circuit/expr.hpp"

#include <algorithm>

#include "base/error.hpp"
#include "circuit/builder.hpp"
#include "circuit/state.hpp"

namespace pm::circuit {

Expr::Expr(const Fr& c) {
  if (!c.is_zero()) t_.push_back({0, c});
}

Expr::Expr(std::int64_t c) {
  Fr v = Fr::from_u64(c < 0 ? 0 - static_cast<std::uint64_t>(c) : static_cast<std::uint64_t>(c));
  if (c < 0) v = -v;
  if (!v.is_zero()) t_.push_back({0, v});
}

Expr Expr::wire(Builder& b, std::uint32_t id) {
  Expr e;
  e.b_ = &b;
  e.t_.push_back({id, Fr::one()});
  return e;
}

Expr Expr::term(Builder* b, std::uint32_t wire, const Fr& coeff) {
  Expr e;
  if (coeff.is_zero()) return e;
  e.b_ = wire == 0 ? nullptr : b;
  e.t_.push_back({wire, coeff});
  return e;
}

std::optional<std::uint32_t> Expr::as_wire() const {
  if (t_.size() == 1 && t_[0].wire != 0 && t_[0].coeff.is_one()) return t_[0].wire;
  return std::nullopt;
}

void Expr::merge(const Expr& o, const Fr& k) {
  if (o.t_.empty() || k.is_zero()) return;
  if (b_ == nullptr) {
    b_ = o.b_;
  } else if (o.b_ != nullptr && o.b_ != b_) {
    throw Error(Errc::invalid_argument, "an expression mixes wires of two different circuit builders");
  }
  std::vector<Term> out;
  out.reserve(t_.size() + o.t_.size());
  std::size_t i = 0, j = 0;
  while (i < t_.size() || j < o.t_.size()) {
    if (j == o.t_.size() || (i < t_.size() && t_[i].wire < o.t_[j].wire)) {
      out.push_back(t_[i++]);
    } else if (i == t_.size() || o.t_[j].wire < t_[i].wire) {
      out.push_back({o.t_[j].wire, o.t_[j].coeff * k});
      ++j;
    } else {
      Fr c = t_[i].coeff + o.t_[j].coeff * k;
      if (!c.is_zero()) out.push_back({t_[i].wire, c});
      ++i, ++j;
    }
  }
  t_ = std::move(out);
}

Expr& Expr::operator+=(const Expr& o) {
  merge(o, Fr::one());
  return *this;
}

Expr& Expr::operator-=(const Expr& o) {
  merge(o, -Fr::one());
  return *this;
}

Expr& Expr::operator*=(const Fr& k) {
  if (k.is_zero()) {
    t_.clear();
  } else {
    for (auto& t : t_) t.coeff *= k;
  }
  return *this;
}

Expr Expr::operator-() const {
  Expr r = *this;
  return r *= -Fr::one();
}

Expr operator*(const Factor& f, const Expr& b) {
  const Expr& a = f.expr;
  if (a.is_constant()) return b * a.constant();
  if (b.is_constant()) return a * b.constant();
  return a.builder()->mul(a, b, {}, f.loc);
}

Fr Expr::eval(std::span<const Fr> values) const {
  Fr acc = Fr::zero();
  for (const auto& t : t_) acc += t.wire == 0 ? t.coeff : t.coeff * values[t.wire];
  return acc;
}

}  // namespace pm::circuit
