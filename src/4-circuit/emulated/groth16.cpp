#include "emulated/groth16.hpp"

#include <string>

#include "base/error.hpp"
#include "pairing/pairing.hpp"

namespace pm::emulated {
namespace {

constexpr unsigned kWindow = 4;

G1Var constant1(Field& f, const ec::G1Affine& p) { return {f.constant(p.x), f.constant(p.y)}; }

}  // namespace

std::vector<Fr> proof_limbs(const Layout& l, const groth16::Proof& p) {
  std::vector<Fr> out = g1_limbs(l, p.a);
  const auto b = g2_limbs(l, p.b), c = g1_limbs(l, p.c);
  out.insert(out.end(), b.begin(), b.end());
  out.insert(out.end(), c.begin(), c.end());
  return out;
}

ProofVar proof_input(Field& f, std::span<const Expr> limbs) {
  const unsigned k = f.layout().limbs;
  if (limbs.size() != 8 * k) throw Error(Errc::invalid_argument, "proof_input: expected 8 x limbs wires");
  auto scope = f.builder().scope("proof");
  ProofVar p{g1_input(f, limbs.subspan(0, 2 * k)), g2_input(f, limbs.subspan(2 * k, 4 * k)),
             g1_input(f, limbs.subspan(6 * k, 2 * k))};
  assert_g2_in_subgroup(f, p.b);
  return p;
}

void assert_g2_in_subgroup(Field& f, const G2Var& q) {
  auto scope = f.builder().scope("g2 subgroup");
  // [x]Q by double-and-add from the top bit. For Q in G2 no step meets an equal x ([m]Q = +-Q
  // needs m = +-1 mod r); for other points a step may be unsatisfiable, which rejects them too.
  G2Var xq = q;
  for (int i = 62 - __builtin_clzll(pairing::kBnX); i >= 0; --i) {
    xq = g2_double(f, xq);
    if ((pairing::kBnX >> i) & 1) xq = g2_add(f, xq, q);
  }
  const G2Var p1 = g2_psi(f, xq), p2 = g2_psi(f, p1);
  const G2Var lhs = g2_add(f, g2_add(f, g2_add(f, xq, q), p1), p2);
  const G2Var rhs = g2_psi(f, g2_psi(f, g2_psi(f, g2_double(f, xq))));
  for (const auto& [a, b] : {std::pair{lhs.x.c0, rhs.x.c0}, std::pair{lhs.x.c1, rhs.x.c1},
                             std::pair{lhs.y.c0, rhs.y.c0}, std::pair{lhs.y.c1, rhs.y.c1}}) {
    f.assert_equal(a.lazy(), b.lazy(), "g2 point in the subgroup");
  }
}

G1Var public_input_commitment(Field& f, const groth16::VerifyingKey& vk, std::span<const Expr> inputs) {
  if (inputs.size() != vk.n_public()) {
    throw Error(Errc::invalid_argument, "groth16 in circuit: " + std::to_string(inputs.size()) +
                                            " public inputs, the key has " + std::to_string(vk.n_public()));
  }
  Builder& b = f.builder();
  auto scope = b.scope("public input commitment");
  constexpr unsigned kWindows = (254 + kWindow - 1) / kWindow;
  ec::G1 offset_sum = ec::G1::identity();
  std::vector<G1Var> selected;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const auto bits = b.to_bits_strict(inputs[i], "public input bits");
    ec::G1 base = ec::G1::from_affine(vk.ic[i + 1]);  // 16^j IC_i
    for (unsigned j = 0; j < kWindows; ++j) {
      const unsigned w = std::min<unsigned>(kWindow, 254 - j * kWindow);
      // One-hot selectors of the window's digit.
      std::vector<Expr> sel = {Expr(1)};
      for (unsigned t = 0; t < w; ++t) {
        const Expr& bit = bits[j * kWindow + t];
        std::vector<Expr> next(2 * sel.size());
        for (std::size_t s = 0; s < sel.size(); ++s) {
          const Expr on =
              sel[s].is_constant() ? bit * sel[s].constant() : b.mul(sel[s], bit, "digit selector");
          next[s] = sel[s] - on;
          next[s + sel.size()] = on;
        }
        sel = std::move(next);
      }
      const ec::G1Affine r = g1_point_from_counter(1000000 * (i + 1) + 1000 * j);
      offset_sum = offset_sum.add(ec::G1::from_affine(r));
      std::vector<ff::Fq> xs, ys;
      ec::G1 d_base = ec::G1::identity();
      for (std::size_t d = 0; d < sel.size(); ++d) {
        const ec::G1Affine e = d_base.add(ec::G1::from_affine(r)).to_affine();
        if (e.is_infinity())
          throw Error(Errc::invalid_argument, "groth16 in circuit: a window entry is infinity");
        xs.push_back(e.x);
        ys.push_back(e.y);
        d_base = d_base.add(base);
      }
      selected.push_back({f.as_elem(f.choose(sel, xs)), f.as_elem(f.choose(sel, ys))});
      for (unsigned t = 0; t < kWindow; ++t) base = base.dbl();
    }
  }
  const ec::G1Affine start = ec::G1::from_affine(vk.ic[0]).add(offset_sum.neg()).to_affine();
  if (start.is_infinity())
    throw Error(Errc::invalid_argument, "groth16 in circuit: IC_0 cancels the offsets");
  G1Var acc = constant1(f, start);
  for (const auto& s : selected) acc = g1_add(f, acc, s);
  return acc;
}

void assert_groth16_verifies(Field& f, const groth16::VerifyingKey& vk, const ProofVar& proof,
                             std::span<const Expr> public_inputs) {
  auto scope = f.builder().scope("groth16 verify");
  PairingProduct t;
  t.p = {g1_neg(f, proof.a)};
  t.q = {proof.b};
  t.fixed_p = {public_input_commitment(f, vk, public_inputs), proof.c};
  t.fixed_q = {FixedG2(vk.gamma2), FixedG2(vk.delta2)};
  t.const_p = {vk.alpha1};
  t.const_q = {vk.beta2};
  assert_pairing_product_is_one(f, t);
}

}  // namespace pm::emulated
