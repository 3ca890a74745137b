#include "circuit/circuit.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "base/error.hpp"
#include "circuit/state.hpp"

namespace pm::circuit {

std::string describe_constraint(const BuilderState& s, std::size_t i) {
  const ConstraintInfo& info = s.constraints[i].info;
  std::string out = "constraint ";
  out += info.label != 0 ? "`" + s.strings[info.label] + "`" : "#" + std::to_string(i);
  std::string where;
  if (info.scope != 0) where = "gadget " + s.strings[info.scope];
  if (info.file != nullptr) {
    std::string_view file = info.file;
    if (auto p = file.rfind("/src/"); p != std::string_view::npos) file = file.substr(p + 1);
    where += (where.empty() ? "" : ", ") + std::string(file) + ":" + std::to_string(info.line);
  }
  if (!where.empty()) out += " (" + where + ")";
  return out;
}

Circuit::Circuit(std::unique_ptr<BuilderState> s) : s_(std::move(s)) { number_wires(); }
Circuit::~Circuit() = default;
Circuit::Circuit(Circuit&&) noexcept = default;
Circuit& Circuit::operator=(Circuit&&) noexcept = default;

const std::string& Circuit::name() const { return s_->name; }
std::uint32_t Circuit::num_wires() const { return n_wires_; }
std::uint32_t Circuit::num_public() const { return n_pub_out_ + n_pub_in_; }
std::uint32_t Circuit::num_constraints() const {
  return static_cast<std::uint32_t>(std::count_if(s_->constraints.begin(), s_->constraints.end(),
                                                  [](const Constraint& c) { return !c.folded; }));
}

std::vector<InputInfo> Circuit::inputs() const {
  std::vector<InputInfo> out;
  for (const auto& d : s_->inputs) out.push_back({d.name, d.is_public, d.is_array, d.wires.size()});
  return out;
}

std::vector<InputInfo> Circuit::outputs() const {
  std::vector<InputInfo> out;
  for (const auto& d : s_->outputs) out.push_back({d.name, true, d.is_array, d.wires.size()});
  return out;
}

void Circuit::number_wires() {
  index_.assign(s_->kinds.size(), -1);
  index_[0] = 0;
  std::int64_t next = 1;
  for (const auto& d : s_->outputs) {
    for (auto w : d.wires) index_[w] = next++;
  }
  n_pub_out_ = static_cast<std::uint32_t>(next - 1);
  for (bool pub : {true, false}) {
    std::int64_t before = next;
    for (const auto& d : s_->inputs) {
      if (d.is_public != pub) continue;
      for (auto w : d.wires) index_[w] = next++;
    }
    (pub ? n_pub_in_ : n_prv_in_) = static_cast<std::uint32_t>(next - before);
  }
  for (std::size_t w = 1; w < s_->kinds.size(); ++w) {
    if (s_->kinds[w] == WireKind::internal && !s_->is_output[w] &&
        !s_->substitutions.contains(static_cast<std::uint32_t>(w))) {
      index_[w] = next++;
    }
  }
  if (next > 0xFFFFFFFFll) throw Error(Errc::out_of_range, "circuit has more than 2^32 wires");
  n_wires_ = static_cast<std::uint32_t>(next);
}

Expr Circuit::resolve(const Expr& e, std::unordered_map<std::uint32_t, Expr>& memo) const {
  bool any = false;
  for (const auto& t : e.terms()) any = any || s_->substitutions.contains(t.wire);
  if (!any) return e;
  Expr out;
  for (const auto& t : e.terms()) {
    auto it = s_->substitutions.find(t.wire);
    if (it == s_->substitutions.end()) {
      out += Expr::term(e.builder(), t.wire, t.coeff);
      continue;
    }
    auto m = memo.find(t.wire);
    if (m == memo.end()) m = memo.emplace(t.wire, resolve(it->second, memo)).first;
    out += m->second * t.coeff;
  }
  return out;
}

r1cs::R1cs Circuit::r1cs() const {
  r1cs::R1cs r;
  r.n_wires = n_wires_;
  r.n_pub_out = n_pub_out_;
  r.n_pub_in = n_pub_in_;
  r.n_prv_in = n_prv_in_;
  r.n_labels = s_->kinds.size();
  std::vector<r1cs::R1csTerm> lc;
  // Substituted wires resolved so far; local, so that concurrent exports share no state.
  std::unordered_map<std::uint32_t, Expr> memo;
  for (const auto& c : s_->constraints) {
    if (c.folded) continue;
    for (const Expr* e : {&c.a, &c.b, &c.c}) {
      r.lc_begin.push_back(r.terms.size());
      Expr x = resolve(*e, memo);
      lc.clear();
      for (const auto& t : x.terms()) {
        PM_ASSERT(index_[t.wire] >= 0);
        lc.push_back({static_cast<std::uint32_t>(index_[t.wire]), t.coeff});
      }
      std::sort(lc.begin(), lc.end(), [](const auto& u, const auto& v) { return u.wire < v.wire; });
      r.terms.insert(r.terms.end(), lc.begin(), lc.end());
    }
    ++r.n_constraints;
  }
  r.lc_begin.push_back(r.terms.size());
  return r;
}

std::vector<std::uint64_t> Circuit::wire_labels() const {
  std::vector<std::uint64_t> labels(n_wires_);
  for (std::size_t w = 0; w < index_.size(); ++w) {
    if (index_[w] >= 0) labels[static_cast<std::size_t>(index_[w])] = w;
  }
  return labels;
}

std::string Circuit::sym() const {
  std::vector<std::uint32_t> counter(s_->strings.size(), 0);
  std::vector<std::size_t> pos(s_->kinds.size(), 0);  // position of a wire inside its input/output array
  std::vector<bool> arr(s_->kinds.size(), false);
  for (const auto& d : s_->inputs) {
    for (std::size_t i = 0; i < d.wires.size(); ++i) pos[d.wires[i]] = i, arr[d.wires[i]] = d.is_array;
  }
  for (const auto& d : s_->outputs) {
    for (std::size_t i = 0; i < d.wires.size(); ++i) pos[d.wires[i]] = i, arr[d.wires[i]] = d.is_array;
  }
  std::string out;
  for (std::size_t w = 1; w < s_->kinds.size(); ++w) {
    std::string name = "main.";
    if (s_->wire_scope[w] != 0) {
      std::string scope = s_->strings[s_->wire_scope[w]];
      for (char& ch : scope) {
        if (ch == '/') ch = '.';
        if (ch == ' ') ch = '_';
      }
      name += scope + ".";
    }
    name += s_->strings[s_->wire_label[w]];
    bool io = s_->kinds[w] != WireKind::internal || s_->is_output[w];
    if (io) {
      if (arr[w]) name += "[" + std::to_string(pos[w]) + "]";
    } else {
      name += "[" + std::to_string(counter[s_->wire_label[w]]++) + "]";
    }
    out += std::to_string(w) + "," + std::to_string(index_[w]) + ",0," + name + "\n";
  }
  return out;
}

std::string Circuit::describe(std::size_t i) const { return describe_constraint(*s_, i); }

std::optional<std::string> Circuit::first_failure(std::span<const Fr> values) const {
  PM_ASSERT(values.size() == s_->kinds.size());
  for (std::size_t i = 0; i < s_->constraints.size(); ++i) {
    const auto& c = s_->constraints[i];
    if (!(c.a.eval(values) * c.b.eval(values) == c.c.eval(values))) return describe(i) + " failed";
  }
  return std::nullopt;
}

namespace {

Fr parse_value(const nlohmann::ordered_json& v, const std::string& what) {
  if (v.is_number_unsigned()) return Fr::from_u64(v.get<std::uint64_t>());
  if (v.is_number_integer()) return Expr(v.get<std::int64_t>()).constant();
  if (!v.is_string()) {
    throw Error(
        Errc::invalid_argument,
        "input `" + what + "` must be an integer or a decimal/hex string, got " + std::string(v.type_name()));
  }
  std::string s = v.get<std::string>();
  bool negative = !s.empty() && s[0] == '-';
  auto u = ff::from_string(negative ? std::string_view(s).substr(1) : std::string_view(s));
  if (!u) throw Error(Errc::invalid_argument, "input `" + what + "`: \"" + s + "\" is not a number");
  auto x = Fr::from_canonical(*u);
  if (!x) {
    throw Error(Errc::out_of_range, "input `" + what + "`: " + s + " is not below the field modulus r");
  }
  return negative ? -*x : *x;
}

void flatten(const nlohmann::ordered_json& v, const std::string& what, std::vector<Fr>& out, int depth) {
  if (!v.is_array()) {
    out.push_back(parse_value(v, what));
    return;
  }
  if (depth > 16) throw Error(Errc::invalid_argument, "input `" + what + "` nests arrays too deeply");
  for (std::size_t i = 0; i < v.size(); ++i)
    flatten(v[i], what + "[" + std::to_string(i) + "]", out, depth + 1);
}

}  // namespace

std::vector<Fr> Circuit::solve(const nlohmann::ordered_json& inputs, const SolveOptions& opts) const {
  if (!inputs.is_object()) throw Error(Errc::invalid_argument, "circuit inputs must be a JSON object");
  for (const auto& [key, _] : inputs.items()) {
    bool known =
        std::any_of(s_->inputs.begin(), s_->inputs.end(), [&](const InputDecl& d) { return d.name == key; });
    if (!known) throw Error(Errc::invalid_argument, "`" + key + "` is not an input of circuit " + s_->name);
  }
  std::vector<Fr> flat;
  for (const auto& d : s_->inputs) {
    auto it = inputs.find(d.name);
    if (it == inputs.end()) throw Error(Errc::invalid_argument, "input `" + d.name + "` is missing");
    std::size_t before = flat.size();
    flatten(*it, d.name, flat, 0);
    std::size_t got = flat.size() - before;
    if (got != d.wires.size() || d.is_array != it->is_array()) {
      throw Error(Errc::mismatch,
                  "input `" + d.name + "` has " + std::to_string(got) +
                      (it->is_array() ? " values" : " value") + ", the circuit expects " +
                      (d.is_array ? "an array of " + std::to_string(d.wires.size()) : "one value"));
    }
  }
  return solve(flat, opts);
}

std::vector<Fr> Circuit::solve(std::span<const Fr> input_values, const SolveOptions& opts) const {
  std::vector<Fr> v(s_->kinds.size(), Fr::zero());
  v[0] = Fr::one();
  std::size_t k = 0;
  for (const auto& d : s_->inputs) {
    for (auto w : d.wires) {
      if (k == input_values.size())
        throw Error(Errc::mismatch, "too few input values for circuit " + s_->name);
      v[w] = input_values[k++];
    }
  }
  if (k != input_values.size()) throw Error(Errc::mismatch, "too many input values for circuit " + s_->name);
  std::vector<Fr> in, out;
  for (const auto& step : s_->steps) {
    switch (step.kind) {
      case Step::Kind::product: {
        const auto& c = s_->constraints[step.index];
        // C = out - offset (out with coefficient 1): out = A * B + offset.
        v[step.out] = Fr::zero();
        v[step.out] = c.a.eval(v) * c.b.eval(v) - c.c.eval(v);
        break;
      }
      case Step::Kind::linear:
        v[step.out] = s_->linears[step.index].eval(v);
        break;
      case Step::Kind::hint: {
        const auto& h = s_->hints[step.index];
        in.clear();
        for (const auto& e : h.inputs) in.push_back(e.eval(v));
        out.assign(h.outputs.size(), Fr::zero());
        const std::string& hname = s_->strings[h.name];
        auto ov = opts.hint_overrides.find(hname);
        try {
          (ov != opts.hint_overrides.end() ? ov->second : h.fn)(in, out);
          if (auto tm = opts.hint_tampers.find(hname); tm != opts.hint_tampers.end()) tm->second(in, out);
        } catch (const Error& e) {
          std::string scope = s_->wire_scope[h.outputs.empty() ? 0 : h.outputs[0]] != 0
                                  ? " in gadget " + s_->strings[s_->wire_scope[h.outputs[0]]]
                                  : "";
          throw Error(e.code(), "hint `" + hname + "`" + scope + ": " + e.what());
        }
        for (std::size_t i = 0; i < out.size(); ++i) v[h.outputs[i]] = out[i];
        break;
      }
    }
  }
  if (opts.check) {
    if (auto bad = first_failure(v)) throw Error(Errc::unsatisfied, "witness of " + s_->name + ": " + *bad);
  }
  return v;
}

std::vector<Fr> Circuit::witness(std::span<const Fr> values) const {
  PM_ASSERT(values.size() == s_->kinds.size());
  std::vector<Fr> w(n_wires_);
  for (std::size_t i = 0; i < index_.size(); ++i) {
    if (index_[i] >= 0) w[static_cast<std::size_t>(index_[i])] = values[i];
  }
  return w;
}

std::vector<Fr> Circuit::public_signals(std::span<const Fr> values) const {
  PM_ASSERT(values.size() == s_->kinds.size());
  std::vector<Fr> out;
  for (const auto& d : s_->outputs) {
    for (auto w : d.wires) out.push_back(values[w]);
  }
  for (const auto& d : s_->inputs) {
    if (!d.is_public) continue;
    for (auto w : d.wires) out.push_back(values[w]);
  }
  return out;
}

std::vector<Fr> Circuit::tap(std::string_view name, std::span<const Fr> values) const {
  PM_ASSERT(values.size() == s_->kinds.size());
  auto it = s_->taps.find(name);
  if (it == s_->taps.end())
    throw Error(Errc::invalid_argument,
                "circuit " + s_->name + " has no tapped values `" + std::string(name) + "`");
  std::vector<Fr> out;
  for (const auto& e : it->second) out.push_back(e.eval(values));
  return out;
}

}  // namespace pm::circuit
