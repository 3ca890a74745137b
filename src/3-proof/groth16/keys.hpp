#pragma once
/// \file Groth16 keys and proofs over BN254, in snarkjs's conventions.
///
/// A proving key's tables are Tables: owned arrays when the key is built in memory, views of
/// the mapped .zkey when it is loaded from a file (the file must then not change while the key
/// is in use, as with any mapped file).

#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "base/table.hpp"
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

/// True for a key without a phase-2 contribution: delta2 equal to gamma2 or to the generator
/// (what `groth16 setup` and `snarkjs zkey new` leave). With delta = gamma anyone can forge a
/// proof of any public signals for such a key.
bool is_uncontributed(const VerifyingKey& vk);
/// Throws Error(Errc::invalid_argument) naming `what` for an uncontributed key, unless
/// `allow_dev_key` (a known development key, for tests).
void require_contributed(const VerifyingKey& vk, const std::string& what, bool allow_dev_key);

/// One non-zero entry of the QAP matrices A or B, as stored in a zkey.
struct Coefficient {
  std::uint32_t matrix;      ///< 0 = A, 1 = B
  std::uint32_t constraint;  ///< row, < domain size
  std::uint32_t signal;      ///< column, < n_vars
  ff::Fr value;
};

/// A coefficient in the zkey's own 44-byte record: matrix, constraint and signal as u32 LE,
/// then the value as the Montgomery limbs of value * R (value * R^2 mod r), so that one
/// Montgomery product with a standard-form witness value gives value * w directly. The prover
/// reads these records where they lie in the mapped file.
struct StoredCoefficient {
  std::array<std::uint8_t, 44> raw;

  std::uint32_t matrix() const { return u32_at(0); }
  std::uint32_t constraint() const { return u32_at(4); }
  std::uint32_t signal() const { return u32_at(8); }
  /// The stored limbs (value * R^2 mod r when the record is valid, i.e. < r).
  ff::u256 limbs() const {
    ff::u256 v;
    std::memcpy(v.data(), raw.data() + 12, 32);
    return v;
  }
  Coefficient decode() const;
  static StoredCoefficient encode(const Coefficient& c);

 private:
  std::uint32_t u32_at(std::size_t at) const {
    std::uint32_t v;
    std::memcpy(&v, raw.data() + at, 4);
    return v;
  }
};
static_assert(sizeof(StoredCoefficient) == 44 && alignof(StoredCoefficient) == 1);

struct ProvingKey {
  std::uint32_t n_vars = 0;    ///< witness length (wire 0 is the constant 1)
  std::uint32_t n_public = 0;  ///< public signals: wires 1..n_public
  std::uint32_t log_domain = 0;
  ec::G1Affine alpha1, beta1, delta1;
  ec::G2Affine beta2, gamma2, delta2;
  std::vector<ec::G1Affine> ic;     ///< n_public + 1
  Table<StoredCoefficient> coeffs;  ///< A and B (C = A o B on the domain)
  Table<ec::G1Affine> a;            ///< n_vars
  Table<ec::G1Affine> b1;           ///< n_vars
  Table<ec::G2Affine> b2;           ///< n_vars
  Table<ec::G1Affine> c;            ///< n_vars - n_public - 1 (private wires)
  Table<ec::G1Affine> h;            ///< domain size: odd-coset Lagrange points over Z

  std::size_t domain_size() const { return std::size_t{1} << log_domain; }
  /// Drops the pages of the tables that lie in a mapped file (see Table::release).
  void release_pages() const noexcept;
  VerifyingKey verifying_key() const { return {alpha1, beta2, gamma2, delta2, ic}; }
};

struct Proof {
  ec::G1Affine a;
  ec::G2Affine b;
  ec::G1Affine c;
};

}  // namespace pm::groth16
