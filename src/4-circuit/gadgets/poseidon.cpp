#include "gadgets/poseidon.hpp"

#include "base/error.hpp"

namespace pm::gadgets {

std::vector<Expr> poseidon_ex(Builder& b, std::span<const Expr> inputs, const Expr& init_state,
                              unsigned n_out) {
  hash::poseidon_check_arity(inputs.size());
  const auto& p = poseidon_params(static_cast<unsigned>(inputs.size()));
  if (n_out == 0 || n_out > p.t) throw Error(Errc::invalid_argument, "Poseidon: n_out must be in 1..t");
  auto scope = b.scope("poseidon(" + std::to_string(inputs.size()) + ")");
  std::vector<Expr> state{init_state};
  state.insert(state.end(), inputs.begin(), inputs.end());
  hash::poseidon_permute(
      p, state,
      [&b](const Expr& x) {
        Expr x2 = b.mul(x, x, "x^2");
        Expr x4 = b.mul(x2, x2, "x^4");
        return b.mul(x4, x, "x^5");
      },
      [](const Expr& x, const Fr& k) { return x * k; });
  state.resize(n_out);
  return state;
}

Expr poseidon(Builder& b, std::span<const Expr> inputs) { return poseidon_ex(b, inputs, Expr(), 1)[0]; }

Expr poseidon_sponge(Builder& b, std::span<const Expr> inputs) {
  auto scope = b.scope("poseidon sponge(" + std::to_string(inputs.size()) + ")");
  return hash::poseidon_sponge_with(inputs, Expr(), Expr(hash::poseidon_sponge_capacity(inputs.size())),
                                    [&b](std::span<const Expr> rate, const Expr& cap) {
                                      return poseidon_ex(b, rate, cap, hash::kPoseidonSpongeRate + 1);
                                    });
}

}  // namespace pm::gadgets
