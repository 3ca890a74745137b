#pragma once
/// \file Stage-by-stage progress on stderr, only when stderr is a terminal (or forced), and
/// the time of every stage (always recorded, for `--json` summaries and benchmarks).

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "groth16/prover.hpp"

namespace pm::cli {

class Progress {
 public:
  /// Shows progress when `enabled` is true; by default, when stderr is a terminal.
  explicit Progress(bool enabled);
  /// Starts a stage (ending the previous one). `key` names it in timings(); default: `name`.
  void stage(std::string_view name, std::string_view key = {});
  void done();
  ProgressFn prover_callback();
  bool enabled() const { return enabled_; }
  /// (stage key, seconds) of every finished stage, in order.
  const std::vector<std::pair<std::string, double>>& timings() const { return timings_; }

 private:
  bool enabled_;
  std::chrono::steady_clock::time_point start_, last_;
  std::string current_;
  std::vector<std::pair<std::string, double>> timings_;
};

bool stderr_is_terminal();

}  // namespace pm::cli
