// Setup-phase commands, for now DEV-ONLY ones with known toxic waste: `powersoftau dev-new`
// (src/setup/ptau_dev.hpp) and `groth16 dev-setup` (src/setup/groth16_dev.hpp).
#include <string.h>  // explicit_bzero

#include <CLI/CLI.hpp>
#include <cstdio>
#include <functional>
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
#include "setup/ptau_dev.hpp"

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
  setup::ProgressFn progress;
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
  setup::ProgressFn progress;
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

}  // namespace

void register_setup_commands(CLI::App& app, std::function<int()>& run_slot) {
  auto* pot = app.add_subcommand("powersoftau", "Powers-of-tau files (.ptau)")->require_subcommand(1);
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

  auto* g = app.add_subcommand("groth16", "Groth16 keys")->require_subcommand(1);
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
