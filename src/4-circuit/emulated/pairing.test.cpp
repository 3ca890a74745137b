// The in-circuit pairing check. The native mirror of the circuit's Miller loop is compared with
// pairing::miller_loop (known-answer tested against ffjavascript) through the final
// exponentiation; the circuit accepts products that are 1 and rejects the rest, a residue that
// is not invertible, off-curve points and a chord whose slope would be free.
#include "emulated/pairing.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "circuit/circuit.hpp"
#include "circuit/testing.hpp"
#include "emulated/groth16.hpp"
#include "emulated/testing.hpp"
#include "pairing/pairing.hpp"

namespace pm::emulated {
namespace {

using circuit::Circuit;
using circuit::SolveOptions;
using nlohmann::ordered_json;

using namespace pm::emulated::testing;  // NOLINT(google-build-using-namespace)

TEST(EmulatedPairing, AffineMillerLoopMatchesNative) {
  std::mt19937_64 rng(21);
  for (int t = 0; t < 2; ++t) {
    std::vector<ec::G1Affine> ps = {g1_mul(random_scalar(rng)), g1_mul(random_scalar(rng))};
    std::vector<ec::G2Affine> qs = {g2_mul(random_scalar(rng)), g2_mul(random_scalar(rng))};
    EXPECT_EQ(pairing::final_exponentiation(miller_loop_affine(ps, qs)),
              pairing::final_exponentiation(pairing::miller_loop(ps, qs)));
  }
}

TEST(EmulatedPairing, ResidueWitnessExactlyForProductsOfOne) {
  std::mt19937_64 rng(22);
  const auto a = random_scalar(rng);
  const ec::G1Affine p = g1_mul(random_scalar(rng));
  const ec::G2Affine q = g2_mul(random_scalar(rng));
  const ec::G1Affine ap = ec::G1::from_affine(p).mul_vartime(a).to_affine();
  const ec::G2Affine aq = ec::G2::from_affine(q).mul_vartime(a).to_affine();
  // e(aP, Q) e(-P, aQ) = 1: a residue exists (residue_witness checks c^lambda = f w itself).
  const std::vector<ec::G1Affine> ps = {ap, p.neg()};
  const std::vector<ec::G2Affine> qs = {q, aq};
  EXPECT_TRUE(residue_witness(miller_loop_affine(ps, qs)).has_value());
  // e(aP, Q) e(P, aQ) = e(P, Q)^(2a) != 1: none.
  const std::vector<ec::G1Affine> bad = {ap, p};
  EXPECT_FALSE(residue_witness(miller_loop_affine(bad, qs)).has_value());
  // omega has order 27.
  ff::Fq12 o = omega27();
  int order = 1;
  while (!o.is_one() && order < 30) {
    o *= omega27();
    ++order;
  }
  EXPECT_EQ(order, 27);
}

// The pieces of one Miller-loop iteration, counted.
TEST(EmulatedPairing, StepConstraintCounts) {
  Builder b("steps");
  Field f(b);
  G2Var t = g2_input(f, b.private_inputs("q", 4 * kLimbs));
  const G2Var q = t;
  const G1Var p = g1_input(f, b.private_inputs("p", 2 * kLimbs));
  Fq12Var acc;
  for (int i = 0; i < 12; ++i) acc.c[i] = f.input(b.private_inputs("f" + std::to_string(i), kLimbs));
  std::size_t n0 = b.num_constraints();
  acc = fq12_mul(f, acc, acc);
  const std::size_t square = b.num_constraints() - n0;
  n0 = b.num_constraints();
  LineVar l = miller_double(f, t, p);
  const std::size_t dbl = b.num_constraints() - n0;
  n0 = b.num_constraints();
  acc = fq12_mul_line(f, acc, l);
  const std::size_t line = b.num_constraints() - n0;
  n0 = b.num_constraints();
  l = miller_add(f, t, q, p);
  const std::size_t add = b.num_constraints() - n0;
  n0 = b.num_constraints();
  (void)fq12_frobenius(f, acc, 1);
  const std::size_t frob = b.num_constraints() - n0;
  std::printf("miller step: square %zu, double %zu, line multiplication %zu, add %zu, frobenius %zu\n",
              square, dbl, line, add, frob);
  EXPECT_EQ(square, 9363u);
  EXPECT_EQ(dbl, 7211u);
  EXPECT_EQ(line, 9247u);
  EXPECT_EQ(add, 8655u);
  EXPECT_EQ(frob, 7434u);
}

Circuit pairing_check_circuit(std::size_t n) {
  Builder b("pairing_check");
  Field f(b);
  std::vector<G1Var> ps;
  std::vector<G2Var> qs;
  for (std::size_t i = 0; i < n; ++i) {
    ps.push_back(g1_input(f, b.private_inputs("p" + std::to_string(i), 2 * kLimbs)));
    qs.push_back(g2_input(f, b.private_inputs("q" + std::to_string(i), 4 * kLimbs)));
  }
  assert_pairing_product_is_one(f, ps, qs);
  return b.compile();
}

ordered_json pairs_json(const std::vector<ec::G1Affine>& ps, const std::vector<ec::G2Affine>& qs) {
  ordered_json in;
  for (std::size_t i = 0; i < ps.size(); ++i) {
    in["p" + std::to_string(i)] = to_json(g1_limbs({}, ps[i]));
    in["q" + std::to_string(i)] = to_json(g2_limbs({}, qs[i]));
  }
  return in;
}

// A malicious witness fails the named check (the solver's own check only: the exported-R1CS
// round trip of expect_rejected is run once, for the zero residue).
void expect_fails(const Circuit& c, const ordered_json& in, SolveOptions o, const char* what) {
  o.check = false;
  const auto v = c.solve(in, o);
  const auto bad = c.first_failure(v);
  ASSERT_TRUE(bad.has_value()) << what << ": accepted";
  EXPECT_NE(bad->find(what), std::string::npos) << *bad;
}

// 3.8 M constraints, about 30 s and 3.7 GB in release: skipped under AddressSanitizer, where
// every piece above runs on its own.
TEST(EmulatedPairing, CheckAcceptsOneAndRejectsOthers) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "a 3.8M-constraint circuit; run in release";
#endif
  const auto t0 = std::chrono::steady_clock::now();
  const Circuit c = pairing_check_circuit(2);
  const auto t1 = std::chrono::steady_clock::now();
  EXPECT_EQ(c.num_constraints(), 3843965u);
  std::mt19937_64 rng(23);
  const auto a = random_scalar(rng);
  const ec::G1Affine p = g1_mul(random_scalar(rng));
  const ec::G2Affine q = g2_mul(random_scalar(rng));
  const ec::G1Affine ap = ec::G1::from_affine(p).mul_vartime(a).to_affine();
  const ec::G2Affine aq = ec::G2::from_affine(q).mul_vartime(a).to_affine();
  const ordered_json good = pairs_json({ap, p.neg()}, {q, aq});
  (void)c.solve(good);
  const auto t2 = std::chrono::steady_clock::now();
  std::printf("pairing check, 2 pairs: %zu constraints; built in %.1f s, solved and checked in %.1f s\n",
              static_cast<std::size_t>(c.num_constraints()), std::chrono::duration<double>(t1 - t0).count(),
              std::chrono::duration<double>(t2 - t1).count());

