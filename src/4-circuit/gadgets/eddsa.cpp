#include "gadgets/eddsa.hpp"

#include <vector>

#include "base/error.hpp"
#include "gadgets/poseidon.hpp"
#include "hash/blake512.hpp"

namespace pm::gadgets {
namespace {

using babyjub::Point;
using babyjub::PointExpr;
using babyjub::Scalar;
using circuit::Builder;
using circuit::Expr;

// An integer of up to 512 bits, little-endian bytes, reduced mod l.
Scalar scalar_from_le(std::span<const std::uint8_t> bytes) {
  Scalar acc = Scalar::zero();
  const Scalar base = Scalar::from_u64(256);
  for (std::size_t i = bytes.size(); i-- > 0;) acc = acc * base + Scalar::from_u64(bytes[i]);
  return acc;
}

// circomlibjs's key expansion: BLAKE-512(prv) with its low half pruned as in Ed25519.
std::array<std::uint8_t, 64> expand_key(std::span<const std::uint8_t> prv) {
  auto h = hash::blake512(prv);
  h[0] &= 0xf8;
  h[31] &= 0x7f;
  h[31] |= 0x40;
  return h;
}

ff::u256 low_half(const std::array<std::uint8_t, 64>& h) { return ff::load_le(h.data()); }

ff::u256 shr3(ff::u256 v) {
  for (int i = 0; i < 4; ++i) v[i] = (v[i] >> 3) | (i < 3 ? v[i + 1] << 61 : 0);
  return v;
}

}  // namespace

Fr eddsa_poseidon_challenge(const Point& r8, const Point& a, const Fr& msg) {
  std::vector<Fr> in{r8.x, r8.y, a.x, a.y, msg};
  return poseidon(in);
}

bool eddsa_poseidon_verify(const Point& a, const EddsaSignature& sig, const Fr& msg) {
  if (!babyjub::on_curve(a) || !babyjub::on_curve(sig.r8)) return false;
  if (!ff::lt(sig.s, babyjub::kSubOrder)) return false;
  ff::u256 h = eddsa_poseidon_challenge(sig.r8, a, msg).to_canonical();
  Point left = babyjub::mul(babyjub::base8(), sig.s);
  // (8 h) * A as 8 * (h * A): h < r < 2^254, so 8 h needs no extra bits this way.
  Point a8 = babyjub::dbl(babyjub::dbl(babyjub::dbl(a)));
  if (a8 == babyjub::identity()) return false;  // a small-order key: the circuit rejects it too
  Point right = babyjub::add(sig.r8, babyjub::mul(a8, h));
  return left == right;
}

Point eddsa_public_key(std::span<const std::uint8_t> prv) {
  return babyjub::mul(babyjub::base8(), shr3(low_half(expand_key(prv))));
}

EddsaSignature eddsa_poseidon_sign(std::span<const std::uint8_t> prv, const Fr& msg) {
  auto k = expand_key(prv);
  ff::u256 s = low_half(k);
  Point a = babyjub::mul(babyjub::base8(), shr3(s));
  std::uint8_t nonce_in[64];
  std::copy(k.begin() + 32, k.end(), nonce_in);
  msg.to_le_bytes(nonce_in + 32);
  auto rh = hash::blake512(nonce_in);
  Scalar r = scalar_from_le(rh);
  Point r8 = babyjub::mul(babyjub::base8(), r.to_canonical());
  ff::u256 h = eddsa_poseidon_challenge(r8, a, msg).to_canonical();
  std::uint8_t buf[32];
  ff::store_le(h, buf);
  Scalar hs = scalar_from_le(buf);
  ff::store_le(s, buf);
  Scalar ss = scalar_from_le(buf);
  std::fill(std::begin(k), std::end(k), std::uint8_t{0});
  return {r8, (r + hs * ss).to_canonical()};
}

void eddsa_poseidon_verify(Builder& b, const PointExpr& a, const PointExpr& r8, const Expr& s,
                           const Expr& msg, const Expr& enabled) {
  auto sc = b.scope("eddsa_poseidon");
  b.assert_boolean(enabled, "enabled is boolean");
  // A and R8 are the prover's (an input, or a key read from a tree): on the curve, or the
  // addition formulas' exceptional cases are not ruled out. circomlib checks neither.
  {
    auto k = b.scope("key A");
    babyjub::assert_on_curve(b, a, enabled);
  }
  {
    auto r = b.scope("R8");
    babyjub::assert_on_curve(b, r8, enabled);
  }
  // S < l: l - 1 - S fits in 251 bits exactly when S <= l - 1 (S < 2^253 < r otherwise wraps
  // it to at least r - 2^253 > 2^252).
  auto s_bits = b.to_bits(s, 253, "S fits in 253 bits");
  ff::u256 l_minus_1 = babyjub::kSubOrder;
  l_minus_1[0] -= 1;  // l is odd
  b.assert_range(b.select(enabled, Expr(Fr::from_canonical_reduced(l_minus_1)) - s, Expr(0)), 251,
                 "S below the subgroup order");

  std::vector<Expr> hin{r8.x, r8.y, a.x, a.y, msg};
  Expr h = poseidon(b, hin);
  auto h_bits = b.to_bits_strict(h, "challenge bits are canonical");

  // 8 A lies in the order-l subgroup (for A on the curve); it must not be the identity.
  PointExpr a8 = babyjub::dbl(b, babyjub::dbl(b, babyjub::dbl(b, a)));
  if (enabled.is_constant()) {
    b.assert_nonzero(a8.x, "8 A is not the identity");
  } else {
    b.assert_product(b.is_zero(a8.x, "8 A is not the identity"), enabled, Expr(0), "8 A is not the identity");
  }
  PointExpr right = babyjub::add(b, r8, babyjub::mul_any(b, h_bits, a8));
  PointExpr left = babyjub::mul_fixed(b, s_bits, babyjub::base8());
  b.assert_product(left.x - right.x, enabled, Expr(0), "S * Base8 = R8 + 8 h A (x)");
  b.assert_product(left.y - right.y, enabled, Expr(0), "S * Base8 = R8 + 8 h A (y)");
}

}  // namespace pm::gadgets
