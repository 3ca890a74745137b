// The builder, solver and export on small circuits whose constraints are known by hand, and the
// builder's own gadgets (bits, comparisons, is_zero, select, division) against honest and
// malicious witnesses.
#include "circuit/circuit.hpp"

#include <gtest/gtest.h>

#include "base/error.hpp"
#include "circuit/testing.hpp"
#include "formats/r1cs.hpp"

namespace pm::circuit {
namespace {

using json = nlohmann::ordered_json;
using testing::expect_rejected;
using testing::run_circuit;

Fr F(std::uint64_t v) { return Fr::from_u64(v); }

// out = x^3 + x + 5: two products and one output equality.
Circuit cubic() {
  Builder b("cubic");
  Expr x = b.private_input("x");
  Expr x3 = x * x * x;
  b.public_output("out", x3 + x + 5);
  return b.compile();
}

TEST(Circuit, CubicSolvesExportsProves) {
  Circuit c = cubic();
  EXPECT_EQ(c.num_constraints(), 3u);
  EXPECT_EQ(c.num_wires(), 5u);  // one, out, x, x^2, x^3
  EXPECT_EQ(c.num_public(), 1u);
  std::vector<Fr> expected{F(35)};
  auto v = run_circuit(c, json{{"x", 3}}, expected);
  auto w = c.witness(v);
  EXPECT_EQ(w[0], Fr::one());
  EXPECT_EQ(w[1], F(35));
  EXPECT_EQ(w[2], F(3));
  // Inputs as decimal and hex strings give the same witness.
  EXPECT_EQ(c.witness(c.solve(json{{"x", "3"}})), w);
  EXPECT_EQ(c.witness(c.solve(json{{"x", "0x3"}})), w);
}

TEST(Circuit, TamperedValueFailsNamedConstraint) {
  Circuit c = cubic();
  auto v = c.solve(json{{"x", 3}});
  v[v.size() - 1] += Fr::one();  // x^3
  testing::expect_values_rejected(c, v, "circuit.test.cpp");
}

TEST(Circuit, InputErrorsNameTheInput) {
  Circuit c = cubic();
  auto code_of = [&](const json& j) {
    try {
      (void)c.solve(j);
    } catch (const Error& e) {
      return std::pair{e.code(), std::string(e.what())};
    }
    return std::pair{Errc::io, std::string("accepted")};
  };
  EXPECT_EQ(code_of(json::object()).first, Errc::invalid_argument);
  EXPECT_NE(code_of(json::object()).second.find("`x` is missing"), std::string::npos);
  EXPECT_NE(code_of(json{{"x", 1}, {"y", 2}}).second.find("`y` is not an input"), std::string::npos);
  EXPECT_EQ(code_of(json{{"x", json::array({1, 2})}}).first, Errc::mismatch);
  EXPECT_EQ(code_of(json{{"x", "12a"}}).first, Errc::invalid_argument);
  EXPECT_EQ(code_of(json{{"x", 1.5}}).first, Errc::invalid_argument);
  EXPECT_EQ(code_of(json{{"x", nullptr}}).first, Errc::invalid_argument);
  EXPECT_EQ(code_of(json::array()).first, Errc::invalid_argument);
  std::string r = "21888242871839275222246405745257275088548364400416034343698204186575808495617";
  auto [code, msg] = code_of(json{{"x", r}});
  EXPECT_EQ(code, Errc::out_of_range);
  EXPECT_NE(msg.find("`x`"), std::string::npos);
  // Negative values are taken mod r, as circom does.
  auto v = c.solve(json{{"x", -1}});
  EXPECT_EQ(c.public_signals(v)[0], F(3));  // -1 - 1 + 5
  EXPECT_EQ(c.public_signals(c.solve(json{{"x", "-1"}}))[0], F(3));
}

TEST(Circuit, LabelledAssertionReportsLabelAndScope) {
  Builder b("margin");
  Expr collateral = b.private_input("collateral");
  Expr margin = b.public_input("margin");
  {
    auto s = b.scope("risk");
    b.assert_less_or_equal(margin, collateral, 64, "collateral_covers_margin");
  }
  Circuit c = b.compile();
  run_circuit(c, json{{"collateral", 10}, {"margin", 10}}, {});
  try {
    (void)c.solve(json{{"collateral", 9}, {"margin", 10}});
    FAIL() << "accepted";
  } catch (const Error& e) {
    std::string m = e.what();
    EXPECT_EQ(e.code(), Errc::unsatisfied);
    EXPECT_NE(m.find("constraint `collateral_covers_margin`"), std::string::npos) << m;
    EXPECT_NE(m.find("gadget risk"), std::string::npos) << m;
    EXPECT_NE(m.find("circuit.test.cpp:"), std::string::npos) << m;
  }
}

TEST(Circuit, EqualitiesOfTwoWiresAreFolded) {
  Builder b("fold");
  Expr x = b.private_input("x");
  Expr y = b.private_input("y");
  Expr p = x * y;
  Expr q = b.hint1("copy", std::vector<Expr>{p},
                   [](std::span<const Fr> in, std::span<Fr> out) { out[0] = in[0]; });
  b.assert_equal(q, p);  // folded: q := p
  Expr r = q * x;        // uses the folded wire
  b.public_output("out", r);
  Circuit c = b.compile();
  // x*y = p and q*x = r with q replaced by p; r is the output's own wire.
  EXPECT_EQ(c.num_constraints(), 2u);
  run_circuit(c, json{{"x", 1}, {"y", 7}}, std::vector<Fr>{F(7)});
  // The folded equality is still checked by the solver and implied by the export.
  SolveOptions bad;
  bad.hint_overrides["copy"] = [](std::span<const Fr> in, std::span<Fr> out) { out[0] = in[0] + Fr::one(); };
  expect_rejected(c, json{{"x", 1}, {"y", 7}}, bad, "circuit.test.cpp");
}

TEST(Circuit, ConstantsCostNothing) {
  Builder b("consts");
  Expr x = b.private_input("x");
  Expr y = x * 3 + Expr(F(2)) * Expr(F(5));  // no product wire
  b.assert_equal(y, y);                      // trivially true: no constraint
  EXPECT_EQ(b.num_constraints(), 0u);
  EXPECT_THROW(b.assert_equal(Expr(1), Expr(2)), Error);
}

TEST(Circuit, ToBitsRangeAndMaliciousBits) {
  Builder b("bits");
  Expr x = b.private_input("x");
  auto bits = b.to_bits(x, 8);
  b.public_outputs("bits", bits);
  Circuit c = b.compile();
  EXPECT_EQ(c.num_constraints(), 9u);  // 8 booleans and the sum; the bits are the outputs' own wires
  std::vector<Fr> expect;
  for (int i = 0; i < 8; ++i) expect.push_back(F((0xA5 >> i) & 1));
  run_circuit(c, json{{"x", 0xA5}}, expect);
  EXPECT_THROW((void)c.solve(json{{"x", 256}}), Error);
  // A "bit" that is 2: the sum still matches (2 + 0*2 ... = x) but the bit is not boolean.
  SolveOptions bad;
  bad.hint_overrides["to_bits"] = [](std::span<const Fr> in, std::span<Fr> out) {
    for (auto& o : out) o = Fr::zero();
    out[0] = in[0];  // x = 2: bits (2, 0, ...)
  };
  expect_rejected(c, json{{"x", 2}}, bad, "bit is boolean");
}

TEST(Circuit, BitsAtMostConstantExhaustive) {
  // Every 5-bit value against every constant up to 40 (constants wider than the bits included).
  for (std::uint64_t cst = 0; cst <= 40; ++cst) {
    Builder b("at_most");
    Expr x = b.private_input("x");
    auto bits = b.to_bits(x, 5);
    b.assert_bits_at_most(bits, ff::u256{cst, 0, 0, 0}, "x at most c");
    Circuit c = b.compile();
    for (std::uint64_t v = 0; v < 32; ++v) {
      if (v <= cst) {
        EXPECT_NO_THROW((void)c.solve(json{{"x", v}})) << v << " <= " << cst;
      } else {
        expect_rejected(c, json{{"x", v}}, {}, "x at most c");
      }
    }
  }
}

TEST(Circuit, ToBitsStrictRejectsTheAlias) {
  Builder b("strict");
  Expr x = b.private_input("x");
  b.public_outputs("bits", b.to_bits_strict(x));
  Circuit c = b.compile();
  EXPECT_EQ(c.num_constraints(), 508u);
  auto v = c.solve(json{{"x", 5}});
  EXPECT_EQ(c.public_signals(v)[0], F(1));
  EXPECT_EQ(c.public_signals(v)[2], F(1));
  // x = 5 also equals 5 + r, a 254-bit number: its bits sum to x in the field but are >= r.
  SolveOptions alias;
  alias.hint_overrides["to_bits_strict"] = [](std::span<const Fr>, std::span<Fr> out) {
    ff::u256 w = Fr::kModulus;
    ff::add_carry(w, w, ff::u256{5, 0, 0, 0});
    for (unsigned i = 0; i < 254; ++i) out[i] = ff::bit(w, i) ? Fr::one() : Fr::zero();
  };
  expect_rejected(c, json{{"x", 5}}, alias, "bits are canonical");
}

TEST(Circuit, LessThanExhaustive) {
  Builder b("lt");
  Expr x = b.private_input("x");
  Expr y = b.private_input("y");
  b.assert_range(x, 4);
  b.assert_range(y, 4);
  b.public_output("lt", b.less_than(x, y, 4));
  b.public_output("le", b.less_or_equal(x, y, 4));
  b.public_output("eq", b.is_equal(x, y));
  Circuit c = b.compile();
  for (int i = 0; i < 16; ++i) {
    for (int j = 0; j < 16; ++j) {
      auto v = c.solve(json{{"x", i}, {"y", j}});
      auto pub = c.public_signals(v);
      EXPECT_EQ(pub[0], F(i < j)) << i << " " << j;
      EXPECT_EQ(pub[1], F(i <= j)) << i << " " << j;
      EXPECT_EQ(pub[2], F(i == j)) << i << " " << j;
    }
  }
  run_circuit(c, json{{"x", 3}, {"y", 9}}, std::vector<Fr>{F(1), F(1), F(0)});
  // A lying is_zero hint (claiming x - y != 0 has inverse 0) breaks x * (1 - p) = 0.
  SolveOptions bad;
  bad.hint_overrides["is_zero"] = [](std::span<const Fr>, std::span<Fr> out) { out[0] = Fr::zero(); };
  expect_rejected(c, json{{"x", 3}, {"y", 9}}, bad, "is_zero");
  // Out-of-range comparison bits: claim bit n is 0 with the difference left in the low bits.
  SolveOptions bad2;
  bad2.hint_overrides["to_bits"] = [](std::span<const Fr> in, std::span<Fr> out) {
    ff::u256 v = in[0].to_canonical();
    for (std::size_t i = 0; i < out.size(); ++i)
      out[i] = ff::bit(v, static_cast<unsigned>(i)) ? Fr::one() : Fr::zero();
    if (out.size() == 5) out[4] = Fr::zero();
  };
  expect_rejected(c, json{{"x", 9}, {"y", 3}}, bad2, "comparison operands in range");
}

TEST(Circuit, SelectDivInverse) {
  Builder b("sel");
  Expr c = b.private_input("c");
  Expr x = b.private_input("x");
  Expr y = b.private_input("y");
  b.public_output("sel", b.select(c, x, y));
  b.public_output("div", b.div(x, y));
  Circuit circ = b.compile();
  Fr q = F(10) * F(4).inverse();
  run_circuit(circ, json{{"c", 1}, {"x", 10}, {"y", 4}}, std::vector<Fr>{F(10), q});
  EXPECT_EQ(circ.public_signals(circ.solve(json{{"c", 0}, {"x", 10}, {"y", 4}}))[0], F(4));
  // A non-boolean condition fails; division by zero fails in the hint and in the constraints.
  EXPECT_THROW((void)circ.solve(json{{"c", 2}, {"x", 10}, {"y", 4}}), Error);
  try {
    (void)circ.solve(json{{"c", 1}, {"x", 10}, {"y", 0}});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("hint `inverse`"), std::string::npos) << e.what();
  }
  SolveOptions bad;
  bad.hint_overrides["inverse"] = [](std::span<const Fr>, std::span<Fr> out) { out[0] = Fr::zero(); };
  expect_rejected(circ, json{{"c", 1}, {"x", 10}, {"y", 0}}, bad, "divisor nonzero");
}

TEST(Circuit, SymAndR1csFile) {
  Circuit c = cubic();
  std::string sym = c.sym();
  EXPECT_NE(sym.find(",1,0,main.out\n"), std::string::npos) << sym;
  EXPECT_NE(sym.find(",2,0,main.x\n"), std::string::npos) << sym;
  auto bytes = formats::write_r1cs(c.r1cs(), c.wire_labels());
  auto r = formats::parse_r1cs(bytes, "cubic.r1cs");
  EXPECT_EQ(r.n_pub_out, 1u);
  EXPECT_EQ(r.n_prv_in, 1u);
  EXPECT_EQ(formats::write_r1cs(r, std::vector<std::uint64_t>(r.n_wires, 0)).size(), bytes.size());
}

TEST(Circuit, MixingBuildersIsAnError) {
  Builder a("a"), b("b");
  Expr x = a.private_input("x");
  Expr y = b.private_input("y");
  EXPECT_THROW((void)(x + y), Error);
  EXPECT_THROW((void)b.mul(x, y), Error);
}

}  // namespace
}  // namespace pm::circuit
