// Known answers from independent implementations: Node's crypto (OpenSSL) for SHA-256 and
// BLAKE2b-512, npm blake-hash (what circomlibjs uses) for BLAKE-512. Longer vectors: the
// ceremony tests (snarkjs's hashes) and the EdDSA tests (circomlibjs's BLAKE-512 digests).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "hash/blake2b.hpp"
#include "hash/blake512.hpp"
#include "hash/sha256.hpp"

namespace pm::hash {
namespace {

std::string hex(std::span<const std::uint8_t> b) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (auto c : b) s += {d[c >> 4], d[c & 15]};
  return s;
}

std::span<const std::uint8_t> bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

TEST(Hash, Sha256) {
  Sha256 h;
  h.update("abc");
  EXPECT_EQ(hex(h.finish()), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // The same bytes fed in pieces across block boundaries.
  std::string m(1000, 'x');
  Sha256 one, pieces;
  one.update(m);
  for (std::size_t i = 0; i < m.size(); i += 37) pieces.update(std::string_view(m).substr(i, 37));
  EXPECT_EQ(hex(one.finish()), hex(pieces.finish()));
}

// FIPS 180-2's long vector, and both compression paths (SHA extensions and portable) on every
// length across two blocks and on uneven pieces; where the CPU lacks the extensions the two
// runs are both portable.
TEST(Hash, Sha256BothPathsAgree) {
  const bool shani = sha256_uses_shani();
  std::string million(1000000, 'a');
  std::string data(300, '\0');
  std::uint32_t x = 12345;
  for (auto& c : data) c = static_cast<char>((x = x * 1103515245 + 12345) >> 24);
  std::vector<std::string> digests[2];
  for (int path = 0; path < 2; ++path) {
    sha256_use_shani(path == 0);
    EXPECT_EQ(sha256_hex(bytes(million)), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    EXPECT_EQ(sha256_hex(bytes("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    for (std::size_t n = 0; n <= data.size(); ++n)
      digests[path].push_back(sha256_hex(bytes(data.substr(0, n))));
    Sha256 pieces;
    for (std::size_t i = 0; i < data.size(); i += 1 + i % 70)
      pieces.update(std::string_view(data).substr(i, 1 + i % 70));
    EXPECT_EQ(hex(pieces.finish()), digests[path].back());
  }
  sha256_use_shani(shani);
  EXPECT_EQ(digests[0], digests[1]);
}

TEST(Hash, Blake2b512) {
  EXPECT_EQ(
      hex(blake2b(bytes("abc"))),
      "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d3"
      "8aa8dbf1925ab92386edd4009923");
}

TEST(Hash, Blake512) {
  EXPECT_EQ(
      hex(blake512(bytes(""))),
      "a8cfbbd73726062df0c6864dda65defe58ef0cc52a5625090fa17601e1eecd1b628e94f396ae402a00acc9eab77b4d4c2e85"
      "2aaaa25a636d80af3fc7913ef5b8");
  EXPECT_EQ(
      hex(blake512(bytes("abc"))),
      "14266c7c704a3b58fb421ee69fd005fcc6eeff742136be67435df995b7c986e7cbde4dbde135e7689c354d2bc5b8d260536c"
      "554b4f84c118e61efc576fed7cd3");
}

}  // namespace
}  // namespace pm::hash
