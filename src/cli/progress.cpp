#include "cli/progress.hpp"

#include <unistd.h>

#include <cstdio>
#include <string>

namespace pm::cli {

bool stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

Progress::Progress(bool enabled)
    : enabled_(enabled), start_(std::chrono::steady_clock::now()), last_(start_) {}

void Progress::stage(std::string_view name) {
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  double total = std::chrono::duration<double>(now - start_).count();
  std::fprintf(stderr, "[%7.2fs] %.*s\n", total, static_cast<int>(name.size()), name.data());
  last_ = now;
}

void Progress::done() { stage("done"); }

groth16::ProgressFn Progress::prover_callback() {
  if (!enabled_) return {};
  return [this](std::string_view name, unsigned i, unsigned n) {
    std::string line = "prove " + std::to_string(i) + "/" + std::to_string(n) + ": " + std::string(name);
    stage(line);
  };
}

}  // namespace pm::cli
