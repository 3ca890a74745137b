#pragma once
/// \file A compiled circuit: solves witnesses from input JSON, checks them constraint by
/// constraint with names, and exports circom's .r1cs and .sym.
///
/// Wire numbering of the export is circom's: 0 the constant one, then public outputs, public
/// inputs, private inputs (each in declaration order) and the remaining internal wires in
/// creation order; wires folded away by substitution get no number (-1 in the .sym file).

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "circuit/builder.hpp"
#include "r1cs/r1cs.hpp"

namespace pm::circuit {

struct SolveOptions {
  /// Replaces the hints of these names (tests: a malicious prover's witness).
  std::map<std::string, HintFn, std::less<>> hint_overrides;
  /// Run after the (honest or overriding) hint of that name and change its outputs in place
  /// (tests: a witness that differs from the honest one in a chosen way; `in` holds the inputs).
  std::map<std::string, HintFn, std::less<>> hint_tampers;
  /// Check every constraint after solving (throws Error(Errc::unsatisfied) naming the first
  /// violated one). Off only to obtain a bad witness on purpose.
  bool check = true;
};

struct InputInfo {
  std::string name;
  bool is_public;
  bool is_array;
  std::size_t size;
};

class Circuit {
 public:
  explicit Circuit(std::unique_ptr<BuilderState> s);
  ~Circuit();
  Circuit(Circuit&&) noexcept;
  Circuit& operator=(Circuit&&) noexcept;

  const std::string& name() const;
  std::vector<InputInfo> inputs() const;
  std::vector<InputInfo> outputs() const;
  /// Of the exported R1CS.
  std::uint32_t num_constraints() const;
  std::uint32_t num_wires() const;
  std::uint32_t num_public() const;

  /// Solves from circom-style input JSON: an object with one key per input, each a value or a
  /// (possibly nested) array of values; values are decimal strings, "0x" hex strings or JSON
  /// integers, negative ones taken mod r. Throws Error(Errc::invalid_argument / out_of_range /
  /// mismatch) naming the input on a missing, unknown, mis-sized or >= r value, and
  /// Error(Errc::unsatisfied) naming the first failing constraint or hint.
  /// Returns the value of every builder wire (see witness()).
  std::vector<Fr> solve(const nlohmann::ordered_json& inputs, const SolveOptions& opts = {}) const;
  /// Same, with the inputs' values flattened in declaration order.
  std::vector<Fr> solve(std::span<const Fr> input_values, const SolveOptions& opts = {}) const;

  /// The description of the first constraint (in build order) that `values` violate.
  std::optional<std::string> first_failure(std::span<const Fr> values) const;
  /// The .wtns witness (export numbering) of solved values.
  std::vector<Fr> witness(std::span<const Fr> values) const;
  /// The public signals, outputs then public inputs, as snarkjs's public.json lists them.
  std::vector<Fr> public_signals(std::span<const Fr> values) const;
  /// The values a Builder::tap named, from solved values; Error(Errc::invalid_argument) for an unknown name.
  std::vector<Fr> tap(std::string_view name, std::span<const Fr> values) const;

  r1cs::R1cs r1cs() const;
  /// The wire-to-label map of the .r1cs file (one label a wire: the builder wire, as in sym()),
  /// for formats::write_r1cs(r1cs(), wire_labels()).
  std::vector<std::uint64_t> wire_labels() const;
  /// circom's .sym: "label_index,wire_index,component_index,main.name" lines.
  std::string sym() const;
  /// "constraint `label` (scope a/b, file.cpp:12)", for the builder's i-th constraint.
  std::string describe(std::size_t i) const;

 private:
  void number_wires();
  /// e with substituted wires replaced, memo caching resolutions (one per export: no shared state).
  Expr resolve(const Expr& e, std::unordered_map<std::uint32_t, Expr>& memo) const;
  std::unique_ptr<BuilderState> s_;
  std::vector<std::int64_t> index_;  ///< builder wire -> export wire, -1 when folded away
  std::uint32_t n_wires_ = 0, n_pub_out_ = 0, n_pub_in_ = 0, n_prv_in_ = 0;
};

}  // namespace pm::circuit
