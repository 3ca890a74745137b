// Pairing values produced by @noble/curves and cross-checked with ffjavascript.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "pairing/pairing.hpp"

namespace pm::pairing {
namespace {

using nlohmann::json;

ff::Fq fq(const json& s) { return ff::Fq::from_decimal(s.get<std::string>()).value(); }

TEST(PairingVectors, MatchNobleAndFfjavascript) {
  std::ifstream in(PROOFMILL_SOURCE_DIR "/tests/vectors/bn254_curve.json");
  ASSERT_TRUE(in.good());
  json v = json::parse(in)["pairing"];
  ASSERT_GE(v.size(), 3u);
  for (const auto& c : v) {
    auto P = ec::G1Affine::from_xy(fq(c["P"][0]), fq(c["P"][1]));
    auto Q =
        ec::G2Affine::from_xy({fq(c["Q"][0][0]), fq(c["Q"][0][1])}, {fq(c["Q"][1][0]), fq(c["Q"][1][1])});
    auto got = pairing(P, Q).coefficients();
    ASSERT_EQ(c["e"].size(), 12u);
    for (int i = 0; i < 12; ++i)
      EXPECT_EQ(got[i].to_decimal(), c["e"][i].get<std::string>())
          << c.value("note", "") << " coefficient " << i;
  }
}

}  // namespace
}  // namespace pm::pairing
