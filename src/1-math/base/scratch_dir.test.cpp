#include "base/scratch_dir.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace pm {
namespace {

TEST(ScratchDir, EachIsPrivateAndRemovedWithItsFiles) {
  std::string kept;
  {
    const ScratchDir a("pm_scratch_test."), b("pm_scratch_test.");
    EXPECT_NE(a.path(), b.path());
    EXPECT_TRUE(std::filesystem::is_directory(a.path()));
    std::ofstream(a.file("x")) << "x";
    std::filesystem::create_directories(a.file("sub"));
    std::ofstream(a.file("sub/y")) << "y";
    EXPECT_TRUE(std::filesystem::exists(a.file("sub/y")));
    EXPECT_FALSE(std::filesystem::exists(b.file("x")));
    kept = a.path();
  }
  EXPECT_FALSE(std::filesystem::exists(kept));
}

}  // namespace
}  // namespace pm
