#pragma once
/// \file The circuit test harness (tests only): runs a circuit through every path and proves
/// that bad witnesses are rejected.
///
/// run_circuit: solves the inputs, compares the outputs with a direct (native) evaluation,
/// checks the witness against the exported .r1cs after a byte round trip, makes a dev Groth16
/// key, proves, verifies, and checks that a changed public signal and a tampered proof fail.
///
/// expect_rejected: solves with some hints replaced by malicious ones (a witness that follows the
/// hint code's intent but breaks the statement) and checks that the named constraint fails in
/// the builder's own check and that the exported R1CS rejects the witness too.

#include <nlohmann/json.hpp>
#include <span>
#include <string_view>
#include <vector>

#include "circuit/circuit.hpp"

namespace pm::circuit::testing {

struct RunOptions {
  bool prove = true;  ///< dev setup, prove and verify (skip for large circuits)
};

/// Returns the solved builder values. Uses GoogleTest assertions.
std::vector<Fr> run_circuit(const Circuit& c, const nlohmann::ordered_json& inputs,
                            std::span<const Fr> expected_outputs, RunOptions opts = {});

/// `failure` must appear in the description of the first violated constraint.
void expect_rejected(const Circuit& c, const nlohmann::ordered_json& inputs, const SolveOptions& malicious,
                     std::string_view failure);

/// Tampers with builder wire values directly (after an honest solve) and expects rejection.
void expect_values_rejected(const Circuit& c, std::span<const Fr> values, std::string_view failure);

}  // namespace pm::circuit::testing
