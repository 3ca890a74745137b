// libFuzzer target: what a proof-of-solvency round reads from outside (docs/STATEMENTS.md, "Proof
// of solvency"): round.json, a published record, a user's inclusion file, a service job, and the
// users CSV. A first byte picks the reader. Malformed input must end in pm::Error naming the
// field or line, never a crash, an unchecked exception or memory out of proportion.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <sstream>

#include "base/error.hpp"
#include "catalog/solvency_round.hpp"

namespace sr = pm::catalog::solvency;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t mode = data[0] % 5;
  ++data, --size;
  try {
    if (mode == 4) {
      // The CSV against a fixed two-asset round.
      static const sr::Config config = sr::read_config(nlohmann::json::parse(
          R"({"exchange": "1", "round": 1, "batch_users": 2, "slots": 4,
              "assets": [{"name": "USD", "price": "1", "haircut": "1"}, {"name": "BTC", "price": "7", "haircut": "0.5"}]})"));
      static const std::uint8_t secret[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
      std::istringstream csv(std::string(reinterpret_cast<const char*>(data), size));
      const auto users = sr::read_users(csv, config, secret);
      if (users.size() <= 64) (void)sr::build(config, users);
      return 0;
    }
    nlohmann::json j = nlohmann::json::parse(data, data + size, nullptr, false);
    if (j.is_discarded()) return 0;
    switch (mode) {
      case 0: {
        const auto c = sr::read_config(j);
        (void)c;
        break;
      }
      case 1:
        (void)sr::read_record(j);
        break;
      case 2:
        (void)sr::verify_inclusion(j);
        break;
      default: {
        const auto job = sr::read_job(j);
        (void)sr::public_signal_count(job);
        break;
      }
    }
  } catch (const pm::Error&) {
  }
  return 0;
}
