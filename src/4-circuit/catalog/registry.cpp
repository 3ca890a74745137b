#include "catalog/registry.hpp"

#include <algorithm>

#include "base/error.hpp"

namespace pm::catalog {

// The definitions: one file each, listed in CMakeLists.txt (the generated circuits.inc).
#define PM_CIRCUIT(stem) CircuitDef stem##_circuit();
#include "catalog/circuits.inc"
#undef PM_CIRCUIT

const std::vector<CircuitDef>& all() {
  static const std::vector<CircuitDef> defs = {
#define PM_CIRCUIT(stem) stem##_circuit(),
#include "catalog/circuits.inc"
#undef PM_CIRCUIT
  };
  return defs;
}

const CircuitDef& find(std::string_view name) {
  std::string known;
  for (const auto& d : all()) {
    if (d.name == name) return d;
    known += (known.empty() ? "" : ", ") + d.name;
  }
  throw Error(Errc::invalid_argument,
              "no built-in circuit named `" + std::string(name) + "` (known: " + known + ")");
}

circuit::Circuit build(const CircuitDef& def, const Params& params) {
  Params full;
  for (const auto& p : def.params) full[p.name] = p.default_value;
  for (const auto& [k, v] : params) {
    auto it =
        std::find_if(def.params.begin(), def.params.end(), [&](const ParamDef& p) { return p.name == k; });
    if (it == def.params.end()) {
      throw Error(Errc::invalid_argument, "circuit " + def.name + " has no parameter `" + k + "`");
    }
    if (v < it->min || v > it->max) {
      throw Error(Errc::out_of_range, "parameter `" + k + "` of " + def.name + " must be in " +
                                          std::to_string(it->min) + ".." + std::to_string(it->max));
    }
    full[k] = v;
  }
  std::string name = def.name;
  for (const auto& [k, v] : params) name += "_" + k + std::to_string(v);
  circuit::Builder b(name);
  def.define(b, full);
  return b.compile();
}

Params parse_params(const std::vector<std::string>& kv) {
  Params out;
  for (const auto& s : kv) {
    auto eq = s.find('=');
    std::string key = s.substr(0, eq);
    std::string val = eq == std::string::npos ? "" : s.substr(eq + 1);
    bool digits =
        !val.empty() && val.size() <= 19 && val.find_first_not_of("0123456789") == std::string::npos;
    if (key.empty() || !digits) {
      throw Error(Errc::invalid_argument, "parameter `" + s + "` must look like name=123");
    }
    out[key] = std::stoull(val);
  }
  return out;
}

}  // namespace pm::catalog
