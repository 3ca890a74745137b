// proofmill-service: the proving service's commands (serve, worker, keys). `proofmill serve ...`
// executes this binary, so that the prover binary itself links none of the service's libraries
// (SQLite, libpq, OpenSSL, cpp-httplib): they would add about 9 MiB of resident memory to every
// `proofmill prove`. Exit codes as for proofmill.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "base/error.hpp"
#include "cli/commands.hpp"
#include "ff/mont.hpp"

int main(int argc, char** argv) {
  CLI::App app{"proofmill: the proving service (HTTP API, job queue, workers)"};
  app.name("proofmill");
  app.require_subcommand(1);
  app.set_version_flag("--version", "proofmill 0.1.0");
  app.add_flag_callback(
      "--no-asm", [] { pm::ff::set_use_adx(false); },
      "Use the portable field arithmetic even where ADX/BMI2 is available");
  std::function<int()> run;
  pm::cli::register_service_commands(app, run);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  try {
    return run ? run() : 2;
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
