#pragma once
/// \file The aggregation statement (docs/STATEMENTS.md, "Aggregation"): k Groth16 proofs over
/// BN254, each against its own verification key, verified inside one circuit whose only public
/// output is a Poseidon Merkle root of the k claims.
///
///   key_hash(vk) = Poseidon sponge of the key's coordinates as 4 x 64-bit limbs (alpha, beta,
///                  gamma, delta, IC_0..IC_n; Fq2 as c0 then c1; x then y)
///   claim_i      = Poseidon sponge(key_hash_i, n_i, x_i1 .. x_in)
///   claims_root  = the binary Poseidon(2) Merkle root over claim_0 .. claim_{k-1}, padded with
///                  0 to a power of two (depth = ceil(log2 k), at least 1)
///
/// A claim is checked anywhere by recomputing it from the key and the public inputs and an
/// inclusion path to the root (claims.json holds every path).

#include <nlohmann/json.hpp>
#include <span>
#include <vector>

#include "circuit/circuit.hpp"
#include "groth16/keys.hpp"

namespace pm::emulated {

struct InnerProof {
  groth16::VerifyingKey vk;
  groth16::Proof proof;
  std::vector<ff::Fr> public_inputs;
};

/// Verifies every inner proof natively; Error naming the first bad one ("inner proof i ...").
void verify_inner(std::span<const InnerProof> inner);

ff::Fr key_hash(const groth16::VerifyingKey& vk);
ff::Fr claim_hash(const ff::Fr& key_hash, std::span<const ff::Fr> public_inputs);

struct ClaimsTree {
  unsigned depth;
  std::vector<ff::Fr> claims;
  ff::Fr root;
  /// The siblings of claim i's path, bottom-up.
  std::vector<ff::Fr> path(std::size_t i) const;
  std::vector<std::vector<ff::Fr>> levels;  ///< levels[0]: padded leaves; levels[depth]: {root}
};
ClaimsTree claims_tree(std::span<const InnerProof> inner);

/// The circuit for these keys and public-input counts (the proofs and inputs are witnesses), and
/// the input that satisfies it. Every inner proof is verified natively first: a bad one is named
/// (Error(Errc::unsatisfied), "inner proof i ...") before any circuit is built.
struct Aggregation {
  circuit::Circuit circuit;
  nlohmann::ordered_json input;
  ClaimsTree claims;
};
Aggregation build_aggregation(std::span<const InnerProof> inner);

/// claims.json: root, depth and for every claim its key hash, public inputs and path.
nlohmann::ordered_json claims_json(std::span<const InnerProof> inner, const ClaimsTree& t);

}  // namespace pm::emulated
