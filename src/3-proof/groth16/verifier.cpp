#include "groth16/verifier.hpp"

#include "msm/msm.hpp"
#include "pairing/pairing.hpp"

namespace pm::groth16 {

std::string check_verifying_key(const VerifyingKey& vk) {
  if (vk.ic.empty()) return "verifying key has no IC points";
  if (!ec::g1_is_valid(vk.alpha1) || vk.alpha1.is_infinity()) return "vk_alpha_1 is not a valid G1 point";
  const std::pair<const ec::G2Affine*, const char*> g2s[] = {
      {&vk.beta2, "vk_beta_2"}, {&vk.gamma2, "vk_gamma_2"}, {&vk.delta2, "vk_delta_2"}};
  for (const auto& [p, name] : g2s) {
    if (!p->is_on_curve()) return std::string(name) + " is not on the twist curve";
    if (p->is_infinity() || !ec::g2_in_subgroup(*p)) return std::string(name) + " is not in the G2 subgroup";
  }
  for (std::size_t i = 0; i < vk.ic.size(); ++i) {
    if (!ec::g1_is_valid(vk.ic[i])) return "IC[" + std::to_string(i) + "] is not on the curve";
  }
  return {};
}

namespace {

// Every check on the inputs and the proof's points; on success, vk_x = IC_0 + sum_i x_i IC_i.
VerifyResult check_inputs(const VerifyingKey& vk, std::span<const ff::u256> public_inputs, const Proof& proof,
                          ec::G1Affine& vk_x) {
  if (public_inputs.size() != vk.n_public()) {
    return {false, "expected " + std::to_string(vk.n_public()) + " public inputs, got " +
                       std::to_string(public_inputs.size())};
  }
  for (std::size_t i = 0; i < public_inputs.size(); ++i) {
    if (!ff::lt(public_inputs[i], ff::FrParams::kModulus)) {
      return {false, "public input " + std::to_string(i) + " is not less than the field order r"};
    }
  }
  if (!ec::g1_is_valid(proof.a)) return {false, "proof point A is not on the curve"};
  if (!ec::g1_is_valid(proof.c)) return {false, "proof point C is not on the curve"};
  if (!proof.b.is_on_curve()) return {false, "proof point B is not on the twist curve"};
  if (!ec::g2_in_subgroup(proof.b)) return {false, "proof point B is not in the G2 subgroup"};
  vk_x =
      ec::G1::from_affine(vk.ic[0]).add(msm::msm_g1(std::span(vk.ic).subspan(1), public_inputs)).to_affine();
  return {true, {}};
}

}  // namespace

VerifyResult verify(const VerifyingKey& vk, std::span<const ff::u256> public_inputs, const Proof& proof) {
  ec::G1Affine vk_x;
  if (VerifyResult r = check_inputs(vk, public_inputs, proof, vk_x); !r.valid) return r;
  const ec::G1Affine ps[] = {proof.a.neg(), vk.alpha1, vk_x, proof.c};
  const ec::G2Affine qs[] = {proof.b, vk.beta2, vk.gamma2, vk.delta2};
  if (!pairing::pairing_product_is_one(ps, qs)) return {false, "pairing check failed"};
  return {true, {}};
}

PreparedVerifyingKey::PreparedVerifyingKey(VerifyingKey vk)
    : vk_(std::move(vk)), neg_alpha_beta_(pairing::pairing(vk_.alpha1.neg(), vk_.beta2)) {}

VerifyResult verify(const PreparedVerifyingKey& pvk, std::span<const ff::u256> public_inputs,
                    const Proof& proof) {
  const VerifyingKey& vk = pvk.key();
  ec::G1Affine vk_x;
  if (VerifyResult r = check_inputs(vk, public_inputs, proof, vk_x); !r.valid) return r;
  // e(-A, B) e(vk_x, gamma) e(C, delta) = e(alpha, beta)^-1.
  const ec::G1Affine ps[] = {proof.a.neg(), vk_x, proof.c};
  const ec::G2Affine qs[] = {proof.b, vk.gamma2, vk.delta2};
  if (pairing::final_exponentiation(pairing::miller_loop(ps, qs)) != pvk.neg_alpha_beta()) {
    return {false, "pairing check failed"};
  }
  return {true, {}};
}

}  // namespace pm::groth16
