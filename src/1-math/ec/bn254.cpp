#include "ec/bn254.hpp"

#include "ff/bn254.hpp"

namespace pm::ec {

const ff::Fq& G1Config::b() {
  static const ff::Fq b = ff::Fq::from_u64(3);
  return b;
}

const ff::Fq2& G2Config::b() {
  static const ff::Fq2 b =
      ff::Fq2{ff::Fq::from_u64(3), ff::Fq::zero()} * ff::Fq2::one().mul_by_xi().inverse();
  return b;
}

const G1Affine& g1_generator() {
  static const G1Affine g = G1Affine::from_xy(ff::Fq::from_u64(1), ff::Fq::from_u64(2));
  return g;
}

const G2Affine& g2_generator() {
  static const G2Affine g = [] {
    auto d = [](const char* s) { return *ff::Fq::from_decimal(s); };
    return G2Affine::from_xy(
        {d("10857046999023057135944570762232829481370756359578518086990519993285655852781"),
         d("11559732032986387107991004021392285783925812861821192530917403151452391805634")},
        {d("8495653923123431417604973247489272438418190587263600148770280649306958101930"),
         d("4082367875863433681332203403145435568316851327593401208105741076214120093531")});
  }();
  return g;
}

bool g2_in_subgroup(const G2Affine& p) {
  if (p.is_infinity()) return true;
  return G2::from_affine(p).mul_vartime(ff::FrParams::kModulus).is_identity();
}

G1 g1_mul_generator(const ff::u256& k) { return G1::from_affine(g1_generator()).mul_vartime(k); }

}  // namespace pm::ec
