// libFuzzer target: an arbitrary margin request (docs/STATEMENTS.md, "Cross margin") as the CLI and
// the service receive it. Malformed input must end in pm::Error naming the field (or nlohmann's
// parse error for text that is not JSON), never a crash or an unchecked exception.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>

#include "base/error.hpp"
#include "catalog/margin_request.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // As the service reads a body (no exceptions: text that is not JSON, or a number such as
  // 1e999 that no double holds, is refused as a whole).
  nlohmann::json j = nlohmann::json::parse(data, data + size, nullptr, false);
  if (j.is_discarded()) return 0;
  try {
    auto p = pm::catalog::margin::prepare(j);
    // A request that prepares has a well-formed layout: decode must refuse signals of the wrong
    // count by name, not read past them.
    std::vector<pm::ff::Fr> none;
    (void)pm::catalog::margin::decode(j, none);
  } catch (const pm::Error&) {
  }
  return 0;
}
