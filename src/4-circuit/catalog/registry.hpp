#pragma once
/// \file Circuits built into the binary, by name: `proofmill circuit list`, `circuit
/// export-r1cs NAME`, `witness NAME input.json out.wtns`, `circuit prove NAME ...`.
///
/// Adding one is one C++ file, NAME.cpp defining `CircuitDef NAME_circuit()`, and one line, NAME
/// in catalog/CMakeLists.txt's list (README, "Writing a circuit in C++").

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "circuit/circuit.hpp"

namespace pm::catalog {

/// Integer parameters of a circuit family (a tree depth, a chain length), name -> value.
using Params = std::map<std::string, std::uint64_t, std::less<>>;

struct ParamDef {
  std::string name;
  std::uint64_t default_value;
  std::uint64_t min, max;
  std::string help;
};

struct CircuitDef {
  std::string name;
  std::string description;
  std::vector<ParamDef> params;
  /// Declares inputs and outputs and the constraints; params hold every ParamDef, validated.
  std::function<void(circuit::Builder&, const Params&)> define;
  /// An input file that satisfies the circuit at default parameters (docs, tests, `circuit info`).
  std::string example_input;
};

const std::vector<CircuitDef>& all();
/// Throws Error(Errc::invalid_argument) listing the known names.
const CircuitDef& find(std::string_view name);
/// Fills defaults, rejects unknown or out-of-range parameters, builds and compiles.
circuit::Circuit build(const CircuitDef& def, const Params& params = {});
/// Parses "k=v" strings into Params (Error on malformed ones).
Params parse_params(const std::vector<std::string>& kv);

}  // namespace pm::catalog
