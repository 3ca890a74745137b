#pragma once
/// \file Field elements read as signed integers: v in Fr stands for v when v <= (r - 1) / 2 and for
/// v - r above, the convention of fixed-point circuits. Integer division of such values (GMP's
/// mpn_tdiv_qr) for witness computations; variable time, for public or witness data only.

#include "ff/bn254.hpp"
#include "ff/u256.hpp"

namespace pm::ff {

/// A signed integer of magnitude below 2^256.
struct SignedInt {
  bool neg = false;
  u256 mag{};
};

/// The integer v stands for: |v| <= (r - 1) / 2.
SignedInt to_signed(const Fr& v);
/// The field element of s (its magnitude reduced mod r).
Fr from_signed(const SignedInt& s);

/// floor(a / d) and a mod d for d > 0 (Error(Errc::invalid_argument) for d = 0).
u256 udiv(const u256& a, const u256& d, u256* rem = nullptr);
/// floor(t / d) for d > 0, rounding toward minus infinity.
SignedInt floor_div(const SignedInt& t, const u256& d);

/// 2^k as an integer, k < 256.
u256 pow2_u256(unsigned k);

}  // namespace pm::ff
