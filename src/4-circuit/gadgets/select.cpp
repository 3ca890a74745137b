#include "gadgets/select.hpp"

#include <string>
#include <vector>

#include "base/error.hpp"

namespace pm::gadgets {

Expr select_index(Builder& b, std::span<const Expr> table, const Expr& index) {
  const std::size_t n = table.size();
  if (n == 0) throw Error(Errc::invalid_argument, "select_index: empty table");
  if (index.is_constant()) {
    const ff::u256 v = index.constant().to_canonical();
    if (v[1] != 0 || v[2] != 0 || v[3] != 0 || v[0] >= n) {
      throw Error(Errc::invalid_argument, "select_index: constant index " + index.constant().to_decimal() +
                                              " outside a table of " + std::to_string(n));
    }
    return table[v[0]];
  }
  auto scope = b.scope("select_index(" + std::to_string(n) + ")");
  // s_i = [index == i], from a hint; constrained below.
  auto s = b.hint(
      "one-hot index", std::span<const Expr>(&index, 1), n, [n](std::span<const Fr> in, std::span<Fr> out) {
        const ff::u256 v = in[0].to_canonical();
        const bool small = v[1] == 0 && v[2] == 0 && v[3] == 0 && v[0] < n;
        if (!small)
          throw Error(Errc::unsatisfied, "select_index: index " + in[0].to_decimal() + " outside the table");
        for (std::size_t i = 0; i < n; ++i) out[i] = i == v[0] ? Fr::one() : Fr::zero();
      });
  // Booleans summing to 1 (n < r: the integer sum) are one-hot; their weighted sum is the
  // position of the 1, which must be the index.
  Expr sum, weighted;
  for (std::size_t i = 0; i < n; ++i) {
    b.assert_boolean(s[i], "selector is boolean");
    sum += s[i];
    weighted += s[i] * Fr::from_u64(i);
  }
  b.assert_equal(sum, Expr(1), "exactly one entry selected");
  b.assert_equal(weighted, index, "index within the table");
  // table[j] = t_0 + sum_(i >= 1) s_i (t_i - t_0), since the s_i sum to 1.
  Expr out = table[0];
  for (std::size_t i = 1; i < n; ++i) out += b.mul(s[i], table[i] - table[0], "selected entry");
  return out;
}

Expr mux(Builder& b, std::span<const Expr> bits, std::span<const Expr> table) {
  if (bits.empty() || bits.size() > 20 || table.size() != (std::size_t{1} << bits.size())) {
    throw Error(Errc::invalid_argument, "mux: a table of 2^k entries for k = 1..20 index bits, not " +
                                            std::to_string(table.size()) + " entries for " +
                                            std::to_string(bits.size()) + " bits");
  }
  auto scope = b.scope("mux(" + std::to_string(table.size()) + ")");
  std::vector<Expr> level(table.begin(), table.end());
  for (const auto& bit : bits) {
    std::vector<Expr> next;
    next.reserve(level.size() / 2);
    for (std::size_t i = 0; i < level.size(); i += 2) {
      next.push_back(b.select(bit, level[i + 1], level[i], "mux selection"));
    }
    level = std::move(next);
  }
  return level[0];
}

}  // namespace pm::gadgets
