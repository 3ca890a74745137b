#include "ff/inverse.hpp"

#include <gmp.h>

#include "base/error.hpp"

namespace pm::ff {

static_assert(sizeof(mp_limb_t) == 8, "GMP limbs must be 64-bit");

u256 invert_mod_vartime(const u256& a, const u256& p) {
  PM_ASSERT(p[3] != 0 && (p[3] >> 62) == 0 && lt(a, p));
  if (is_zero(a)) return {};
  // mpn_gcdext wants U >= V and returns the cofactor of U: with U = a + p (four limbs, as
  // p < 2^254) and V = p, G = 1 = U S + p T gives a S = 1 mod p. |S| < p / 2; it comes signed.
  mp_limb_t u[5], v[5], g[5], s[5];
  u256 up;
  add_carry(up, a, p);
  for (int i = 0; i < 4; ++i) u[i] = up[i], v[i] = p[i];
  u[4] = v[4] = 0;
  mp_size_t sn = 0;
  const mp_size_t gn = mpn_gcdext(g, s, &sn, u, 4, v, 4);
  PM_ASSERT(gn == 1 && g[0] == 1);  // p is prime and 0 < a < p
  u256 m{};
  const mp_size_t len = sn < 0 ? -sn : sn;
  PM_ASSERT(len <= 4);
  for (mp_size_t i = 0; i < len; ++i) m[static_cast<std::size_t>(i)] = s[i];
  if (sn < 0) sub_borrow(m, p, m);
  return m;
}

}  // namespace pm::ff
