// Trusted-setup commands. The ceremony, with snarkjs's names and argument order: `powersoftau
// new|contribute|beacon|prepare phase2|verify` (src/3-proof/setup/ptau.hpp), `groth16 setup` and `zkey
// contribute|beacon|verify` (src/3-proof/setup/zkey_mpc.hpp). And the DEV-ONLY ones with known toxic
// waste: `powersoftau dev-new` (src/3-proof/setup/ptau_dev.hpp), `groth16 dev-setup` (groth16_dev.hpp).
#include <string.h>  // explicit_bzero
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <functional>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "base/error.hpp"
#include "base/mapped_file.hpp"
#include "cli/commands.hpp"
#include "cli/progress.hpp"
#include "formats/r1cs.hpp"
#include "formats/zkey.hpp"
#include "setup/groth16_dev.hpp"
#include "setup/ptau.hpp"
#include "setup/ptau_dev.hpp"
#include "setup/zkey_mpc.hpp"

namespace pm::cli {
namespace {

struct DevNewArgs {
  unsigned power = 0;
  std::string out;
  std::string seed = "proofmill-dev";
  std::string tau, alpha, beta;  // decimal; all three or none (then derived from the seed)
  bool json = false, force_progress = false, quiet = false;
};

ff::Fr parse_secret(const std::string& s, const char* name) {
  auto v = ff::Fr::from_decimal(s);
  if (!v)
    throw Error(Errc::invalid_argument, std::string("--") + name + " must be a decimal integer below r");
  return *v;
}

void warn(const std::string& origin,
          const char* what =
              "powers of tau with KNOWN toxic waste: tau, alpha and\n"
              "proofmill: WARNING: beta",
          const char* scope = "every circuit set up with this file") {
  std::fprintf(stderr,
               "proofmill: ******************************************************************\n"
               "proofmill: WARNING: DEV-ONLY %s are %s.\n"
               "proofmill: WARNING: Anyone can forge proofs for %s.\n"
               "proofmill: WARNING: Use it for tests and CI only, never for keys that protect anything.\n"
               "proofmill: ******************************************************************\n",
               what, origin.c_str(), scope);
}

struct DevSetupArgs {
  std::string r1cs, zkey, seed = "proofmill-dev";
  bool force_progress = false, quiet = false;
};

int run_dev_setup(const DevSetupArgs& a) {
  warn("derived from the seed \"" + a.seed + "\"",
       "Groth16 key with KNOWN toxic waste: tau, alpha, beta, gamma and\nproofmill: WARNING: delta",
       "this circuit with this key");
  Progress p(!a.quiet && (a.force_progress || stderr_is_terminal()));
  p.stage("loading " + a.r1cs);
  auto r1cs = formats::load_r1cs(a.r1cs);
  auto secrets = setup::dev_groth16_secrets_from_seed(a.seed);
  ProgressFn progress;
  if (p.enabled()) {
    progress = [&p](std::string_view what, unsigned i, unsigned n) {
      p.stage(std::to_string(i) + "/" + std::to_string(n) + ": " + std::string(what));
    };
  }
  auto pk = setup::dev_groth16_setup(r1cs, secrets, progress);
  explicit_bzero(&secrets, sizeof secrets);
  p.stage("writing " + a.zkey);
  write_file(a.zkey, formats::write_zkey(pk));
  p.done();
  return 0;
}

int run_dev_new(const DevNewArgs& a) {
  setup::DevToxicWaste tw;
  std::string origin;
  if (!a.tau.empty()) {
    tw = {parse_secret(a.tau, "tau"), parse_secret(a.alpha, "alpha"), parse_secret(a.beta, "beta")};
    setup::check_dev_toxic_waste(tw);
    origin = "given on the command line";
  } else {
    tw = setup::dev_toxic_waste_from_seed(a.seed);
    origin = "derived from the seed \"" + a.seed + "\"";
  }
  struct Wiper {
    setup::DevToxicWaste& tw;
    ~Wiper() { setup::wipe(tw); }
  } wiper{tw};
  warn(origin);
  Progress p(!a.quiet && (a.force_progress || stderr_is_terminal()));
  std::uint64_t size = setup::dev_ptau_size(a.power);
  p.stage("dev ptau 2^" + std::to_string(a.power) + " -> " + a.out + " (" +
          (size >= (1u << 20) ? std::to_string(size >> 20) + " MiB" : std::to_string(size >> 10) + " KiB") +
          ")");
  ProgressFn progress;
  if (p.enabled()) {
    progress = [&p](std::string_view what, unsigned i, unsigned n) {
      p.stage(std::to_string(i) + "/" + std::to_string(n) + ": " + std::string(what));
    };
  }
  setup::write_dev_ptau_file(a.out, a.power, tw, progress);
  if (a.json) {
    nlohmann::ordered_json j{{"ptau", a.out}, {"power", a.power}, {"bytes", size}, {"dev_only", true}};
    if (a.tau.empty()) j["seed"] = a.seed;
    std::printf("%s\n", j.dump(2).c_str());
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------
// The ceremony

struct CeremonyArgs {
  std::string in, out, extra;  // extra: the r1cs (zkey verify) or unused
  std::string name, entropy, beacon_hash;
  unsigned power = 0, beacon_exp = 0;
  bool force_progress = false, quiet = false, json = false;
};

ProgressFn progress_of(Progress& p) {
  if (!p.enabled()) return {};
  return [&p](std::string_view what, unsigned i, unsigned n) {
    p.stage(std::to_string(i) + "/" + std::to_string(n) + ": " + std::string(what));
  };
}

// Names come from files: control characters could fake lines of the report.
std::string printable(const std::string& s) {
  std::string out;
  for (char c : s) out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
  return out;
}

// Wipes the entropy text (ours and the argument's) however the contribution ends.
struct EntropyWiper {
  std::string& a;
  std::string& b;
  ~EntropyWiper() {
    setup::wipe_bytes(a.data(), a.size());
    setup::wipe_bytes(b.data(), b.size());
  }
};

void print_hash(const char* title, const setup::Hash64& h) {
  std::printf("%s\n%s\n", title, setup::format_hash(h).c_str());
}

// snarkjs's documented form is -n="name" / -e="text", which reaches a short option as "=name".
std::string snarkjs_value(const std::string& v) { return !v.empty() && v[0] == '=' ? v.substr(1) : v; }

// snarkjs asks for entropy when none is given; so do we, on a terminal. Elsewhere (CI, scripts)
// the OS's 64 random bytes are the only entropy, which is enough on their own.
std::string entropy_of(const CeremonyArgs& a) {
  if (!a.entropy.empty() || !isatty(STDIN_FILENO)) return snarkjs_value(a.entropy);
  std::fprintf(stderr, "Enter a random text (extra entropy, mixed with 64 bytes from the OS): ");
  std::string line;
  std::getline(std::cin, line);
  return line;
}

int run_ptau_new(const CeremonyArgs& a) {
  Progress p(!a.quiet && (a.force_progress || stderr_is_terminal()));
  auto h = setup::ptau_new(a.power, a.out, progress_of(p));
  p.done();
  if (!a.quiet) print_hash("First Contribution Hash:", h);
  return 0;
}

int run_ptau_contribute(CeremonyArgs& a, bool beacon) {
  setup::ContributionParams params{snarkjs_value(a.name), std::nullopt};
  if (beacon) params.beacon = setup::parse_beacon(a.beacon_hash, a.beacon_exp);
  std::string entropy = beacon ? std::string() : entropy_of(a);
  EntropyWiper wiper{entropy, a.entropy};
  Progress p(!a.quiet && (a.force_progress || stderr_is_terminal()));
  auto r = setup::ptau_contribute(a.in, a.out, params, entropy, progress_of(p));
  p.done();
  if (a.json) {
    nlohmann::ordered_json j{{"challenge", setup::hex(r.challenge)},
                             {"response_hash", setup::hex(r.response_hash)},
                             {"next_challenge", setup::hex(r.next_challenge)}};
    std::printf("%s\n", j.dump(2).c_str());
  } else if (!a.quiet) {
    print_hash("Contribution Response Hash:", r.response_hash);
    print_hash("Next Challenge Hash:", r.next_challenge);
  }
  return 0;
}

int run_ptau_prepare(const CeremonyArgs& a) {
  Progress p(!a.quiet && (a.force_progress || stderr_is_terminal()));
  setup::ptau_prepare_phase2(a.in, a.out, progress_of(p));
  p.done();
  return 0;
}

int run_ptau_verify(const CeremonyArgs& a) {
  Progress p(!a.quiet && (a.force_progress || stderr_is_terminal()));
  auto rep = setup::ptau_verify(a.in, progress_of(p));
  p.done();
  if (a.json) {
    nlohmann::ordered_json cs = nlohmann::ordered_json::array();
    for (const auto& c : rep.contributions) {
      nlohmann::ordered_json j{{"index", c.index},
                               {"name", c.name},
                               {"type", c.type == 1 ? "beacon" : "contribution"},
                               {"challenge", setup::hex(c.challenge)},
                               {"response_hash", setup::hex(c.response_hash)},
                               {"next_challenge", setup::hex(c.next_challenge)}};
      if (c.beacon) j["beacon"] = {{"hash", setup::hex(c.beacon->hash)}, {"exp", c.beacon->exp}};
      cs.push_back(j);
    }
    nlohmann::ordered_json j{{"ok", true},
                             {"power", rep.power},
                             {"ceremony_power", rep.ceremony_power},
                             {"lagrange_checked", rep.lagrange_checked},
                             {"contributions", cs}};
    std::printf("%s\n", j.dump(2).c_str());
    return 0;
  }
  for (auto it = rep.contributions.rbegin(); it != rep.contributions.rend(); ++it) {
    std::printf("-----------------------------------------------------\n");
    std::printf("Contribution #%u: %s\n", it->index, printable(it->name).c_str());
    print_hash("\tChallenge answered:", it->challenge);
    print_hash("\tResponse Hash:", it->response_hash);
    print_hash("\tNext Challenge:", it->next_challenge);
    if (it->beacon) {
      std::printf("\tBeacon generator: %s\n\tBeacon iterations Exp: %u\n",
                  setup::hex(it->beacon->hash).c_str(), it->beacon->exp);
    }
  }
  std::printf("-----------------------------------------------------\n");
  if (!rep.lagrange_checked) {
    std::printf(
        "Sections 12-15 (phase 2 Lagrange bases) absent: run `proofmill powersoftau prepare phase2`.\n");
  }
  std::printf("Powers of Tau Ok! (power %u, ceremony power %u, %zu contributions)\n", rep.power,
              rep.ceremony_power, rep.contributions.size());
  return 0;
}

int run_groth16_setup(const CeremonyArgs& a) {
  Progress p(!a.quiet && (a.force_progress || stderr_is_terminal()));
  auto h = setup::groth16_setup(a.extra, a.in, a.out, progress_of(p));
  p.done();
  if (!a.quiet) print_hash("Circuit Hash:", h);
  return 0;
}

int run_zkey_contribute(CeremonyArgs& a, bool beacon) {
  setup::ContributionParams params{snarkjs_value(a.name), std::nullopt};
  if (beacon) params.beacon = setup::parse_beacon(a.beacon_hash, a.beacon_exp);
  std::string entropy = beacon ? std::string() : entropy_of(a);
  EntropyWiper wiper{entropy, a.entropy};
  Progress p(!a.quiet && (a.force_progress || stderr_is_terminal()));
  auto h = setup::zkey_contribute(a.in, a.out, params, entropy, progress_of(p));
  p.done();
  if (!a.quiet) print_hash("Contribution Hash:", h);
  return 0;
}

int run_zkey_verify(const CeremonyArgs& a) {
  Progress p(!a.quiet && (a.force_progress || stderr_is_terminal()));
  auto rep = setup::zkey_verify(a.extra, a.in, a.out, progress_of(p));
  p.done();
  if (a.json) {
    nlohmann::ordered_json cs = nlohmann::ordered_json::array();
    for (std::size_t i = 0; i < rep.contributions.size(); ++i) {
      const auto& c = rep.contributions[i];
      nlohmann::ordered_json j{{"index", i + 1},
                               {"name", c.params.name},
                               {"type", c.type == 1 ? "beacon" : "contribution"},
                               {"contribution_hash", setup::hex(c.contribution_hash())}};
      if (c.params.beacon)
        j["beacon"] = {{"hash", setup::hex(c.params.beacon->hash)}, {"exp", c.params.beacon->exp}};
      cs.push_back(j);
    }
    nlohmann::ordered_json j{{"ok", true}, {"circuit_hash", setup::hex(rep.cs_hash)}, {"contributions", cs}};
    if (rep.contributions.empty()) j["warning"] = "no phase-2 contributions: delta is the generator";
    std::printf("%s\n", j.dump(2).c_str());
    return 0;
  }
  print_hash("Circuit Hash:", rep.cs_hash);
  for (std::size_t i = rep.contributions.size(); i-- > 0;) {
    const auto& c = rep.contributions[i];
    std::printf("-------------------------\n");
    print_hash(("contribution #" + std::to_string(i + 1) + " " + printable(c.params.name) + ":").c_str(),
               c.contribution_hash());
    if (c.params.beacon) {
      std::printf("Beacon generator: %s\nBeacon iterations Exp: %u\n",
                  setup::hex(c.params.beacon->hash).c_str(), c.params.beacon->exp);
    }
  }
  std::printf("-------------------------\n");
  if (rep.contributions.empty()) {
    std::printf(
        "WARNING: no phase-2 contributions: this key's delta is the generator. Contribute before use.\n");
  }
  std::printf("ZKey Ok!\n");
  return 0;
}

void common_flags(CLI::App* c, CeremonyArgs& a, bool json = false) {
  c->add_flag("--progress", a.force_progress, "Show progress on stderr even when it is not a terminal");
  c->add_flag("-q,--quiet", a.quiet, "No progress and no hashes printed");
  if (json) c->add_flag("--json", a.json, "Print the result as JSON on stdout");
}

}  // namespace

void register_setup_commands(CLI::App& app, std::function<int()>& run_slot) {
  auto* pot = app.add_subcommand("powersoftau", "Powers-of-tau files (.ptau)")->require_subcommand(1);
  {
    auto a = std::make_shared<CeremonyArgs>();
    auto* c = pot->add_subcommand("new", "Start a ceremony: a .ptau of generators (snarkjs powersoftau new)");
    c->add_option("curve", a->extra, "Curve (bn128)")->required()->check(CLI::IsMember({"bn128", "bn254"}));
    c->add_option("power", a->power, "log2 of the largest circuit it will serve")
        ->required()
        ->check(CLI::Range(1u, setup::kMaxPtauPower));
    c->add_option("out", a->out, "Output .ptau")->required();
    common_flags(c, *a);
    c->final_callback([a, &run_slot] { run_slot = [a] { return run_ptau_new(*a); }; });
  }
  for (bool beacon : {false, true}) {
    auto a = std::make_shared<CeremonyArgs>();
    auto* c = beacon ? pot->add_subcommand(
                           "beacon", "Apply a random beacon (deterministic; snarkjs powersoftau beacon)")
                     : pot->add_subcommand("contribute",
                                           "Add a contribution with secrets from the OS and your entropy");
    c->add_option("in", a->in, "Input .ptau")->required()->check(CLI::ExistingFile);
    c->add_option("out", a->out, "Output .ptau")->required();
    if (beacon) {
      c->add_option("beacon", a->beacon_hash, "The beacon value, hex without 0x (1..255 bytes)")->required();
      c->add_option("exp", a->beacon_exp, "log2 of the SHA-256 iterations (10..63)")->required();
    } else {
      c->add_option("-e,--entropy", a->entropy, "Extra entropy text (asked for on a terminal when absent)");
    }
    c->add_option("-n,--name", a->name, "Name recorded with the contribution");
    common_flags(c, *a, true);
    c->final_callback(
        [a, beacon, &run_slot] { run_slot = [a, beacon] { return run_ptau_contribute(*a, beacon); }; });
  }
  {
    auto a = std::make_shared<CeremonyArgs>();
    auto* pr = pot->add_subcommand("prepare", "Prepare for phase 2")->require_subcommand(1);
    auto* c =
        pr->add_subcommand("phase2", "Add the Lagrange bases (sections 12-15) that groth16 setup needs");
    c->add_option("in", a->in, "Input .ptau")->required()->check(CLI::ExistingFile);
    c->add_option("out", a->out, "Output .ptau")->required();
    common_flags(c, *a);
    c->final_callback([a, &run_slot] { run_slot = [a] { return run_ptau_prepare(*a); }; });
  }
  {
    auto a = std::make_shared<CeremonyArgs>();
    auto* c = pot->add_subcommand("verify", "Check every contribution and the points of a .ptau");
    c->add_option("ptau", a->in, "The .ptau")->required()->check(CLI::ExistingFile);
    common_flags(c, *a, true);
    c->final_callback([a, &run_slot] { run_slot = [a] { return run_ptau_verify(*a); }; });
  }
  {
    auto a = std::make_shared<DevNewArgs>();
    auto* c = pot->add_subcommand(
        "dev-new",
        "DEV-ONLY: write a phase-2-ready .ptau (as `snarkjs powersoftau prepare phase2` leaves it) from "
        "KNOWN secrets. Insecure by design: for tests and CI only");
    c->add_option("power", a->power, "log2 of the largest circuit (constraints + public inputs + 1)")
        ->required()
        ->check(CLI::Range(1u, setup::kMaxDevPtauPower));
    c->add_option("out", a->out, "Output .ptau")->required();
    auto* seed = c->add_option("--seed", a->seed, "Derive tau, alpha, beta as SHA-256 hashes of this string")
                     ->capture_default_str();
    auto* tau = c->add_option("--tau", a->tau, "Use this tau (decimal) instead of a seed");
    auto* alpha = c->add_option("--alpha", a->alpha, "Use this alpha (decimal); needs --tau and --beta");
    auto* beta = c->add_option("--beta", a->beta, "Use this beta (decimal); needs --tau and --alpha");
    tau->needs(alpha, beta)->excludes(seed);
    alpha->needs(tau, beta);
    beta->needs(tau, alpha);
    c->add_flag("--json", a->json, "Print a JSON summary on stdout");
    c->add_flag("--progress", a->force_progress, "Show progress on stderr even when it is not a terminal");
    c->add_flag("-q,--quiet", a->quiet, "No progress output (the warning is always printed)");
    c->final_callback([a, &run_slot] { run_slot = [a] { return run_dev_new(*a); }; });
  }

  auto* g = app.add_subcommand("groth16", "Groth16 keys")->require_subcommand(1);
  {
    auto a = std::make_shared<CeremonyArgs>();
    auto* c =
        g->add_subcommand("setup", "Circuit-specific setup from a prepared .ptau (snarkjs groth16 setup)");
    c->add_option("r1cs", a->extra, "Circuit (.r1cs, ours or circom's)")
        ->required()
        ->check(CLI::ExistingFile);
    c->add_option("ptau", a->in, "Prepared powers of tau (.ptau)")->required()->check(CLI::ExistingFile);
    c->add_option("zkey", a->out, "Output .zkey (no phase-2 contribution yet)")->required();
    common_flags(c, *a);
    c->final_callback([a, &run_slot] { run_slot = [a] { return run_groth16_setup(*a); }; });
  }
  {
    auto* z = app.get_subcommand("zkey");
    for (bool beacon : {false, true}) {
      auto a = std::make_shared<CeremonyArgs>();
      auto* c =
          beacon ? z->add_subcommand("beacon", "Apply a random beacon to a .zkey (snarkjs zkey beacon)")
                 : z->add_subcommand("contribute",
                                     "Add a phase-2 contribution with secrets from the OS and your entropy");
      c->add_option("in", a->in, "Input .zkey")->required()->check(CLI::ExistingFile);
      c->add_option("out", a->out, "Output .zkey")->required();
      if (beacon) {
        c->add_option("beacon", a->beacon_hash, "The beacon value, hex without 0x (1..255 bytes)")
            ->required();
        c->add_option("exp", a->beacon_exp, "log2 of the SHA-256 iterations (10..63)")->required();
      } else {
        c->add_option("-e,--entropy", a->entropy, "Extra entropy text (asked for on a terminal when absent)");
      }
      c->add_option("-n,--name", a->name, "Name recorded with the contribution");
      common_flags(c, *a);
      c->final_callback(
          [a, beacon, &run_slot] { run_slot = [a, beacon] { return run_zkey_contribute(*a, beacon); }; });
    }
    auto a = std::make_shared<CeremonyArgs>();
    auto* c =
        z->add_subcommand("verify", "Check a .zkey and its contributions against the circuit and the ptau");
    c->add_option("r1cs", a->extra, "Circuit (.r1cs)")->required()->check(CLI::ExistingFile);
    c->add_option("ptau", a->in, "Prepared powers of tau (.ptau)")->required()->check(CLI::ExistingFile);
    c->add_option("zkey", a->out, "The .zkey")->required()->check(CLI::ExistingFile);
    common_flags(c, *a, true);
    c->final_callback([a, &run_slot] { run_slot = [a] { return run_zkey_verify(*a); }; });
  }
  auto d = std::make_shared<DevSetupArgs>();
  auto* ds = g->add_subcommand("dev-setup",
                               "DEV-ONLY: a Groth16 .zkey for a .r1cs from KNOWN secrets (for tests and "
                               "benchmarks of large circuits; insecure by design)");
  ds->add_option("r1cs", d->r1cs, "Circuit (.r1cs)")->required()->check(CLI::ExistingFile);
  ds->add_option("zkey", d->zkey, "Output .zkey")->required();
  ds->add_option("--seed", d->seed, "Derive the secrets as SHA-256 hashes of this string")
      ->capture_default_str();
  ds->add_flag("--progress", d->force_progress, "Show progress on stderr even when it is not a terminal");
  ds->add_flag("-q,--quiet", d->quiet, "No progress output (the warning is always printed)");
  ds->final_callback([d, &run_slot] { run_slot = [d] { return run_dev_setup(*d); }; });
}

}  // namespace pm::cli
