#include "cli/commands.hpp"

#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdio>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>

#include "base/error.hpp"
#include "base/mapped_file.hpp"
#include "cli/progress.hpp"
#include "formats/json.hpp"
#include "formats/r1cs.hpp"
#include "formats/wtns.hpp"
#include "formats/zkey.hpp"
#include "groth16/prover.hpp"
#include "groth16/verifier.hpp"

namespace pm::cli {
namespace {

using formats::ordered_json;

std::function<int()> g_run;

void print_json(const ordered_json& j) { std::printf("%s\n", j.dump(2).c_str()); }

struct ProgressFlags {
  bool force = false, quiet = false;
  void add(CLI::App* c) {
    c->add_flag("--progress", force, "Show progress on stderr even when it is not a terminal");
    c->add_flag("-q,--quiet", quiet, "No progress output");
  }
  bool enabled() const { return !quiet && (force || stderr_is_terminal()); }
};

// ---------------------------------------------------------------------------------------------
// prove

struct ProveArgs {
  std::string zkey, wtns, proof, pub, r1cs;
  bool json = false, allow_dev_key = false;
  ProgressFlags progress;
};

int run_prove(const ProveArgs& a) {
  Progress p(a.progress.enabled());
  p.stage("loading " + a.zkey, "load zkey");
  auto pk = std::make_shared<const groth16::ProvingKey>(formats::load_zkey(a.zkey));
  groth16::require_contributed(pk->verifying_key(), "zkey '" + a.zkey + "'", a.allow_dev_key);
  p.stage("loading " + a.wtns, "load wtns");
  auto w = formats::load_wtns(a.wtns);
  if (w.values.size() != pk->n_vars) {
    throw Error(Errc::mismatch, "witness '" + a.wtns + "' has " + std::to_string(w.values.size()) +
                                    " values but zkey '" + a.zkey + "' expects " +
                                    std::to_string(pk->n_vars));
  }
  if (!a.r1cs.empty()) {
    p.stage("checking the witness against " + a.r1cs, "check witness");
    auto r1cs = formats::load_r1cs(a.r1cs);
    if (r1cs.n_wires != pk->n_vars || r1cs.n_public() != pk->n_public) {
      throw Error(Errc::mismatch, "r1cs '" + a.r1cs + "' (" + std::to_string(r1cs.n_wires) + " wires, " +
                                      std::to_string(r1cs.n_public()) + " public) does not match the zkey");
    }
    if (auto bad = r1cs::first_unsatisfied(r1cs, w.values); bad >= 0) {
      std::fprintf(stderr, "proofmill: witness does not satisfy constraint %lld of '%s'; no proof written\n",
                   static_cast<long long>(bad), a.r1cs.c_str());
      return 1;
    }
  }
  p.stage("preparing the prover", "prepare");
  groth16::Prover prover(pk);
  prover.set_release_pages(true);  // one proof: keep only the table in use resident
  auto proof = prover.prove(w.values, p.prover_callback());
  p.stage("writing " + a.proof, "write");
  std::span<const ff::Fr> pub(w.values.data() + 1, pk->n_public);
  write_file(a.proof, formats::dump_snarkjs(formats::proof_to_json(proof)));
  write_file(a.pub, formats::dump_snarkjs(formats::public_to_json(pub)));
  p.done();
  if (a.json) {
    nlohmann::ordered_json stages = nlohmann::ordered_json::object();
    for (const auto& [key, secs] : p.timings()) stages[key] = std::round(secs * 1e6) / 1e3;
    print_json({{"proof", a.proof}, {"public", a.pub}, {"n_public", pk->n_public}, {"stages_ms", stages}});
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------
// verify

struct VerifyArgs {
  std::string vk, pub, proof;
  bool json = false, allow_dev_key = false;
};

int run_verify(const VerifyArgs& a) {
  auto vk = formats::vk_from_json(formats::read_json_file(a.vk), a.vk);
  if (std::string err = groth16::check_verifying_key(vk); !err.empty()) {
    throw Error(Errc::invalid_point, "verification key '" + a.vk + "': " + err);
  }
  groth16::require_contributed(vk, "verification key '" + a.vk + "'", a.allow_dev_key);
  // A public.json far longer than the key's signals is refused in a streaming pass instead of
  // being built (a DOM costs many times the file). A few values too many still parse, and the
  // verifier answers "invalid: expected N public inputs" as snarkjs does.
  auto pub = formats::public_from_json(formats::read_json_file(a.pub, 2 * vk.n_public() + 1024), a.pub);
  groth16::Proof proof;
  groth16::VerifyResult res;
  try {
    proof = formats::proof_from_json(formats::read_json_file(a.proof), a.proof);
    res = groth16::verify(vk, pub, proof);
  } catch (const Error& e) {
    // A proof whose points are off the curve is an invalid proof, not a tool failure.
    if (e.code() != Errc::invalid_point) throw;
    res = {false, e.what()};
  }
  if (a.json) {
    ordered_json j{{"valid", res.valid}};
    if (!res.valid) j["reason"] = res.reason;
    print_json(j);
  } else if (res.valid) {
    std::printf("OK: the proof is valid\n");
  } else {
    std::printf("INVALID: %s\n", res.reason.c_str());
  }
  return res.valid ? 0 : 1;
}

// ---------------------------------------------------------------------------------------------
// zkey, r1cs, wtns

int run_zkey_export_vk(const std::string& zkey, const std::string& out) {
  auto pk = formats::load_zkey(zkey);
  write_file(out, formats::dump_snarkjs(formats::vk_to_json(pk.verifying_key())));
  return 0;
}

int run_zkey_info(const std::string& zkey, bool json) {
  auto pk = formats::load_zkey(zkey);
  ordered_json j{{"protocol", "groth16"},
                 {"curve", "bn128"},
                 {"n_vars", pk.n_vars},
                 {"n_public", pk.n_public},
                 {"n_private", pk.n_vars - pk.n_public - 1},
                 {"domain_size", pk.domain_size()},
                 {"n_coefficients", pk.coeffs.size()}};
  if (json) {
    print_json(j);
  } else {
    std::printf(
        "zkey %s\n  protocol: groth16 (bn128)\n  variables: %u (public %u, private %u)\n"
        "  domain: 2^%u = %zu\n  A/B coefficients: %zu\n",
        zkey.c_str(), pk.n_vars, pk.n_public, pk.n_vars - pk.n_public - 1, pk.log_domain, pk.domain_size(),
        pk.coeffs.size());
  }
  return 0;
}

int run_r1cs_info(const std::string& path, bool json) {
  auto r = formats::load_r1cs(path);
  ordered_json j{{"curve", "bn128"},
                 {"n_wires", r.n_wires},
                 {"n_constraints", r.n_constraints},
                 {"n_public_outputs", r.n_pub_out},
                 {"n_public_inputs", r.n_pub_in},
                 {"n_private_inputs", r.n_prv_in},
                 {"n_labels", r.n_labels}};
  if (json) {
    print_json(j);
  } else {
    std::printf(
        "r1cs %s\n  curve: bn128\n  wires: %u\n  constraints: %u\n  public outputs: %u\n"
        "  public inputs: %u\n  private inputs: %u\n  labels: %llu\n",
        path.c_str(), r.n_wires, r.n_constraints, r.n_pub_out, r.n_pub_in, r.n_prv_in,
        static_cast<unsigned long long>(r.n_labels));
  }
  return 0;
}

int run_wtns_check(const std::string& r1cs_path, const std::string& wtns_path, bool json) {
  auto r = formats::load_r1cs(r1cs_path);
  auto w = formats::load_wtns(wtns_path);
  if (w.values.size() != r.n_wires) {
    throw Error(Errc::mismatch, "witness '" + wtns_path + "' has " + std::to_string(w.values.size()) +
                                    " values but r1cs '" + r1cs_path + "' has " + std::to_string(r.n_wires) +
                                    " wires");
  }
  auto bad = r1cs::first_unsatisfied(r, w.values);
  if (json) {
    ordered_json j{{"satisfied", bad < 0}};
    if (bad >= 0) j["first_unsatisfied_constraint"] = bad;
    print_json(j);
  } else if (bad < 0) {
    std::printf("OK: all %u constraints are satisfied\n", r.n_constraints);
  } else {
    std::printf("UNSATISFIED: constraint %lld fails\n", static_cast<long long>(bad));
  }
  return bad < 0 ? 0 : 1;
}

}  // namespace

void add_dev_key_flag(CLI::App* c, bool& flag) {
  c->add_flag("--allow-dev-key", flag,
              "Accept a key without a phase-2 contribution (delta = gamma): a development key only, since "
              "anyone can forge proofs for it");
}

void register_commands(CLI::App& app) {
  {
    auto a = std::make_shared<ProveArgs>();
    auto* c = app.add_subcommand("prove", "Make a Groth16 proof (rapidsnark's argument order)");
    c->add_option("zkey", a->zkey, "Proving key (.zkey from snarkjs)")->required()->check(CLI::ExistingFile);
    c->add_option("wtns", a->wtns, "Witness (.wtns from circom's witness generator)")
        ->required()
        ->check(CLI::ExistingFile);
    c->add_option("proof", a->proof, "Output proof.json")->required();
    c->add_option("public", a->pub, "Output public.json")->required();
    c->add_option("--r1cs", a->r1cs, "Check the witness against this .r1cs before proving")
        ->check(CLI::ExistingFile);
    c->add_flag("--json", a->json, "Print a JSON summary on stdout");
    add_dev_key_flag(c, a->allow_dev_key);
    a->progress.add(c);
    c->final_callback([a] { g_run = [a] { return run_prove(*a); }; });
  }
  {
    auto a = std::make_shared<VerifyArgs>();
    auto* c = app.add_subcommand(
        "verify", "Verify a Groth16 proof (snarkjs's argument order); exit 0 valid, 1 invalid, 2 error");
    c->add_option("verification_key", a->vk, "verification_key.json")->required()->check(CLI::ExistingFile);
    c->add_option("public", a->pub, "public.json")->required()->check(CLI::ExistingFile);
    c->add_option("proof", a->proof, "proof.json")->required()->check(CLI::ExistingFile);
    c->add_flag("--json", a->json, "Print {\"valid\": ...} on stdout");
    add_dev_key_flag(c, a->allow_dev_key);
    c->final_callback([a] { g_run = [a] { return run_verify(*a); }; });
  }
  {
    auto* z = app.add_subcommand("zkey", "Inspect proving keys")->require_subcommand(1);
    auto paths = std::make_shared<std::pair<std::string, std::string>>();
    auto* e = z->add_subcommand("export-vk", "Write verification_key.json from a .zkey");
    e->alias("export-verificationkey");
    e->add_option("zkey", paths->first)->required()->check(CLI::ExistingFile);
    e->add_option("verification_key", paths->second, "Output file")->required();
    e->final_callback(
        [paths] { g_run = [paths] { return run_zkey_export_vk(paths->first, paths->second); }; });
    auto info = std::make_shared<std::pair<std::string, bool>>();
    auto* i = z->add_subcommand("info", "Summarise a .zkey");
    i->add_option("zkey", info->first)->required()->check(CLI::ExistingFile);
    i->add_flag("--json", info->second);
    i->final_callback([info] { g_run = [info] { return run_zkey_info(info->first, info->second); }; });
  }
  {
    auto* r = app.add_subcommand("r1cs", "Inspect constraint systems")->require_subcommand(1);
    auto info = std::make_shared<std::pair<std::string, bool>>();
    auto* i = r->add_subcommand("info", "Summarise a .r1cs");
    i->add_option("r1cs", info->first)->required()->check(CLI::ExistingFile);
    i->add_flag("--json", info->second);
    i->final_callback([info] { g_run = [info] { return run_r1cs_info(info->first, info->second); }; });
  }
  {
    auto* w = app.add_subcommand("wtns", "Inspect witnesses")->require_subcommand(1);
    struct CheckArgs {
      std::string r1cs, wtns;
      bool json = false;
    };
    auto a = std::make_shared<CheckArgs>();
    auto* c = w->add_subcommand("check", "Check a witness against a .r1cs (snarkjs's argument order)");
    c->add_option("r1cs", a->r1cs)->required()->check(CLI::ExistingFile);
    c->add_option("wtns", a->wtns)->required()->check(CLI::ExistingFile);
    c->add_flag("--json", a->json);
    c->final_callback([a] { g_run = [a] { return run_wtns_check(a->r1cs, a->wtns, a->json); }; });
  }
  register_setup_commands(app, g_run);
  register_export_commands(app, g_run);
  register_circuit_commands(app, g_run);
  register_options_commands(app, g_run);
  register_margin_commands(app, g_run);
  register_solvency_commands(app, g_run);
  register_aggregate_commands(app, g_run);
}

int run_selected(CLI::App&) {
  if (!g_run) throw Error(Errc::invalid_argument, "no command selected");
  return g_run();
}

}  // namespace pm::cli
