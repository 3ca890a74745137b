#pragma once
/// \file Structured logs: one JSON object per line on stderr ({"ts", "level", "msg", ...fields}).
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace pm::service {

enum class LogLevel { debug, info, warn, error };

/// Parses "debug", "info", "warn" or "error"; throws Error(invalid_argument) otherwise.
LogLevel parse_log_level(std::string_view s);
void set_log_level(LogLevel level);
bool log_enabled(LogLevel level);

using LogValue = std::variant<std::string, std::int64_t, double, bool>;
void log(LogLevel level, std::string_view msg,
         std::initializer_list<std::pair<std::string_view, LogValue>> fields = {});

}  // namespace pm::service
