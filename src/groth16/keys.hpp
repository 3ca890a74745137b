#pragma once
/// \file Groth16 keys and proofs over BN254, in snarkjs's conventions.

#include <cstdint>
#include <vector>

#include "ec/bn254.hpp"
#include "ff/bn254.hpp"

namespace pm::groth16 {

struct VerifyingKey {
  ec::G1Affine alpha1;
  ec::G2Affine beta2, gamma2, delta2;
  /// IC[0] + sum_i public_i * IC[i] commits to the public signals; IC.size() = n_public + 1.
  std::vector<ec::G1Affine> ic;

  std::size_t n_public() const { return ic.size() - 1; }
};

/// One non-zero entry of the QAP matrices A or B, as stored in a zkey.
struct Coefficient {
  std::uint32_t matrix;      ///< 0 = A, 1 = B
  std::uint32_t constraint;  ///< row, < domain size
  std::uint32_t signal;      ///< column, < n_vars
  ff::Fr value;
};

struct ProvingKey {
  std::uint32_t n_vars = 0;    ///< witness length (wire 0 is the constant 1)
  std::uint32_t n_public = 0;  ///< public signals: wires 1..n_public
  std::uint32_t log_domain = 0;
  ec::G1Affine alpha1, beta1, delta1;
  ec::G2Affine beta2, gamma2, delta2;
  std::vector<ec::G1Affine> ic;     ///< n_public + 1
  std::vector<Coefficient> coeffs;  ///< A and B (C = A o B on the domain)
  std::vector<ec::G1Affine> a;      ///< n_vars
  std::vector<ec::G1Affine> b1;     ///< n_vars
  std::vector<ec::G2Affine> b2;     ///< n_vars
  std::vector<ec::G1Affine> c;      ///< n_vars - n_public - 1 (private wires)
  std::vector<ec::G1Affine> h;      ///< domain size: odd-coset Lagrange points over Z

  std::size_t domain_size() const { return std::size_t{1} << log_domain; }
  VerifyingKey verifying_key() const { return {alpha1, beta2, gamma2, delta2, ic}; }
};

struct Proof {
  ec::G1Affine a;
  ec::G2Affine b;
  ec::G1Affine c;
};

}  // namespace pm::groth16
