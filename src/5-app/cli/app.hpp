#pragma once
/// \file What the two executables (proofmill, proofmill-service) share: the common flags and
/// the parse / run / error-to-exit-code sequence. Exit codes: 0 success (or valid proof), 1 a
/// proof that does not verify or a witness that does not satisfy its constraints, 2 any error.

#include <functional>

namespace CLI {
class App;
}

namespace pm::cli {

/// One subcommand required, `--version`, and `--no-asm` (portable field arithmetic).
void add_common_options(CLI::App& app);

/// Parses argv and runs `run` (the chosen command's action); errors are printed on stderr as
/// "proofmill: error (...): ..." and give exit code 2.
int parse_and_run(CLI::App& app, int argc, char** argv, const std::function<int()>& run);

}  // namespace pm::cli
