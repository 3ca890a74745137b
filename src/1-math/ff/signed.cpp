#include "ff/signed.hpp"

#include <gmp.h>

#include "base/error.hpp"

namespace pm::ff {

static_assert(sizeof(mp_limb_t) == 8, "GMP limbs must be 64-bit");

SignedInt to_signed(const Fr& v) {
  u256 c = v.to_canonical();
  u256 half = Fr::kModulus;
  for (int i = 0; i < 4; ++i) half[i] = (half[i] >> 1) | (i < 3 ? half[i + 1] << 63 : 0);
  if (lt(half, c)) {
    u256 m;
    sub_borrow(m, Fr::kModulus, c);
    return {true, m};
  }
  return {false, c};
}

Fr from_signed(const SignedInt& s) {
  Fr m = Fr::from_canonical_reduced(s.mag);
  return s.neg ? -m : m;
}

u256 udiv(const u256& a, const u256& d, u256* rem) {
  mp_size_t dn = 4;
  while (dn > 0 && d[static_cast<std::size_t>(dn - 1)] == 0) --dn;
  if (dn == 0) throw Error(Errc::invalid_argument, "integer division by zero");
  mp_limb_t q[4] = {}, r[4] = {};
  mpn_tdiv_qr(q, r, 0, reinterpret_cast<const mp_limb_t*>(a.data()), 4,
              reinterpret_cast<const mp_limb_t*>(d.data()), dn);
  if (rem != nullptr) *rem = {r[0], dn > 1 ? r[1] : 0, dn > 2 ? r[2] : 0, dn > 3 ? r[3] : 0};
  return {q[0], q[1], q[2], q[3]};
}

SignedInt floor_div(const SignedInt& t, const u256& d) {
  u256 r;
  u256 q = udiv(t.mag, d, &r);
  if (t.neg && !is_zero(r)) add_carry(q, q, u256{1, 0, 0, 0});
  return {t.neg && !is_zero(q), q};
}

u256 pow2_u256(unsigned k) {
  PM_ASSERT(k < 256);
  u256 v{};
  v[k / 64] = std::uint64_t{1} << (k % 64);
  return v;
}

}  // namespace pm::ff
