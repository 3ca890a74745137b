#pragma once
/// \file GMP conversions shared by the emulated module's sources (internal: not installed, as
/// the public headers do not expose GMP).

#include <gmpxx.h>

#include <cstdint>

#include "ff/u256.hpp"

namespace pm::emulated::detail {

inline mpz_class to_mpz(const ff::u256& v) {
  mpz_class z;
  mpz_import(z.get_mpz_t(), 4, -1, sizeof(std::uint64_t), 0, 0, v.data());
  return z;
}

/// The low 256 bits of a non-negative z (the callers' values fit).
inline ff::u256 to_u256(const mpz_class& z) {
  ff::u256 v{};
  const mpz_class low = z & ((mpz_class(1) << 256) - 1);
  mpz_export(v.data(), nullptr, -1, sizeof(std::uint64_t), 0, 0, low.get_mpz_t());
  return v;
}

}  // namespace pm::emulated::detail
