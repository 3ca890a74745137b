// Fixed-point gadgets: maximum errors measured over grids and at domain edges against exact
// integer references (mul, div, sqrt) and long-double references (exp, ln, normal_cdf); domain
// violations and malicious rounding rejected by constraints.
#include "gadgets/fixed.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <numbers>
#include <random>
#include <type_traits>

#include "base/error.hpp"
#include "circuit/testing.hpp"
#include "formats/r1cs.hpp"
#include "hash/sha256.hpp"

namespace pm::gadgets::fixed {
namespace {

using Op = std::function<Fixed(Builder&, const Fixed&, const Fixed&, const Format&)>;
__extension__ typedef __int128 i128;

circuit::Circuit make(const Format& fmt, const Op& op) {
  Builder b("fixed");
  Fixed x = from_raw(b, b.private_input("x"), fmt);
  Fixed y = from_raw(b, b.private_input("y"), fmt);
  b.public_output("z", op(b, x, y, fmt).raw());
  return b.compile();
}

i128 to_i128(const Fr& v) {
  long double d = decode(v, 0);
  return static_cast<i128>(d);  // exact: |v| < 2^64 in these tests
}

// The circuit's answer (raw) for raw inputs.
Fr run(const circuit::Circuit& c, const Fr& x, const Fr& y) {
  std::vector<Fr> in{x, y};
  auto v = c.solve(in);
  return c.public_signals(v)[0];
}

Fr raw_of(i128 v) {
  return v < 0 ? -Fr::from_u64(static_cast<std::uint64_t>(-v)) : Fr::from_u64(static_cast<std::uint64_t>(v));
}

constexpr Format kF32{32, 32};
constexpr Format kF16{16, 16};

TEST(Fixed, EncodeDecode) {
  EXPECT_EQ(encode(1.5L, 4), Fr::from_u64(24));
  EXPECT_EQ(encode(-1.5L, 4), -Fr::from_u64(24));
  EXPECT_EQ(decode(-Fr::from_u64(24), 4), -1.5L);
  EXPECT_THROW(encode(1e40L, 32), Error);
  EXPECT_THROW(check({0, 10}), Error);
  EXPECT_THROW(check({60, 60}), Error);
}

TEST(Fixed, MulAndDivRoundToNearest) {
  for (const Format& fmt : {kF32, kF16}) {
    const unsigned F = fmt.frac_bits;
    auto cm = make(fmt, [](auto& b, auto& x, auto& y, auto& f) { return mul(b, x, y, f); });
    auto cd = make(fmt, [](auto& b, auto& x, auto& y, auto& f) { return div(b, x, y, f); });
    std::mt19937_64 rng(F);
    const i128 lim = static_cast<i128>(1) << (fmt.int_bits / 2 + F - 1);
    std::vector<std::pair<i128, i128>> cases{{0, 0},          {1, 1}, {-1, 1}, {lim - 1, lim - 1},
                                             {-lim, lim - 1}, {1, -1}};
    for (int i = 0; i < 300; ++i) {
      auto r = [&] { return static_cast<i128>(rng() % static_cast<std::uint64_t>(2 * lim)) - lim; };
      cases.emplace_back(r(), r() >> (i % 20));
    }
    long double worst_mul = 0, worst_div = 0;
    for (auto [x, y] : cases) {
      i128 z = to_i128(run(cm, raw_of(x), raw_of(y)));
      // |z 2^F - x y| <= 2^(F-1), exactly.
      i128 err = z * (static_cast<i128>(1) << F) - x * y;
      worst_mul = std::max(worst_mul,
                           std::fabs(static_cast<long double>(err)) / std::ldexp(1.0L, static_cast<int>(F)));
      const i128 fits = (static_cast<i128>(1) << (fmt.int_bits + F)) - 1;
      if (y > 0 && (x < 0 ? -x : x) * (static_cast<i128>(1) << F) / y < fits) {
        i128 q = to_i128(run(cd, raw_of(x), raw_of(y)));
        i128 e = q * y - x * (static_cast<i128>(1) << F);  // |q - x 2^F / y| <= 1/2
        worst_div = std::max(worst_div, std::fabs(static_cast<long double>(e)) / static_cast<long double>(y));
      }
    }
    std::printf("F=%u: mul max error %.3Lf ulp, div %.3Lf ulp\n", F, worst_mul, worst_div);
    EXPECT_LE(worst_mul, 0.5L);
    EXPECT_LE(worst_div, 0.5L);
  }
}

// sum x_i y_i rounded once: exact against integers (|error| <= 1/2 ulp), three products plus one
// rounding in constraints, and a lying rounding rejected.
// Across scales: x at 24 bits times y at 16, read at 12 (a shift of 28) or at 40 (exact); and
// x rescaled from 24 to 8 bits (rounded) and to 30 (a shift), each against the exact integer.
TEST(Fixed, AcrossScalesRoundOnce) {
  const Format fx{24, 16}, fy{16, 16}, f12{12, 40}, f40{40, 40}, f8{8, 16}, f30{30, 16};
  auto make2 = [&](const Format& out, bool product) {
    Builder b("scales");
    Fixed x = from_raw(b, b.private_input("x"), fx);
    Fixed y = from_raw(b, b.private_input("y"), fy);
    b.public_output("z", (product ? mul_to(b, x, y, out) : rescale(b, x, out)).raw());
    (void)y;
    return b.compile();
  };
  const auto m12 = make2(f12, true), m40 = make2(f40, true), r8 = make2(f8, false), r30 = make2(f30, false);
  std::mt19937_64 rng(7);
  for (int i = 0; i < 200; ++i) {
    const i128 x = static_cast<i128>(rng() % (std::uint64_t{1} << 39)) - (static_cast<i128>(1) << 38);
    const i128 y = static_cast<i128>(rng() % (std::uint64_t{1} << 31)) - (static_cast<i128>(1) << 30);
    // mul_to: |z 2^28 - x y| <= 2^27 (to nearest); at 40 bits exactly x y.
    const i128 z = to_i128(run(m12, raw_of(x), raw_of(y)));
    const i128 err = z * (static_cast<i128>(1) << 28) - x * y;
    EXPECT_LE(err < 0 ? -err : err, static_cast<i128>(1) << 27) << static_cast<long double>(x);
    EXPECT_EQ(run(m40, raw_of(x), raw_of(y)), raw_of(x) * raw_of(y));
    // rescale down 16 bits: to nearest; up 6 bits: exact.
    const i128 d = to_i128(run(r8, raw_of(x), raw_of(y)));
    const i128 derr = d * 65536 - x;
    EXPECT_LE(derr < 0 ? -derr : derr, 32768);
    EXPECT_EQ(run(r30, raw_of(x), raw_of(y)), raw_of(x * 64));
  }
  // More fractional bits than the product has is refused when building.
  Builder b("bad");
  Fixed x = from_raw(b, b.private_input("x"), fx), y = from_raw(b, b.private_input("y"), fy);
  EXPECT_THROW((void)mul_to(b, x, y, Format{41, 40}), Error);
}

TEST(Fixed, DotRoundsOnce) {
  const Format fmt = kF16;
  Builder b("dot");
  std::vector<Fixed> xs, ys;
  for (int i = 0; i < 3; ++i) {
    xs.push_back(from_raw(b, b.private_input("x" + std::to_string(i)), fmt));
    ys.push_back(from_raw(b, b.private_input("y" + std::to_string(i)), fmt));
  }
  const std::size_t before = b.num_constraints();
  b.public_output("z", dot(b, xs, ys, fmt).raw());
  EXPECT_EQ(b.num_constraints() - before, 3u + 16u + 1u + 34u);  // products, remainder, result
  auto c = b.compile();
  std::mt19937_64 rng(7);
  for (int t = 0; t < 200; ++t) {
    nlohmann::ordered_json in;
    i128 sum = 0;
    for (int i = 0; i < 3; ++i) {
      const i128 x = static_cast<i128>(rng() % (1u << 22)) - (1 << 21);
      const i128 y = static_cast<i128>(rng() % (1u << 22)) - (1 << 21);
      in["x" + std::to_string(i)] = raw_of(x).to_decimal();
      in["y" + std::to_string(i)] = raw_of(y).to_decimal();
      sum += x * y;
    }
    const i128 z = to_i128(c.public_signals(c.solve(in))[0]);
    const i128 err = z * (1 << 16) - sum;
    EXPECT_LE(err < 0 ? -err : err, 1 << 15) << t;
  }
  nlohmann::ordered_json in{{"x0", "65536"}, {"y0", "98304"}, {"x1", "1"},
                            {"y1", "1"},     {"x2", "0"},     {"y2", "0"}};
  circuit::SolveOptions up;
  up.hint_overrides["fixed round"] = [](std::span<const Fr>, std::span<Fr> out) {
    out[0] = Fr::from_u64(98305);
  };
  circuit::testing::expect_rejected(c, in, up, "rounding remainder in range");
}

TEST(Fixed, SqrtRoundsDown) {
  auto c = make(kF32, [](auto& b, auto& x, auto&, auto& f) { return sqrt(b, x, f); });
  std::mt19937_64 rng(7);
  std::vector<i128> xs{0, 1, 2, 3, 4, (static_cast<i128>(1) << 64) - 1, static_cast<i128>(1) << 32};
  for (int i = 0; i < 300; ++i) xs.push_back(static_cast<i128>(rng() >> (i % 60)));
  for (i128 x : xs) {
    i128 y = to_i128(run(c, raw_of(x), Fr::zero()));
    i128 big = x << 32;  // y = floor(sqrt(x 2^32))
    EXPECT_TRUE(y * y <= big && big < (y + 1) * (y + 1)) << static_cast<long double>(x);
  }
}

struct Measured {
  long double worst = 0;
  long double at = 0;
};

template <class Ref, class Bound>
Measured sweep(const circuit::Circuit& c, const Format& fmt, const std::vector<long double>& xs, Ref ref,
               Bound bound) {
  Measured m;
  const long double ulp = std::ldexp(1.0L, -static_cast<int>(fmt.frac_bits));
  for (long double xv : xs) {
    Fr xr = encode(xv, fmt.frac_bits);
    long double xq = decode(xr, fmt.frac_bits);  // the input the circuit sees
    long double got = decode(run(c, xr, Fr::zero()), fmt.frac_bits);
    long double err = std::fabs(got - ref(xq)) / ulp;
    long double allowed = bound(xq);
    EXPECT_LE(err, allowed) << "x = " << static_cast<double>(xq) << " got " << static_cast<double>(got);
    if (err / allowed > m.worst) m.worst = err / allowed, m.at = xq;
  }
  return m;
}

std::vector<long double> grid(long double lo, long double hi, int n) {
  std::vector<long double> v;
  for (int i = 0; i <= n; ++i) v.push_back(lo + (hi - lo) * i / n);
  return v;
}

TEST(Fixed, ExpWithinItsBound) {
  for (const Format& fmt : {kF32, kF16}) {
    auto c = make(fmt, [](auto& b, auto& x, auto&, auto& f) { return exp(b, x, f); });
    std::printf("F=%u exp: %u constraints\n", fmt.frac_bits, c.num_constraints());
    const long double F = fmt.frac_bits, top = fmt.int_bits * std::numbers::ln2_v<long double> - 0.01L;
    auto xs = grid(-(F + 6) * 0.7L, top, 900);
    for (long double e : {0.0L, 1e-9L, -1e-9L, std::numbers::ln2_v<long double> / 2,
                          -(F + 3) * std::numbers::ln2_v<long double>})
      xs.push_back(e);
    auto m = sweep(
        c, fmt, xs, [](long double x) { return std::exp(x); },
        [&](long double x) {
          return 0.75L + std::ldexp(std::exp(x), -6);
        });  // ulps: 0.75 + 2^-(F+6) e^x / 2^-F
    std::printf("F=%u exp: worst error / bound = %.3Lf at x = %.4Lf\n", fmt.frac_bits, m.worst, m.at);
  }
}

TEST(Fixed, LnWithinItsBound) {
  for (const Format& fmt : {kF32, kF16}) {
    auto c = make(fmt, [](auto& b, auto& x, auto&, auto& f) { return ln(b, x, f); });
    std::printf("F=%u ln: %u constraints\n", fmt.frac_bits, c.num_constraints());
    const long double ulp = std::ldexp(1.0L, -static_cast<int>(fmt.frac_bits));
    std::vector<long double> xs = grid(ulp, 4, 400);
    for (long double v = ulp; v < std::ldexp(1.0L, static_cast<int>(fmt.int_bits)); v *= 1.37L)
      xs.push_back(v);
    for (int k = -static_cast<int>(fmt.frac_bits); k < static_cast<int>(fmt.int_bits); ++k) {
      xs.push_back(std::ldexp(1.0L, k));              // powers of two: mantissa edges
      xs.push_back(std::ldexp(1.0L, k) * (2 - ulp));  // just below the next
    }
    xs.push_back(std::ldexp(1.0L, static_cast<int>(fmt.int_bits)) - ulp);
    auto m = sweep(
        c, fmt, xs, [](long double x) { return std::log(x); }, [](long double) { return 0.75L; });
    std::printf("F=%u ln: worst error / 0.75 ulp = %.3Lf at x = %.6Lg\n", fmt.frac_bits, m.worst, m.at);
  }
}

TEST(Fixed, NormalCdfWithinItsBound) {
  for (const Format& fmt : {kF32, kF16}) {
    auto c = make(fmt, [](auto& b, auto& x, auto&, auto& f) { return normal_cdf(b, x, f); });
    std::printf("F=%u normal_cdf: %u constraints\n", fmt.frac_bits, c.num_constraints());
    auto xs = grid(-12, 12, 1200);
    for (long double e : {-8.0L, 8.0L, 7.999L, -7.999L, 0.5L, -0.5L, 1e-9L, -1e-9L, 1000.0L, -1000.0L})
      xs.push_back(e);
    auto m = sweep(
        c, fmt, xs, [](long double x) { return 0.5L * std::erfc(-x / std::numbers::sqrt2_v<long double>); },
        [](long double) { return 0.75L; });
    std::printf("F=%u normal_cdf: worst error / 0.75 ulp = %.3Lf at x = %.4Lf\n", fmt.frac_bits, m.worst,
                m.at);
  }
}

TEST(Fixed, OutOfDomainRejectedByConstraints) {
  const Format fmt = kF16;
  auto one = [&](std::int64_t v) { return encode(static_cast<long double>(v), fmt.frac_bits).to_decimal(); };
  nlohmann::ordered_json in{{"x", "0"}, {"y", "0"}};
  // Square root of a negative number: the hint refuses; any value it could return fails.
  auto cs = make(fmt, [](auto& b, auto& x, auto&, auto& f) { return sqrt(b, x, f); });
  in["x"] = one(-1);
  EXPECT_THROW(cs.solve(in), Error);
  for (std::uint64_t guess : {0ull, 1ull, 65536ull, 1ull << 40}) {
    circuit::SolveOptions o;
    o.hint_overrides["fixed sqrt"] = [guess](std::span<const Fr>, std::span<Fr> out) {
      out[0] = Fr::from_u64(guess);
    };
    circuit::testing::expect_rejected(cs, in, o, "square root");
  }
  // ln of zero and of a negative number.
  auto cl = make(fmt, [](auto& b, auto& x, auto&, auto& f) { return ln(b, x, f); });
  for (std::int64_t v : {0, -1}) {
    in["x"] = one(v);
    EXPECT_THROW(cl.solve(in), Error);
    circuit::SolveOptions o;
    o.hint_overrides["ln exponent"] = [](std::span<const Fr>, std::span<Fr> out) {
      out[0] = Fr::from_u64(16);
    };
    o.hint_overrides["ln mantissa"] = [](std::span<const Fr>, std::span<Fr> out) {
      out[0] = Fr::from_u64(1ull << 26);
    };
    circuit::testing::expect_rejected(cl, in, o, "ln");
  }
  // Division by zero and by a negative number.
  auto cd = make(fmt, [](auto& b, auto& x, auto& y, auto& f) { return div(b, x, y, f); });
  for (std::int64_t v : {0, -2}) {
    in["x"] = one(3), in["y"] = one(v);
    circuit::SolveOptions o;
    o.hint_overrides["fixed div"] = [](std::span<const Fr>, std::span<Fr> out) { out[0] = Fr::zero(); };
    circuit::testing::expect_rejected(cd, in, o, "divisor is positive");
  }
  // Results outside the format: 2^10 * 2^10 and e^12 do not fit in 16 integer bits.
  auto cm = make(fmt, [](auto& b, auto& x, auto& y, auto& f) { return mul(b, x, y, f); });
  in["x"] = one(1024), in["y"] = one(1024);
  circuit::testing::expect_rejected(cm, in, {}, "product within the format");
  auto ce = make(fmt, [](auto& b, auto& x, auto&, auto& f) { return exp(b, x, f); });
  in["x"] = one(12), in["y"] = "0";
  circuit::testing::expect_rejected(ce, in, {}, "exp");
  // An input outside the format.
  in["x"] = encode(70000.0L, 16).to_decimal();
  circuit::testing::expect_rejected(cm, in, {}, "fixed-point value within the format");
}

TEST(Fixed, MaliciousRoundingRejected) {
  const Format fmt = kF16;
  auto cm = make(fmt, [](auto& b, auto& x, auto& y, auto& f) { return mul(b, x, y, f); });
  nlohmann::ordered_json in{{"x", encode(1.25L, 16).to_decimal()}, {"y", encode(-3.3L, 16).to_decimal()}};
  // 1.25 * -3.3 exactly as rounded: round(x_raw y_raw / 2^16).
  const i128 xr = 81920, yr = -216269;  // encode(1.25), encode(-3.3) at 16 bits
  ASSERT_EQ(encode(-3.3L, 16), raw_of(yr));
  i128 prod = xr * yr;
  i128 want = (prod + (1 << 15)) >> 16;  // floor((p + 2^15) / 2^16), arithmetic shift
  std::vector<Fr> expected{raw_of(want)};
  circuit::testing::run_circuit(cm, in, expected, {.prove = true});
  circuit::SolveOptions up;
  up.hint_overrides["fixed round"] = [](std::span<const Fr> v, std::span<Fr> out) {
    long double q = std::nearbyint(decode(v[0], 16));
    out[0] = encode(q + 1, 0);  // one ulp off
  };
  circuit::testing::expect_rejected(cm, in, up, "rounding remainder in range");
  // exp with the reduction off by one (t = x - (k + 1) ln 2 is out of [-1/2, 1/2]).
  auto ce = make(fmt, [](auto& b, auto& x, auto&, auto& f) { return exp(b, x, f); });
  nlohmann::ordered_json ein{{"x", encode(2.0L, 16).to_decimal()}, {"y", "0"}};
  // e^2 at 16 bits: the sweep above bounds the error; here the proof path.
  std::vector<Fr> e2{encode(std::exp(2.0L), 16)};
  circuit::testing::run_circuit(ce, ein, e2, {.prove = true});
  circuit::SolveOptions off;
  off.hint_overrides["exp reduction"] = [](std::span<const Fr>, std::span<Fr> out) {
    out[0] = Fr::from_u64(4);
  };
  circuit::testing::expect_rejected(ce, ein, off, "exp reduction window: k unique");
  // At x = 0.3 both k = 0 and k = 1 leave |t| < 1/2: only the ln 2 wide window makes k (and the
  // result) unique.
  nlohmann::ordered_json e03{{"x", encode(0.3L, 16).to_decimal()}, {"y", "0"}};
  circuit::SolveOptions other_k;
  other_k.hint_overrides["exp reduction"] = [](std::span<const Fr>, std::span<Fr> out) {
    out[0] = Fr::one();
  };
  circuit::testing::expect_rejected(ce, e03, other_k, "exp reduction window: k unique");
  // A division quotient one too small: its remainder reaches the divisor.
  auto cd = make(fmt, [](auto& b, auto& x, auto& y, auto& f) { return div(b, x, y, f); });
  nlohmann::ordered_json din{{"x", encode(1.0L, 16).to_decimal()}, {"y", encode(3.0L, 16).to_decimal()}};
  circuit::SolveOptions low;
  low.hint_overrides["fixed div"] = [](std::span<const Fr>, std::span<Fr> out) {
    out[0] = Fr::from_u64(21845 - 1);
  };
  circuit::testing::expect_rejected(cd, din, low, "division remainder below the divisor");
}

}  // namespace
}  // namespace pm::gadgets::fixed

