#pragma once
/// \file Groth16 verification with every check a verifier owes on untrusted input:
/// the number of public inputs, each public input < r, proof points on the curve and (for G2)
/// in the prime-order subgroup, then e(A, B) = e(alpha, beta) e(vk_x, gamma) e(C, delta).

#include <span>
#include <string>

#include "ff/tower.hpp"
#include "ff/u256.hpp"
#include "groth16/keys.hpp"

namespace pm::groth16 {

struct VerifyResult {
  bool valid = false;
  std::string reason;  ///< why not, when !valid
  explicit operator bool() const { return valid; }
};

/// Public inputs as plain integers (so an out-of-range input is reported, not reduced).
VerifyResult verify(const VerifyingKey& vk, std::span<const ff::u256> public_inputs, const Proof& proof);

/// A verifying key with what every verification against it shares done once: e(alpha, beta),
/// so that a verification pairs three pairs instead of four (for a service that verifies every
/// proof it makes: bench_pairing, a Miller loop is 0.24 ms of a 0.57 ms pairing).
class PreparedVerifyingKey {
 public:
  /// The key is taken as it is: check it first (check_verifying_key) when it is untrusted.
  explicit PreparedVerifyingKey(VerifyingKey vk);
  const VerifyingKey& key() const { return vk_; }
  /// e(-alpha, beta) = e(alpha, beta)^-1.
  const ff::Fq12& neg_alpha_beta() const { return neg_alpha_beta_; }

 private:
  VerifyingKey vk_;
  ff::Fq12 neg_alpha_beta_;
};

/// The same checks and answer as verify(pvk.key(), ...).
VerifyResult verify(const PreparedVerifyingKey& pvk, std::span<const ff::u256> public_inputs,
                    const Proof& proof);

/// Checks a verifying key's points (curve membership, G2 subgroup); empty string when valid.
std::string check_verifying_key(const VerifyingKey& vk);

}  // namespace pm::groth16
