// libFuzzer target: an arbitrary input JSON for a built-in circuit (`proofmill circuit prove`'s
// input file), solved by bsm_options at its example parameters. Malformed or unsatisfiable input
// must end in pm::Error naming the input or the failing constraint, never a crash.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>

#include "base/error.hpp"
#include "catalog/registry.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const pm::circuit::Circuit c = pm::catalog::build(pm::catalog::find("bsm_options"));
  nlohmann::ordered_json j = nlohmann::ordered_json::parse(data, data + size, nullptr, false);
  if (j.is_discarded()) return 0;
  try {
    (void)c.solve(j);
  } catch (const pm::Error&) {
  }
  return 0;
}
