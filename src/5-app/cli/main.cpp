// proofmill: command-line front end (exit codes: cli/app.hpp).
#include <malloc.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include "cli/app.hpp"
#include "cli/commands.hpp"

namespace {

// The proving service's commands live in the sibling binary proofmill-service (see
// service_main.cpp); `proofmill serve|worker|keys ...` runs it with the same arguments.
constexpr std::string_view kServiceCommands[] = {"serve", "worker", "keys"};

int exec_service(char** argv) {
  std::string self(4096, '\0');
  ssize_t n = ::readlink("/proc/self/exe", self.data(), self.size() - 1);
  if (n <= 0) {
    std::fprintf(stderr, "proofmill: error: cannot locate this executable: %s\n", std::strerror(errno));
    return 2;
  }
  self.resize(static_cast<std::size_t>(n));
  std::string service = self.substr(0, self.rfind('/') + 1) + "proofmill-service";
  ::execv(service.c_str(), argv);
  std::fprintf(stderr, "proofmill: error: cannot run the proving service binary '%s': %s\n", service.c_str(),
               std::strerror(errno));
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1) {
    for (std::string_view c : kServiceCommands) {
      if (c == argv[1]) return exec_service(argv);
    }
  }
  // Large buffers (witness copies, NTT arrays, MSM digits) come from mmap and go back to the
  // system when freed, instead of raising glibc's dynamic threshold and staying resident in
  // the heap: peak memory then follows what the prover really holds at once.
  ::mallopt(M_MMAP_THRESHOLD, 1 << 20);
  CLI::App app{"proofmill: Groth16 over BN254, compatible with circom and snarkjs"};
  pm::cli::add_common_options(app);
  pm::cli::register_commands(app);
  // Listed in --help only: the commands themselves run in proofmill-service (above).
  app.add_subcommand("serve", "Run the proving service: HTTP API and prover workers (see serve --help)");
  app.add_subcommand("worker", "Run prover workers against a shared PostgreSQL queue (see worker --help)");
  app.add_subcommand("keys", "Manage the service's API keys (see keys --help)");
  return pm::cli::parse_and_run(app, argc, argv, [&app] { return pm::cli::run_selected(app); });
}
