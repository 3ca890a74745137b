#pragma once

namespace CLI {
class App;
}

namespace pm::cli {

/// Adds every subcommand to `app`.
void register_commands(CLI::App& app);
/// Runs the subcommand the user chose; returns the process exit code.
int run_selected(CLI::App& app);

}  // namespace pm::cli
