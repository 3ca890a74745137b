// Option prices and Greeks from oracle-signed snapshots (docs/STATEMENTS.md): `oracle keygen|sign`
// and `options input|prove|decode`, over the JSON of catalog/bsm_request.hpp.
#include <fcntl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <array>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "base/error.hpp"
#include "base/mapped_file.hpp"
#include "base/random.hpp"
#include "base/wipe.hpp"
#include "catalog/bsm_request.hpp"
#include "cli/commands.hpp"
#include "cli/progress.hpp"
#include "formats/json.hpp"

namespace pm::cli {
namespace {

using formats::ordered_json;

struct OptionsArgs {
  std::string snapshot, key, request, zkey, proof, pub, out, results, values;
  bool force_progress = false, quiet = false, allow_dev_key = false;
};

std::string hex(std::span<const std::uint8_t> b) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (auto x : b) s += d[x >> 4], s += d[x & 15];
  return s;
}

}  // namespace

std::array<std::uint8_t, 32> read_private_key(const std::string& path) {
  auto j = formats::read_json_file(path);
  auto it = j.find("private_key");
  struct Wipe {  // the hex text in the parsed file, however this function ends
    formats::ordered_json& j;
    ~Wipe() {
      auto w = j.find("private_key");
      if (w != j.end() && w->is_string()) {
        auto& t = w->get_ref<std::string&>();
        wipe_bytes(t.data(), t.size());
      }
    }
  } wipe_parsed{j};
  if (it == j.end() || !it->is_string() || it->get<std::string>().size() != 64) {
    throw Error(Errc::invalid_argument,
                "oracle key file '" + path + "': `private_key` must be 64 hex digits");
  }
  std::string h = it->get<std::string>();
  std::array<std::uint8_t, 32> k{};
  auto nib = [&](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    throw Error(Errc::invalid_argument, "oracle key file '" + path + "': `private_key` is not hex");
  };
  for (std::size_t i = 0; i < 32; ++i)
    k[i] = static_cast<std::uint8_t>(nib(h[2 * i]) << 4 | nib(h[2 * i + 1]));
  wipe_bytes(h.data(), h.size());
  return k;
}

namespace {

// A new file readable by its owner only; an existing one is never overwritten (a key is not
// lost to a typo).
void write_secret_file(const std::string& path, const std::string& text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) throw Error(Errc::io, "cannot create '" + path + "' (it must not exist yet)");
  const char* p = text.data();
  std::size_t left = text.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n <= 0) {
      ::close(fd);
      throw Error(Errc::io, "cannot write '" + path + "'");
    }
    p += n, left -= static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) throw Error(Errc::io, "cannot write '" + path + "'");
}

int run_keygen(const OptionsArgs& a) {
  std::array<std::uint8_t, 32> k{};
  os_random_bytes(k.data(), k.size());
  ordered_json j{{"private_key", hex(k)}, {"oracle_key", catalog::options::public_key(k)}};
  std::string text = j.dump(2) + "\n";
  write_secret_file(a.out, text);
  wipe_bytes(k.data(), k.size());
  wipe_bytes(text.data(), text.size());
  auto& hex_key = j["private_key"].get_ref<std::string&>();
  wipe_bytes(hex_key.data(), hex_key.size());
  std::printf("%s\n", j["oracle_key"].dump().c_str());
  return 0;
}

int run_sign(const OptionsArgs& a) {
  auto k = read_private_key(a.key);
  auto signed_snapshot = catalog::options::sign_snapshot(formats::read_json_file(a.snapshot), k);
  wipe_bytes(k.data(), k.size());
  write_file(a.out, signed_snapshot.dump(2) + "\n");
  return 0;
}

std::string params_line(const catalog::options::Prepared& p) {
  std::string line;
  for (const auto& [k, v] : p.params) line += (line.empty() ? "-p " : " -p ") + k + "=" + std::to_string(v);
  return line;
}

int run_input(const OptionsArgs& a) {
  auto p = catalog::options::prepare(formats::read_json_file(a.request));
  write_file(a.out, p.input.dump(1) + "\n");
  std::printf("bsm_options %s\n", params_line(p).c_str());
  return 0;
}

void emit(const ordered_json& results, const std::string& path) {
  if (path.empty()) {
    std::printf("%s\n", results.dump(2).c_str());
  } else {
    write_file(path, results.dump(2) + "\n");
  }
}

int run_prove(const OptionsArgs& a) {
  Progress p(!a.quiet && (a.force_progress || stderr_is_terminal()));
  auto request = formats::read_json_file(a.request);
  p.stage("checking the request and its snapshot's signature", "prepare");
  auto prepared = catalog::options::prepare(request);
  p.stage("building bsm_options " + params_line(prepared), "build");
  auto c = catalog::build(catalog::find("bsm_options"), prepared.params);
  std::vector<ff::Fr> values;
  auto pub = prove_circuit(c, prepared.input, a.zkey, a.proof, a.pub, p, a.allow_dev_key, &values);
  p.done();
  std::vector<ff::Fr> rows;
  if (prepared.params.at("commit") == 1) rows = c.tap("rows", values);
  emit(catalog::options::decode(request, pub, rows), a.results);
  return 0;
}