  // A product that is not 1 has no residue.
  const ordered_json bad = pairs_json({ap, p}, {q, aq});
  EXPECT_THROW((void)c.solve(bad), Error);
  // The honest product's residue forced onto it: the final equation fails.
  SolveOptions forced;
  forced.hint_overrides["pairing residue"] = [&](std::span<const Fr>, std::span<Fr> out) {
    // the residue of the good inputs
    const std::vector<ec::G1Affine> ps = {ap, p.neg()};
    const std::vector<ec::G2Affine> qs = {q, aq};
    const auto r = *residue_witness(miller_loop_affine(ps, qs));
    const auto cc = r.c.coefficients(), gg = r.c.inverse().coefficients();
    for (unsigned i = 0; i < 12; ++i) {
      auto x = to_limbs({}, cc[i]), y = to_limbs({}, gg[i]);
      std::copy(x.begin(), x.end(), out.begin() + i * kLimbs);
      std::copy(y.begin(), y.end(), out.begin() + (12 + i) * kLimbs);
    }
    out[24 * kLimbs] = r.j == 1 ? Fr::one() : Fr::zero();
    out[24 * kLimbs + 1] = r.j == 2 ? Fr::one() : Fr::zero();
  };
  expect_fails(c, bad, forced, "pairing product is 1");
  // An all-zero residue (which would make c^lambda = 0 match anything scaled by 0).
  SolveOptions zero;
  zero.hint_tampers["pairing residue"] = [](std::span<const Fr>, std::span<Fr> out) {
    for (auto& v : out) v = Fr::zero();
  };
  circuit::testing::expect_rejected(c, good, zero, "residue is invertible");
  // Another root of unity than the residue's.
  SolveOptions root;
  root.hint_tampers["pairing residue"] = [](std::span<const Fr>, std::span<Fr> out) {
    const bool one = out[24 * kLimbs] == Fr::one();
    out[24 * kLimbs] = one ? Fr::zero() : Fr::one();
    out[24 * kLimbs + 1] = Fr::zero();
  };
  expect_fails(c, good, root, "pairing product is 1");
  // A tampered tangent slope.
  SolveOptions slope;
  slope.hint_tampers["tangent slope"] = [](std::span<const Fr>, std::span<Fr> out) { out[0] += Fr::one(); };
  expect_fails(c, good, slope, "tangent slope");
}

TEST(EmulatedPairing, ChordSlopeIsNeverFree) {
  // T = Q: lambda (x_Q - x_T) = y_Q - y_T holds for any lambda; the proof that x_Q - x_T is
  // invertible is what refuses it.
  Builder b("chord");
  Field f(b);
  G2Var t = g2_input(f, b.private_inputs("t", 4 * kLimbs));
  const G2Var q = g2_input(f, b.private_inputs("q", 4 * kLimbs));
  const G1Var p = g1_input(f, b.private_inputs("p", 2 * kLimbs));
  (void)miller_add(f, t, q, p);
  const Circuit c = b.compile();
  std::mt19937_64 rng(24);
  const ec::G2Affine qq = g2_mul(random_scalar(rng));
  const ordered_json same = {{"t", to_json(g2_limbs({}, qq))},
                             {"q", to_json(g2_limbs({}, qq))},
                             {"p", to_json(g1_limbs({}, g1_mul(random_scalar(rng))))}};
  EXPECT_THROW((void)c.solve(same), Error);
  SolveOptions o;
  auto any = [](std::span<const Fr>, std::span<Fr> out) {
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = Fr::from_u64(i + 1);
  };
  o.hint_overrides["chord x inverse"] = any;
  o.hint_overrides["chord slope"] = any;
  circuit::testing::expect_rejected(c, same, o, "chord x coordinates differ");
}

// A point of the twist outside G2 (almost every point of the twist): x from a counter, y a
// square root in Fq2 (q = 3 mod 4; Adj and Rodriguez-Henriquez, algorithm 9).
ec::G2Affine twist_point(std::uint64_t seed) {
  ff::u256 e34 = ff::FqParams::kModulus, e12 = ff::FqParams::kModulus;
  e34[0] -= 3;
  ff::div_small(e34, 4);
  e12[0] -= 1;
  ff::div_small(e12, 2);
  for (std::uint64_t t = seed;; ++t) {
    const ff::Fq2 x{ff::Fq::from_u64(t), ff::Fq::one()};
    const ff::Fq2 a = x.square() * x + ec::G2Config::b();
    const ff::Fq2 a1 = a.pow_vartime(e34);
    const ff::Fq2 alpha = a1 * (a1 * a);
    const ff::Fq2 a0 = alpha.conjugate() * alpha;
    if (a0 == -ff::Fq2::one()) continue;  // not a square
    const ff::Fq2 x0 = a1 * a;
    ff::Fq2 y;
    if (alpha == -ff::Fq2::one()) {
      y = ff::Fq2{ff::Fq::zero(), ff::Fq::one()} * x0;
    } else {
      y = (ff::Fq2::one() + alpha).pow_vartime(e12) * x0;
    }
    if (!(y.square() == a)) continue;
    return ec::G2Affine::from_xy(x, y);
  }
}

TEST(EmulatedPairing, SubgroupCriterion) {
  // psi(Q) = [6x^2] Q exactly for Q in G2 (El Housni, Guillevic, Piellard, eprint 2022/352),
  // checked here against r Q = O.
  const ff::u256 six_x2 = [] {
    const ff::u128 x = 4965661367192848881ull;
    const ff::u128 lo = x * x;  // < 2^126: no overflow
    ff::u256 v{static_cast<std::uint64_t>(lo), static_cast<std::uint64_t>(lo >> 64), 0, 0};
    ff::u256 out{};
    for (int i = 0; i < 6; ++i) ff::add_carry(out, out, v);
    return out;
  }();
  auto criterion = [&](const ec::G2Affine& q) {
    return ec::G2::from_affine(q).mul_vartime(six_x2).to_affine() == pairing::psi(q);
  };
  // The cheaper one the circuit uses: [x+1]Q + psi([x]Q) + psi^2([x]Q) = psi^3([2x]Q)
  // (eprint 2022/348, section 5.1).
  auto cheap = [](const ec::G2Affine& q) {
    const ec::G2 xq = ec::G2::from_affine(q).mul_vartime({4965661367192848881ull, 0, 0, 0});
    const ec::G2Affine xa = xq.to_affine();
    const ec::G2 lhs = xq.add(ec::G2::from_affine(q))
                           .add(ec::G2::from_affine(pairing::psi(xa)))
                           .add(ec::G2::from_affine(pairing::psi(pairing::psi(xa))));
    const ec::G2Affine rhs = pairing::psi(pairing::psi(pairing::psi(xq.dbl().to_affine())));
    return lhs.to_affine() == rhs;
  };
  std::mt19937_64 rng(26);
  for (int i = 0; i < 3; ++i) {
    const ec::G2Affine in = g2_mul(random_scalar(rng));
    EXPECT_TRUE(criterion(in));
    EXPECT_TRUE(cheap(in));
    const ec::G2Affine out = twist_point(100 + 7 * i);
    ASSERT_TRUE(out.is_on_curve());
    EXPECT_FALSE(ec::g2_in_subgroup(out));
    EXPECT_FALSE(criterion(out));
    EXPECT_FALSE(cheap(out));
  }
}

TEST(EmulatedPairing, SubgroupCheckInTheCircuit) {
  Builder b("subgroup");
  Field f(b);
  const G2Var q = g2_input(f, b.private_inputs("q", 4 * kLimbs));
  const std::size_t n0 = b.num_constraints();
  assert_g2_in_subgroup(f, q);
  const std::size_t cost = b.num_constraints() - n0;
  std::printf("G2 subgroup check: %zu constraints\n", cost);
  EXPECT_EQ(cost, 469106u);
  const Circuit c = b.compile();
  std::mt19937_64 rng(27);
  (void)c.solve({{"q", to_json(g2_limbs({}, g2_mul(random_scalar(rng))))}});
  SolveOptions lax;
  lax.check = false;
  const auto v = c.solve({{"q", to_json(g2_limbs({}, twist_point(300)))}}, lax);
  const auto bad = c.first_failure(v);
  ASSERT_TRUE(bad.has_value()) << "a point outside G2 passed";
  EXPECT_NE(bad->find("g2 point in the subgroup"), std::string::npos) << *bad;
}

TEST(EmulatedPairing, G1ScalarMulMatchesNative) {
  Builder b("g1_mul");
  Field f(b);
  const G1Var p = g1_input(f, b.private_inputs("p", 2 * kLimbs));
  const auto bits = b.to_bits(b.private_input("s"), 128);
  const std::size_t n0 = b.num_constraints();
  const G1Var r = g1_scalar_mul(f, p, bits);
  const std::size_t cost = b.num_constraints() - n0;
  std::printf("G1 scalar multiplication, 128-bit scalar: %zu constraints\n", cost);
  EXPECT_EQ(cost, 639989u);
  const Circuit c = b.compile();
  std::mt19937_64 rng(28);
  const ec::G1Affine pt = g1_mul(random_scalar(rng));
  for (const ff::u256 sc :
       {ff::u256{rng(), rng(), 0, 0}, ff::u256{1, 0, 0, 0}, ff::u256{~0ull, ~0ull, 0, 0}}) {
    const ordered_json in = {{"p", to_json(g1_limbs({}, pt))}, {"s", ff::to_decimal(sc)}};
    const auto v = c.solve(in);
    const ec::G1Affine want = ec::G1::from_affine(pt).mul_vartime(sc).to_affine();
    EXPECT_EQ(f.value(r.x, v), want.x);
    EXPECT_EQ(f.value(r.y, v), want.y);
  }
  // s = 0: the result would be infinity, which has no affine form; refused.
  EXPECT_THROW((void)c.solve({{"p", to_json(g1_limbs({}, pt))}, {"s", "0"}}), Error);
  // A tampered doubling slope fails its check.
  SolveOptions o;
  o.hint_tampers["g1 tangent slope"] = [](std::span<const Fr>, std::span<Fr> out) { out[0] += Fr::one(); };
  expect_fails(c, {{"p", to_json(g1_limbs({}, pt))}, {"s", "12345"}}, o, "g1 tangent slope");
}

TEST(EmulatedPairing, PointsOffTheCurveRejected) {
  Builder b("points");
  Field f(b);
  (void)g1_input(f, b.private_inputs("p", 2 * kLimbs));
  (void)g2_input(f, b.private_inputs("q", 4 * kLimbs));
  const Circuit c = b.compile();
  std::mt19937_64 rng(25);
  const auto p = g1_limbs({}, g1_mul(random_scalar(rng)));
  const auto q = g2_limbs({}, g2_mul(random_scalar(rng)));
  (void)c.solve({{"p", to_json(p)}, {"q", to_json(q)}});
  auto expect_fail = [&](const ordered_json& in, const char* what) {
    SolveOptions lax;
    lax.check = false;
    const auto v = c.solve(in, lax);
    auto bad = c.first_failure(v);
    ASSERT_TRUE(bad.has_value()) << what;
    EXPECT_NE(bad->find(what), std::string::npos) << *bad;
  };
  expect_fail({{"p", to_json(std::vector<Fr>(8, Fr::zero()))}, {"q", to_json(q)}}, "g1 point on the curve");
  expect_fail({{"p", to_json(p)}, {"q", to_json(std::vector<Fr>(16, Fr::zero()))}}, "g2 point on the twist");
}

}  // namespace
}  // namespace pm::emulated
