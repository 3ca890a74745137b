// The ceremony against snarkjs: known answers produced by snarkjs 0.7.6 (see docs/SETUP.md),
// round trips through our own contribute/verify, and tampered files rejected.
#include "setup/ceremony.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "base/error.hpp"
#include "base/mapped_file.hpp"
#include "base/scratch_dir.hpp"
#include "setup/hash.hpp"
#include "setup/ptau.hpp"

namespace pm::setup {
namespace {

std::string hex_of(std::span<const std::uint8_t> b) { return hex(b); }

std::string sha256_file(const std::string& path) {
  MappedFile m(path);
  Sha256 s;
  s.update(m.bytes());
  auto d = s.finish();
  return hex(d);
}

// One directory per process: ctest runs this binary's tests side by side.
std::string tmp(const std::string& name) {
  static const ScratchDir dir("pm_ceremony.");
  return dir.file(name);
}

TEST(Blake2b, KnownAnswers) {
  EXPECT_EQ(
      hex_of(blake2b({})),
      "786a02f742015903c6c6fd852552d272912f4740e15847618a86e217f71f5419d25e1031afee585313896444934eb04b903a68"
      "5b1448b755d56f701afe9be2ce");
  // RFC 7693 appendix A: BLAKE2b-512("abc").
  std::string abc = "abc";
  Blake2b h;
  h.update(abc);
  EXPECT_EQ(
      hex_of(h.digest()),
      "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38a"
      "a8dbf1925ab92386edd4009923");
}

TEST(Blake2b, SplitUpdatesAndPartialStateResume) {
  std::vector<std::uint8_t> data(1000);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>(i * 7 + 3);
  Hash64 whole = blake2b(data);
  for (std::size_t cut : {0u, 1u, 127u, 128u, 129u, 256u, 999u}) {
    Blake2b h;
    h.update(std::span(data).first(cut));
    auto state = h.partial_state();
    Blake2b resumed;
    ASSERT_TRUE(Blake2b::from_partial_state(state, resumed));
    resumed.update(std::span(data).subspan(cut));
    EXPECT_EQ(resumed.digest(), whole) << cut;
  }
  std::array<std::uint8_t, Blake2b::kStateBytes> bad{};
  bad[200] = 129;  // more than a block buffered
  Blake2b x;
  EXPECT_FALSE(Blake2b::from_partial_state(bad, x));
}

TEST(Ceremony, FirstChallengeMatchesSnarkjs) {
  EXPECT_EQ(
      hex_of(first_challenge(1)),
      "e809c07e01ec4d01624089c1f4009ec9ba62964e9056113d2fa6f3bfdf29ff2cc4ebcda749cd53327598cb0caac7dbe3b50cda"
      "3f75c64f87845ce6345fd964e4");
  EXPECT_EQ(
      hex_of(first_challenge(3)),
      "45f580c564b26059f533418e8c0cbdbcdd73543f221bfa741c1a5eeb71b0c2cd4ab44f2f0600f3d7ba93203f9b04e2de3f325a"
      "88d0cdfcd902b08b85e071a471");
}

TEST(Ceremony, BeaconParsing) {
  EXPECT_THROW(parse_beacon("0x0102", 10), Error);
  EXPECT_THROW(parse_beacon("012", 10), Error);
  EXPECT_THROW(parse_beacon("zz", 10), Error);
  EXPECT_THROW(parse_beacon("01", 9), Error);
  EXPECT_THROW(parse_beacon("01", 64), Error);
  auto b = parse_beacon("0A0b", 10);
  EXPECT_EQ(b.hash, (std::vector<std::uint8_t>{0x0a, 0x0b}));
}

TEST(Ceremony, ParamsRoundTripAndRejectMalformed) {
  ContributionParams p{"Final Beacon", Beacon{{1, 2, 3}, 10}};
  auto bytes = encode_params(p);
  EXPECT_EQ(hex_of(bytes), "010c46696e616c20426561636f6e020a0303010203");
  std::string err;
  auto back = decode_params(bytes, err);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->name, "Final Beacon");
  EXPECT_EQ(back->beacon->exp, 10u);
  std::vector<std::uint8_t> unsorted = {2, 10, 1, 1, 'a'};
  EXPECT_FALSE(decode_params(unsorted, err));
  std::vector<std::uint8_t> truncated = {1, 5, 'a'};
  EXPECT_FALSE(decode_params(truncated, err));
  std::vector<std::uint8_t> huge_exp = {2, 64, 3, 1, 0xaa};  // would be 2^64 SHA-256 rounds
  EXPECT_FALSE(decode_params(huge_exp, err));
  EXPECT_NE(err.find("exponent"), std::string::npos);
  std::vector<std::uint8_t> empty_hash = {2, 10, 3, 0};
  EXPECT_FALSE(decode_params(empty_hash, err));
  EXPECT_EQ(truncate_name(std::string(100, 'x')).size(), 64u);
}

TEST(Ceremony, HashToG2IsInTheSubgroup) {
  Hash64 h{};
  for (int i = 0; i < 5; ++i) {
    h[0] = static_cast<std::uint8_t>(i);
    auto p = hash_to_g2(h);
    EXPECT_TRUE(ec::g2_is_valid(p));
    EXPECT_FALSE(p.is_infinity());
  }
}

// `powersoftau new bn128 3`, `beacon 0102..1f20 10 -n="Final Beacon"` and `prepare phase2`, as
// snarkjs 0.7.6 wrote them (SHA-256 of the files).
TEST(Ptau, ByteIdenticalToSnarkjsAtPower3) {
  auto p0 = tmp("p0.ptau"), p1 = tmp("p1.ptau"), p1f = tmp("p1f.ptau");
  ptau_new(3, p0);
  EXPECT_EQ(sha256_file(p0), "d6eb603c0a1996b13d0c55d5b9efd8e8951492a4174f1f125bde6134aed2be9f");
  std::string hx;
  for (int i = 1; i <= 32; ++i) hx += hex(std::vector<std::uint8_t>{static_cast<std::uint8_t>(i)});
  auto res = ptau_contribute(p0, p1, {"Final Beacon", parse_beacon(hx, 10)}, "");
  EXPECT_EQ(
      hex_of(res.response_hash),
      "b50a00c52dece92f40e7ab7cc908b7c92da505e416f88746100ed0d091eb944009ec7929c781de9aaff4a2a942c63cb5cff89d"
      "c324d1b8a9fd3b9bead2b909a9");
  EXPECT_EQ(
      hex_of(res.next_challenge),
      "5f6cb62d394dedbc525a5a8da674a9963cb81617eb1b6d5efb07f8b0fe457d76ecb8eecad39922db9a10b2fcec9be82e2ce56e"
      "94194fff3af21812d7c93010e6");
  EXPECT_EQ(sha256_file(p1), "872a0df749f8cd92f36a292a09bd5309d8a0a49ab758d8ae99979ae7f216c903");
  ptau_prepare_phase2(p1, p1f);
  EXPECT_EQ(sha256_file(p1f), "1934609741113894fc76e89c6432e0ca8809b7a8499fa3e80aa3c50d7b6b6e30");
  auto rep = ptau_verify(p1f);
  ASSERT_EQ(rep.contributions.size(), 1u);
  EXPECT_TRUE(rep.lagrange_checked);
  EXPECT_EQ(rep.contributions[0].name, "Final Beacon");
}

}  // namespace
}  // namespace pm::setup
