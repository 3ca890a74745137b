#pragma once
/// \file Internal: what a Builder records and a Circuit keeps (not part of the public API).

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "circuit/builder.hpp"

namespace pm::circuit {

enum class WireKind : std::uint8_t { one, public_input, private_input, internal };

struct ConstraintInfo {
  std::uint32_t label = 0;  ///< index into strings (0 = no label)
  std::uint32_t scope = 0;  ///< index into strings (0 = top level)
  const char* file = nullptr;
  std::uint32_t line = 0;
};

/// A * B = C over builder wire ids. Linear constraints have A and B empty.
struct Constraint {
  Expr a, b, c;
  ConstraintInfo info;
  bool folded = false;  ///< a linear equality folded away by substitution: checked, not exported
};

struct InputDecl {
  std::string name;
  bool is_public = false, is_array = false;
  std::vector<std::uint32_t> wires;
};

struct OutputDecl {
  std::string name;
  bool is_array = false;
  std::vector<std::uint32_t> wires;
};

struct HintCall {
  std::uint32_t name = 0;  ///< index into strings
  std::vector<Expr> inputs;
  std::vector<std::uint32_t> outputs;
  HintFn fn;
};

/// One instruction of the witness program, run in order after the inputs are assigned.
struct Step {
  enum class Kind : std::uint8_t { product, linear, hint } kind;
  std::uint32_t index;  ///< product: constraint whose A*B gives `out`; linear: linears; hint: hints
  std::uint32_t out;    ///< product / linear: the wire assigned
};

struct BuilderState {
  std::string name;
  std::vector<WireKind> kinds{WireKind::one};
  std::vector<bool> boolean{false};
  std::vector<bool> is_output{false};
  std::vector<std::uint32_t> wire_label{0};  ///< strings index: input/output name, hint or product label
  std::vector<std::uint32_t> wire_scope{0};  ///< strings index: scope the wire was made in
  std::vector<Constraint> constraints;
  std::vector<Expr> linears;
  std::vector<HintCall> hints;
  std::vector<Step> steps;
  std::vector<InputDecl> inputs;
  std::vector<OutputDecl> outputs;
  std::map<std::string, std::vector<Expr>, std::less<>> taps;
  /// Wires folded away: wire = expression (over wires that may be folded later themselves).
  std::unordered_map<std::uint32_t, Expr> substitutions;
  std::vector<std::string> strings{""};
  std::map<std::string, std::uint32_t, std::less<>> string_ids{{"", 0}};
  std::vector<std::string> scope_stack;
  std::uint32_t scope = 0;

  /// scope = the interned "a/b/c" path of scope_stack.
  void update_scope() {
    std::string path;
    for (const auto& p : scope_stack) path += (path.empty() ? "" : "/") + p;
    scope = intern(path);
  }

  std::uint32_t intern(std::string_view s) {
    auto it = string_ids.find(s);
    if (it != string_ids.end()) return it->second;
    auto id = static_cast<std::uint32_t>(strings.size());
    strings.emplace_back(s);
    string_ids.emplace(std::string(s), id);
    return id;
  }
};

/// "constraint `label` (in scope, file:line)" for constraint i.
std::string describe_constraint(const BuilderState& s, std::size_t i);

/// 2^n in Fr.
inline Fr pow2(unsigned n) {
  Fr x = Fr::one();
  const Fr two = Fr::from_u64(2);
  for (unsigned i = 0; i < n; ++i) x *= two;
  return x;
}

/// `label`, or `fallback` when it is empty.
inline std::string label_of(std::string_view label, std::string_view fallback) {
  return std::string(label.empty() ? fallback : label);
}

}  // namespace pm::circuit
