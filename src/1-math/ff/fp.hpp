#pragma once
/// \file Prime fields of fewer than 256 bits in Montgomery form, generic over a parameter struct.
///
/// A field is parameters, not code: `P` names the modulus (`kModulus`, four LE limbs, top bit
/// clear) and a display name. Everything else (R mod p, R^2, -p^-1 mod 2^64) is derived at
/// compile time. Elements are kept fully reduced in [0, p), so limb equality is field equality.
/// Arithmetic is constant-time except where a function says `vartime`.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ff/inverse.hpp"
#include "ff/mont.hpp"
#include "ff/u256.hpp"

namespace pm::ff {

namespace detail {

constexpr std::uint64_t neg_inv64(std::uint64_t p0) {
  std::uint64_t x = 1;
  for (int i = 0; i < 7; ++i) x *= 2 - p0 * x;  // Newton: doubles the correct bits each step
  return 0 - x;
}

/// 2^k mod p by doubling, for small k (compile-time only).
constexpr u256 pow2_mod(unsigned k, const u256& p) {
  u256 x{1, 0, 0, 0};
  for (unsigned i = 0; i < k; ++i) {
    u256 d;
    std::uint64_t carry = add_carry(d, x, x);
    u256 s;
    std::uint64_t borrow = sub_borrow(s, d, p);
    x = (carry != 0 || borrow == 0) ? s : d;
  }
  return x;
}

}  // namespace detail

template <class P>
class Fp {
 public:
  static constexpr u256 kModulus = P::kModulus;
  static constexpr std::uint64_t kInv = detail::neg_inv64(P::kModulus[0]);
  static constexpr u256 kR = detail::pow2_mod(256, P::kModulus);
  static constexpr u256 kR2 = detail::pow2_mod(512, P::kModulus);
  static constexpr u256 kR3 = detail::pow2_mod(768, P::kModulus);
  static constexpr unsigned kBits = bit_length(P::kModulus);
  static constexpr std::size_t kBytes = 32;
  static_assert((P::kModulus[3] >> 62) == 0, "the modulus must leave the top two bits free");

  constexpr Fp() = default;

  static constexpr Fp zero() { return Fp(); }
  static constexpr Fp one() { return from_mont_unchecked(kR); }
  static Fp from_u64(std::uint64_t v) { return from_canonical_reduced(u256{v, 0, 0, 0}); }

  /// From limbs already in Montgomery form and < p (caller guarantees).
  static constexpr Fp from_mont_unchecked(const u256& m) {
    Fp f;
    f.v_ = m;
    return f;
  }
  /// From Montgomery-form limbs; nullopt when >= p (a non-canonical encoding).
  static std::optional<Fp> from_mont(const u256& m) {
    if (!lt(m, kModulus)) return std::nullopt;
    return from_mont_unchecked(m);
  }
  /// From a standard-form integer; nullopt when >= p.
  static std::optional<Fp> from_canonical(const u256& a) {
    if (!lt(a, kModulus)) return std::nullopt;
    return from_canonical_reduced(a);
  }
  /// From a standard-form integer < p (caller guarantees).
  static Fp from_canonical_reduced(const u256& a) {
    Fp f;
    mont_mul(f.v_, a, kR2, kModulus, kInv);
    return f;
  }
  /// Any 256-bit integer reduced mod p (for hashing and random sampling, not for parsing).
  static Fp from_u256_reduce(u256 a) {
    while (!lt(a, kModulus)) sub_borrow(a, a, kModulus);
    return from_canonical_reduced(a);
  }
  static std::optional<Fp> from_decimal(std::string_view s) {
    auto a = ff::from_decimal(s);
    if (!a) return std::nullopt;
    return from_canonical(*a);
  }
  /// 32 bytes little-endian, standard form; nullopt when >= p.
  static std::optional<Fp> from_le_bytes(const std::uint8_t* p) { return from_canonical(load_le(p)); }
  /// 32 bytes little-endian, Montgomery form (snarkjs's zkey/ptau layout); nullopt when >= p.
  static std::optional<Fp> from_mont_le_bytes(const std::uint8_t* p) { return from_mont(load_le(p)); }

