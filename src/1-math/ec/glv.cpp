#include "ec/glv.hpp"

#include <array>

#include "base/error.hpp"
#include "base/wipe.hpp"

namespace pm::ec {
namespace {

using ff::u128;
using ff::u256;

// Short basis: a1 + b1 lambda = a2 + b2 lambda = 0 (mod r), b1 < 0 stored as |b1|.
constexpr u256 kA1 = {0x89d3256894d213e3ull, 0, 0, 0};
constexpr u256 kB1Abs = {0x8211bbeb7d4f1128ull, 0x6f4d8248eeb859fcull, 0, 0};
constexpr u256 kA2 = {0x0be4e1541221250bull, 0x6f4d8248eeb859fdull, 0, 0};
constexpr u256 kB2 = {0x89d3256894d213e3ull, 0, 0, 0};
// g1 = floor(2^256 b2 / r), g2 = floor(2^256 |b1| / r): c_i = (k g_i) >> 256 approximates
// the rounded coefficients of k in the basis (the error only adds a bit to |k1|, |k2|).
constexpr u256 kG1 = {0xd91d232ec7e0b3d7ull, 0x2ull, 0, 0};
constexpr u256 kG2 = {0x7a7bd9d4391eb18dull, 0x4ccef014a773d2cfull, 0x2ull, 0};

// Full 512-bit product of two 256-bit numbers, little-endian limbs.
std::array<std::uint64_t, 8> mul_wide(const u256& a, const u256& b) {
  std::array<std::uint64_t, 8> out{};
  for (int i = 0; i < 4; ++i) {
    u128 carry = 0;
    for (int j = 0; j < 4; ++j) {
      u128 t = static_cast<u128>(a[i]) * b[j] + out[i + j] + carry;
      out[i + j] = static_cast<std::uint64_t>(t);
      carry = t >> 64;
    }
    out[i + 4] = static_cast<std::uint64_t>(carry);
  }
  return out;
}

u256 high(const std::array<std::uint64_t, 8>& w) { return {w[4], w[5], w[6], w[7]}; }
u256 low(const std::array<std::uint64_t, 8>& w) { return {w[0], w[1], w[2], w[3]}; }

// Two's-complement value mod 2^256 -> (magnitude, negative).
void to_signed(const u256& v, u256& mag, bool& neg) {
  neg = (v[3] >> 63) != 0;
  if (neg) {
    ff::sub_borrow(mag, u256{0, 0, 0, 0}, v);
  } else {
    mag = v;
  }
}

ff::Fq find_beta(const ff::Fq& candidate_a, bool (*acts_as_lambda)(const ff::Fq&)) {
  if (acts_as_lambda(candidate_a)) return candidate_a;
  ff::Fq b = candidate_a.square();  // the other primitive cube root
  PM_ASSERT(acts_as_lambda(b));
  return b;
}

ff::Fq cube_root_of_unity_fq() {
  u256 e = ff::FqParams::kModulus;
  e[0] -= 1;
  ff::div_small(e, 3);
  for (std::uint64_t g = 2;; ++g) {
    ff::Fq w = ff::Fq::from_u64(g).pow_vartime(e);
    if (!w.is_one()) return w;
  }
}

}  // namespace

const ff::Fr& glv_lambda() {
  static const ff::Fr l = *ff::Fr::from_decimal("4407920970296243842393367215006156084916469457145843978461");
  return l;
}

const ff::Fq& glv_beta_g1() {
  static const ff::Fq b = find_beta(cube_root_of_unity_fq(), [](const ff::Fq& beta) {
    const G1Affine& g = g1_generator();
    return G1::from_affine(g).mul_vartime(glv_lambda().to_canonical()).to_affine() ==
           G1Affine::from_xy(g.x * beta, g.y);
  });
  return b;
}

const ff::Fq& glv_beta_g2() {
  static const ff::Fq b = find_beta(cube_root_of_unity_fq(), [](const ff::Fq& beta) {
    const G2Affine& g = g2_generator();
    return G2::from_affine(g).mul_vartime(glv_lambda().to_canonical()).to_affine() ==
           G2Affine::from_xy(g.x * beta, g.y);
  });
  return b;
}

GlvSplit glv_split(const u256& k) {
  u256 c1 = high(mul_wide(k, kG1)), c2 = high(mul_wide(k, kG2));
  // k1 = k - c1 a1 - c2 a2, k2 = c1 |b1| - c2 b2, all mod 2^256 (true values are small).
  u256 k1, k2, t;
  ff::sub_borrow(t, k, low(mul_wide(c1, kA1)));
  ff::sub_borrow(k1, t, low(mul_wide(c2, kA2)));
  ff::sub_borrow(k2, low(mul_wide(c1, kB1Abs)), low(mul_wide(c2, kB2)));
  GlvSplit s;
  to_signed(k1, s.k1, s.neg1);
  to_signed(k2, s.k2, s.neg2);
  return s;
}

namespace {

const ff::Fq& endo_beta(const G1&) { return glv_beta_g1(); }
const ff::Fq& endo_beta(const G2&) { return glv_beta_g2(); }

// 4-bit windows over the two 128-bit halves, their doublings shared.
template <class J>
J glv_mul(const J& p, const u256& k) {
  if (p.is_identity() || ff::is_zero(k)) return J::identity();
  GlvSplit s = glv_split(k);
  J p1 = s.neg1 ? p.neg() : p;
  J p2{p.x * endo_beta(p), p.y, p.z};  // phi(P) = lambda P, in Jacobian coordinates too
  if (s.neg2) p2 = p2.neg();
  J t1[16], t2[16];
  t1[0] = t2[0] = J::identity();
  t1[1] = p1;
  t2[1] = p2;
  for (int i = 2; i < 16; ++i) {
    t1[i] = t1[i - 1].add(p1);
    t2[i] = t2[i - 1].add(p2);
  }
  J r = J::identity();
  struct Wipe {
    GlvSplit& s;
    ~Wipe() { wipe(s); }
  } wipe_split{s};
  for (int w = 31; w >= 0; --w) {
    if (!r.is_identity()) r = r.dbl().dbl().dbl().dbl();
    unsigned d1 = static_cast<unsigned>(s.k1[w / 16] >> (4 * (w % 16))) & 15;
    unsigned d2 = static_cast<unsigned>(s.k2[w / 16] >> (4 * (w % 16))) & 15;
    if (d1) r = r.add(t1[d1]);
    if (d2) r = r.add(t2[d2]);
  }
  return r;
}

}  // namespace

G1 glv_mul_vartime(const G1& p, const ff::u256& k) { return glv_mul(p, k); }
G2 glv_mul_vartime(const G2& p, const ff::u256& k) { return glv_mul(p, k); }

}  // namespace pm::ec
