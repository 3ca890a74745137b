#include "emulated/tower.hpp"

#include <vector>

namespace pm::emulated {

Fq2Var fq2_mul(Field& f, const Fq2Var& a, const Fq2Var& b) {
  auto scope = f.builder().scope("fq2 mul");
  const Lazy x[2] = {a.c0, a.c1}, y[2] = {b.c0, b.c1};
  auto p = f.poly_mul(x, y, "fq2 product");
  // u^2 = -1.
  return {f.reduce(p[0] - p[2]), f.reduce(p[1])};
}

// Coefficient (j, i, e) of the tower, index 6j + 2i + e, multiplies u^e v^i w^j = u^e w^m with
// m = 2i + j; u = w^6 - 9.
std::array<Lazy, 12> fq12_to_w(const Fq12Var& a) {
  std::array<Lazy, 12> d;
  for (unsigned m = 0; m < 6; ++m) {
    const unsigned x = 6 * (m % 2) + 2 * (m / 2);
    d[m] = a.c[x].lazy() - 9 * a.c[x + 1].lazy();
    d[m + 6] = a.c[x + 1].lazy();
  }
  return d;
}

std::array<Lazy, 12> fq12_from_w(std::span<const Lazy> in) {
  std::vector<Lazy> d(in.begin(), in.end());
  for (std::size_t m = d.size(); m-- > 12;) {
    d[m - 6] = d[m - 6] + 18 * d[m];
    d[m - 12] = d[m - 12] - 82 * d[m];
  }
  d.resize(12);
  std::array<Lazy, 12> out;
  for (unsigned m = 0; m < 6; ++m) {
    const unsigned x = 6 * (m % 2) + 2 * (m / 2);
    out[x] = d[m] + 9 * d[m + 6];
    out[x + 1] = d[m + 6];
  }
  return out;
}

Fq12Var fq12_mul(Field& f, const Fq12Var& a, const Fq12Var& b) {
  auto scope = f.builder().scope("fq12 mul");
  const auto x = fq12_to_w(a), y = fq12_to_w(b);
  const auto t = fq12_from_w(f.poly_mul(x, y, "fq12 product"));
  Fq12Var out;
  for (unsigned i = 0; i < 12; ++i) out.c[i] = f.reduce(t[i]);
  return out;
}

}  // namespace pm::emulated
