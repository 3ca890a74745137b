#pragma once
/// \file Solidity Groth16 verifiers for the EVM's BN254 precompiles (0x06 ECADD, 0x07 ECMUL,
/// 0x08 pairing), generated from a verification key.
///
/// The contract (template: src/3-proof/export/verifier.sol.in; design, gas model and the batch
/// soundness argument: docs/ONCHAIN.md) has
///   - verifyProof(uint256[2], uint256[2][2], uint256[2], uint256[N]): snarkjs's interface; with
///     N = 0 it takes the three proof arguments only (snarkjs declares uint256[0], which solc
///     rejects);
///   - verifyProof(uint256[2], uint256[2][2], uint256[2], uint256[]): the same with a dynamic
///     array, false unless it holds N values;
///   - verifyBatch(uint256[] proofs, uint256[] pubSignals): n proofs of the key checked with one
///     pairing of n + 3 pairs under keccak-derived 128-bit weights.
/// Each returns false on an invalid proof, a signal >= r, a coordinate >= q, a point off its curve
/// or outside G2 and arrays of the wrong length. Each precompile call is forwarded only its price
/// (PrecompileGas), so a refused input costs what a valid one does, not all the gas of the call;
/// a call that fails with too little gas left to tell a refusal from starvation reverts, so false
/// always means an invalid proof, never a caller's short gas limit.

#include <cstddef>
#include <cstdint>
#include <string>

#include "groth16/keys.hpp"

namespace pm::evm {

/// EIP-170's limit on deployed code; larger contracts do not deploy on Ethereum mainnet.
inline constexpr std::size_t kMaxContractCodeSize = 24576;

/// The gas the contract forwards to each precompile call: their prices on the target chain. A
/// precompile charges a fixed price per call (the pairing: base + per pair) whatever the input,
/// and a call that refuses its input consumes all it was forwarded; so forwarding the price
/// exactly lets every valid call through and bounds a refused one to that price.
struct PrecompileGas {
  std::uint64_t ecadd = 150;
  std::uint64_t ecmul = 6000;
  std::uint64_t pairing_base = 45000;
  std::uint64_t pairing_per_pair = 34000;

  /// EIP-1108's prices (Istanbul, in force on Ethereum and its rollups since 2019): the default.
  static PrecompileGas istanbul() { return {}; }
  /// EIP-196/197's original prices (Byzantium), for a chain that never adopted EIP-1108.
  static PrecompileGas byzantium() { return {500, 40000, 100000, 80000}; }
  /// "istanbul", "byzantium", or four numbers "ECADD,ECMUL,PAIRING_BASE,PAIRING_PER_PAIR".
  /// Throws Error(Errc::invalid_argument) naming what is wrong.
  static PrecompileGas parse(const std::string& text);
};

struct SolidityOptions {
  /// The contract's name: a Solidity identifier.
  std::string contract_name = "Groth16Verifier";
  /// What each precompile call is forwarded (docs/ONCHAIN.md, "Gas of a refused proof").
  PrecompileGas precompile_gas;
};

/// The verifier contract's source for `vk`. Deterministic: the same key and options always give
/// the same bytes. Throws Error(Errc::invalid_argument) for a contract name that is not an
/// identifier, or prices out of range, and Error(Errc::invalid_point) for a key that
/// groth16::check_verifying_key refuses (the contract relies on the key's points being valid:
/// its calls on them are not checked).
std::string solidity_verifier(const groth16::VerifyingKey& vk, const SolidityOptions& options = {});

/// An estimate (a little above) of the deployed code size of the contract for a key with
/// `n_public` public signals, compiled by solc 0.8 with the optimizer on (about 600 bytes more
/// with it off), to warn about EIP-170 before compiling. Keys of up to 301 signals fit.
std::size_t estimated_code_size(std::size_t n_public);

}  // namespace pm::evm
