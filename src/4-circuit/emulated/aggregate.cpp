#include "emulated/aggregate.hpp"

#include <string>

#include "base/error.hpp"
#include "emulated/groth16.hpp"
#include "gadgets/poseidon.hpp"
#include "groth16/verifier.hpp"

namespace pm::emulated {
namespace {

using nlohmann::ordered_json;

void push_limbs(std::vector<ff::Fr>& out, const ff::Fq& v) {
  for (const auto& l : to_limbs(Layout{}, v)) out.push_back(l);
}
void push_g1(std::vector<ff::Fr>& out, const ec::G1Affine& p) {
  push_limbs(out, p.x);
  push_limbs(out, p.y);
}
void push_g2(std::vector<ff::Fr>& out, const ec::G2Affine& q) {
  for (const auto& c : {q.x.c0, q.x.c1, q.y.c0, q.y.c1}) push_limbs(out, c);
}

ordered_json to_json(std::span<const ff::Fr> v) {
  ordered_json a = ordered_json::array();
  for (const auto& x : v) a.push_back(x.to_decimal());
  return a;
}

}  // namespace

ff::Fr key_hash(const groth16::VerifyingKey& vk) {
  std::vector<ff::Fr> v;
  push_g1(v, vk.alpha1);
  push_g2(v, vk.beta2);
  push_g2(v, vk.gamma2);
  push_g2(v, vk.delta2);
  for (const auto& p : vk.ic) push_g1(v, p);
  return hash::poseidon_sponge(v);
}

ff::Fr claim_hash(const ff::Fr& kh, std::span<const ff::Fr> public_inputs) {
  std::vector<ff::Fr> v = {kh, ff::Fr::from_u64(public_inputs.size())};
  v.insert(v.end(), public_inputs.begin(), public_inputs.end());
  return hash::poseidon_sponge(v);
}

std::vector<ff::Fr> ClaimsTree::path(std::size_t i) const {
  std::vector<ff::Fr> out;
  for (unsigned d = 0; d < depth; ++d, i /= 2) out.push_back(levels[d][i ^ 1]);
  return out;
}

ClaimsTree claims_tree(std::span<const InnerProof> inner) {
  if (inner.empty()) throw Error(Errc::invalid_argument, "aggregation: no inner proof");
  ClaimsTree t;
  t.depth = 1;
  while ((std::size_t{1} << t.depth) < inner.size()) ++t.depth;
  for (const auto& p : inner) t.claims.push_back(claim_hash(key_hash(p.vk), p.public_inputs));
  std::vector<ff::Fr> level(std::size_t{1} << t.depth, ff::Fr::zero());
  std::copy(t.claims.begin(), t.claims.end(), level.begin());
  t.levels.push_back(level);
  while (level.size() > 1) {
    std::vector<ff::Fr> up;
    for (std::size_t i = 0; i < level.size(); i += 2) {
      const ff::Fr pair[2] = {level[i], level[i + 1]};
      up.push_back(hash::poseidon(pair));
    }
    level = std::move(up);
    t.levels.push_back(level);
  }
  t.root = level[0];
  return t;
}

void verify_inner(std::span<const InnerProof> inner) {
  for (std::size_t i = 0; i < inner.size(); ++i) {
    const auto& p = inner[i];
    if (p.public_inputs.size() != p.vk.n_public()) {
      throw Error(Errc::mismatch, "inner proof " + std::to_string(i) + ": " +
                                      std::to_string(p.public_inputs.size()) +
                                      " public inputs, its key has " + std::to_string(p.vk.n_public()));
    }
    std::vector<ff::u256> pub;
    for (const auto& x : p.public_inputs) pub.push_back(x.to_canonical());
    const auto r = groth16::verify(p.vk, pub, p.proof);
    if (!r.valid) {
      throw Error(Errc::unsatisfied, "inner proof " + std::to_string(i) + " does not verify against its key" +
                                         (r.reason.empty() ? "" : ": " + r.reason));
    }
  }
}

Aggregation build_aggregation(std::span<const InnerProof> inner) {
  verify_inner(inner);
  ClaimsTree tree = claims_tree(inner);
  ordered_json input = ordered_json::object();
  circuit::Builder b("aggregate");
  Field f(b);
  const unsigned k = f.layout().limbs;
  std::vector<Expr> level(std::size_t{1} << tree.depth, Expr(0));
  for (std::size_t i = 0; i < inner.size(); ++i) {
    const auto& p = inner[i];
    auto scope = b.scope("inner proof " + std::to_string(i));
    const std::string tag = std::to_string(i);
    const auto x = b.private_inputs("x" + tag, p.vk.n_public());
    const ProofVar pv = proof_input(f, b.private_inputs("proof" + tag, 8 * k));
    assert_groth16_verifies(f, p.vk, pv, x);
    std::vector<Expr> claim = {Expr(key_hash(p.vk)), Expr(static_cast<std::int64_t>(x.size()))};
    claim.insert(claim.end(), x.begin(), x.end());
    level[i] = gadgets::poseidon_sponge(b, claim);
    input["x" + tag] = to_json(p.public_inputs);
    input["proof" + tag] = to_json(proof_limbs(f.layout(), p.proof));
  }
  {
    auto scope = b.scope("claims root");
    while (level.size() > 1) {
      std::vector<Expr> up;
      for (std::size_t i = 0; i < level.size(); i += 2) {
        const Expr pair[2] = {level[i], level[i + 1]};
        up.push_back(gadgets::poseidon(b, pair));
      }
      level = std::move(up);
    }
  }
  b.public_output("claims_root", level[0]);
  return {b.compile(), std::move(input), std::move(tree)};
}

ordered_json claims_json(std::span<const InnerProof> inner, const ClaimsTree& t) {
  ordered_json claims = ordered_json::array();
  for (std::size_t i = 0; i < inner.size(); ++i) {
    claims.push_back({{"index", i},
                      {"key_hash", key_hash(inner[i].vk).to_decimal()},
                      {"public", to_json(inner[i].public_inputs)},
                      {"claim", t.claims[i].to_decimal()},
                      {"path", to_json(t.path(i))}});
  }
  return {{"root", t.root.to_decimal()}, {"depth", t.depth}, {"claims", claims}};
}

}  // namespace pm::emulated
