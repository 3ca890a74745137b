// The builder, solver and export on small circuits whose constraints are known by hand, and the
// builder's own gadgets (bits, comparisons, is_zero, select, division) against honest and
// malicious witnesses.
#include "circuit/circuit.hpp"

#include <gtest/gtest.h>

#include <thread>

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
  Bounded bx = b.assert_range(x, 4);
  Bounded by = b.assert_range(y, 4);
  b.public_output("lt", b.less_than(bx, by));
  b.public_output("le", b.less_or_equal(bx, by));
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

// circomlib's LessThan pitfall: with a = r - 1 ("-1") and b = 0, "a < b" holds when nobody has
// range-checked a. The default comparisons range-check (or take Bounded values); the pitfall stays
// reachable only through the `_unchecked` names.
TEST(Circuit, ComparisonsAreSafeByDefault) {
  const json minus_one{{"a", -1}, {"b", 0}};
  {
    Builder b("unchecked");
    Expr a = b.private_input("a");
    Expr c = b.private_input("b");
    b.public_output("lt", b.less_than_unchecked(a, c, 4));
    Circuit circ = b.compile();
    EXPECT_EQ(circ.public_signals(circ.solve(minus_one))[0], F(1)) << "the pitfall this test is about";
  }
  for (int form = 0; form < 4; ++form) {
    Builder b("safe");
    Expr a = b.private_input("a");
    Expr c = b.private_input("b");
    switch (form) {
      case 0:
        b.public_output("lt", b.less_than(a, c, 4));
        break;
      case 1:
        b.public_output("le", b.less_or_equal(a, c, 4));
        break;
      case 2:
        b.assert_less_than(a, c, 4);
        break;
      default:
        b.assert_less_or_equal(a, c, 4);
        break;
    }
    Circuit circ = b.compile();
    // The honest witness fails the operand's range check; so does a malicious one that hides -1's
    // high bits (the bits of 15 with the sum left to fail).
    EXPECT_THROW((void)circ.solve(minus_one), Error) << form;
    SolveOptions lie;
    lie.hint_overrides["to_bits"] = [](std::span<const Fr> in, std::span<Fr> out) {
      ff::u256 v = in[0].to_canonical();
      for (std::size_t i = 0; i < out.size(); ++i)
        out[i] = ff::bit(v, static_cast<unsigned>(i)) ? Fr::one() : Fr::zero();
    };
    expect_rejected(circ, minus_one, lie, "comparison operand a in range");
    if (form == 0) run_circuit(circ, json{{"a", 3}, {"b", 9}}, std::vector<Fr>{F(1)});
  }
  // Bounded comparisons: the bound is proven by the range check that made the value; a 253-bit
  // bound is refused (the comparison needs one spare bit), and so is a sum past 253 bits.
  Builder b("bounded");
  Bounded x = b.assert_range(b.private_input("x"), 251);
  Bounded y = b.assert_range(b.private_input("y"), 253);
  EXPECT_THROW((void)b.less_than(x, y), Error);
  EXPECT_THROW((void)(y + y), Error);
  const auto before = b.num_constraints();
  EXPECT_EQ(b.assert_range(x, 252).bits(), 251u);  // already proven: free
  EXPECT_EQ(b.num_constraints(), before);
  (void)b.less_than(x, x + x);  // x + x: 252 bits
  EXPECT_EQ(b.num_constraints() - before, 252u + 2);
}

template <class B>
constexpr bool kCanMarkBoolean = requires(B& b, const Expr& e) {
  b.mark_boolean(e);
};

TEST(Circuit, BooleanMarksComeOnlyFromConstraints) {
  // mark_boolean is the builder's own: a caller cannot make assert_boolean free on a wire.
  static_assert(!kCanMarkBoolean<Builder>);
  Builder b("bits");
  Expr x = b.private_input("x");
  std::vector<Expr> fake =
      b.hint("fake bits", std::span<const Expr>(&x, 1), 4, [](std::span<const Fr>, std::span<Fr> out) {
        for (auto& o : out) o = Fr::zero();
      });
  try {
    b.assert_bits_at_most(fake, ff::u256{5, 0, 0, 0});
    FAIL() << "unconstrained bits accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("bit 0 is not constrained boolean"), std::string::npos) << e.what();
  }
  for (const auto& f : fake) b.assert_boolean(f);
  EXPECT_NO_THROW(b.assert_bits_at_most(fake, ff::u256{5, 0, 0, 0}));
}

