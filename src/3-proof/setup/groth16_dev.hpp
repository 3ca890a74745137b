#pragma once
/// \file DEV-ONLY Groth16 setup: a proving key made directly from KNOWN secrets
/// (tau, alpha, beta, gamma, delta), for tests and benchmarks of large circuits.
///
/// Anyone who knows the secrets can forge proofs for the circuit. The key has snarkjs's exact
/// structure (the coefficient section, one extra A row per public signal, the odd-coset H
/// points), so snarkjs, rapidsnark and proofmill all prove and verify with it; only the
/// ceremony record is empty. With secrets known every point is a fixed-base multiplication of
/// a field element: a 2^20 circuit sets up in seconds, where `snarkjs groth16 setup` on a
/// ptau takes many minutes.

#include <string_view>

#include "formats/r1cs.hpp"
#include "groth16/keys.hpp"
#include "setup/ptau_dev.hpp"

namespace pm::setup {

struct DevGroth16Secrets {
  ff::Fr tau, alpha, beta, gamma, delta;
};

/// Derived like the dev ptau's (SHA-256 of a labelled seed, reduced mod r); see ptau_dev.hpp.
DevGroth16Secrets dev_groth16_secrets_from_seed(std::string_view seed);

/// The proving key of `r1cs` for these secrets. Throws Error(Errc::out_of_range) when the
/// circuit needs a domain larger than 2^27.
groth16::ProvingKey dev_groth16_setup(const r1cs::R1cs& r1cs, const DevGroth16Secrets& secrets,
                                      const ProgressFn& progress = {});

}  // namespace pm::setup
