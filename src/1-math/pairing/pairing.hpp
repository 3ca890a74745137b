#pragma once
/// \file The optimal ate pairing on BN254, e: G1 x G2 -> GT (the order-r subgroup of Fq12*).
///
/// Values equal those of ffjavascript/snarkjs and @noble/curves (checked by known answers).
/// Inputs must be valid group elements (on the curve, G2 in its subgroup): callers validate
/// untrusted points first. Variable-time: pairings here only touch public data.
///
/// Measured (AMD EPYC Zen 4, ADX path, `bench_pairing`): 0.57 ms a pairing, 0.24 ms of it the
/// Miller loop.

#include <cstdint>
#include <span>
#include <vector>

#include "ec/bn254.hpp"
#include "ff/tower.hpp"

namespace pm::pairing {

/// The BN parameter x (positive for BN254).
constexpr std::uint64_t kBnX = 4965661367192848881ull;

/// 6x + 2 in non-adjacent form, least significant digit first: the ate loop's digits.
const std::vector<int>& ate_loop_naf();

/// psi, the untwist-Frobenius-twist endomorphism of the twist: psi(x, y) = (conj(x) cx,
/// conj(y) cy) with cx = xi^((p-1)/3), cy = xi^((p-1)/2). On G2 it is multiplication by p.
struct PsiConstants {
  ff::Fq2 cx, cy;
};
const PsiConstants& psi_constants();
ec::G2Affine psi(const ec::G2Affine& q);

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
