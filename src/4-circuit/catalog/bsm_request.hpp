#pragma once
/// \file The decimal JSON of option pricing requests (docs/STATEMENTS.md, "Using it"): an oracle's
/// snapshot signed natively, a request turned into `bsm_options`'s input and parameters, and a
/// proof's public signals decoded back into decimal prices and Greeks.
///
/// Snapshot (what the oracle signs; `sign_snapshot` adds oracle_key, message and signature):
///   {"feed_id": "1", "timestamp": 1765000000, "spot": "65000", "rate": "0.05", "yield": "0",
///    "expiries": [{"expiry": 1767592000, "vol": "0.65"}]}
///   (an expiry may instead carry an SVI slice: {"expiry": T, "svi": {"a", "b", "rho", "m", "sigma"}};
///   every expiry of a snapshot the same kind)
/// Request: {"snapshot": <signed snapshot>, "outputs": "auto" | "public" | "commitment",
///           "salt": (commitment mode, optional: a field element; random when absent),
///           "options": [{"id": "BTC-60000-C", "strike": "60000", "expiry": 1767592000, "type": "call",
///                        "size": "-2"}]}   (size: contracts, negative for short; default 1)
/// Decimals are strings ("0.05", "1e-4") or JSON numbers, read exactly at 48 fractional bits;
/// timestamps are integers (seconds); feed_id is a field element (decimal or 0x hex). Every error
/// names the field.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <span>

#include "catalog/registry.hpp"
#include "gadgets/eddsa.hpp"

namespace pm::catalog::options {

/// A signed snapshot: the input plus "oracle_key": [Ax, Ay], "message": M and
/// "signature": {"R8": [x, y], "S": s} (EdDSA-Poseidon, circomlibjs's signPoseidon).
nlohmann::ordered_json sign_snapshot(const nlohmann::json& snapshot,
                                     std::span<const std::uint8_t> private_key);

/// The oracle public key [Ax, Ay] of a 32-byte private key.
nlohmann::ordered_json public_key(std::span<const std::uint8_t> private_key);

/// Above this many option slots (expiries x options per expiry) "outputs": "auto" (the default)
/// proves in commitment mode: a public signal costs about 6,700 gas in the EVM verifier, and
/// 32 slots are already 300 signals, the most a verifier contract holds under EIP-170.
inline constexpr std::size_t kAutoCommitSlots = 32;

/// A signed snapshot read and its signature checked natively (Error(Errc::invalid_argument)
/// naming the field, under `where`, on anything wrong). Snapshots of 0 expiries (a perpetuals
/// feed, for the margin statements) are read too.
struct SignedSnapshot {
  ff::Fr feed;
  std::uint64_t timestamp = 0;
  ff::Fr spot, rate, yield;  ///< raw at 48 fractional bits
  std::vector<std::uint64_t> expiries;
  bool svi = false;
  std::vector<ff::Fr> vols;  ///< one an expiry, or five (SVI)
  gadgets::babyjub::Point oracle;
  gadgets::EddsaSignature signature;
  ff::Fr message;
};
SignedSnapshot read_signed_snapshot(const nlohmann::json& snapshot, const std::string& where);

struct Prepared {
  Params params;                 ///< expiries, options (per expiry), surface, commit
  nlohmann::ordered_json input;  ///< bsm_options's input JSON
  ff::Fr message;                ///< the snapshot's signed message (the circuit's `snapshot` output)
  /// For each request option, its slot in the circuit (expiry-major; short expiries are padded
  /// with copies of their last option at size 0, whose results decode() leaves out).
  std::vector<std::size_t> slot;
};

/// Checks the request (the snapshot's signature included, natively) and lays it out.
Prepared prepare(const nlohmann::json& request);

/// The number of public signals of bsm_options at these parameters.
std::size_t public_signal_count(const Params& params);

/// The decoded results: {"snapshot": M, "feed_id", "timestamp", "oracle_key", "outputs",
/// "options": [{id, strike, expiry, type, size, price, delta, gamma, vega, theta, rho}],
/// "totals": {value, delta, gamma, vega, theta, rho}} as decimal strings; in commitment mode
/// also "results" (the commitment) and "committed_rows" (its preimage: the salt, then strike,
/// call, size, price, delta, gamma, vega, theta, rho a slot, raw). The public signals' inputs and their
/// `snapshot` output must be the request's, and in commitment mode `rows` must hash to the proof's commitment
/// and hold the request's options (Error(Errc::mismatch) otherwise).
nlohmann::ordered_json decode(const nlohmann::json& request, std::span<const ff::Fr> public_signals,
                              std::span<const ff::Fr> rows = {});

/// The committed rows of a decoded result (its "committed_rows"), for decode().
std::vector<ff::Fr> committed_rows(const nlohmann::json& results);
/// raw / 2^48 as the shortest decimal (at most 15 places) that reads back (encode_decimal) as
/// exactly this raw value: 0.1 prints "0.1", and values one ulp apart print apart.
std::string to_decimal(const ff::Fr& raw);

}  // namespace pm::catalog::options
