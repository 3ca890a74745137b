#pragma once
/// \file The optimal ate pairing on BN254, e: G1 x G2 -> GT (the order-r subgroup of Fq12*).
///
/// Values equal those of ffjavascript/snarkjs and @noble/curves (checked by known answers).
/// Inputs must be valid group elements (on the curve, G2 in its subgroup): callers validate
/// untrusted points first. Variable-time: pairings here only touch public data.
///
/// Measured (AMD EPYC Zen 4, ADX path, `bench_pairing`): 0.57 ms a pairing, 0.24 ms of it the
/// Miller loop.

#include <span>

#include "ec/bn254.hpp"
#include "ff/tower.hpp"

namespace pm::pairing {

/// The product over i of the Miller functions f_{6x+2, Q_i}(P_i) with the two Frobenius
/// correction lines; pairs where either point is infinity contribute 1.
ff::Fq12 miller_loop(std::span<const ec::G1Affine> p, std::span<const ec::G2Affine> q);

/// f^((p^12 - 1) / r).
ff::Fq12 final_exponentiation(const ff::Fq12& f);

/// e(P, Q).
ff::Fq12 pairing(const ec::G1Affine& p, const ec::G2Affine& q);

/// True when prod_i e(P_i, Q_i) == 1, with one shared final exponentiation.
bool pairing_product_is_one(std::span<const ec::G1Affine> p, std::span<const ec::G2Affine> q);

}  // namespace pm::pairing
