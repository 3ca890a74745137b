// Emulated Fq, Fq2 and Fq12 in a BN254 circuit. Expected values come from GMP (Fq, Fq2) and from
// the native tower (Fq12; itself checked against ffjavascript's known answers). Malicious
// witnesses change the hints' outputs (SolveOptions::hint_tampers) and must fail a named
// constraint; constraint counts are pinned (docs/AGGREGATION.md).
#include "emulated/field.hpp"

#include <gmpxx.h>
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "circuit/circuit.hpp"
#include "circuit/testing.hpp"
#include "emulated/tower.hpp"
#include "ff/tower.hpp"

namespace pm::emulated {
namespace {

using circuit::Circuit;
using circuit::SolveOptions;
using nlohmann::ordered_json;

const mpz_class kQ("21888242871839275222246405745257275088696311157297823662689037894645226208583");

mpz_class random_below(std::mt19937_64& rng, const mpz_class& bound) {
  mpz_class z = 0;
  for (int i = 0; i < 5; ++i) z = (z << 64) + mpz_class(std::to_string(rng()));
  return z % bound;
}

// Limbs of an integer below 2^254 as decimal strings (input files take decimals).
ordered_json limbs_json(const mpz_class& v, const Layout& l = {}) {
  ordered_json a = ordered_json::array();
  mpz_class x = v;
  for (unsigned i = 0; i < l.limbs; ++i) {
    mpz_class lo = x & ((mpz_class(1) << l.limb_bits) - 1);
    a.push_back(lo.get_str());
    x >>= l.limb_bits;
  }
  return a;
}

std::vector<Fr> limbs_fr(const mpz_class& v, const Layout& l = {}) {
  std::vector<Fr> out;
  for (const auto& s : limbs_json(v, l)) out.push_back(*Fr::from_decimal(s.get<std::string>()));
  return out;
}

Fq to_fq(const mpz_class& v) { return *Fq::from_decimal(mpz_class(v % kQ).get_str()); }
mpz_class to_z(const Fq& v) { return mpz_class(v.to_decimal()); }

// c = a * b, the limbs of the reduced result as public outputs.
Circuit mul_circuit(Layout l = {}, bool canonical = false) {
  Builder b("fq_mul");
  Field f(b, l);
  auto a = f.input(b.private_inputs("a", l.limbs));
  auto c = f.input(b.private_inputs("b", l.limbs));
  auto p = f.mul(a.lazy(), c.lazy());
  auto r = canonical ? f.reduce_canonical(p) : f.reduce(p);
  b.public_outputs("c", std::vector<Expr>(r.limbs().begin(), r.limbs().end()));
  return b.compile();
}

TEST(EmulatedFq, MulMatchesGmp) {
  const Circuit c = mul_circuit();
  std::mt19937_64 rng(1);
  const mpz_class top = (mpz_class(1) << 254) - 1;  // the largest value 4 x 64-bit limbs hold (top 62 bits)
  std::vector<std::pair<mpz_class, mpz_class>> cases = {{0, 0},     {1, kQ - 1}, {kQ - 1, kQ - 1},
                                                        {top, top}, {kQ, 5},     {kQ + 1, top}};
  for (int i = 0; i < 6; ++i) cases.emplace_back(random_below(rng, kQ), random_below(rng, top + 1));
  bool first = true;
  for (const auto& [x, y] : cases) {
    const mpz_class want = (x * y) % kQ;
    ordered_json in = {{"a", limbs_json(x)}, {"b", limbs_json(y)}};
    if (first) {
      circuit::testing::run_circuit(c, in, limbs_fr(want));  // also proves and verifies
      first = false;
    } else {
      const auto v = c.solve(in);
      const auto pub = c.public_signals(v);
      const auto w = limbs_fr(want);
      for (std::size_t i = 0; i < w.size(); ++i) EXPECT_EQ(pub[i], w[i]) << x << " * " << y << " limb " << i;
    }
  }
}

TEST(EmulatedFq, OtherLayouts) {
  // Constraints of one multiplication and reduction, beside the default's 660.
  const std::map<unsigned, std::size_t> counts = {{3, 786}, {5, 639}, {6, 626}};
  for (Layout l : {Layout{3, 86}, Layout{5, 51}, Layout{6, 43}}) {
    const Circuit c = mul_circuit(l);
    const std::size_t n = c.num_constraints() - 2 * (l.limbs + 254);  // less the inputs' range checks
    std::printf("%u x %u-bit limbs: %zu constraints a multiplication\n", l.limbs, l.limb_bits, n);
    EXPECT_EQ(n, counts.at(l.limbs));
    std::mt19937_64 rng(l.limbs);
    for (int i = 0; i < 3; ++i) {
      const mpz_class x = random_below(rng, kQ), y = random_below(rng, kQ);
      const auto v = c.solve({{"a", limbs_json(x, l)}, {"b", limbs_json(y, l)}});
      const auto pub = c.public_signals(v);
      const auto w = limbs_fr((x * y) % kQ, l);
      for (std::size_t j = 0; j < w.size(); ++j) EXPECT_EQ(pub[j], w[j]) << l.limbs << " limbs";
    }
  }
}

// The constraint counts docs/AGGREGATION.md reports (4 x 64-bit limbs).
TEST(EmulatedFq, ConstraintCounts) {
  auto count = [](auto&& body) {
    Builder b("count");
    Field f(b);
    auto in = [&](const char* name) { return f.input(b.private_inputs(name, Layout{}.limbs)); };
    std::size_t base = 0;
    body(b, f, in, base);
    return b.num_constraints() - base;
  };
  const std::size_t mul = count([](Builder& b, Field& f, auto in, std::size_t& base) {
    auto x = in("a"), y = in("b");
    base = b.num_constraints();
    (void)f.mul(x, y);
  });
  const std::size_t fq2 = count([](Builder& b, Field& f, auto in, std::size_t& base) {
    Fq2Var x{in("a0"), in("a1")}, y{in("b0"), in("b1")};
    base = b.num_constraints();
    (void)fq2_mul(f, x, y);
  });
  const std::size_t fq12 = count([](Builder& b, Field& f, auto in, std::size_t& base) {
    Fq12Var x, y;
    for (int i = 0; i < 12; ++i) {
      x.c[i] = in(("a" + std::to_string(i)).c_str());
      y.c[i] = in(("b" + std::to_string(i)).c_str());
    }
    base = b.num_constraints();
    (void)fq12_mul(f, x, y);
  });
  std::printf("emulated constraints: Fq mul %zu, Fq2 mul %zu, Fq12 mul %zu\n", mul, fq2, fq12);
  EXPECT_EQ(mul, 660u);
  EXPECT_EQ(fq2, 1463u);
  EXPECT_EQ(fq12, 9363u);
}

TEST(EmulatedFq, TamperedRemainderRejected) {
  const Circuit c = mul_circuit();
  std::mt19937_64 rng(7);
  const mpz_class x = random_below(rng, kQ), y = random_below(rng, kQ);
  const ordered_json in = {{"a", limbs_json(x)}, {"b", limbs_json(y)}};
  // The quotient hint's outputs: the quotient's limbs, then the remainder's four.
  auto tamper = [&](std::function<void(std::span<Fr>)> change, const char* failure) {
    SolveOptions o;
    o.hint_tampers["emulated quotient"] = [change](std::span<const Fr>, std::span<Fr> out) {
      change(out.subspan(out.size() - 4));
    };
    circuit::testing::expect_rejected(c, in, o, failure);
  };
  // A remainder off by one: no carries satisfy the integer identity.
  tamper([](std::span<Fr> r) { r[0] += Fr::one(); }, "carry fits");
  // The same integer with an unreduced limb (r0 + 2^64, r1 - 1).
  tamper(
      [](std::span<Fr> r) {
        r[0] += *Fr::from_decimal("18446744073709551616");
        r[1] -= Fr::one();
      },
      "remainder limb fits");
  // A negative limb: r1 + 1, r0 - 2^64.
  tamper(
      [](std::span<Fr> r) {
        r[1] += Fr::one();
        r[0] -= *Fr::from_decimal("18446744073709551616");
      },
      "remainder limb fits");
  // The quotient off by one, the remainder left.
  SolveOptions o;
  o.hint_tampers["emulated quotient"] = [](std::span<const Fr>, std::span<Fr> out) { out[0] += Fr::one(); };
  circuit::testing::expect_rejected(c, in, o, "carry fits");
}

TEST(EmulatedFq, TamperedProductRejected) {
  const Circuit c = mul_circuit();
  const ordered_json in = {{"a", limbs_json(kQ - 2)}, {"b", limbs_json(kQ - 3)}};
  for (int i = 0; i < 7; ++i) {
    SolveOptions o;
    o.hint_tampers["emulated product"] = [i](std::span<const Fr>, std::span<Fr> out) { out[i] += Fr::one(); };
    circuit::testing::expect_rejected(c, in, o, "product at a point");
  }
  // A product coefficient moved to its neighbour (same integer, other polynomial).
  SolveOptions o;
  o.hint_tampers["emulated product"] = [](std::span<const Fr>, std::span<Fr> out) {
    out[0] += *Fr::from_decimal("18446744073709551616");
    out[1] -= Fr::one();
  };
  circuit::testing::expect_rejected(c, in, o, "product at a point");
}

TEST(EmulatedFq, UnreducedInputLimbRejected) {
  const Circuit c = mul_circuit();
  // 2^64 + 5 as limb 0 and limb 1 one lower: the same integer, a limb out of range.
  ordered_json a = limbs_json(mpz_class(1) << 100);
  a[0] = mpz_class((mpz_class(1) << 64) + 5).get_str();
  a[1] = mpz_class((mpz_class(1) << 36) - 1).get_str();
  EXPECT_THROW((void)c.solve({{"a", a}, {"b", limbs_json(3)}}), Error);
  SolveOptions lax;
  lax.check = false;
  const auto v = c.solve({{"a", a}, {"b", limbs_json(3)}}, lax);
  auto bad = c.first_failure(v);
  ASSERT_TRUE(bad.has_value());
  EXPECT_NE(bad->find("emulated limb fits"), std::string::npos) << *bad;
}

TEST(EmulatedFq, CanonicalRefusesRemainderPlusQ) {
  const Circuit plain = mul_circuit({}, false), canon = mul_circuit({}, true);
  // (q + 2) * 1: the honest quotient is 1 and the remainder 2. Quotient 0 and remainder q + 2
  // (< 2^254) satisfy the same integer identity: a valid non-canonical form, which reduce
  // accepts (the same residue) and reduce_canonical refuses.
  const ordered_json in = {{"a", limbs_json(kQ + 2)}, {"b", limbs_json(1)}};
  SolveOptions o;
  o.hint_tampers["emulated quotient"] = [](std::span<const Fr>, std::span<Fr> out) {
    const auto q = limbs_fr(kQ);
    for (std::size_t i = 0; i + 4 < out.size(); ++i) out[i] = Fr::zero();  // Q - qmin, qmin = 0
    for (std::size_t i = 0; i < 4; ++i) out[out.size() - 4 + i] += q[i];   // 2 + q0 < 2^64: no carry
  };
  const auto v = plain.solve(in, o);
  EXPECT_EQ(plain.public_signals(v)[0], limbs_fr(kQ + 2)[0]);
  circuit::testing::expect_rejected(canon, in, o, "remainder below q");
  // Adding q to the remainder without lowering the quotient breaks the identity.
  SolveOptions bad;
  bad.hint_tampers["emulated quotient"] = [](std::span<const Fr>, std::span<Fr> out) {
    const auto q = limbs_fr(kQ);
    for (std::size_t i = 0; i < 4; ++i) out[out.size() - 4 + i] += q[i];
  };
  circuit::testing::expect_rejected(plain, in, bad, "carry fits");
}

TEST(EmulatedFq, AssertZeroAndEqual) {
  Builder b("eq");
  Field f(b);
  auto x = f.input(b.private_inputs("x", 4));
  auto y = f.input(b.private_inputs("y", 4));
  // x * y == 1 mod q: y is x's inverse.
  f.assert_equal(f.mul(x.lazy(), y.lazy()), f.constant(Fq::one()), "inverse");
  const Circuit c = b.compile();
  std::mt19937_64 rng(3);
  Fq xv, yv;
  do {  // y + q must still fit the limbs (below 2^254)
    xv = to_fq(random_below(rng, kQ));
    yv = xv.inverse();
  } while (to_z(yv) + kQ >= (mpz_class(1) << 254));
  (void)c.solve({{"x", limbs_json(to_z(xv))}, {"y", limbs_json(to_z(yv) + kQ)}});  // any representative
  try {
    (void)c.solve({{"x", limbs_json(to_z(xv))}, {"y", limbs_json(to_z(yv) + 1)}});
    ADD_FAILURE() << "a wrong inverse was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("gadget inverse"), std::string::npos) << e.what();
  }
  // A prover who forces the zero-check's quotient anyway fails its carries.
  SolveOptions o;
  o.hint_overrides["emulated quotient"] = [](std::span<const Fr>, std::span<Fr> out) {
    for (auto& v : out) v = Fr::zero();
  };
  const ordered_json bad = {{"x", limbs_json(to_z(xv))}, {"y", limbs_json(to_z(yv) + 1)}};
  o.check = false;
  const auto vals = c.solve(bad, o);
  auto fail = c.first_failure(vals);
  ASSERT_TRUE(fail.has_value());
}

TEST(EmulatedFq, BoundsRefusedAtBuildTime) {
  Builder b("bounds");
  Field f(b);
  auto x = f.input(b.private_inputs("x", 4));
  Lazy p = f.mul(x.lazy(), x.lazy());
  // (x^2)^2 unreduced would need coefficients near 2^520: refused, not wrapped.
  EXPECT_THROW((void)f.mul(p, p), Error);
  EXPECT_THROW((void)Field(b, Layout{2, 64}), Error);
}

TEST(EmulatedFq2, MulMatchesGmp) {
  Builder b("fq2");
  Field f(b);
  Fq2Var x{f.input(b.private_inputs("a0", 4)), f.input(b.private_inputs("a1", 4))};
  Fq2Var y{f.input(b.private_inputs("b0", 4)), f.input(b.private_inputs("b1", 4))};
  auto z = fq2_mul(f, x, y);
  const Circuit c = b.compile();
  std::mt19937_64 rng(11);
  for (int i = 0; i < 4; ++i) {
    mpz_class a0 = random_below(rng, kQ), a1 = random_below(rng, kQ), b0 = random_below(rng, kQ),
              b1 = random_below(rng, kQ);
    if (i == 0) a0 = a1 = b0 = b1 = kQ - 1;
    mpz_class w0 = (a0 * b0 - a1 * b1) % kQ, w1 = (a0 * b1 + a1 * b0) % kQ;
    if (w0 < 0) w0 += kQ;
    const auto v = c.solve(
        {{"a0", limbs_json(a0)}, {"a1", limbs_json(a1)}, {"b0", limbs_json(b0)}, {"b1", limbs_json(b1)}});
    EXPECT_EQ(to_z(f.value(z.c0, v)), w0);
    EXPECT_EQ(to_z(f.value(z.c1, v)), w1);
  }
}

ff::Fq12 random_fq12(std::mt19937_64& rng) {
  auto q = [&] { return to_fq(random_below(rng, kQ)); };
  auto q2 = [&] { return ff::Fq2{q(), q()}; };
  auto q6 = [&] { return ff::Fq6{q2(), q2(), q2()}; };
  return {q6(), q6()};
}

TEST(EmulatedFq12, MulMatchesNativeTower) {
  Builder b("fq12");
  Field f(b);
  Fq12Var x, y;
  for (int i = 0; i < 12; ++i) {
    x.c[i] = f.input(b.private_inputs("a" + std::to_string(i), 4));
    y.c[i] = f.input(b.private_inputs("b" + std::to_string(i), 4));
  }
  auto z = fq12_mul(f, x, y);
  const Circuit c = b.compile();
  std::mt19937_64 rng(12);
  for (int t = 0; t < 3; ++t) {
    const ff::Fq12 a = random_fq12(rng), bb = t == 2 ? a : random_fq12(rng);
    ordered_json in;
    const auto ac = a.coefficients(), bc = bb.coefficients();
    for (int i = 0; i < 12; ++i) {
      in["a" + std::to_string(i)] = limbs_json(to_z(ac[i]));
      in["b" + std::to_string(i)] = limbs_json(to_z(bc[i]));
    }
    const auto v = c.solve(in);
    const auto want = (a * bb).coefficients();
    for (int i = 0; i < 12; ++i) EXPECT_EQ(f.value(z.c[i], v), want[i]) << "coefficient " << i;
  }
  // One product coefficient tampered: a point's evaluation fails.
  ordered_json in;
  const ff::Fq12 a = random_fq12(rng);
  for (int i = 0; i < 12; ++i) {
    in["a" + std::to_string(i)] = limbs_json(to_z(a.coefficients()[i]));
    in["b" + std::to_string(i)] = limbs_json(to_z(a.coefficients()[(i + 1) % 12]));
  }
  SolveOptions o;
  o.hint_tampers["emulated product"] = [](std::span<const Fr>, std::span<Fr> out) { out[80] += Fr::one(); };
  circuit::testing::expect_rejected(c, in, o, "product at a point");
}

}  // namespace
}  // namespace pm::emulated
