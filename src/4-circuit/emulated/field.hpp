#pragma once
/// \file BN254's base field Fq emulated in a BN254 circuit (whose native field is Fr < q).
///
/// An element is a little-endian vector of limbs, value = sum limb[i] 2^(i L), L the limb width.
/// Two kinds of value:
///  - `Elem`, reduced: every limb proven in [0, 2^L) (the top one in fewer bits, so the value is
///    below 2^254; it may still be >= q: `canonical` proves value < q where a unique form is
///    needed, e.g. before hashing);
///  - `Lazy`, an integer not yet reduced: each coefficient's integer value lies in a range the
///    builder tracks exactly (signed; every bound far below r/2, so a coefficient's field value
///    names one integer). Sums, differences, small multiples and products of Lazy values cost no
///    range check; they become an `Elem` with one `reduce`, or are proven to vanish mod q with
///    one `assert_zero`.
///
/// Products. The limbs of a * b are the coefficients of a(X) b(X). They come from a hint and are
/// proven by evaluating both sides at 2n - 1 constant points: one constraint per point (the
/// evaluations are linear in the limbs), and a polynomial of degree 2n - 2 that agrees with
/// a(X) b(X) at 2n - 1 points is that product (over Fr; no coefficient reaches r/2, so over the
/// integers too). `poly_mul` does the same for polynomials whose coefficients are emulated
/// integers, the extension fields' multiplication (tower.hpp): 23 x 7 points for an Fq12
/// product, however many Fq products it holds.
///
/// Reduction of U = sum u_j 2^(jL) to r = U mod q: the quotient Q and the remainder R come from a
/// hint, and every one of their limbs is range-checked (no free witness). Then the integer
/// identity U - Q q - R = 0 is proven limb by limb: T_j, the coefficients of U - Q(X) q(X) - R(X),
/// are linear in the wires; consecutive coefficients are grouped while the group's value stays
/// far below r, and each group's carry c = (sum_group T_j 2^.. + c_in) / 2^(L len) is defined in
/// Fr and range-checked, which is the group's equation: a witness whose T does not vanish as an
/// integer has no carry in range. The last group's sum is asserted zero. Every bound is computed
/// exactly (GMP) when building; a value that could reach r/2 is refused at build time.
///
/// Constraints with the default layout (4 limbs of 64 bits), pinned by field.test.cpp:
/// docs/AGGREGATION.md has the table and the comparison with gnark and circom-pairing.

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "circuit/builder.hpp"
#include "ff/bn254.hpp"

namespace pm::emulated {

using circuit::Builder;
using circuit::Expr;
using ff::Fq;
using ff::Fr;

/// A signed integer below 2^256 in magnitude (a coefficient's bound).
struct Int {
  ff::u256 mag{};
  bool neg = false;
  friend bool operator==(const Int&, const Int&) = default;
};
/// lo <= value <= hi.
struct Range {
  Int lo, hi;
};

struct Layout {
  unsigned limbs = 4;       ///< n: limbs of an Elem (n * L >= 254)
  unsigned limb_bits = 64;  ///< L (16..120)
  /// Width of limb i of an Elem: L, the top limb 254 - (n - 1) L.
  unsigned bits_of(unsigned i) const { return i + 1 < limbs ? limb_bits : 254 - (limbs - 1) * limb_bits; }
};

/// An integer sum c_j 2^(jL) with proven ranges for its coefficients; made by Field.
class Lazy {
 public:
  Lazy() = default;
  std::size_t size() const { return c_.size(); }
  std::span<const Expr> coeffs() const { return c_; }
  bool is_constant() const;

  friend Lazy operator+(const Lazy& a, const Lazy& b);
  friend Lazy operator-(const Lazy& a, const Lazy& b);
  /// k * a for a small signed constant.
  friend Lazy operator*(std::int64_t k, const Lazy& a);
  Lazy operator-() const { return -1 * *this; }

 private:
  friend class Field;
  std::vector<Expr> c_;
  std::vector<Range> r_;
};

/// A reduced element (see the file comment).
class Elem {
 public:
  Elem() = default;
  std::span<const Expr> limbs() const { return v_.coeffs(); }
  const Lazy& lazy() const { return v_; }
  operator const Lazy&() const { return v_; }  // NOLINT(google-explicit-constructor)

 private:
  friend class Field;
  explicit Elem(Lazy v) : v_(std::move(v)) {}
  Lazy v_;
};

/// The limbs of v's canonical value (input files, hints).
std::vector<Fr> to_limbs(const Layout& l, const Fq& v);
/// The value mod q of non-negative limbs (an Elem's, as a hint reads them).
Fq from_limbs(const Layout& l, std::span<const Fr> limbs);

class Field {
 public:
  explicit Field(Builder& b, Layout layout = {});
  Builder& builder() const { return b_; }
  const Layout& layout() const { return layout_; }

  /// The limbs as wires, range-checked (limbs().size() + sum of bits_of constraints).
  Elem input(std::span<const Expr> limbs, std::string_view label = {});
  Elem constant(const Fq& v) const;
  Elem zero() const { return constant(Fq::zero()); }
  /// values[i] for the selector that is 1: `selectors` must be booleans with exactly one set,
  /// which the caller proves. Free: the limbs are linear in the selectors.
  Lazy choose(std::span<const Expr> selectors, std::span<const Fq> values) const;
  /// cond ? a : b for a boolean cond (asserted unless known): one constraint a limb.
  Elem select(const Expr& cond, const Elem& a, const Elem& b, std::string_view label = {});
  /// `a` as an Elem without a constraint, when its tracked ranges already make it one (n
  /// non-negative coefficients within the limb widths, e.g. choose's); Error otherwise.
  Elem as_elem(const Lazy& a) const;

  /// a * b, unreduced: 2n - 1 product wires and constraints (none when a side is constant).
  Lazy mul(const Lazy& a, const Lazy& b, std::string_view label = {});
  /// The product of polynomials with emulated-integer coefficients: a.size() + b.size() - 1
  /// coefficients, checked at that many times (2n - 1) points.
  std::vector<Lazy> poly_mul(std::span<const Lazy> a, std::span<const Lazy> b, std::string_view label = {});

  /// a mod q as an Elem (see the file comment for the cost).
  Elem reduce(const Lazy& a, std::string_view label = {});
  /// The same, also proving value < q (about 254 more constraints).
  Elem reduce_canonical(const Lazy& a, std::string_view label = {});
  /// a == 0 mod q.
  void assert_zero(const Lazy& a, std::string_view label = {});
  void assert_equal(const Lazy& a, const Lazy& b, std::string_view label = {}) { assert_zero(a - b, label); }

  Elem mul(const Elem& a, const Elem& b, std::string_view label = {}) {
    return reduce(mul(a.lazy(), b.lazy(), label), label);
  }

  // -- Witness side.
  /// An element's value (mod q) in a solved witness.
  Fq value(const Elem& a, std::span<const Fr> values) const;

 private:
  Elem reduce_impl(const Lazy& a, bool remainder, bool canonical, std::string_view label);
  Builder& b_;
  Layout layout_;
};

}  // namespace pm::emulated