int run_decode(const OptionsArgs& a) {
  auto request = formats::read_json_file(a.request);
  auto pub = read_public_signals(a.pub);
  std::vector<ff::Fr> rows;
  if (!a.values.empty()) rows = catalog::options::committed_rows(formats::read_json_file(a.values));
  emit(catalog::options::decode(request, pub, rows), a.results);
  return 0;
}

}  // namespace

std::vector<ff::Fr> read_public_signals(const std::string& path) {
  auto pub_json = formats::read_json_file(path);
  if (!pub_json.is_array()) throw Error(Errc::invalid_argument, "'" + path + "' is not a public.json array");
  std::vector<ff::Fr> pub;
  for (const auto& v : pub_json) {
    auto f = v.is_string() ? ff::Fr::from_decimal(v.get<std::string>()) : std::nullopt;
    if (!f)
      throw Error(Errc::invalid_argument, "'" + path + "': every signal must be a decimal string below r");
    pub.push_back(*f);
  }
  return pub;
}

void register_options_commands(CLI::App& app, std::function<int()>& run_slot) {
  auto* o = app.add_subcommand("oracle", "A market-data oracle's key and signed snapshots (EdDSA-Poseidon)")
                ->require_subcommand(1);
  {
    auto a = std::make_shared<OptionsArgs>();
    auto* c = o->add_subcommand("keygen",
                                "Make an oracle key: a new file (mode 0600) and the public key on stdout");
    c->add_option("out", a->out, "Key file to create")->required();
    c->final_callback([a, &run_slot] { run_slot = [a] { return run_keygen(*a); }; });
  }
  {
    auto a = std::make_shared<OptionsArgs>();
    auto* c = o->add_subcommand("sign", "Sign a market snapshot (docs/STATEMENTS.md)");
    c->add_option("snapshot", a->snapshot, "Snapshot JSON")->required()->check(CLI::ExistingFile);
    c->add_option("key", a->key, "Oracle key file")->required()->check(CLI::ExistingFile);
    c->add_option("out", a->out, "Signed snapshot JSON")->required();
    c->final_callback([a, &run_slot] { run_slot = [a] { return run_sign(*a); }; });
  }
  auto* g =
      app.add_subcommand("options", "Option prices and Greeks proven from a signed snapshot (bsm_options)")
          ->require_subcommand(1);
  {
    auto a = std::make_shared<OptionsArgs>();
    auto* c = g->add_subcommand(
        "input", "Check a request and write bsm_options's input JSON; print the circuit's parameters");
    c->add_option("request", a->request, "Request JSON (a signed snapshot and options)")
        ->required()
        ->check(CLI::ExistingFile);
    c->add_option("out", a->out, "Output input JSON")->required();
    c->final_callback([a, &run_slot] { run_slot = [a] { return run_input(*a); }; });
  }
  {
    auto a = std::make_shared<OptionsArgs>();
    auto* c =
        g->add_subcommand("prove",
                          "Prove a request's prices and Greeks: proof.json, public.json and the decoded "
                          "results (stdout, or --results)");
    c->add_option("request", a->request, "Request JSON")->required()->check(CLI::ExistingFile);
    c->add_option("zkey", a->zkey, "Proving key of bsm_options at the request's parameters")
        ->required()
        ->check(CLI::ExistingFile);
    c->add_option("proof", a->proof, "Output proof.json")->required();
    c->add_option("public", a->pub, "Output public.json")->required();
    c->add_option("--results", a->results, "Write the decoded results here instead of stdout");
    c->add_flag("--progress", a->force_progress, "Show progress on stderr even when it is not a terminal");
    c->add_flag("-q,--quiet", a->quiet, "No progress output");
    add_dev_key_flag(c, a->allow_dev_key);
    c->final_callback([a, &run_slot] { run_slot = [a] { return run_prove(*a); }; });
  }
  {
    auto a = std::make_shared<OptionsArgs>();
    auto* c = g->add_subcommand(
        "decode",
        "Decode a proof's public.json (and, in commitment mode, check the committed values) into decimal "
        "prices and Greeks");
    c->add_option("request", a->request, "The request it was proven for")
        ->required()
        ->check(CLI::ExistingFile);
    c->add_option("public", a->pub, "public.json")->required()->check(CLI::ExistingFile);
    c->add_option("--values", a->values,
                  "Commitment mode: the prover's results JSON, whose committed_rows are checked against the "
                  "proof's commitment")
        ->check(CLI::ExistingFile);
    c->add_option("--results", a->results, "Write the results here instead of stdout");
    c->final_callback([a, &run_slot] { run_slot = [a] { return run_decode(*a); }; });
  }
}

}  // namespace pm::cli
