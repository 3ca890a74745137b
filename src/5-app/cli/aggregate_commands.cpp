// `aggregate circuit|prove`: many Groth16 proofs (snarkjs files), verified inside one circuit
// whose public output is the Merkle root of their claims (src/4-circuit/emulated/aggregate.hpp,
// docs/AGGREGATION.md).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "base/error.hpp"
#include "base/mapped_file.hpp"
#include "cli/commands.hpp"
#include "cli/progress.hpp"
#include "emulated/aggregate.hpp"
#include "formats/json.hpp"
#include "formats/r1cs.hpp"
#include "formats/wtns.hpp"

namespace pm::cli {
namespace {

using formats::ordered_json;

struct AggregateArgs {
  std::vector<std::string> inner;
  std::string out, wtns, claims, zkey, proof, pub;
  bool json = false, force_progress = false, quiet = false, allow_dev_key = false;
};

// VK:PROOF:PUBLIC, three snarkjs files.
std::vector<emulated::InnerProof> read_inner(const std::vector<std::string>& specs) {
  std::vector<emulated::InnerProof> out;
  for (std::size_t i = 0; i < specs.size(); ++i) {
    const std::string& s = specs[i];
    const auto a = s.find(':'), b = s.find(':', a == std::string::npos ? a : a + 1);
    if (a == std::string::npos || b == std::string::npos || s.find(':', b + 1) != std::string::npos) {
      throw Error(Errc::invalid_argument,
                  "--inner '" + s + "': expected VK.json:PROOF.json:PUBLIC.json (three snarkjs files)");
    }
    const std::string vk = s.substr(0, a), proof = s.substr(a + 1, b - a - 1), pub = s.substr(b + 1);
    emulated::InnerProof p;
    p.vk = formats::vk_from_json(formats::read_json_file(vk), "'" + vk + "'");
    p.proof = formats::proof_from_json(formats::read_json_file(proof), "'" + proof + "'");
    const auto values = formats::public_from_json(formats::read_json_file(pub), "'" + pub + "'");
    for (std::size_t j = 0; j < values.size(); ++j) {
      auto x = ff::Fr::from_canonical(values[j]);
      if (!x) {
        throw Error(Errc::out_of_range, "'" + pub + "': public signal " + std::to_string(j) + " (" +
                                            ff::to_decimal(values[j]) +
                                            ") is not below the field's modulus r");
      }
      p.public_inputs.push_back(*x);
    }
    out.push_back(std::move(p));
  }
  return out;
}

int run_circuit(const AggregateArgs& a) {
  Progress p(!a.quiet && (a.force_progress || stderr_is_terminal()));
  p.stage("reading and verifying " + std::to_string(a.inner.size()) + " inner proofs", "read");
  const auto inner = read_inner(a.inner);
  p.stage("building the aggregation circuit", "build");
  auto agg = emulated::build_aggregation(inner);
  p.stage("writing " + a.out, "write");
  write_file(a.out, formats::write_r1cs(agg.circuit.r1cs(), agg.circuit.wire_labels()));
  if (!a.wtns.empty()) {
    p.stage("solving the witness", "witness");
    write_file(a.wtns, formats::write_wtns(agg.circuit.witness(agg.circuit.solve(agg.input))));
  }
  if (!a.claims.empty()) write_file(a.claims, emulated::claims_json(inner, agg.claims).dump(2) + "\n");
  p.done();
  if (a.json) {
    std::printf("%s\n", ordered_json{{"r1cs", a.out},
                                     {"constraints", agg.circuit.num_constraints()},
                                     {"wires", agg.circuit.num_wires()},
                                     {"claims_root", agg.claims.root.to_decimal()}}
                            .dump(2)
                            .c_str());
  }
  return 0;
}

int run_prove(const AggregateArgs& a) {
  Progress p(!a.quiet && (a.force_progress || stderr_is_terminal()));
  p.stage("reading and verifying " + std::to_string(a.inner.size()) + " inner proofs", "read");
  const auto inner = read_inner(a.inner);
  p.stage("building the aggregation circuit", "build");
  auto agg = emulated::build_aggregation(inner);
  (void)prove_circuit(agg.circuit, agg.input, a.zkey, a.proof, a.pub, p, a.allow_dev_key);
  if (!a.claims.empty()) write_file(a.claims, emulated::claims_json(inner, agg.claims).dump(2) + "\n");
  p.done();
  return 0;
}

int run_claims(const AggregateArgs& a) {
  const auto inner = read_inner(a.inner);
  emulated::verify_inner(inner);
  write_file(a.out, emulated::claims_json(inner, emulated::claims_tree(inner)).dump(2) + "\n");
  return 0;
}

void add_inner(CLI::App* c, AggregateArgs& a) {
  c->add_option(
       "--inner", a.inner,
       "An inner proof as VK.json:PROOF.json:PUBLIC.json (snarkjs files; repeatable, in claim order)")
      ->required()
      ->allow_extra_args(false);
  c->add_option("--claims", a.claims,
                "Write claims.json: the root, and each claim's key hash, inputs and path");
  c->add_flag("--progress", a.force_progress, "Show progress on stderr even when it is not a terminal");
  c->add_flag("-q,--quiet", a.quiet, "No progress");
}

}  // namespace

void register_aggregate_commands(CLI::App& app, std::function<int()>& run_slot) {
  auto* g = app.add_subcommand("aggregate",
                               "Verify many Groth16 proofs inside one circuit (recursive aggregation; "
                               "docs/AGGREGATION.md)")
                ->require_subcommand(1);
  {
    auto a = std::make_shared<AggregateArgs>();
    auto* c = g->add_subcommand("circuit",
                                "Write the aggregation circuit of these proofs' keys as .r1cs "
                                "(for `groth16 setup`), and optionally its witness");
    add_inner(c, *a);
    c->add_option("out", a->out, "Output .r1cs")->required();
    c->add_option("--wtns", a->wtns, "Also write the witness (.wtns)");
    c->add_flag("--json", a->json, "Print a JSON summary (constraints, wires, claims root)");
    c->final_callback([a, &run_slot] { run_slot = [a] { return run_circuit(*a); }; });
  }
  {
    auto a = std::make_shared<AggregateArgs>();
    auto* c = g->add_subcommand("claims",
                                "Verify the inner proofs natively and write claims.json (the root "
                                "an aggregation of them publishes, and every claim's path)");
    add_inner(c, *a);
    c->add_option("out", a->out, "Output claims.json")->required();
    c->final_callback([a, &run_slot] { run_slot = [a] { return run_claims(*a); }; });
  }
  {
    auto a = std::make_shared<AggregateArgs>();
    auto* c = g->add_subcommand("prove",
                                "Prove the aggregation of these proofs with the circuit's zkey: "
                                "proof.json and public.json (the claims root)");
    add_inner(c, *a);
    c->add_option("--zkey", a->zkey, "The aggregation circuit's proving key")
        ->required()
        ->check(CLI::ExistingFile);
    c->add_option("--proof", a->proof, "Output proof.json")->required();
    c->add_option("--public", a->pub, "Output public.json")->required();
    add_dev_key_flag(c, a->allow_dev_key);
    c->final_callback([a, &run_slot] { run_slot = [a] { return run_prove(*a); }; });
  }
}

}  // namespace pm::cli