namespace pm::gadgets::fixed {
namespace {

TEST(Fixed, CostsAsDocumented) {
  // The table in fixed.hpp, for F = I = 32 and operands straight from from_raw (66 + 66
  // constraints of input range checks not counted).
  auto cost = [](const Op& op) {
    Builder b("cost");
    Fixed x = from_raw(b, b.private_input("x"), kF32);
    Fixed y = from_raw(b, b.private_input("y"), kF32);
    std::size_t before = b.num_constraints();
    (void)op(b, x, y, kF32);
    return b.num_constraints() - before;
  };
  EXPECT_EQ(cost([](auto& b, auto& x, auto& y, auto& f) { return mul(b, x, y, f); }), 100u);
  EXPECT_EQ(cost([](auto& b, auto& x, auto& y, auto& f) { return div(b, x, y, f); }), 266u);
  EXPECT_EQ(cost([](auto& b, auto& x, auto&, auto& f) { return sqrt(b, x, f); }), 105u);
  EXPECT_EQ(cost([](auto& b, auto& x, auto&, auto& f) { return exp(b, x, f); }), 1153u);
  EXPECT_EQ(cost([](auto& b, auto& x, auto&, auto& f) { return ln(b, x, f); }), 1043u);
  EXPECT_EQ(cost([](auto& b, auto& x, auto&, auto& f) { return normal_cdf(b, x, f); }), 1026u);
  EXPECT_EQ(cost([](auto&, auto& x, auto& y, auto&) { return add(x, y); }), 0u);
}

}  // namespace
}  // namespace pm::gadgets::fixed

