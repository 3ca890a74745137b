// Cross-margin outcomes of committed accounts from oracle-signed snapshots (docs/STATEMENTS.md,
// "Cross margin"): `margin input|prove|decode`, over the JSON of catalog/margin_request.hpp.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "base/error.hpp"
#include "base/mapped_file.hpp"
#include "catalog/margin_request.hpp"
#include "cli/commands.hpp"
#include "cli/progress.hpp"
#include "formats/json.hpp"

namespace pm::cli {
namespace {

using formats::ordered_json;

struct MarginArgs {
  std::string request, zkey, proof, pub, out, results;
  bool force_progress = false, quiet = false, allow_dev_key = false;
};

std::string params_line(const catalog::Params& params) {
  std::string line;
  for (const auto& [k, v] : params) line += (line.empty() ? "-p " : " -p ") + k + "=" + std::to_string(v);
  return line;
}

void emit(const ordered_json& results, const std::string& path) {
  if (path.empty()) {
    std::printf("%s\n", results.dump(2).c_str());
  } else {
    write_file(path, results.dump(2) + "\n");
  }
}

int run_input(const MarginArgs& a) {
  auto p = catalog::margin::prepare(formats::read_json_file(a.request));
  write_file(a.out, p.input.dump(1) + "\n");
  std::printf("%s %s\n", p.statement.c_str(), params_line(p.params).c_str());
  return 0;
}

int run_prove(const MarginArgs& a) {
  Progress p(!a.quiet && (a.force_progress || stderr_is_terminal()));
  auto request = formats::read_json_file(a.request);
  p.stage("checking the request and its snapshots' signatures", "prepare");
  auto prepared = catalog::margin::prepare(request);
  p.stage("building " + prepared.statement + " " + params_line(prepared.params), "build");
  auto c = catalog::build(catalog::find(prepared.statement), prepared.params);
  auto pub = prove_circuit(c, prepared.input, a.zkey, a.proof, a.pub, p, a.allow_dev_key);
  p.done();
  emit(catalog::margin::decode(request, pub), a.results);
  return 0;
}

int run_decode(const MarginArgs& a) {
  emit(catalog::margin::decode(formats::read_json_file(a.request), read_public_signals(a.pub)), a.results);
  return 0;
}

}  // namespace

void register_margin_commands(CLI::App& app, std::function<int()>& run_slot) {
  auto* g =
      app.add_subcommand("margin",
                         "Margin outcomes of committed accounts, proven from signed snapshots: cross margin "
                         "(margin_cross) or portfolio margin on a scenario grid (margin_portfolio)")
          ->require_subcommand(1);
  {
    auto a = std::make_shared<MarginArgs>();
    auto* c = g->add_subcommand("input",
                                "Check a request and write its circuit's input JSON (margin_cross, or "
                                "margin_portfolio for a request with a "
                                "grid); print the circuit and its parameters");
    c->add_option("request", a->request, "Request JSON (markets with signed snapshots and tiers, accounts)")
        ->required()
        ->check(CLI::ExistingFile);
    c->add_option("out", a->out, "Output input JSON")->required();
    c->final_callback([a, &run_slot] { run_slot = [a] { return run_input(*a); }; });
  }
  {
    auto a = std::make_shared<MarginArgs>();
    auto* c =
        g->add_subcommand("prove",
                          "Prove a request's outcomes: proof.json, public.json and the decoded outcomes "
                          "(stdout, or --results)");
    c->add_option("request", a->request, "Request JSON")->required()->check(CLI::ExistingFile);
    c->add_option("zkey", a->zkey, "Proving key of the request's circuit at its parameters")
        ->required()
        ->check(CLI::ExistingFile);
    c->add_option("proof", a->proof, "Output proof.json")->required();
    c->add_option("public", a->pub, "Output public.json")->required();
    c->add_option("--results", a->results, "Write the decoded outcomes here instead of stdout");
    c->add_flag("--progress", a->force_progress, "Show progress on stderr even when it is not a terminal");
    c->add_flag("-q,--quiet", a->quiet, "No progress output");
    add_dev_key_flag(c, a->allow_dev_key);
    c->final_callback([a, &run_slot] { run_slot = [a] { return run_prove(*a); }; });
  }
  {
    auto a = std::make_shared<MarginArgs>();
    auto* c = g->add_subcommand("decode",
                                "Check that a proof's public.json is this request's and read each account's "
                                "outcome");
    c->add_option("request", a->request, "The request it was proven for")
        ->required()
        ->check(CLI::ExistingFile);
    c->add_option("public", a->pub, "public.json")->required()->check(CLI::ExistingFile);
    c->add_option("--results", a->results, "Write the outcomes here instead of stdout");
    c->final_callback([a, &run_slot] { run_slot = [a] { return run_decode(*a); }; });
  }
}

}  // namespace pm::cli
