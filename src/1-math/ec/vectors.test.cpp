// Known answers produced by @noble/curves and ffjavascript (tests/vectors/gen_curve_vectors.mjs),
// never by this code.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "ec/bn254.hpp"
#include "ff/bn254.hpp"

namespace pm::ec {
namespace {

using nlohmann::json;

const json& vectors() {
  static const json j = [] {
    std::ifstream in(PROOFMILL_SOURCE_DIR "/tests/vectors/bn254_curve.json");
    EXPECT_TRUE(in.good()) << "missing tests/vectors/bn254_curve.json";
    return json::parse(in);
  }();
  return j;
}

ff::Fq fq(const json& s) {
  auto v = ff::Fq::from_decimal(s.get<std::string>());
  EXPECT_TRUE(v.has_value()) << s;
  return v.value_or(ff::Fq::zero());
}
ff::u256 num(const json& s) { return ff::from_decimal(s.get<std::string>()).value(); }
G1Affine g1(const json& p) { return G1Affine::from_xy(fq(p[0]), fq(p[1])); }
G2Affine g2(const json& p) {
  return G2Affine::from_xy({fq(p[0][0]), fq(p[0][1])}, {fq(p[1][0]), fq(p[1][1])});
}

TEST(Vectors, G1) {
  const json& v = vectors()["g1"];
  EXPECT_EQ(g1(v["generator"]), g1_generator());
  for (const auto& m : v["mul"])
    EXPECT_EQ(G1::from_affine(g1_generator()).mul_vartime(num(m["k"])).to_affine(), g1(m["P"]));
  for (const auto& a : v["add"])
    EXPECT_EQ(G1::from_affine(g1(a["P"])).add_mixed(g1(a["Q"])).to_affine(), g1(a["sum"]));
  for (const auto& d : v["double"]) EXPECT_EQ(G1::from_affine(g1(d["P"])).dbl().to_affine(), g1(d["double"]));
  ASSERT_FALSE(vectors()["g1_invalid"].empty());
  for (const auto& bad : vectors()["g1_invalid"]) {
    // Either a coordinate is non-canonical (>= q, refused by the parser) or the point is off
    // the curve.
    auto x = ff::Fq::from_decimal(bad["P"][0].get<std::string>());
    auto y = ff::Fq::from_decimal(bad["P"][1].get<std::string>());
    if (x && y) {
      EXPECT_FALSE(g1_is_valid(G1Affine::from_xy(*x, *y))) << bad["reason"];
    }
  }
}

TEST(Vectors, G2) {
  const json& v = vectors()["g2"];
  EXPECT_EQ(g2(v["generator"]), g2_generator());
  EXPECT_EQ(G2Config::b(), (ff::Fq2{fq(v["b"][0]), fq(v["b"][1])}));
  for (const auto& m : v["mul"])
    EXPECT_EQ(G2::from_affine(g2_generator()).mul_vartime(num(m["k"])).to_affine(), g2(m["P"]));
  for (const auto& a : v["add"])
    EXPECT_EQ(G2::from_affine(g2(a["P"])).add_mixed(g2(a["Q"])).to_affine(), g2(a["sum"]));
  for (const auto& d : v["double"]) EXPECT_EQ(G2::from_affine(g2(d["P"])).dbl().to_affine(), g2(d["double"]));
}

TEST(Vectors, G2SubgroupCheckRejectsTwistPointsOfOtherOrder) {
  ASSERT_GE(vectors()["g2_not_in_subgroup"].size(), 3u);
  for (const auto& bad : vectors()["g2_not_in_subgroup"]) {
    G2Affine p = g2(bad["P"]);
    EXPECT_TRUE(p.is_on_curve());
    EXPECT_FALSE(g2_in_subgroup(p));
    EXPECT_FALSE(g2_is_valid(p));
  }
  for (const auto& bad : vectors()["g2_off_curve"]) EXPECT_FALSE(g2(bad["P"]).is_on_curve());
  EXPECT_TRUE(g2_is_valid(g2_generator()));
}

TEST(Vectors, FrRootsOfUnityMatchFfjavascript) {
  for (const auto& r : vectors()["fr_roots"]) {
    unsigned k = r["k"].get<unsigned>();
    EXPECT_EQ(ff::fr_root_of_unity(k).to_decimal(), r["w"].get<std::string>()) << "k=" << k;
  }
}

}  // namespace
}  // namespace pm::ec
