// Proofs of solvency (docs/STATEMENTS.md, "Solvency"): `solvency attest|build|prove|verify|
// inclusion|verify-inclusion`, over the files of catalog/solvency_round.hpp.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

#include "base/error.hpp"
#include "base/mapped_file.hpp"
#include "base/wipe.hpp"
#include "catalog/registry.hpp"
#include "catalog/solvency_round.hpp"
#include "cli/commands.hpp"
#include "cli/progress.hpp"
#include "formats/json.hpp"
#include "formats/zkey.hpp"
#include "groth16/prover.hpp"
#include "groth16/verifier.hpp"
#include "hash/poseidon.hpp"

namespace pm::cli {
namespace {

namespace fs = std::filesystem;
namespace sr = catalog::solvency;
using formats::ordered_json;

struct SolvencyArgs {
  std::string round, key, amounts, out, csv, secret, dir, batch_key, top_key, user, inclusion;
  bool force_progress = false, quiet = false, allow_dev_key = false;
};

std::string batch_name(std::size_t k) {
  char b[32];
  std::snprintf(b, sizeof b, "batch-%05zu", k);
  return b;
}

std::string params_of(const sr::Round& r) {
  const auto& c = r.config;
  return "solvency_batch -p users=" + std::to_string(c.batch_users) +
         " -p assets=" + std::to_string(c.assets.size()) +
         "\nsolvency_top -p slots=" + std::to_string(c.slots) +
         " -p assets=" + std::to_string(c.assets.size()) +
         " -p custodians=" + std::to_string(c.custodians.size());
}

catalog::Params batch_params(const sr::Config& c) {
  return {{"users", c.batch_users}, {"assets", c.assets.size()}};
}
catalog::Params top_params(const sr::Config& c) {
  return {{"slots", c.slots}, {"assets", c.assets.size()}, {"custodians", c.custodians.size()}};
}

int run_attest(const SolvencyArgs& a) {
  const auto config = sr::read_config(formats::read_json_file(a.round));
  auto k = read_private_key(a.key);
  const nlohmann::json att{{"exchange", config.exchange.to_decimal()},
                           {"round", config.round},
                           {"amounts", formats::read_json_file(a.amounts)}};
  auto signed_att = sr::sign_custody(att, config.assets, k);
  wipe_bytes(k.data(), k.size());
  write_file(a.out, signed_att.dump(2) + "\n");
  return 0;
}

std::vector<std::uint8_t> read_secret(const std::string& path) {
  MappedFile f(path);
  std::vector<std::uint8_t> s(f.bytes().begin(), f.bytes().end());
  if (s.size() < 16)
    throw Error(Errc::invalid_argument, "secret file '" + path + "' must hold at least 16 bytes");
  return s;
}

int run_build(const SolvencyArgs& a) {
  Progress p(!a.quiet && (a.force_progress || stderr_is_terminal()));
  p.stage("reading " + a.round, "config");
  const auto config = sr::read_config(formats::read_json_file(a.round));
  p.stage("reading users from " + a.csv, "users");
  auto secret = read_secret(a.secret);
  std::ifstream csv(a.csv);
  if (!csv) throw Error(Errc::io, "cannot open '" + a.csv + "'");
  const auto users = sr::read_users(csv, config, secret);
  wipe_bytes(secret.data(), secret.size());
  p.stage("hashing " + std::to_string(users.size()) + " users' leaves, batches and the top", "round");
  const auto r = sr::build(config, users);
  p.stage("writing " + a.dir, "write");
  fs::create_directories(fs::path(a.dir) / "batches");
  write_file(a.dir + "/round.json", sr::public_record(r).dump(1) + "\n");
  write_file(a.dir + "/top.input.json", sr::top_input(r).dump() + "\n");
  for (std::size_t k = 0; k < r.batches.size(); ++k) {
    write_file(a.dir + "/batches/" + batch_name(k) + ".input.json",
               sr::batch_input(r, users, k).dump() + "\n");
  }
  std::string lines;
  for (const auto& u : users) lines += sr::user_line(u).dump() + "\n";
  write_file(a.dir + "/users.jsonl", lines);
  p.done();
  std::printf("%zu users in %zu batches; root %s\n%s\n", users.size(), r.batches.size(),
              r.root.to_decimal().c_str(), params_of(r).c_str());
  return 0;
}

// One key loaded once, proving many inputs of one circuit.
struct KeyedProver {
  circuit::Circuit circuit;
  std::shared_ptr<const groth16::ProvingKey> pk;
  std::unique_ptr<groth16::Prover> prover;

