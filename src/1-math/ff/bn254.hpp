#pragma once
/// \file The two BN254 (alt_bn128) prime fields: Fq, the base field of the curve, and Fr, the
/// scalar field (the field circom circuits compute in).

#include "ff/fp.hpp"

namespace pm::ff {

struct FqParams {
  // q = 21888242871839275222246405745257275088696311157297823662689037894645226208583
  static constexpr u256 kModulus = {0x3c208c16d87cfd47ull, 0x97816a916871ca8dull, 0xb85045b68181585dull,
                                    0x30644e72e131a029ull};
};

struct FrParams {
  // r = 21888242871839275222246405745257275088548364400416034343698204186575808495617
  static constexpr u256 kModulus = {0x43e1f593f0000001ull, 0x2833e84879b97091ull, 0xb85045b68181585dull,
                                    0x30644e72e131a029ull};
  /// r - 1 = 2^28 * odd.
  static constexpr unsigned kTwoAdicity = 28;
  /// The smallest quadratic non-residue, 5; ffjavascript derives its roots of unity from it.
  static constexpr std::uint64_t kNonResidue = 5;
};

using Fq = Fp<FqParams>;
using Fr = Fp<FrParams>;

/// A primitive 2^k-th root of unity in Fr (k <= 28), equal to ffjavascript's `Fr.w[k]`:
/// w[28] = 5^((r-1)/2^28) and w[k-1] = w[k]^2.
const Fr& fr_root_of_unity(unsigned k);

}  // namespace pm::ff
