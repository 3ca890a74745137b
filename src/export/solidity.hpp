#pragma once
/// \file Solidity Groth16 verifiers for the EVM's BN254 precompiles (0x06 ECADD, 0x07 ECMUL,
/// 0x08 pairing), generated from a verification key.
///
/// The contract (template: src/export/verifier.sol.in; design, gas model and the batch
/// soundness argument: docs/ONCHAIN.md) has
///   - verifyProof(uint256[2], uint256[2][2], uint256[2], uint256[N]): snarkjs's interface; with
///     N = 0 it takes the three proof arguments only (snarkjs declares uint256[0], which solc
///     rejects);
///   - verifyProof(uint256[2], uint256[2][2], uint256[2], uint256[]): the same with a dynamic
///     array, false unless it holds N values;
///   - verifyBatch(uint256[] proofs, uint256[] pubSignals): n proofs of the key checked with one
///     pairing of n + 3 pairs under keccak-derived 128-bit weights.
/// Each returns false (never reverts) on an invalid proof, a signal >= r, a coordinate >= q, a
/// point off its curve and arrays of the wrong length.

#include <cstddef>
#include <string>

#include "groth16/keys.hpp"

namespace pm::evm {

/// EIP-170's limit on deployed code; larger contracts do not deploy on Ethereum mainnet.
inline constexpr std::size_t kMaxContractCodeSize = 24576;

struct SolidityOptions {
  /// The contract's name: a Solidity identifier.
  std::string contract_name = "Groth16Verifier";
};

/// The verifier contract's source for `vk`. Deterministic: the same key and options always give
/// the same bytes. Throws Error(Errc::invalid_argument) for a contract name that is not an
/// identifier. The key is not validated here (formats' parsers and check_verifying_key do it).
std::string solidity_verifier(const groth16::VerifyingKey& vk, const SolidityOptions& options = {});

/// An estimate (a little above) of the deployed code size of the contract for a key with
/// `n_public` public signals, compiled by solc 0.8 with the optimizer on (about 600 bytes more
/// with it off), to warn about EIP-170 before compiling. Keys of up to 301 signals fit.
std::size_t estimated_code_size(std::size_t n_public);

}  // namespace pm::evm
