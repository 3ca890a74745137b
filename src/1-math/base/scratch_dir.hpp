#pragma once
/// \file A private scratch directory, made with mkdtemp and removed with its contents when the
/// object dies. Tests that write files use one per process: ctest runs the tests of one binary
/// as parallel processes, and a fixed name under /tmp let them overwrite each other's files.

#include <string>

namespace pm {

class ScratchDir {
 public:
  /// Creates `<system temp dir>/<prefix>XXXXXX`; throws Error(Errc::io) on failure.
  explicit ScratchDir(const std::string& prefix);
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::string& path() const { return path_; }
  /// `path()/name`.
  std::string file(const std::string& name) const;

 private:
  std::string path_;
};

}  // namespace pm
