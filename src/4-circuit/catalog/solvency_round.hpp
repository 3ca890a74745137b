#pragma once
/// \file A round of a proof of solvency (docs/STATEMENTS.md, "Solvency": "Using it"): users'
/// balances from a CSV and the round's configuration laid out as solvency_batch and solvency_top
/// inputs, the round's public record, each user's inclusion file, and its check.
///
/// Configuration (round.json):
///   {"exchange": "77", "round": 42, "batch_users": 512, "slots": 4,
///    "assets": [{"name": "BTC", "price": "650000000", "haircut": "0.95", "onchain": "123"}, ...],
///    "custodians": [<attestation, `solvency attest`>, ...]}
/// Balances are integers in each asset's unit (the venue's choice, such as 10^-8 BTC), below
/// 2^64; a price is the integer value of one such unit in a common value unit (such as 10^-12
/// USD), below 2^64; a haircut is a decimal in [0, 1] with at most 6 places; on-chain reserves
/// (the asset's unit) below 2^96. "slots" is the top key's capacity in batches.
/// Users CSV: a header `user,asset,equity,debt`, then a row per user and asset (a missing asset
/// is zero); ids are 1 to 256 bytes without commas, quotes or line breaks.
/// A user's id hash: the first 31 bytes of SHA-256("proofmill/solvency-user/v1" 0 exchange 0 round
/// 0 id 0 nonce), exchange and round in decimal, nonce the hex of SHA-256(secret 0 round 0 id):
/// below 2^248, so below r, and a user recomputes it from their id and nonce.

#include <cstdint>
#include <istream>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "catalog/registry.hpp"
#include "gadgets/eddsa.hpp"
#include "gadgets/solvency.hpp"

namespace pm::catalog::solvency {

using ff::Fr;
using json = nlohmann::ordered_json;

struct Custody {
  gadgets::babyjub::Point key;
  std::vector<Fr> amounts;  ///< one per asset, below 2^96
  gadgets::EddsaSignature signature;
};

struct Config {
  Fr exchange;
  std::uint64_t round = 0;
  std::size_t batch_users = 512, slots = 4;
  std::vector<std::string> assets;
  gadgets::solvency::PriceValues prices;
  std::vector<Fr> onchain;  ///< per asset
  std::vector<Custody> custodians;
};

/// An asset's name as a field element (its bytes big-endian; names are 1 to 31 bytes).
Fr asset_id(const std::string& name);

/// A custodian's attestation: {"exchange", "round", "amounts": {asset: amount}} signed
/// (EdDSA-Poseidon) with a 32-byte private key over the round's assets (names and amounts in the
/// round's order, absent ones 0); adds "custodian_key" and "signature".
json sign_custody(const nlohmann::json& attestation, std::span<const std::string> assets,
                  std::span<const std::uint8_t> private_key);

/// Reads round.json (Error(Errc::invalid_argument) naming the field; signatures checked).
Config read_config(const nlohmann::json& j);

struct User {
  std::string id, nonce;
  Fr id_hash;
  std::vector<std::uint64_t> equity, debt;
};

std::string user_nonce(std::span<const std::uint8_t> secret, std::uint64_t round, std::string_view id);
Fr user_id_hash(const Fr& exchange, std::uint64_t round, std::string_view id, std::string_view nonce);

/// Parses the users CSV (errors name the line), nonces from the secret (at least 16 bytes).
std::vector<User> read_users(std::istream& csv, const Config& c, std::span<const std::uint8_t> secret);

struct Round {
  Config config;
  Fr price_hash, root, z, digest;
  std::vector<gadgets::solvency::BatchValues> batches;
  std::vector<Fr> commitments;
  std::vector<Fr> equity, debt;  ///< per-asset totals
  std::size_t users = 0;
};

/// Every user's rule checked (the first that fails is named), batches and the top computed, and
/// reserves checked against net liabilities (the asset named).
Round build(const Config& c, std::span<const User> users);

/// z = SHA-256(exchange, round, root, c_0, ..., c_{n-1}) mod r, each a 32-byte big-endian word
/// (Solidity's sha256(abi.encodePacked(...))).
Fr challenge(const Fr& exchange, std::uint64_t round, const Fr& root, std::span<const Fr> commitments);

/// solvency_batch's input for batch k (users k*B.. padded with empty users), and its parameters.
json batch_input(const Round& r, std::span<const User> users, std::size_t k);
/// solvency_top's input.
json top_input(const Round& r);
/// The round's public record: configuration, price hash, each batch's root, totals and
/// commitment, the root, totals, z and digest.
json public_record(const Round& r);
/// A round re-derived from its public record: price hash, commitments, root, z, digest and totals
/// recomputed from the assets and the batches' roots and totals (Error(Errc::mismatch) naming the
/// first stated value that differs). Custodians' signatures are not in the record: the top proof
/// checks them.
Round read_record(const nlohmann::json& record);

/// A user as a line of the private users.jsonl, and back.
json user_line(const User& u);
User user_from_line(const nlohmann::json& line, const Config& c);

/// The public signals solvency_top's proof must have for this round.
std::vector<Fr> top_public_signals(const Round& r);

/// A proving-service job: {"statement": "solvency_batch" | "solvency_top", "params": {...},
/// "input": <the circuit's input>}, parameters checked against the circuit's (defaults filled).
struct Job {
  std::string statement;
  Params params;
  nlohmann::json input;
};
Job read_job(const nlohmann::json& j);
/// Public signals of the statement at these (complete) parameters: a batch 1, the top 3 A + 7 +
/// 2 K.
std::size_t public_signal_count(const Job& job);

/// A user's inclusion file: id, nonce, balances, the batch and position, the path to the batch
/// root, the batch's commitment, and the path from Poseidon(batch root, commitment) to the round's
/// root.
json inclusion(const Round& r, std::span<const User> users, std::size_t index);
/// Checks an inclusion file; returns the root it reaches (Error(Errc::mismatch) naming what does
/// not hold).
Fr verify_inclusion(const nlohmann::json& inc);

}  // namespace pm::catalog::solvency
