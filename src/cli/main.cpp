// proofmill: command-line front end. Exit codes: 0 success (or valid proof), 1 a proof that
// does not verify or a witness that does not satisfy its constraints, 2 any error.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "base/error.hpp"
#include "cli/commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"proofmill: Groth16 over BN254, compatible with circom and snarkjs"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "proofmill 0.1.0");
  pm::cli::register_commands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  try {
    return pm::cli::run_selected(app);
  } catch (const pm::Error& e) {
    std::fprintf(stderr, "proofmill: error (%s): %s\n", pm::errc_name(e.code()), e.what());
    return 2;
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "proofmill: error: out of memory\n");
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "proofmill: error: %s\n", e.what());
    return 2;
  }
}
