#include "cli/app.hpp"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <new>

#include "base/error.hpp"
#include "ff/mont.hpp"
#include "hash/sha256.hpp"

namespace pm::cli {

void add_common_options(CLI::App& app) {
  app.require_subcommand(1);
  app.set_version_flag("--version", "proofmill " PROOFMILL_VERSION_STRING);
  app.add_flag_callback(
      "--no-asm",
      [] {
        ff::set_use_adx(false);
        ff::set_use_ifma(false);
        hash::sha256_use_shani(false);
      },
      "Use the portable arithmetic and hashing even where ADX/BMI2, AVX-512 IFMA or SHA-NI is available");
}

int parse_and_run(CLI::App& app, int argc, char** argv, const std::function<int()>& run) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  try {
    return run();
  } catch (const Error& e) {
    std::fprintf(stderr, "proofmill: error (%s): %s\n", errc_name(e.code()), e.what());
    return 2;
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "proofmill: error: out of memory\n");
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "proofmill: error: %s\n", e.what());
    return 2;
  }
}

}  // namespace pm::cli