  KeyedProver(circuit::Circuit c, const std::string& zkey, bool allow_dev_key) : circuit(std::move(c)) {
    pk = std::make_shared<const groth16::ProvingKey>(formats::load_zkey(zkey));
    groth16::require_contributed(pk->verifying_key(), "zkey '" + zkey + "'", allow_dev_key);
    if (pk->n_vars != circuit.num_wires() || pk->n_public != circuit.num_public()) {
      throw Error(Errc::mismatch, "zkey '" + zkey + "' is not a key of " + circuit.name() +
                                      " at the round's parameters (" + std::to_string(circuit.num_wires()) +
                                      " wires, " + std::to_string(circuit.num_public()) + " public)");
    }
    prover = std::make_unique<groth16::Prover>(pk);
  }

  std::vector<ff::Fr> prove(const nlohmann::json& input, const std::string& stem, Progress& p) {
    auto w = circuit.witness(circuit.solve(input));
    auto proof = prover->prove(w, p.prover_callback());
    std::vector<ff::Fr> pub(w.begin() + 1, w.begin() + 1 + static_cast<std::ptrdiff_t>(pk->n_public));
    write_file(stem + ".proof.json", formats::dump_snarkjs(formats::proof_to_json(proof)));
    write_file(stem + ".public.json", formats::dump_snarkjs(formats::public_to_json(pub)));
    return pub;
  }
};

int run_prove(const SolvencyArgs& a) {
  Progress p(!a.quiet && (a.force_progress || stderr_is_terminal()));
  const auto r = sr::read_record(formats::read_json_file(a.dir + "/round.json"));
  fs::create_directories(fs::path(a.dir) / "proofs");
  const std::size_t n = r.batches.size();
  {
    p.stage("building solvency_batch and loading " + a.batch_key, "load batch key");
    KeyedProver batch(catalog::build(catalog::find("solvency_batch"), batch_params(r.config)), a.batch_key,
                      a.allow_dev_key);
    for (std::size_t k = 0; k < n; ++k) {
      const std::string stem = a.dir + "/proofs/" + batch_name(k);
      // A batch already proven for this commitment is kept (a round resumes where it stopped).
      if (fs::exists(stem + ".proof.json") && fs::exists(stem + ".public.json") &&
          read_public_signals(stem + ".public.json") == std::vector<ff::Fr>{r.commitments[k]}) {
        continue;
      }
      p.stage("proving batch " + std::to_string(k + 1) + " of " + std::to_string(n), "batch");
      auto pub =
          batch.prove(formats::read_json_file(a.dir + "/batches/" + batch_name(k) + ".input.json"), stem, p);
      if (pub != std::vector<ff::Fr>{r.commitments[k]}) {
        throw Error(Errc::mismatch,
                    "batch " + std::to_string(k) + "'s input does not give the record's commitment");
      }
    }
  }
  p.stage("building solvency_top and loading " + a.top_key, "load top key");
  KeyedProver top(catalog::build(catalog::find("solvency_top"), top_params(r.config)), a.top_key,
                  a.allow_dev_key);
  p.stage("proving the top", "top");
  auto pub = top.prove(formats::read_json_file(a.dir + "/top.input.json"), a.dir + "/proofs/top", p);
  if (pub != sr::top_public_signals(r))
    throw Error(Errc::mismatch, "the top input does not give the record's signals");
  p.done();
  std::printf("%zu batch proofs and the top proof in %s/proofs\n", n, a.dir.c_str());
  return 0;
}

groth16::VerifyingKey load_vk(const std::string& path, bool allow_dev_key) {
  auto vk = formats::vk_from_json(formats::read_json_file(path), path);
  if (std::string err = groth16::check_verifying_key(vk); !err.empty()) {
    throw Error(Errc::invalid_point, "verification key '" + path + "': " + err);
  }
  groth16::require_contributed(vk, "verification key '" + path + "'", allow_dev_key);
  return vk;
}

void verify_one(const groth16::VerifyingKey& vk, const std::string& stem,
                const std::vector<ff::Fr>& expected) {
  const auto pub = read_public_signals(stem + ".public.json");
  if (pub != expected) throw Error(Errc::mismatch, stem + ".public.json is not the record's");
  std::vector<ff::u256> in;
  for (const auto& v : pub) in.push_back(v.to_canonical());
  const auto res =
      groth16::verify(vk, in, formats::proof_from_json(formats::read_json_file(stem + ".proof.json"), stem));
  if (!res.valid) throw Error(Errc::unsatisfied, stem + ".proof.json does not verify: " + res.reason);
}

int run_verify(const SolvencyArgs& a) {
  Progress p(!a.quiet && (a.force_progress || stderr_is_terminal()));
  p.stage("re-deriving the record", "record");
  const auto r = sr::read_record(formats::read_json_file(a.dir + "/round.json"));
  const auto batch_vk = load_vk(a.batch_key, a.allow_dev_key), top_vk = load_vk(a.top_key, a.allow_dev_key);
  p.stage("verifying " + std::to_string(r.batches.size()) + " batch proofs", "batches");
  for (std::size_t k = 0; k < r.batches.size(); ++k) {
    verify_one(batch_vk, a.dir + "/proofs/" + batch_name(k), {r.commitments[k]});
  }
  p.stage("verifying the top proof", "top");
  verify_one(top_vk, a.dir + "/proofs/top", sr::top_public_signals(r));
  p.done();
  ordered_json out{{"valid", true},
                   {"exchange", r.config.exchange.to_decimal()},
                   {"round", r.config.round},
                   {"users", r.users},
                   {"batches", r.batches.size()},
                   {"root", r.root.to_decimal()}};
  for (std::size_t i = 0; i < r.config.assets.size(); ++i) {
    out["liabilities"].push_back({{"asset", r.config.assets[i]},
                                  {"equity", r.equity[i].to_decimal()},
                                  {"debt", r.debt[i].to_decimal()}});
  }
  std::printf("%s\n", out.dump(2).c_str());
  return 0;
}

int run_inclusion(const SolvencyArgs& a) {
  const auto r = sr::read_record(formats::read_json_file(a.dir + "/round.json"));
  std::ifstream in(a.dir + "/users.jsonl");
  if (!in) throw Error(Errc::io, "cannot open '" + a.dir + "/users.jsonl'");
  // The user's position, then their batch's users (their leaves make the path).
  const std::size_t b = r.config.batch_users;
  std::vector<sr::User> batch;
  std::size_t index = 0, found = SIZE_MAX;
  std::string line;
  while (std::getline(in, line)) {
    if (found == SIZE_MAX && index % b == 0) batch.clear();
    if (found != SIZE_MAX && index / b != found / b) break;
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded())
      throw Error(Errc::format, "users.jsonl line " + std::to_string(index + 1) + " is not JSON");
    batch.push_back(sr::user_from_line(j, r.config));
    if (batch.back().id == a.user) found = index;
    ++index;
  }
  if (found == SIZE_MAX) throw Error(Errc::invalid_argument, "no user `" + a.user + "` in this round");
  // `batch` holds the users of found's batch in order; inclusion() indexes the whole list, so
  // place them at their batch's offset.
  std::vector<sr::User> all((found / b) * b);
  all.insert(all.end(), batch.begin(), batch.end());
  write_file(a.out, sr::inclusion(r, all, found).dump(1) + "\n");
  return 0;
}

int run_verify_inclusion(const SolvencyArgs& a) {
  const auto inc = formats::read_json_file(a.inclusion);
  // Poseidon's constants are generated once a process (about 20 ms for the three widths a check
  // uses); the check itself is timed without them, as a page that keeps them loaded runs it.
  for (unsigned n : {2u, 16u}) (void)hash::poseidon_params(n);
  if (inc.contains("balances") && inc["balances"].is_array() && !inc["balances"].empty() &&
      inc["balances"].size() < 16) {
    (void)hash::poseidon_params(static_cast<unsigned>(inc["balances"].size() + 1));
  }
  const auto t0 = std::chrono::steady_clock::now();
  const auto root = sr::verify_inclusion(inc);
  const std::chrono::duration<double, std::milli> ms = std::chrono::steady_clock::now() - t0;

  if (!a.round.empty()) {
    const auto rec = formats::read_json_file(a.round);
    if (rec.value("root", "") != root.to_decimal() ||
        rec.value("exchange", "") != inc.value("exchange", "") ||
        rec.value("round", std::uint64_t{0}) != inc.value("round", std::uint64_t{1})) {
      throw Error(Errc::mismatch, "the inclusion file reaches root " + root.to_decimal() + ", not " +
                                      a.round + "'s published root of this exchange and round");
    }
  }
  ordered_json out{
      {"included", true}, {"user", inc["user"]}, {"root", root.to_decimal()}, {"balances", inc["balances"]}};
  out["check_ms"] = ms.count();
  std::printf("%s\n", out.dump(2).c_str());
  return 0;
}

}  // namespace

