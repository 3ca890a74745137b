// Fixed-point gadgets: maximum errors measured over grids and at domain edges against exact
// integer references (mul, div, sqrt) and long-double references (exp, ln, normal_cdf); domain
// violations and malicious rounding rejected by constraints.
#include "gadgets/fixed.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <numbers>
#include <random>

#include "base/error.hpp"
#include "circuit/testing.hpp"

namespace pm::gadgets::fixed {
namespace {

using Op = std::function<Fixed(Builder&, const Fixed&, const Fixed&, const Format&)>;
__extension__ typedef __int128 i128;

circuit::Circuit make(const Format& fmt, const Op& op) {
  Builder b("fixed");
  Fixed x = from_raw(b, b.private_input("x"), fmt);
  Fixed y = from_raw(b, b.private_input("y"), fmt);
  b.public_output("z", op(b, x, y, fmt).raw);
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
  circuit::testing::expect_rejected(ce, ein, off, "exp reduced argument below 1/2");
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
  EXPECT_EQ(cost([](auto& b, auto& x, auto&, auto& f) { return exp(b, x, f); }), 1051u);
  EXPECT_EQ(cost([](auto& b, auto& x, auto&, auto& f) { return ln(b, x, f); }), 1486u);
  EXPECT_EQ(cost([](auto& b, auto& x, auto&, auto& f) { return normal_cdf(b, x, f); }), 1032u);
  EXPECT_EQ(cost([](auto&, auto& x, auto& y, auto&) { return add(x, y); }), 0u);
}

}  // namespace
}  // namespace pm::gadgets::fixed
