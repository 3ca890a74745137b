#include <gtest/gtest.h>

#include <cstring>
#include <nlohmann/json.hpp>
#include <random>

#include "base/error.hpp"
#include "formats/binfile.hpp"
#include "formats/json.hpp"
#include "formats/r1cs.hpp"
#include "formats/wtns.hpp"

namespace pm::formats {
namespace {

std::vector<ff::Fr> sample_witness(std::size_t n) {
  std::mt19937_64 rng(5);
  std::vector<ff::Fr> w(n);
  w[0] = ff::Fr::one();
  for (std::size_t i = 1; i < n; ++i) w[i] = ff::Fr::from_u256_reduce({rng(), rng(), rng(), rng()});
  return w;
}

Errc error_code_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  ADD_FAILURE() << "no error raised";
  return Errc::invalid_argument;
}

TEST(Wtns, RoundTrip) {
  auto w = sample_witness(10);
  auto bytes = write_wtns(w);
  EXPECT_EQ(parse_wtns(bytes, "mem").values, w);
}

TEST(Wtns, EveryTruncationIsAnError) {
  auto bytes = write_wtns(sample_witness(4));
  for (std::size_t len = 0; len < bytes.size(); ++len) {
    std::vector<std::uint8_t> cut(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(len));
    EXPECT_EQ(error_code_of([&] { parse_wtns(cut, "cut.wtns"); }), Errc::format) << "length " << len;
  }
}

TEST(Wtns, ValueAboveModulusIsNamed) {
  auto bytes = write_wtns(sample_witness(4));
  // The last value: overwrite with r itself.
  ff::store_le(ff::FrParams::kModulus, bytes.data() + bytes.size() - 32);
  try {
    parse_wtns(bytes, "bad.wtns");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Errc::out_of_range);
    EXPECT_NE(std::string(e.what()).find("bad.wtns"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("witness value 3"), std::string::npos) << e.what();
  }
}

TEST(Wtns, BadMagicAndPrime) {
  auto bytes = write_wtns(sample_witness(2));
  auto b1 = bytes;
  b1[0] = 'x';
  EXPECT_EQ(error_code_of([&] { parse_wtns(b1, "m"); }), Errc::format);
  auto b2 = bytes;
  b2[12 + 12 + 4] ^= 1;  // first byte of the prime
  EXPECT_EQ(error_code_of([&] { parse_wtns(b2, "m"); }), Errc::mismatch);
}

// A header that declares 2^32 - 1 constraints over a few bytes of constraints is refused by
// name before any memory is reserved for them (it used to end in a bare "out of memory").
TEST(R1csFile, DeclaredConstraintsAreCheckedAgainstTheSection) {
  r1cs::R1cs r;
  r.n_wires = 3;
  r.n_pub_out = 1;
  r.n_prv_in = 1;
  r.n_constraints = 1;
  r.terms = {{2, ff::Fr::one()}, {2, ff::Fr::one()}, {1, ff::Fr::one()}};  // x * x = out
  r.lc_begin = {0, 1, 2, 3};
  auto bytes = write_r1cs(r);
  EXPECT_EQ(parse_r1cs(bytes, "mem").n_constraints, 1u);
  // Section 1 (the header) comes first: its body starts at 24; mConstraints follows n8, the
  // prime, four u32 counts and the u64 label count.
  std::uint32_t type = 0;
  std::memcpy(&type, bytes.data() + 12, 4);
  ASSERT_EQ(type, 1u);
  const std::size_t at = 24 + 4 + 32 + 16 + 8;
  std::uint32_t one = 0;
  std::memcpy(&one, bytes.data() + at, 4);
  ASSERT_EQ(one, 1u);
  const std::uint32_t huge = 0xffffffffu;
  std::memcpy(bytes.data() + at, &huge, 4);
  try {
    parse_r1cs(bytes, "huge.r1cs");
    FAIL() << "accepted 2^32 - 1 constraints";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Errc::format);
    EXPECT_NE(std::string(e.what()).find("declares 4294967295 constraints"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("huge.r1cs"), std::string::npos) << e.what();
  }
}

TEST(BinFile, SectionPastEndIsReported) {
  BinWriter w("test", 1, 1);
  w.begin_section(1);
  w.u32(7);
  w.end_section();
  auto bytes = w.data();
  bytes[16] = 0xff;  // size field -> huge
  try {
    BinFile f(bytes, "test", "t.bin", "test", 1, 1);
    FAIL();
  } catch (const Error& e) {
    std::string msg = e.what();
    EXPECT_EQ(e.code(), Errc::format);
    EXPECT_NE(msg.find("t.bin"), std::string::npos) << msg;
    EXPECT_NE(msg.find("declares"), std::string::npos) << msg;
  }
}

TEST(Json, ProofRoundTripAndRejections) {
  ec::G1Affine a = ec::G1::from_affine(ec::g1_generator()).mul_vartime({12345, 0, 0, 0}).to_affine();
  ec::G2Affine b = ec::G2::from_affine(ec::g2_generator()).mul_vartime({777, 0, 0, 0}).to_affine();
  groth16::Proof p{a, b, ec::g1_generator()};
  auto j = proof_to_json(p);
  EXPECT_EQ(j["pi_a"][2], "1");
  EXPECT_EQ(j["pi_b"][2][0], "1");
  auto back = proof_from_json(ordered_json::parse(dump_snarkjs(j)), "proof.json");
  EXPECT_EQ(back.a, p.a);
  EXPECT_EQ(back.b, p.b);
  EXPECT_EQ(back.c, p.c);

  auto off = j;
  off["pi_a"][1] = "3";
  EXPECT_EQ(error_code_of([&] { proof_from_json(off, "p"); }), Errc::invalid_point);
  auto big = j;
  big["pi_c"][0] = ff::to_decimal(ff::FqParams::kModulus);
  EXPECT_EQ(error_code_of([&] { proof_from_json(big, "p"); }), Errc::out_of_range);
  auto junk = j;
  junk["pi_b"][0][1] = "12x";
  EXPECT_EQ(error_code_of([&] { proof_from_json(junk, "p"); }), Errc::format);
  auto missing = j;
  missing.erase("pi_c");
  EXPECT_EQ(error_code_of([&] { proof_from_json(missing, "p"); }), Errc::format);
  EXPECT_EQ(error_code_of([&] { proof_from_json(ordered_json::array(), "p"); }), Errc::format);
}

TEST(Json, PublicSignalsKeepOutOfRangeValues) {
  auto j = ordered_json::parse(
      R"(["1", "21888242871839275222246405745257275088548364400416034343698204186575808495617"])");
  auto v = public_from_json(j, "public.json");
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[1], ff::FrParams::kModulus);
  EXPECT_EQ(error_code_of([&] { public_from_json(ordered_json::parse(R"([1])"), "p"); }), Errc::format);
}