namespace pm::gadgets::fixed {
namespace {

// Only the gadgets make a Fixed: no aggregate, no public constructor, so a claimed bound is
// always one the constraints prove (Fixed{private_input, 32, 64} no longer compiles).
static_assert(!std::is_aggregate_v<Fixed>);
static_assert(!std::is_constructible_v<Fixed, Expr, unsigned, unsigned>);
static_assert(!std::is_constructible_v<Fixed, Builder*, Expr, Format, unsigned>);

// F = 4, I = 4: raw values in [-2^8, 2^8]; every pair on a grid against integer comparisons.
TEST(Fixed, SignedComparisonAndSelectionExhaustive) {
  const Format fmt{4, 4};
  Builder b("compare");
  Fixed x = from_raw(b, b.private_input("x"), fmt);
  Fixed y = from_raw(b, b.private_input("y"), fmt);
  Expr c = b.private_input("c");
  const Fixed lo = constant_ratio(-3, 2, fmt), hi = constant_ratio(9, 4, fmt);
  b.public_output("lt", less_than(x, y));
  b.public_output("le", less_or_equal(x, y));
  b.public_output("neg", is_negative(x));
  b.public_output("max", max(x, y).raw());
  b.public_output("min", min(x, y).raw());
  b.public_output("abs", abs(x).raw());
  b.public_output("clamp", clamp(x, lo, hi).raw());
  b.public_output("sel", select(c, x, y).raw());
  b.public_output("relu", max(x, constant_ratio(0, 1, fmt)).raw());
  auto circ = b.compile();
  auto raw = [](std::int64_t v) { return raw_of(v); };
  for (std::int64_t xv = -256; xv <= 256; xv += 23) {
    for (std::int64_t yv = -256; yv <= 256; yv += 29) {
      for (std::int64_t cv : {0, 1}) {
        std::vector<Fr> in{raw(xv), raw(yv), Fr::from_u64(static_cast<std::uint64_t>(cv))};
        auto pub = circ.public_signals(circ.solve(in));
        const std::vector<Fr> want{Fr::from_u64(xv < yv),
                                   Fr::from_u64(xv <= yv),
                                   Fr::from_u64(xv < 0),
                                   raw(std::max(xv, yv)),
                                   raw(std::min(xv, yv)),
                                   raw(xv < 0 ? -xv : xv),
                                   raw(std::clamp<std::int64_t>(xv, -24, 36)),
                                   raw(cv ? xv : yv),
                                   raw(std::max<std::int64_t>(xv, 0))};
        ASSERT_EQ(pub, want) << xv << " " << yv << " " << cv;
      }
    }
  }
  // Equal values, the format's edges, and the proof path.
  circuit::testing::run_circuit(
      circ, nlohmann::ordered_json{{"x", raw(-256).to_decimal()}, {"y", raw(255).to_decimal()}, {"c", 1}},
      std::vector<Fr>{Fr::one(), Fr::one(), Fr::one(), raw(255), raw(-256), raw(256), raw(-24), raw(-256),
                      raw(0)});
  // A comparison hint that claims x >= 0 for x = -1 (the sign bit set, the low bits left): the
  // decomposition no longer sums to the value.
  circuit::SolveOptions lie;
  lie.hint_overrides["to_bits"] = [](std::span<const Fr> in, std::span<Fr> out) {
    ff::u256 v = in[0].to_canonical();
    for (std::size_t i = 0; i < out.size(); ++i)
      out[i] = ff::bit(v, static_cast<unsigned>(i)) ? Fr::one() : Fr::zero();
    if (out.size() == 11) out[10] = Fr::one();  // less_than: x - y bounded by 9 bits, n + 2 bits
  };
  circuit::testing::expect_rejected(circ,
                                    nlohmann::ordered_json{{"x", raw(-1).to_decimal()}, {"y", "0"}, {"c", 0}},
                                    lie, "compared value within its bound");
  // A non-boolean selection condition.
  circuit::testing::expect_rejected(circ, nlohmann::ordered_json{{"x", "1"}, {"y", "0"}, {"c", 2}}, {},
                                    "fixed select");
}

TEST(Fixed, ComparisonCostsAsDocumented) {
  // Operands from from_raw at F = I = 32: |raw| <= 2^64 (n = 64).
  auto cost = [](const std::function<void(const Fixed&, const Fixed&)>& op) {
    Builder b("cost");
    Fixed x = from_raw(b, b.private_input("x"), kF32);
    Fixed y = from_raw(b, b.private_input("y"), kF32);
    std::size_t before = b.num_constraints();
    op(x, y);
    return b.num_constraints() - before;
  };
  EXPECT_EQ(cost([](auto& x, auto&) { (void)is_negative(x); }), 67u);
  EXPECT_EQ(cost([](auto& x, auto& y) { (void)less_than(x, y); }), 68u);
  EXPECT_EQ(cost([](auto& x, auto& y) { (void)max(x, y); }), 69u);
  EXPECT_EQ(cost([](auto& x, auto& y) { (void)min(x, y); }), 69u);
  EXPECT_EQ(cost([](auto& x, auto&) { (void)abs(x); }), 68u);
  EXPECT_EQ(cost([](auto& x, auto& y) { (void)clamp(x, y, constant(5, kF32)); }), 2u * 69);
  Builder b("cost");
  Fixed x = from_raw(b, b.private_input("x"), kF32);
  Expr c = b.private_input("c");
  b.assert_boolean(c);
  std::size_t before = b.num_constraints();
  (void)select(c, x, constant(1, kF32));
  EXPECT_EQ(b.num_constraints() - before, 1u);
  // Constants compare when the circuit is built.
  EXPECT_TRUE(less_than(constant(-1, kF32), constant(0, kF32)).constant().is_one());
  EXPECT_EQ(max(constant(2, kF32), constant(-3, kF32)).raw().constant(), encode(2, 32));
  EXPECT_THROW((void)clamp(x, constant(2, kF32), constant(1, kF32)), Error);
}

// d1 = (ln(S/K) + (r + sigma^2/2) T) / (sigma sqrt(T)) through the operators, as a formula,
// agrees with double precision and costs what the explicit calls cost. Written one operation a
// statement it is byte for byte their circuit; as one expression its constraints come in the
// compiler's evaluation order of the operands (unspecified in C++), which docs/CIRCUITS.md notes.
TEST(Fixed, OperatorsReadAsFormulas) {
  const Format fmt = kF32;
  auto inputs = [&](Builder& b) {
    std::vector<Fixed> v;
    for (const char* n : {"s", "k", "r", "sigma", "t"}) v.push_back(from_raw(b, b.private_input(n), fmt));
    return v;
  };
  Builder b1("d1");
  auto in1 = inputs(b1);
  {
    const Fixed &s = in1[0], &k = in1[1], &r = in1[2], &sigma = in1[3], &t = in1[4];
    const Fixed half = constant_ratio(1, 2, fmt);
    Fixed d1 = (ln(s / k) + (r + sigma * sigma * half) * t) / (sigma * sqrt(t));
    b1.public_output("d1", d1.raw());
  }
  Builder b2("d1");
  auto in2 = inputs(b2);
  {
    const Fixed half = constant_ratio(1, 2, fmt);
    Fixed q = div(b2, in2[0], in2[1], fmt);
    Fixed l = ln(b2, q, fmt);
    Fixed s2 = mul(b2, mul(b2, in2[3], in2[3], fmt), half, fmt);
    Fixed num = add(l, mul(b2, add(in2[2], s2), in2[4], fmt));
    Fixed den = mul(b2, in2[3], sqrt(b2, in2[4], fmt), fmt);
    b2.public_output("d1", div(b2, num, den, fmt).raw());
  }
  Builder b3("d1");
  auto in3 = inputs(b3);
  {
    const Fixed &s = in3[0], &k = in3[1], &r = in3[2], &sigma = in3[3], &t = in3[4];
    const Fixed half = constant_ratio(1, 2, fmt);
    Fixed q = s / k;
    Fixed l = ln(q);
    Fixed sigma2 = sigma * sigma;
    Fixed s2 = sigma2 * half;
    Fixed rate = (r + s2) * t;
    Fixed num = l + rate;
    Fixed root = sqrt(t);
    Fixed den = sigma * root;
    b3.public_output("d1", (num / den).raw());
  }
  auto c1 = b1.compile(), c2 = b2.compile(), c3 = b3.compile();
  EXPECT_EQ(c1.num_constraints(), c2.num_constraints());
  EXPECT_EQ(formats::write_r1cs(c3.r1cs(), c3.wire_labels()),
            formats::write_r1cs(c2.r1cs(), c2.wire_labels()));
  nlohmann::ordered_json in;
  const double S = 100, K = 95, r = 0.05, sigma = 0.2, T = 0.5;
  for (auto [n, v] : {std::pair{"s", S}, {"k", K}, {"r", r}, {"sigma", sigma}, {"t", T}}) {
    in[n] = encode(v, 32).to_decimal();
  }
  const double want = (std::log(S / K) + (r + sigma * sigma / 2) * T) / (sigma * std::sqrt(T));
  auto got = decode(c1.public_signals(c1.solve(in))[0], 32);
  EXPECT_NEAR(static_cast<double>(got), want, 1e-8);
  // Two constants have no builder to put a constraint in.
  EXPECT_THROW((void)(constant(1, fmt) * constant(2, fmt)), Error);
  EXPECT_EQ(constant_ratio(-1, 3, kF16).raw().constant(), raw_of(-21845));
  EXPECT_EQ(constant_ratio(1, 2, kF16).raw().constant(), raw_of(32768));
}

// The R1CS of the series gadgets, pinned: their coefficients are committed tables and every
// bound is integer arithmetic, so any host, compiler or libm builds these same bytes. A change
// here is a change of circuit (and of every zkey made for it): make it deliberately.
TEST(Fixed, R1csHashesArePinned) {
  struct Case {
    const char* name;
    Format fmt;
    Fixed (*op)(const Fixed&);
    const char* sha256;
  };
  const Case cases[] = {
      {"exp", kF32, [](const Fixed& x) { return exp(x); },
       "7e669135c579ed034fce69a6cb552d666a311f747e08d3a4a414455308725198"},
      {"ln", kF32, [](const Fixed& x) { return ln(x); },
       "77b2b30a48a0041ac31633fd3a5d94a9b2babd60a5535b1a5a5677f9853d8408"},
      {"normal_cdf", kF32, [](const Fixed& x) { return normal_cdf(x); },
       "5c512b9378093006f8e9b8892b8a08c4c98438af333d14c74ebfe0f263595f44"},
      {"exp", kF16, [](const Fixed& x) { return exp(x); },
       "11fe10f26d9fb41477c0f55a2037ca9d315dd7b559da3b336f658ed27a5943c6"},
      {"ln", kF16, [](const Fixed& x) { return ln(x); },
       "0e7acc88b7b3ee739dffe8138af821a3af772c37223530252c1fe3dc8613bb05"},
      {"normal_cdf", kF16, [](const Fixed& x) { return normal_cdf(x); },
       "d93ef248c627ba0c7bfc3d0b5e88dc3e33a350d3d3419e19d04a3d458d17fb95"},
      {"normal_cdf", Format{48, 16}, [](const Fixed& x) { return normal_cdf(x); },
       "fe7e786edc9765c63ba744e03d7f377e7d5b90336210f6ce44b71fed84a6d58b"},
      {"exp", Format{64, 32}, [](const Fixed& x) { return exp(x); },
       "444ecac8a08f5edceeb39b19432d06050befd173d644ee5a088c8b5230456427"},
  };
  for (const auto& c : cases) {
    Builder b(c.name);
    b.public_output("y", c.op(from_raw(b, b.private_input("x"), c.fmt)).raw());
    auto circ = b.compile();
    EXPECT_EQ(hash::sha256_hex(formats::write_r1cs(circ.r1cs(), circ.wire_labels())), c.sha256)
        << c.name << " at F = " << c.fmt.frac_bits << ", I = " << c.fmt.int_bits;
  }
}

}  // namespace
}  // namespace pm::gadgets::fixed
