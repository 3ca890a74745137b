#pragma once
/// \file Stage-by-stage progress on stderr, only when stderr is a terminal (or forced).

#include <chrono>
#include <string_view>

#include "groth16/prover.hpp"

namespace pm::cli {

class Progress {
 public:
  /// Shows progress when `enabled` is true; by default, when stderr is a terminal.
  explicit Progress(bool enabled);
  void stage(std::string_view name);
  void done();
  groth16::ProgressFn prover_callback();
  bool enabled() const { return enabled_; }

 private:
  bool enabled_;
  std::chrono::steady_clock::time_point start_, last_;
};

bool stderr_is_terminal();

}  // namespace pm::cli
