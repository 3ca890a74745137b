#include "cli/app.hpp"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <new>

#include "base/error.hpp"
#include "ff/mont.hpp"

namespace pm::cli {

void add_common_options(CLI::App& app) {
  app.require_subcommand(1);
  app.set_version_flag("--version", "proofmill 0.1.0");
  app.add_flag_callback(
      "--no-asm",
      [] {
        ff::set_use_adx(false);
        ff::set_use_ifma(false);
      },
      "Use the portable field arithmetic even where ADX/BMI2 or AVX-512 IFMA is available");
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
