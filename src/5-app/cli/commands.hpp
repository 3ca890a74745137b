#pragma once

#include <array>
#include <functional>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "ff/bn254.hpp"

namespace CLI {
class App;
}
namespace pm::circuit {
class Circuit;
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
/// Adds `oracle` (keygen, sign) and `options` (input, prove, decode): option prices and Greeks.
void register_options_commands(CLI::App& app, std::function<int()>& run_slot);
/// Adds `margin` (input, prove, decode): cross-margin outcomes of committed accounts.
void register_margin_commands(CLI::App& app, std::function<int()>& run_slot);
/// Adds `aggregate` (circuit, prove): many Groth16 proofs verified in one circuit.
void register_aggregate_commands(CLI::App& app, std::function<int()>& run_slot);
/// Adds `solvency` (attest, build, prove, verify, inclusion, verify-inclusion): proofs of solvency.
void register_solvency_commands(CLI::App& app, std::function<int()>& run_slot);
/// The 32-byte private key of an `oracle keygen` key file (Error naming the file otherwise).
std::array<std::uint8_t, 32> read_private_key(const std::string& path);
/// The signals of a snarkjs public.json (Error naming the file if it is not one).
std::vector<ff::Fr> read_public_signals(const std::string& path);
class Progress;
/// --allow-dev-key: accept a key without a phase-2 contribution (groth16::require_contributed).
void add_dev_key_flag(CLI::App* c, bool& flag);
/// Solves `input` (every constraint checked), proves with `zkey` (which must be this circuit's, with a
/// phase-2 contribution unless allow_dev_key) and
/// writes snarkjs's proof.json and public.json; returns the public signals (and, with `solved`,
/// every builder wire's value, for Circuit::tap).
std::vector<ff::Fr> prove_circuit(const circuit::Circuit& c, const nlohmann::ordered_json& input,
                                  const std::string& zkey, const std::string& proof_out,
                                  const std::string& public_out, Progress& p, bool allow_dev_key,
                                  std::vector<ff::Fr>* solved = nullptr);
/// Adds `serve`, `worker` and `keys` (the proving service) to `app` (of proofmill-service).
void register_service_commands(CLI::App& app, std::function<int()>& run_slot);
/// Runs the subcommand the user chose; returns the process exit code.
int run_selected(CLI::App& app);

}  // namespace pm::cli
