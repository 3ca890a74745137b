#pragma once
/// \file The GLV endomorphism of BN254: phi(x, y) = (beta x, y) = lambda (x, y) on G1 and on
/// G2, with beta a cube root of unity in Fq and lambda one in Fr. A scalar k splits as
/// k = k1 + k2 lambda (mod r) with |k1|, |k2| < 2^128, so k P = k1 P + k2 phi(P) needs half
/// the doublings, or half the MSM windows.

#include "ec/bn254.hpp"
#include "ff/u256.hpp"

namespace pm::ec {

/// lambda = 4407920970296243842393367215006156084916469457145843978461 (a cube root of 1 in Fr).
const ff::Fr& glv_lambda();
/// beta in Fq with (beta x, y) = lambda P for every P in G1.
const ff::Fq& glv_beta_g1();
/// omega in Fq with (omega x, y) = lambda Q for every Q in G2 (x in Fq2, scaled componentwise).
const ff::Fq& glv_beta_g2();

inline G1Affine glv_endo(const G1Affine& p) { return G1Affine::from_xy(p.x * glv_beta_g1(), p.y); }
inline G2Affine glv_endo(const G2Affine& p) { return G2Affine::from_xy(p.x * glv_beta_g2(), p.y); }

struct GlvSplit {
  ff::u256 k1, k2;  ///< magnitudes, < 2^128
  bool neg1 = false, neg2 = false;
};

/// k = (-1)^neg1 k1 + (-1)^neg2 k2 lambda (mod r) for a standard-form k < r, by Babai
/// rounding against the short lattice basis (a1, b1), (a2, b2) of {(x, y): x + y lambda = 0}.
GlvSplit glv_split(const ff::u256& k);

/// k P for P of order r, by the split k = k1 + k2 lambda and 4-bit windows over the two
/// 128-bit halves (64 additions and 128 doublings). Variable time in k (digit branches): only for
/// scalars that may leak timing; the split is wiped before returning.
G1 glv_mul_vartime(const G1& p, const ff::u256& k);
G2 glv_mul_vartime(const G2& p, const ff::u256& k);

}  // namespace pm::ec
