#pragma once
/// \file 256-bit unsigned integers as four little-endian 64-bit limbs, with the few operations
/// the fields need outside Montgomery form: comparison, small division, decimal and bytes.

#include <array>
#include <cstdint>
#include <type_traits>
#if defined(__x86_64__)
#include <x86intrin.h>
#endif
#include <optional>
#include <string>
#include <string_view>

namespace pm::ff {

using u256 = std::array<std::uint64_t, 4>;
__extension__ typedef unsigned __int128 u128;

constexpr bool lt(const u256& a, const u256& b) {
  for (int i = 3; i >= 0; --i) {
    if (a[i] != b[i]) return a[i] < b[i];
  }
  return false;
}

constexpr bool is_zero(const u256& a) { return (a[0] | a[1] | a[2] | a[3]) == 0; }

/// a - b, returning the borrow (1 when a < b).
constexpr std::uint64_t sub_borrow(u256& out, const u256& a, const u256& b) {
#if defined(__x86_64__)
  if (!std::is_constant_evaluated()) {
    unsigned long long o0, o1, o2, o3;
    unsigned char c = _subborrow_u64(0, a[0], b[0], &o0);
    c = _subborrow_u64(c, a[1], b[1], &o1);
    c = _subborrow_u64(c, a[2], b[2], &o2);
    c = _subborrow_u64(c, a[3], b[3], &o3);
    out = {o0, o1, o2, o3};
    return c;
  }
#endif
  std::uint64_t borrow = 0;
  for (int i = 0; i < 4; ++i) {
    u128 d = static_cast<u128>(a[i]) - b[i] - borrow;
    out[i] = static_cast<std::uint64_t>(d);
    borrow = static_cast<std::uint64_t>(d >> 64) & 1;
  }
  return borrow;
}

/// a + b, returning the carry.
constexpr std::uint64_t add_carry(u256& out, const u256& a, const u256& b) {
#if defined(__x86_64__)
  if (!std::is_constant_evaluated()) {
    unsigned long long o0, o1, o2, o3;
    unsigned char c = _addcarry_u64(0, a[0], b[0], &o0);
    c = _addcarry_u64(c, a[1], b[1], &o1);
    c = _addcarry_u64(c, a[2], b[2], &o2);
    c = _addcarry_u64(c, a[3], b[3], &o3);
    out = {o0, o1, o2, o3};
    return c;
  }
#endif
  std::uint64_t carry = 0;
  for (int i = 0; i < 4; ++i) {
    u128 s = static_cast<u128>(a[i]) + b[i] + carry;
    out[i] = static_cast<std::uint64_t>(s);
    carry = static_cast<std::uint64_t>(s >> 64);
  }
  return carry;
}

/// Divides in place by d (> 0), returning the remainder.
constexpr std::uint64_t div_small(u256& a, std::uint64_t d) {
  u128 rem = 0;
  for (int i = 3; i >= 0; --i) {
    u128 cur = (rem << 64) | a[i];
    a[i] = static_cast<std::uint64_t>(cur / d);
    rem = cur % d;
  }
  return static_cast<std::uint64_t>(rem);
}

constexpr bool bit(const u256& a, unsigned i) { return (a[i / 64] >> (i % 64)) & 1; }

constexpr unsigned bit_length(const u256& a) {
  for (int i = 3; i >= 0; --i) {
    if (a[i] != 0) return static_cast<unsigned>(64 * i + 64 - __builtin_clzll(a[i]));
  }
  return 0;
}

/// Decimal text, no leading zeros ("0" for zero).
std::string to_decimal(u256 a);

/// Parses a non-empty string of decimal digits; nullopt on any other character or overflow.
std::optional<u256> from_decimal(std::string_view s);

/// Parses "0x..." hex or decimal.
std::optional<u256> from_string(std::string_view s);

/// Little-endian byte (de)serialisation of 32 bytes.
u256 load_le(const std::uint8_t* p);
void store_le(const u256& a, std::uint8_t* p);

}  // namespace pm::ff