void register_solvency_commands(CLI::App& app, std::function<int()>& run_slot) {
  auto* g = app.add_subcommand(
                   "solvency",
                   "Proofs of solvency: users' balances summed per asset in batch proofs, joined by a top "
                   "proof that reserves cover them, and each user's inclusion check")
                ->require_subcommand(1);
  auto flags = [](CLI::App* c, SolvencyArgs& a) {
    c->add_flag("--progress", a.force_progress, "Show progress on stderr even when it is not a terminal");
    c->add_flag("-q,--quiet", a.quiet, "No progress output");
  };
  {
    auto a = std::make_shared<SolvencyArgs>();
    auto* c =
        g->add_subcommand("attest", "A custodian signs the amounts it holds for the exchange this round");
    c->add_option("round", a->round, "The round's round.json (exchange, round, assets)")
        ->required()
        ->check(CLI::ExistingFile);
    c->add_option("key", a->key, "Custodian key file (`oracle keygen`)")
        ->required()
        ->check(CLI::ExistingFile);
    c->add_option("amounts", a->amounts, "JSON {asset: amount} in the assets' units")
        ->required()
        ->check(CLI::ExistingFile);
    c->add_option("out", a->out, "Output attestation (an entry of round.json's custodians)")->required();
    c->final_callback([a, &run_slot] { run_slot = [a] { return run_attest(*a); }; });
  }
  {
    auto a = std::make_shared<SolvencyArgs>();
    auto* c = g->add_subcommand(
        "build",
        "Lay a round out: the public record DIR/round.json, each batch's input, the top's input "
        "and the private DIR/users.jsonl; print the circuits' parameters");
    c->add_option("users", a->csv, "Users CSV: user,asset,equity,debt")->required()->check(CLI::ExistingFile);
    c->add_option("round", a->round, "round.json (exchange, round, assets, reserves, custodians)")
        ->required()
        ->check(CLI::ExistingFile);
    c->add_option("dir", a->dir, "Output folder")->required();
    c->add_option("--secret", a->secret, "The exchange's secret (a file of at least 16 bytes): users' nonces")
        ->required()
        ->check(CLI::ExistingFile);
    flags(c, *a);
    c->final_callback([a, &run_slot] { run_slot = [a] { return run_build(*a); }; });
  }
  {
    auto a = std::make_shared<SolvencyArgs>();
    auto* c = g->add_subcommand(
        "prove", "Prove every batch of DIR, then the top (DIR/proofs; proven batches are kept)");
    c->add_option("dir", a->dir, "The round's folder (`solvency build`)")
        ->required()
        ->check(CLI::ExistingDirectory);
    c->add_option("batch-zkey", a->batch_key, "solvency_batch's proving key at the round's parameters")
        ->required()
        ->check(CLI::ExistingFile);
    c->add_option("top-zkey", a->top_key, "solvency_top's proving key")->required()->check(CLI::ExistingFile);
    add_dev_key_flag(c, a->allow_dev_key);
    flags(c, *a);
    c->final_callback([a, &run_slot] { run_slot = [a] { return run_prove(*a); }; });
  }
  {
    auto a = std::make_shared<SolvencyArgs>();
    auto* c = g->add_subcommand(
        "verify", "Check a published round: the record re-derived, every batch proof and the top proof");
    c->add_option("dir", a->dir, "The round's folder (round.json, proofs/)")
        ->required()
        ->check(CLI::ExistingDirectory);
    c->add_option("batch-vk", a->batch_key, "solvency_batch's verification key")
        ->required()
        ->check(CLI::ExistingFile);
    c->add_option("top-vk", a->top_key, "solvency_top's verification key")
        ->required()
        ->check(CLI::ExistingFile);
    add_dev_key_flag(c, a->allow_dev_key);
    flags(c, *a);
    c->final_callback([a, &run_slot] { run_slot = [a] { return run_verify(*a); }; });
  }
  {
    auto a = std::make_shared<SolvencyArgs>();
    auto* c =
        g->add_subcommand("inclusion", "Write a user's inclusion file (their balances, nonce and paths)");
    c->add_option("dir", a->dir, "The round's folder (round.json, users.jsonl)")
        ->required()
        ->check(CLI::ExistingDirectory);
    c->add_option("user", a->user, "The user's id")->required();
    c->add_option("out", a->out, "Output inclusion file")->required();
    c->final_callback([a, &run_slot] { run_slot = [a] { return run_inclusion(*a); }; });
  }
  {
    auto a = std::make_shared<SolvencyArgs>();
    auto* c = g->add_subcommand(
        "verify-inclusion",
        "A user checks that their balances are in a round: exit 0 and the root reached, or an "
        "error naming what does not hold");
    c->add_option("inclusion", a->inclusion, "The user's inclusion file")
        ->required()
        ->check(CLI::ExistingFile);
    c->add_option("--round", a->round, "The published round.json: the root must be its root")
        ->check(CLI::ExistingFile);
    c->final_callback([a, &run_slot] { run_slot = [a] { return run_verify_inclusion(*a); }; });
  }
}

}  // namespace pm::cli
