#pragma once
/// \file What the emulated module's tests share (tests only; not installed): points from
/// scalars, limbs as input JSON, the example inner proof, and a forced residue.

#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "circuit/circuit.hpp"
#include "emulated/aggregate.hpp"
#include "emulated/field.hpp"
#include "formats/wtns.hpp"
#include "formats/zkey.hpp"
#include "groth16/prover.hpp"

namespace pm::emulated::testing {

inline constexpr unsigned kLimbs = Layout{}.limbs;

inline ff::u256 random_scalar(std::mt19937_64& rng) { return {rng(), rng(), rng(), rng() >> 4}; }
inline ec::G1Affine g1_mul(const ff::u256& k) {
  return ec::G1::from_affine(ec::g1_generator()).mul_vartime(k).to_affine();
}
inline ec::G2Affine g2_mul(const ff::u256& k) {
  return ec::G2::from_affine(ec::g2_generator()).mul_vartime(k).to_affine();
}

inline nlohmann::ordered_json to_json(const std::vector<Fr>& v) {
  nlohmann::ordered_json a = nlohmann::ordered_json::array();
  for (const auto& x : v) a.push_back(x.to_decimal());
  return a;
}

/// A proof from our prover with examples/poseidon_chain's snarkjs-made key (2 public signals),
/// checked natively.
inline const InnerProof& example_proof() {
  static const InnerProof p = [] {
    const std::string dir = std::string(PROOFMILL_SOURCE_DIR) + "/examples/poseidon_chain/";
    auto pk = std::make_shared<const groth16::ProvingKey>(formats::load_zkey(dir + "circuit.zkey"));
    const auto w = formats::load_wtns(dir + "witness.wtns");
    InnerProof r;
    r.vk = pk->verifying_key();
    r.proof = groth16::Prover(pk).prove(w.values);
    for (std::size_t i = 1; i <= r.vk.n_public(); ++i) r.public_inputs.push_back(w.values[i]);
    const InnerProof one[1] = {r};
    verify_inner(one);  // throws if the example's proof does not verify
    return r;
  }();
  return p;
}

/// A "pairing residue" hint that answers c = c^-1 = 1 whatever the pairing: a prover forcing a
/// residue onto a product that is not 1 (the honest hint refuses one).
inline circuit::HintFn unit_residue() {
  return [](std::span<const Fr>, std::span<Fr> out) {
    for (auto& v : out) v = Fr::zero();
    out[0] = Fr::one();            // c = 1
    out[12 * kLimbs] = Fr::one();  // c^-1 = 1
  };
}

/// The first failing constraint of a witness solved with `o` (check off).
inline std::string first_failure(const circuit::Circuit& c, const nlohmann::ordered_json& in,
                                 circuit::SolveOptions o) {
  o.check = false;
  return c.first_failure(c.solve(in, o)).value_or("");
}

}  // namespace pm::emulated::testing
