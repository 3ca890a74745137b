#pragma once
/// \file The BN254 pairing check, prod_i e(P_i, Q_i) == 1, inside a BN254 circuit.
///
/// The Miller loop runs over 6x + 2 (non-adjacent form) with affine points on the twist. Each
/// slope comes from a hint and is proven (lambda * 2y = 3x^2 for a tangent, lambda (x_Q - x_T) =
/// y_Q - y_T for a chord, with x_Q - x_T proven invertible, so no slope is ever free). The line
/// through T with slope lambda, at P, is the sparse yP - lambda xP w + (lambda x_T - y_T) w^3: the
/// native line divided by an Fq2 factor, which the final exponentiation removes.
///
/// There is no final exponentiation in the circuit (Novakovic and Eagen, "On Proving Pairings",
/// eprint 2024/640). The product is 1 exactly when the Miller loop's output f is an r-th power
/// in Fq12. With lambda = 6x + 2 + p - p^2 + p^3, a multiple of r (gcd(lambda, p^12 - 1) = 3r),
/// the prover supplies c and a 27th root of unity w in {1, omega, omega^2} with
/// f * w = c^lambda. That proves f an r-th power (c^lambda and w are r-th powers, 27 being prime
/// to r), and such c, w exist whenever it is one (residue_witness constructs them). c^-1 is a
/// witness too, and c * c^-1 = 1 proves the residue invertible (an all-zero c fails there). The
/// loop multiplies c^-1 or c into its accumulator where the digit of 6x + 2 is 1 or -1, so the
/// squarings that make f also make c^-(6x+2); the check is then
///   acc * w == c^p * (c^-1)^(p^2) * c^(p^3),
/// three Frobenius maps (linear) and two products.
///
/// Preconditions: the G2 points must lie in the order-r subgroup (fixed by a verification key,
/// or checked by the caller); every point is proven on its curve, and infinity has no affine
/// form here.

#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "ec/bn254.hpp"
#include "emulated/tower.hpp"
#include "ff/tower.hpp"

namespace pm::emulated {

struct G1Var {
  Elem x, y;
};
struct G2Var {
  Fq2Var x, y;
};

/// Limbs for input files: x then y (G2: x.c0, x.c1, y.c0, y.c1), Layout::limbs each.
std::vector<Fr> g1_limbs(const Layout& l, const ec::G1Affine& p);
std::vector<Fr> g2_limbs(const Layout& l, const ec::G2Affine& q);

/// A point from 2 (G1) or 4 (G2) groups of limb wires: range-checked and proven on the curve
/// y^2 = x^3 + 3, or on the twist y^2 = x^3 + 3 / (9 + u). (0, 0) is on neither.
G1Var g1_input(Field& f, std::span<const Expr> limbs);
G2Var g2_input(Field& f, std::span<const Expr> limbs);

/// A G2 point known when the circuit is built (a verification key's gamma, delta): its
/// Miller-loop lines are precomputed, so the circuit does no point arithmetic for it and a
/// line costs two reductions (lambda x_P) instead of a step. Must be in the order-r subgroup.
class FixedG2 {
 public:
  explicit FixedG2(const ec::G2Affine& q);
  const ec::G2Affine& point() const { return q_; }
  /// (lambda, mu) of each line, in the loop's order.
  const std::vector<std::pair<ff::Fq2, ff::Fq2>>& lines() const { return lines_; }

 private:
  ec::G2Affine q_;
  std::vector<std::pair<ff::Fq2, ff::Fq2>> lines_;
};

/// The pairs of a product prod e(P_i, Q_i), by what is known when the circuit is built.
struct PairingProduct {
  std::vector<G1Var> p;  ///< with variable G2 points q (each must be in G2: the caller checks)
  std::vector<G2Var> q;
  std::vector<G1Var> fixed_p;  ///< with fixed G2 points
  std::vector<FixedG2> fixed_q;
  std::vector<ec::G1Affine> const_p;  ///< both known (e(alpha, beta)): one constant factor
  std::vector<ec::G2Affine> const_q;
};

void assert_pairing_product_is_one(Field& f, const PairingProduct& terms);
/// All pairs variable.
void assert_pairing_product_is_one(Field& f, std::span<const G1Var> p, std::span<const G2Var> q);

// -- Curve arithmetic on affine points. Slopes come from hints and are proven; an addition
// proves x_T != x_Q (so no slope is free), a doubling needs y != 0 (on the curves, only
// 2-torsion points, none of them in G1 or G2, have y = 0). Each is an exact group operation or
// unsatisfiable.
G1Var g1_add(Field& f, const G1Var& t, const G1Var& q);
G1Var g1_neg(Field& f, const G1Var& a);
G1Var g1_double(Field& f, const G1Var& t);
/// s P for the scalar s = sum 2^i bits[i] (bits asserted boolean; 1..253 of them), P on G1.
/// Starts from a fixed point of unknown discrete logarithm, so an honest run meets no equal x
/// except with negligible probability (s P = 2^n R, e.g. s = 0, is unsatisfiable: callers use
/// it for hashed, nonzero scalars). About 5 k constraints a bit.
G1Var g1_scalar_mul(Field& f, const G1Var& p, std::span<const Expr> bits);
/// That starting point: g1_point_from_counter(2^32 + 7).
ec::G1Affine g1_offset_point();
/// The point of G1 with the smallest x >= start (y = (x^3 + 3)^((q+1)/4)): nobody knows its
/// discrete logarithm.
ec::G1Affine g1_point_from_counter(std::uint64_t start);
G2Var g2_double(Field& f, const G2Var& t);
G2Var g2_add(Field& f, const G2Var& t, const G2Var& q);
G2Var g2_neg(Field& f, const G2Var& t);
/// psi = untwist-Frobenius-twist (psi(x, y) = (conj(x) xi^((p-1)/3), conj(y) xi^((p-1)/2))).
G2Var g2_psi(Field& f, const G2Var& a);

// -- The pieces, for tests and constraint counts.
/// yp + a w + b w^3.
struct LineVar {
  Elem yp;
  Fq2Var a, b;
};
/// T <- 2T; the tangent's line at P.
LineVar miller_double(Field& f, G2Var& t, const G1Var& p);
/// T <- T + Q; the chord's line at P. Without `need_point` T is left as it was.
LineVar miller_add(Field& f, G2Var& t, const G2Var& q, const G1Var& p, bool need_point = true);
Fq12Var fq12_mul_line(Field& f, const Fq12Var& a, const LineVar& l);
/// a^(p^k), k = 1, 2, 3.
Fq12Var fq12_frobenius(Field& f, const Fq12Var& a, unsigned k);

// -- Witness side (native).
/// (lambda, mu) of every line of the circuit's loop for one Q (tangents and chords in loop
/// order, then the two corrections).
std::vector<std::pair<ff::Fq2, ff::Fq2>> affine_lines(const ec::G2Affine& q);
/// The product of the circuit's Miller functions, natively: the residue hint's input. Its final
/// exponentiation equals pairing::miller_loop's.
ff::Fq12 miller_loop_affine(std::span<const ec::G1Affine> p, std::span<const ec::G2Affine> q);
/// A primitive 27th root of unity in Fq12 (fixed).
const ff::Fq12& omega27();
struct Residue {
  ff::Fq12 c;
  unsigned j;  ///< w = omega^j
};
/// c and j with f * omega^j = c^lambda; nullopt when f is not an r-th power (the pairing
/// product is not 1).
std::optional<Residue> residue_witness(const ff::Fq12& f);

}  // namespace pm::emulated
