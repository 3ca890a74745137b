#pragma once
/// \file Fq2 and Fq12 emulated in a BN254 circuit, in the tower the native code and snarkjs use
/// (ff/tower.hpp): Fq2 = Fq[u]/(u^2 + 1), Fq6 = Fq2[v]/(v^3 - (9 + u)), Fq12 = Fq6[w]/(w^2 - v).
///
/// Multiplication does not go through the tower's Fq2 products. w generates Fq12 over Fq, with
/// w^12 = 18 w^6 - 82 (u = w^6 - 9), so an element is a polynomial of degree 11 in w whose
/// coefficients are linear, with small constants, in the tower's twelve. A product is one
/// Field::poly_mul of two such polynomials (23 x 7 evaluation constraints with 4 limbs), the
/// reduction by w^12 - 18 w^6 + 82 and the way back to the tower are linear (free), and each of
/// the twelve results is reduced once: twelve reductions instead of the 18 Fq2 products (54 Fq
/// products) of a Karatsuba tower.

#include <array>

#include "emulated/field.hpp"

namespace pm::emulated {

struct Fq2Var {
  Elem c0, c1;  ///< c0 + c1 u
};

/// The twelve Fq coefficients in ffjavascript's order (ff::Fq12::coefficients):
/// [c0.c0.c0, c0.c0.c1, c0.c1.c0, ..., c1.c2.c1].
struct Fq12Var {
  std::array<Elem, 12> c;
};

Fq2Var fq2_mul(Field& f, const Fq2Var& a, const Fq2Var& b);
Fq12Var fq12_mul(Field& f, const Fq12Var& a, const Fq12Var& b);

/// The coefficients of a in the w basis (a = sum d_m w^m, m < 12), unreduced.
std::array<Lazy, 12> fq12_to_w(const Fq12Var& a);
/// sum d_m w^m (any degree) reduced by w^12 = 18 w^6 - 82, as the twelve tower coefficients,
/// unreduced (linear: no constraint).
std::array<Lazy, 12> fq12_from_w(std::span<const Lazy> d);

}  // namespace pm::emulated
