#include "ff/u256.hpp"

#include <algorithm>
#include <cstring>

namespace pm::ff {

std::string to_decimal(u256 a) {
  if (is_zero(a)) return "0";
  std::string out;
  while (!is_zero(a)) {
    std::uint64_t chunk = div_small(a, 10000000000000000000ull);  // 10^19
    for (int i = 0; i < 19; ++i) {
      out.push_back(static_cast<char>('0' + chunk % 10));
      chunk /= 10;
      if (is_zero(a) && chunk == 0) break;
    }
  }
  while (out.size() > 1 && out.back() == '0') out.pop_back();
  std::reverse(out.begin(), out.end());
  return out;
}

namespace {

// a = a * m + add; returns false on overflow past 2^256.
bool mul_add_small(u256& a, std::uint64_t m, std::uint64_t add) {
  u128 carry = add;
  for (int i = 0; i < 4; ++i) {
    u128 v = static_cast<u128>(a[i]) * m + carry;
    a[i] = static_cast<std::uint64_t>(v);
    carry = v >> 64;
  }
  return carry == 0;
}

}  // namespace

std::optional<u256> from_decimal(std::string_view s) {
  if (s.empty() || s.size() > 80) return std::nullopt;
  u256 a{};
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    if (!mul_add_small(a, 10, static_cast<std::uint64_t>(c - '0'))) return std::nullopt;
  }
  return a;
}

std::optional<u256> from_string(std::string_view s) {
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    s.remove_prefix(2);
    if (s.empty() || s.size() > 64) return std::nullopt;
    u256 a{};
    for (char c : s) {
      std::uint64_t d;
      if (c >= '0' && c <= '9')
        d = static_cast<std::uint64_t>(c - '0');
      else if (c >= 'a' && c <= 'f')
        d = static_cast<std::uint64_t>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        d = static_cast<std::uint64_t>(c - 'A' + 10);
      else
        return std::nullopt;
      if (!mul_add_small(a, 16, d)) return std::nullopt;
    }
    return a;
  }
  return from_decimal(s);
}

u256 load_le(const std::uint8_t* p) {
  u256 a;
  for (int i = 0; i < 4; ++i) std::memcpy(&a[i], p + 8 * i, 8);  // x86-64 and arm64 are LE
  return a;
}

void store_le(const u256& a, std::uint8_t* p) {
  for (int i = 0; i < 4; ++i) std::memcpy(p + 8 * i, &a[i], 8);
}

}  // namespace pm::ff
