// Built-in circuits (src/4-circuit/catalog/registry.hpp): `circuit list|info|export-r1cs|prove` and
// `witness NAME input.json out.wtns`.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "base/error.hpp"
#include "base/mapped_file.hpp"
#include "catalog/registry.hpp"
#include "cli/commands.hpp"
#include "cli/progress.hpp"
#include "formats/json.hpp"
#include "formats/r1cs.hpp"
#include "formats/wtns.hpp"
#include "formats/zkey.hpp"
#include "groth16/prover.hpp"

namespace pm::cli {
namespace {

using formats::ordered_json;

struct CircuitArgs {
  std::string name;
  std::vector<std::string> params;
  std::string input, out, sym, zkey, proof, pub;
  bool json = false, force_progress = false, quiet = false, allow_dev_key = false;
  circuit::Circuit build() const {
    return catalog::build(catalog::find(name), catalog::parse_params(params));
  }
};

void add_name(CLI::App* c, CircuitArgs& a) {
  c->add_option("name", a.name, "Built-in circuit (see `proofmill circuit list`)")->required();
  c->add_option("-p,--param", a.params, "Circuit parameter name=value (repeatable), e.g. -p n=4")
      ->allow_extra_args(false);
}

int run_list(bool json) {
  ordered_json out = ordered_json::array();
  for (const auto& d : catalog::all()) {
    ordered_json params = ordered_json::array();
    for (const auto& p : d.params) {
      params.push_back(
          {{"name", p.name}, {"default", p.default_value}, {"min", p.min}, {"max", p.max}, {"help", p.help}});
    }
    out.push_back({{"name", d.name}, {"description", d.description}, {"params", params}});
    if (!json) {
      std::printf("%-16s %s\n", d.name.c_str(), d.description.c_str());
      for (const auto& p : d.params) {
        std::printf("%-16s   -p %s=N  %s (default %llu, %llu..%llu)\n", "", p.name.c_str(), p.help.c_str(),
                    static_cast<unsigned long long>(p.default_value), static_cast<unsigned long long>(p.min),
                    static_cast<unsigned long long>(p.max));
      }
    }
  }
  if (json) std::printf("%s\n", out.dump(2).c_str());
  return 0;
}

int run_info(const CircuitArgs& a) {
  const auto& def = catalog::find(a.name);
  auto c = a.build();
  auto io = [](const std::vector<circuit::InputInfo>& v) {
    ordered_json j = ordered_json::array();
    for (const auto& i : v) {
      j.push_back({{"name", i.name},
                   {"public", i.is_public},
                   {"size", i.is_array ? ordered_json(i.size) : ordered_json()}});
    }
    return j;
  };
  ordered_json j{{"name", def.name},
                 {"constraints", c.num_constraints()},
                 {"wires", c.num_wires()},
                 {"public", c.num_public()},
                 {"inputs", io(c.inputs())},
                 {"outputs", io(c.outputs())},
                 {"example_input", ordered_json::parse(def.example_input)}};
  if (a.json) {
    std::printf("%s\n", j.dump(2).c_str());
  } else {
    std::printf("circuit %s\n  constraints: %u\n  wires: %u\n  public signals: %u\n  example input: %s\n",
                c.name().c_str(), c.num_constraints(), c.num_wires(), c.num_public(),
                def.example_input.c_str());
  }
  return 0;
}

int run_export(const CircuitArgs& a) {
  Progress p(!a.quiet && (a.force_progress || stderr_is_terminal()));
  p.stage("building " + a.name);
  auto c = a.build();
  p.stage("writing " + a.out);
  auto bytes = formats::write_r1cs(c.r1cs(), c.wire_labels());
  write_file(a.out, bytes);
  if (!a.sym.empty()) write_file(a.sym, c.sym());
  p.done();
  if (a.json) {
    std::printf("%s\n",
                ordered_json{{"r1cs", a.out}, {"constraints", c.num_constraints()}, {"wires", c.num_wires()}}
                    .dump(2)
                    .c_str());
  }
  return 0;
}

int run_witness(const CircuitArgs& a) {
  auto c = a.build();
  auto values = c.solve(formats::read_json_file(a.input));
  auto bytes = formats::write_wtns(c.witness(values));
  write_file(a.out, bytes);
  return 0;
}

int run_prove(const CircuitArgs& a) {
  Progress p(!a.quiet && (a.force_progress || stderr_is_terminal()));
  p.stage("building " + a.name, "build");
  auto c = a.build();
  (void)prove_circuit(c, formats::read_json_file(a.input), a.zkey, a.proof, a.pub, p, a.allow_dev_key);
  p.done();
  return 0;
}

}  // namespace

std::vector<ff::Fr> prove_circuit(const circuit::Circuit& c, const nlohmann::ordered_json& input,
                                  const std::string& zkey, const std::string& proof_out,
                                  const std::string& public_out, Progress& p, bool allow_dev_key,
                                  std::vector<ff::Fr>* solved) {
  p.stage("solving the witness", "witness");
  auto values = c.solve(input);
  auto w = c.witness(values);
  if (solved) *solved = std::move(values);
  p.stage("loading " + zkey, "load zkey");
  auto pk = std::make_shared<const groth16::ProvingKey>(formats::load_zkey(zkey));
  groth16::require_contributed(pk->verifying_key(), "zkey '" + zkey + "'", allow_dev_key);
  if (pk->n_vars != c.num_wires() || pk->n_public != c.num_public()) {
    throw Error(Errc::mismatch, "zkey '" + zkey + "' (" + std::to_string(pk->n_vars) + " wires, " +
                                    std::to_string(pk->n_public) + " public) is not a key of circuit " +
                                    c.name() + " (" + std::to_string(c.num_wires()) + " wires, " +
                                    std::to_string(c.num_public()) + " public)");
  }
  p.stage("preparing the prover", "prepare");
  groth16::Prover prover(pk);
  prover.set_release_pages(true);  // one proof: keep only the table in use resident
  auto proof = prover.prove(w, p.prover_callback());
  p.stage("writing " + proof_out, "write");
  std::vector<ff::Fr> pub(w.begin() + 1, w.begin() + 1 + static_cast<std::ptrdiff_t>(pk->n_public));
  write_file(proof_out, formats::dump_snarkjs(formats::proof_to_json(proof)));
  write_file(public_out, formats::dump_snarkjs(formats::public_to_json(pub)));
  return pub;
}

void register_circuit_commands(CLI::App& app, std::function<int()>& run_slot) {
  auto* g =
      app.add_subcommand("circuit", "Circuits built into the binary (written in C++)")->require_subcommand(1);
  {
    auto json = std::make_shared<bool>(false);
    auto* c = g->add_subcommand("list", "List the built-in circuits and their parameters");
    c->add_flag("--json", *json, "Print JSON");
    c->final_callback([json, &run_slot] { run_slot = [json] { return run_list(*json); }; });
  }
  {
    auto a = std::make_shared<CircuitArgs>();
    auto* c =
        g->add_subcommand("info", "Constraints, wires, inputs and an example input of a built-in circuit");
    add_name(c, *a);
    c->add_flag("--json", a->json, "Print JSON");
    c->final_callback([a, &run_slot] { run_slot = [a] { return run_info(*a); }; });
  }
  {
    auto a = std::make_shared<CircuitArgs>();
    auto* c = g->add_subcommand("export-r1cs", "Write a built-in circuit as circom's .r1cs (and .sym)");
    add_name(c, *a);
    c->add_option("out", a->out, "Output .r1cs")->required();
    c->add_option("--sym", a->sym, "Also write circom's .sym symbol file");
    c->add_flag("--json", a->json, "Print a JSON summary");
    c->add_flag("--progress", a->force_progress, "Show progress on stderr even when it is not a terminal");
    c->add_flag("-q,--quiet", a->quiet, "No progress output");
    c->final_callback([a, &run_slot] { run_slot = [a] { return run_export(*a); }; });
  }
  {
    auto a = std::make_shared<CircuitArgs>();
    auto* c =
        g->add_subcommand("prove",
                          "Input JSON to proof.json and public.json in one step: solve the witness of a "
                          "built-in circuit (every constraint checked) and prove with its .zkey");
    add_name(c, *a);
    c->add_option("input", a->input, "Input JSON (circom's input.json layout)")
        ->required()
        ->check(CLI::ExistingFile);
    c->add_option("zkey", a->zkey, "Proving key of this circuit")->required()->check(CLI::ExistingFile);
    c->add_option("proof", a->proof, "Output proof.json")->required();
    c->add_option("public", a->pub, "Output public.json")->required();
    c->add_flag("--progress", a->force_progress, "Show progress on stderr even when it is not a terminal");
    c->add_flag("-q,--quiet", a->quiet, "No progress output");
    add_dev_key_flag(c, a->allow_dev_key);
    c->final_callback([a, &run_slot] { run_slot = [a] { return run_prove(*a); }; });
  }
  {
    auto a = std::make_shared<CircuitArgs>();
    auto* c =
        app.add_subcommand("witness",
                           "Solve a built-in circuit's witness from input JSON (every constraint checked) "
                           "and write circom's .wtns");
    add_name(c, *a);
    c->add_option("input", a->input, "Input JSON")->required()->check(CLI::ExistingFile);
    c->add_option("out", a->out, "Output .wtns")->required();
    c->final_callback([a, &run_slot] { run_slot = [a] { return run_witness(*a); }; });
  }
}

}  // namespace pm::cli