TEST(Circuit, ProductsNameTheUsersLine) {
  Builder b("line");
  Expr x = b.private_input("x");
  Expr y = b.private_input("y");
  const int line = __LINE__ + 1;
  b.public_output("p", x * y);
  Circuit c = b.compile();
  auto v = c.solve(json{{"x", 3}, {"y", 4}});
  v[3] += Fr::one();  // builder wire 3: the product, which is the output's own wire
  auto bad = c.first_failure(v);
  ASSERT_TRUE(bad.has_value());
  EXPECT_NE(bad->find("circuit.test.cpp:" + std::to_string(line)), std::string::npos) << *bad;
}

TEST(Circuit, BooleanLogicTruthTables) {
  Builder b("logic");
  Expr p = b.private_input("p");
  Expr q = b.private_input("q");
  Expr r = b.private_input("r");
  b.public_output("not", b.logical_not(p));
  b.public_output("and", b.logical_and(p, q));
  b.public_output("or", b.logical_or(p, q));
  b.public_output("xor", b.logical_xor(p, q));
  std::vector<Expr> three{p, q, r};
  b.public_output("all", b.all_of(three));
  b.public_output("any", b.any_of(three));
  // Results are known boolean: selecting on them costs no extra check.
  const auto before = b.num_constraints();
  (void)b.select(b.logical_xor(p, r), p, q);
  EXPECT_EQ(b.num_constraints() - before, 2u);  // the xor and the selection
  Circuit c = b.compile();
  // 3 booleans, and 1, or 1, xor 1, all 2, any 2, the xor and select above 2, and 3 linear
  // outputs (not, or, all are 1 - wire; the others are their wires).
  EXPECT_EQ(c.num_constraints(), 15u);
  for (int m = 0; m < 8; ++m) {
    const int P = m & 1, Q = (m >> 1) & 1, R = (m >> 2) & 1;
    std::vector<Fr> expect{F(1 - P), F(P & Q), F(P | Q), F(P ^ Q), F(P & Q & R), F(P | Q | R)};
    run_circuit(c, json{{"p", P}, {"q", Q}, {"r", R}}, expect, {.prove = m == 5});
  }
  EXPECT_THROW((void)c.solve(json{{"p", 2}, {"q", 0}, {"r", 0}}), Error);
  // A lying is_zero hint in all_of (claiming 1 + 1 + 0 - 3 is zero) fails its constraint.
  SolveOptions bad;
  bad.hint_overrides["is_zero"] = [](std::span<const Fr>, std::span<Fr> out) { out[0] = Fr::zero(); };
  expect_rejected(c, json{{"p", 1}, {"q", 1}, {"r", 0}}, bad, "all_of");
}

TEST(Circuit, ConcurrentExportsAgree) {
  // r1cs() keeps no cache between calls: exports from several threads at once are identical.
  Builder b("fold");
  Expr x = b.private_input("x");
  Expr acc = x;
  for (int i = 0; i < 200; ++i) {
    Expr h = b.hint1("copy", std::vector<Expr>{acc},
                     [](std::span<const Fr> in, std::span<Fr> out) { out[0] = in[0]; });
    b.assert_equal(h, acc * Fr::from_u64(3));  // folded: h := 3 acc
    acc = b.mul(h, x);
  }
  b.public_output("out", acc);
  Circuit c = b.compile();
  const auto expected = formats::write_r1cs(c.r1cs(), c.wire_labels());
  std::vector<std::vector<std::uint8_t>> got(4);
  std::vector<std::thread> ts;
  for (auto& g : got) ts.emplace_back([&c, &g] { g = formats::write_r1cs(c.r1cs(), c.wire_labels()); });
  for (auto& t : ts) t.join();
  for (const auto& g : got) EXPECT_EQ(g, expected);
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
