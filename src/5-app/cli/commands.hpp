#pragma once

#include <functional>

namespace CLI {
class App;
}

namespace pm::cli {

/// Adds every subcommand to `app`.
void register_commands(CLI::App& app);
/// Adds `powersoftau` (dev-new) to `app`; the chosen command stores its action in `run_slot`.
void register_setup_commands(CLI::App& app, std::function<int()>& run_slot);
/// Adds `export` (solidity, calldata) to `app`; the chosen command stores its action in `run_slot`.
void register_export_commands(CLI::App& app, std::function<int()>& run_slot);
/// Adds `circuit` (list, info, export-r1cs, prove) and `witness` to `app`.
void register_circuit_commands(CLI::App& app, std::function<int()>& run_slot);
/// Adds `serve`, `worker` and `keys` (the proving service) to `app` (of proofmill-service).
void register_service_commands(CLI::App& app, std::function<int()>& run_slot);
/// Runs the subcommand the user chose; returns the process exit code.
int run_selected(CLI::App& app);

}  // namespace pm::cli