// Nesting and size are checked in a streaming pass before anything is built.
TEST(Json, DepthAndValueLimitsBeforeBuilding) {
  std::string ok = std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']');
  EXPECT_NO_THROW((void)parse_json(ok, "x"));
  std::string deep = std::string(kMaxJsonDepth + 1, '[') + std::string(kMaxJsonDepth + 1, ']');
  try {
    (void)parse_json(deep, "'deep.json'");
    ADD_FAILURE() << "65 levels parsed";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'deep.json' is nested deeper than 64"), std::string::npos)
        << e.what();
  }
  // 16 MB of '[' (which took 1.3 GB as a DOM) stops at level 65.
  EXPECT_THROW(check_json(std::string(16 << 20, '['), "x"), Error);
  EXPECT_NO_THROW((void)parse_json(R"(["1", "2"])", "p", 3));
  try {
    (void)parse_json(R"(["1", "2", "3"])", "'public.json'", 3);
    ADD_FAILURE() << "4 values parsed under a limit of 3";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'public.json' has more than 3 values"), std::string::npos)
        << e.what();
  }
}

// Found by fuzzing (fuzz_snarkjs_json, fuzz_options_request): a number no double holds is
// nlohmann's out_of_range, not a parse_error, and reached the user unnamed. Now both kinds are
// an Errc::format error naming the input.
TEST(Json, UnparsableNumbersNameTheInput) {
  for (const char* text : {"[1e999]", "{\"a\": -78696612379E632}", "[1", "nul"}) {
    try {
      (void)parse_json(text, "'public.json'");
      ADD_FAILURE() << text << " parsed";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), Errc::format) << text;
      EXPECT_NE(std::string(e.what()).find("'public.json' is not valid JSON"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace pm::formats
