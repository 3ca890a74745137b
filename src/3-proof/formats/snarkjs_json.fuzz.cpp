// libFuzzer target: arbitrary text read as snarkjs's proof.json, public.json and
// verification_key.json. Malformed input must end in pm::Error, never a crash or an unchecked
// exception from a missing or mistyped field.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>

#include "base/error.hpp"
#include "formats/json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  pm::formats::ordered_json j;
  try {  // as `proofmill verify` reads its files (a number like 1e999 included)
    j = pm::formats::parse_json(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz input");
  } catch (const pm::Error&) {
    return 0;
  }
  try {
    (void)pm::formats::proof_from_json(j, "fuzz proof");
  } catch (const pm::Error&) {
  }
  try {
    (void)pm::formats::public_from_json(j, "fuzz public");
  } catch (const pm::Error&) {
  }
  try {
    (void)pm::formats::vk_from_json(j, "fuzz vk");
  } catch (const pm::Error&) {
  }
  return 0;
}
