// `proofmill export ...`: on-chain verification. `solidity` writes a verifier contract for a key,
// `calldata` prints a proof as the contract's arguments (see docs/ONCHAIN.md).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "base/mapped_file.hpp"
#include "cli/commands.hpp"
#include "export/calldata.hpp"
#include "export/solidity.hpp"
#include "formats/json.hpp"
#include "formats/zkey.hpp"
#include "groth16/verifier.hpp"

namespace pm::cli {
namespace {

struct SolidityArgs {
  std::string key, out;
  bool allow_dev_key = false;
  std::string precompile_gas = "istanbul";
  evm::SolidityOptions options;
};

bool starts_with_zkey_magic(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  char magic[4] = {};
  return f.read(magic, 4) && std::string(magic, 4) == "zkey";
}

// A verification key from verification_key.json or from a .zkey (told apart by the magic).
groth16::VerifyingKey load_verifying_key(const std::string& path) {
  if (starts_with_zkey_magic(path)) return formats::load_zkey(path).verifying_key();
  auto vk = formats::vk_from_json(formats::read_json_file(path), path);
  if (std::string err = groth16::check_verifying_key(vk); !err.empty()) {
    throw Error(Errc::invalid_point, "verification key '" + path + "': " + err);
  }
  return vk;
}

int run_solidity(const SolidityArgs& a) {
  auto vk = load_verifying_key(a.key);
  groth16::require_contributed(vk, "key '" + a.key + "'", a.allow_dev_key);
  evm::SolidityOptions options = a.options;
  options.precompile_gas = evm::PrecompileGas::parse(a.precompile_gas);
  write_file(a.out, evm::solidity_verifier(vk, options));
  if (evm::estimated_code_size(vk.n_public()) > evm::kMaxContractCodeSize) {
    std::fprintf(
        stderr,
        "proofmill: warning: with %zu public signals the contract's code will be about %zu bytes (solc's "
        "optimizer on), over EIP-170's limit of %zu: it will not deploy on Ethereum mainnet\n",
        vk.n_public(), evm::estimated_code_size(vk.n_public()), evm::kMaxContractCodeSize);
  }
  return 0;
}

struct CalldataArgs {
  std::vector<std::string> files;  // proof.json public.json [proof.json public.json ...]
  bool batch = false;
};

int run_calldata(const CalldataArgs& a) {
  if (a.files.size() % 2 != 0 || (!a.batch && a.files.size() != 2)) {
    throw Error(Errc::invalid_argument,
                a.batch ? "export calldata --batch takes pairs of proof.json public.json"
                        : "export calldata takes one proof.json and one public.json (--batch for more)");
  }
  std::vector<groth16::Proof> proofs;
  std::vector<std::vector<ff::u256>> signals;
  for (std::size_t i = 0; i < a.files.size(); i += 2) {
    proofs.push_back(formats::proof_from_json(formats::read_json_file(a.files[i]), a.files[i]));
    signals.push_back(formats::public_from_json(formats::read_json_file(a.files[i + 1]), a.files[i + 1]));
  }
  std::string text =
      a.batch ? evm::solidity_batch_calldata(proofs, signals) : evm::solidity_calldata(proofs[0], signals[0]);
  std::printf("%s\n", text.c_str());
  return 0;
}

}  // namespace

void register_export_commands(CLI::App& app, std::function<int()>& run_slot) {
  auto* e = app.add_subcommand("export", "On-chain verification: Solidity verifier and call arguments")
                ->require_subcommand(1);
  {
    auto a = std::make_shared<SolidityArgs>();
    auto* c = e->add_subcommand(
        "solidity",
        "Write a Solidity Groth16 verifier (single proofs with snarkjs's interface, and batches) for a key");
    c->add_option("key", a->key, "verification_key.json or .zkey")->required()->check(CLI::ExistingFile);
    c->add_option("out", a->out, "Output Verifier.sol")->required();
    c->add_option("--name", a->options.contract_name, "Contract name")->capture_default_str();
    c->add_option(
         "--precompile-gas", a->precompile_gas,
         "Gas forwarded to each precompile call: istanbul (EIP-1108's prices), byzantium (EIP-196/197's), "
         "or ECADD,ECMUL,PAIRING_BASE,PAIRING_PER_PAIR for a chain with other prices")
        ->capture_default_str();
    add_dev_key_flag(c, a->allow_dev_key);
    c->final_callback([a, &run_slot] { run_slot = [a] { return run_solidity(*a); }; });
  }
  {
    auto a = std::make_shared<CalldataArgs>();
    auto* c = e->add_subcommand(
        "calldata",
        "Print verifyProof's arguments for a proof (snarkjs's soliditycalldata format), or with "
        "--batch verifyBatch's for several");
    c->add_option("files", a->files, "proof.json public.json (with --batch: one pair per proof)")
        ->required()
        ->check(CLI::ExistingFile);
    c->add_flag("--batch", a->batch, "Print verifyBatch's two arrays for every proof.json public.json pair");
    c->final_callback([a, &run_slot] { run_slot = [a] { return run_calldata(*a); }; });
  }
}

}  // namespace pm::cli
