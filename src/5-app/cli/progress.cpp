#include "cli/progress.hpp"

#include <unistd.h>

#include <cstdio>
#include <string>

namespace pm::cli {

bool stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

Progress::Progress(bool enabled)
    : enabled_(enabled), start_(std::chrono::steady_clock::now()), last_(start_) {}

void Progress::stage(std::string_view name, std::string_view key) {
  auto now = std::chrono::steady_clock::now();
  if (!current_.empty()) timings_.emplace_back(current_, std::chrono::duration<double>(now - last_).count());
  current_ = key.empty() ? name : key;
  last_ = now;
  if (!enabled_) return;
  double total = std::chrono::duration<double>(now - start_).count();
  std::fprintf(stderr, "[%7.2fs] %.*s\n", total, static_cast<int>(name.size()), name.data());
}

void Progress::done() {
  stage("done");
  current_.clear();
}

ProgressFn Progress::prover_callback() {
  return [this](std::string_view name, unsigned i, unsigned n) {
    if (i == n) return;  // "done": the caller's next stage ends the last one
    std::string line = "prove " + std::to_string(i) + "/" + std::to_string(n) + ": " + std::string(name);
    stage(line, name);
  };
}

}  // namespace pm::cli