  u256 to_canonical() const {
    u256 out;
    mont_mul(out, v_, u256{1, 0, 0, 0}, kModulus, kInv);
    return out;
  }
  const u256& mont() const { return v_; }
  std::string to_decimal() const { return ff::to_decimal(to_canonical()); }
  void to_le_bytes(std::uint8_t* out) const { store_le(to_canonical(), out); }
  void to_mont_le_bytes(std::uint8_t* out) const { store_le(v_, out); }

  bool is_zero() const { return ff::is_zero(v_); }
  bool is_one() const { return v_ == kR; }
  [[gnu::always_inline]] friend bool operator==(const Fp& a, const Fp& b) {
    // Limb by limb, not std::array's operator== (which calls memcmp).
    return ((a.v_[0] ^ b.v_[0]) | (a.v_[1] ^ b.v_[1]) | (a.v_[2] ^ b.v_[2]) | (a.v_[3] ^ b.v_[3])) == 0;
  }

  [[gnu::always_inline]] friend Fp operator+(const Fp& a, const Fp& b) {
    Fp r;
#if defined(__x86_64__)
    if (detail::g_use_adx) {
      mod_add_asm(r.v_, a.v_, b.v_, kModulus);
      return r;
    }
#endif
    add_carry(r.v_, a.v_, b.v_);  // < 2p < 2^256: no carry out
    reduce_once(r.v_, r.v_, kModulus);
    return r;
  }
  [[gnu::always_inline]] friend Fp operator-(const Fp& a, const Fp& b) {
    Fp r;
#if defined(__x86_64__)
    if (detail::g_use_adx) {
      mod_sub_asm(r.v_, a.v_, b.v_, kModulus);
      return r;
    }
#endif
    std::uint64_t borrow = sub_borrow(r.v_, a.v_, b.v_);
    std::uint64_t mask = 0 - borrow;
    u256 pm{kModulus[0] & mask, kModulus[1] & mask, kModulus[2] & mask, kModulus[3] & mask};
    add_carry(r.v_, r.v_, pm);
    return r;
  }
  Fp operator-() const { return zero() - *this; }
  [[gnu::always_inline]] friend Fp operator*(const Fp& a, const Fp& b) {
    Fp r;
    mont_mul(r.v_, a.v_, b.v_, kModulus, kInv);
    return r;
  }
  [[gnu::always_inline]] Fp& operator+=(const Fp& b) { return *this = *this + b; }
  [[gnu::always_inline]] Fp& operator-=(const Fp& b) { return *this = *this - b; }
  [[gnu::always_inline]] Fp& operator*=(const Fp& b) { return *this = *this * b; }

  [[gnu::always_inline]] Fp dbl() const { return *this + *this; }
  [[gnu::always_inline]] Fp square() const { return *this * *this; }

  /// this^e for a standard-form exponent; vartime in e (exponents here are public).
  Fp pow_vartime(const u256& e) const {
    Fp result = one();
    for (int i = static_cast<int>(bit_length(e)) - 1; i >= 0; --i) {
      result = result.square();
      if (bit(e, static_cast<unsigned>(i))) result *= *this;
    }
    return result;
  }

  /// Multiplicative inverse by Fermat (a^(p-2)); the inverse of zero is zero.
  Fp inverse() const {
    u256 e;
    sub_borrow(e, kModulus, u256{2, 0, 0, 0});
    return pow_vartime(e);
  }

  /// The same inverse in variable time (extended Euclid, ff/inverse.hpp: 1.3 against 7.1 µs); for
  /// values whose timing may leak, such as the MSM's bucket sums.
  Fp inverse_vartime() const {
    // The limbs hold a R: (a R)^-1 times R^3, reduced by R, is a^-1 R.
    return from_mont_unchecked(invert_mod_vartime(v_, kModulus)) * from_mont_unchecked(kR3);
  }

  /// Legendre symbol style test: true for 0 and for non-zero squares.
  bool is_square() const {
    u256 e = kModulus;
    e[0] -= 1;
    div_small(e, 2);
    Fp l = pow_vartime(e);
    return l.is_zero() || l.is_one();
  }

 private:
  u256 v_{};
};

}  // namespace pm::ff
