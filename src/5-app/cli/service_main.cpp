// proofmill-service: the proving service's commands (serve, worker, keys). `proofmill serve ...`
// executes this binary, so that the prover binary itself links none of the service's libraries
// (SQLite, libpq, libmicrohttpd): they would add about 9 MiB of resident memory to every
// `proofmill prove`. Exit codes as for proofmill (cli/app.hpp).
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <functional>

#include "base/error.hpp"
#include "cli/app.hpp"
#include "cli/commands.hpp"

int main(int argc, char** argv) {
  // Everything the service writes (database, uploads, caches, keys) is its owner's only.
  ::umask(077);
  CLI::App app{"proofmill: the proving service (HTTP API, job queue, workers)"};
  app.name("proofmill");
  pm::cli::add_common_options(app);
  std::function<int()> run;
  pm::cli::register_service_commands(app, run);
  return pm::cli::parse_and_run(app, argc, argv, [&run] {
    if (!run) throw pm::Error(pm::Errc::invalid_argument, "no command selected");
    return run();
  });
}
