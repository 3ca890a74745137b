#pragma once
/// \file The Groth16 prover, computing exactly what `snarkjs groth16 prove` computes so that
/// proofs verify wherever snarkjs's do.
///
/// A prover object holds one proving key (parsed once) and proves any number of witnesses.
/// H is evaluated on the odd coset of the 2n-th roots of unity, as snarkjs does:
///   a, b = A·w, B·w on the domain; c = a∘b; each goes through an inverse NTT, a multiplication
///   by powers of w_2n, and a forward NTT; h = a·b − c pointwise; the zkey's H points already
///   absorb 1/Z(x) (Z is constant, −2, on that coset).
/// Then, with fresh r and s from the OS CSPRNG:
///   A = alpha1 + sum w_i A_i + r delta1
///   B = beta2 + sum w_i B2_i + s delta2          (and B1 likewise in G1 with beta1, delta1)
///   C = sum_{private i} w_i C_i + sum h_j H_j + s A + r B1 − r s delta1
///
/// Measured (AMD EPYC Zen 4, 2 cores, `bench/prove_sizes.sh`, medians of 5): 61 ms / 0.48 / 1.66
/// / 7.93 s at domains 2^12 / 2^16 / 2^18 / 2^20 with IFMA, 0.44 / 0.41 / 0.32 / 0.37 x
/// rapidsnark's time; 0.63 / 0.63 / 0.52 / 0.60 x on the ADX path alone; per-stage figures and
/// the portable path in BENCHMARKS.md.

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "base/progress.hpp"
#include "groth16/keys.hpp"

namespace pm::poly {
class Domain;
}

namespace pm::groth16 {

struct Blinding {
  ff::Fr r, s;
  /// Uniform r, s from the OS CSPRNG (rejection sampling, no modular bias).
  static Blinding random();
};

class Prover {
 public:
  explicit Prover(std::shared_ptr<const ProvingKey> pk);

  const ProvingKey& key() const { return *pk_; }

  /// Proves `witness` (the full wire assignment, wire 0 = 1). Throws Error(Errc::mismatch) if
  /// its length does not match the key. The witness is not checked against the constraints
  /// here (the key does not carry C): check it with the r1cs first, or get a proof that fails.
  Proof prove(std::span<const ff::Fr> witness, const Blinding& blinding,
              const ProgressFn& progress = {}) const;
  Proof prove(std::span<const ff::Fr> witness, const ProgressFn& progress = {}) const {
    return prove(witness, Blinding::random(), progress);
  }

  /// The coset evaluations h_j of (A·B − C)/Z that multiply the H points (exposed for tests).
  std::vector<ff::Fr> h_evaluations(std::span<const ff::Fr> witness) const;

  /// When the key lies in a mapped file, drop each table's pages from resident memory once a
  /// proof is done with it (lower peak memory; the next proof reads them back from the page
  /// cache). For one-shot provers such as `proofmill prove`; off by default. Not to be changed
  /// while a proof runs.
  void set_release_pages(bool on) { release_pages_ = on; }

 private:
  std::vector<ff::Fr> h_from_canonical(std::span<const ff::u256> w) const;

  std::shared_ptr<const ProvingKey> pk_;
  // Fixed per key, built once: the NTT domain and w_2n^j / n stored at position bitrev(j), the
  // order in which the inverse DIF leaves the coefficients (1/n: the inverse NTT's factor).
  std::shared_ptr<const poly::Domain> domain_;
  std::vector<ff::Fr> coset_shift_bitrev_;
  bool release_pages_ = false;
};

}  // namespace pm::groth16
