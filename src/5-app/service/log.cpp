#include "service/log.hpp"

#include <atomic>
#include <cstdio>
#include <mutex>
#include <nlohmann/json.hpp>

#include "base/error.hpp"
#include "service/util.hpp"

namespace pm::service {
namespace {
std::atomic<int> g_level{static_cast<int>(LogLevel::info)};
std::mutex g_mu;
const char* names[] = {"debug", "info", "warn", "error"};
}  // namespace

LogLevel parse_log_level(std::string_view s) {
  for (int k = 0; k < 4; ++k) {
    if (s == names[k]) return static_cast<LogLevel>(k);
  }
  throw Error(Errc::invalid_argument,
              "unknown log level '" + std::string(s) + "' (debug, info, warn, error)");
}

void set_log_level(LogLevel level) { g_level.store(static_cast<int>(level)); }
bool log_enabled(LogLevel level) {
  return static_cast<int>(level) >= g_level.load(std::memory_order_relaxed);
}

void log(LogLevel level, std::string_view msg,
         std::initializer_list<std::pair<std::string_view, LogValue>> fields) {
  if (!log_enabled(level)) return;
  nlohmann::ordered_json j;
  j["ts"] = rfc3339(wall_ms());
  j["level"] = names[static_cast<int>(level)];
  j["msg"] = msg;
  for (auto& [k, v] : fields) {
    std::visit([&](const auto& x) { j[std::string(k)] = x; }, v);
  }
  std::string line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  std::lock_guard g(g_mu);
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace pm::service
