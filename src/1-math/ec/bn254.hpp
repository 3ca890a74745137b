#pragma once
/// \file The BN254 groups: G1 = E(Fq) with y^2 = x^3 + 3 (prime order r, cofactor 1) and
/// G2 = the order-r subgroup of the sextic twist E'(Fq2): y^2 = x^3 + 3/(9+u).

#include "ec/curve.hpp"
#include "ff/fq2.hpp"

namespace pm::ec {

struct G1Config {
  using Field = ff::Fq;
  static const ff::Fq& b();
};

struct G2Config {
  using Field = ff::Fq2;
  static const ff::Fq2& b();
};

using G1Affine = Affine<G1Config>;
using G1 = Jacobian<G1Config>;
using G2Affine = Affine<G2Config>;
using G2 = Jacobian<G2Config>;

/// The generators snarkjs, ffjavascript and the EVM precompiles use.
const G1Affine& g1_generator();
const G2Affine& g2_generator();

/// G1 has cofactor 1: a point on the curve is in the group.
inline bool g1_is_valid(const G1Affine& p) { return p.is_on_curve(); }

/// On the twist and in the order-r subgroup (checked as r * P == O). Untrusted G2 points must
/// pass this: the twist has points of other orders that break pairing-based checks.
bool g2_in_subgroup(const G2Affine& p);
inline bool g2_is_valid(const G2Affine& p) { return p.is_on_curve() && g2_in_subgroup(p); }

/// k * G for a scalar in standard form.
G1 g1_mul_generator(const ff::u256& k);

}  // namespace pm::ec

static_assert(sizeof(pm::ec::G1Affine) == 64 && sizeof(pm::ec::G2Affine) == 128,
              "affine points must have snarkjs's Montgomery layout: coordinates only");
