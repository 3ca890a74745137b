#include "ff/bn254.hpp"

#include <array>

#include "base/error.hpp"

namespace pm::ff {

const Fr& fr_root_of_unity(unsigned k) {
  static const std::array<Fr, FrParams::kTwoAdicity + 1> roots = [] {
    std::array<Fr, FrParams::kTwoAdicity + 1> w{};
    u256 e = FrParams::kModulus;
    e[0] -= 1;
    for (unsigned i = 0; i < FrParams::kTwoAdicity; ++i) div_small(e, 2);
    w[FrParams::kTwoAdicity] = Fr::from_u64(FrParams::kNonResidue).pow_vartime(e);
    for (unsigned i = FrParams::kTwoAdicity; i > 0; --i) w[i - 1] = w[i].square();
    return w;
  }();
  PM_ASSERT(k <= FrParams::kTwoAdicity);
  return roots[k];
}

}  // namespace pm::ff
