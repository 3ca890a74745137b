#pragma once
/// \file The decimal JSON of option pricing requests (docs/STATEMENTS.md, "Using it"): an oracle's
/// snapshot signed natively, a request turned into `bsm_options`'s input and parameters, and a
/// proof's public signals decoded back into decimal prices and Greeks.
///
/// Snapshot (what the oracle signs; `sign_snapshot` adds oracle_key, message and signature):
///   {"feed_id": "1", "timestamp": 1765000000, "spot": "65000", "rate": "0.05", "yield": "0",
///    "expiries": [{"expiry": 1767592000, "vol": "0.65"}]}
/// Request: {"snapshot": <signed snapshot>,
///           "options": [{"id": "BTC-60000-C", "strike": "60000", "expiry": 1767592000, "type": "call"}]}
/// Decimals are strings ("0.05", "1e-4") or JSON numbers, read exactly at 48 fractional bits;
/// timestamps are integers (seconds); feed_id is a field element (decimal or 0x hex). Every error
/// names the field.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <span>

#include "catalog/registry.hpp"

namespace pm::catalog::options {

/// A signed snapshot: the input plus "oracle_key": [Ax, Ay], "message": M and
/// "signature": {"R8": [x, y], "S": s} (EdDSA-Poseidon, circomlibjs's signPoseidon).
nlohmann::ordered_json sign_snapshot(const nlohmann::json& snapshot,
                                     std::span<const std::uint8_t> private_key);

/// The oracle public key [Ax, Ay] of a 32-byte private key.
nlohmann::ordered_json public_key(std::span<const std::uint8_t> private_key);

struct Prepared {
  Params params;                 ///< expiries, options (per expiry)
  nlohmann::ordered_json input;  ///< bsm_options's input JSON
  ff::Fr message;                ///< the snapshot's signed message (the circuit's `snapshot` output)
  /// For each request option, its slot in the circuit (expiry-major; short expiries are padded
  /// with copies of their last option, whose results decode() leaves out).
  std::vector<std::size_t> slot;
};

/// Checks the request (the snapshot's signature included, natively) and lays it out.
Prepared prepare(const nlohmann::json& request);

/// The decoded results: {"snapshot": M, "feed_id", "timestamp", "oracle_key", "options": [{id,
/// strike, expiry, type, price, delta, gamma, vega, theta, rho}]} as decimal strings. The
/// public signals' inputs and their `snapshot` output must be the request's (Error(Errc::mismatch)
/// otherwise: a proof from another snapshot of the same feed and time does not decode as this one).
nlohmann::ordered_json decode(const nlohmann::json& request, std::span<const ff::Fr> public_signals);

/// raw / 2^48 as the shortest decimal (at most 15 places) that reads back (encode_decimal) as
/// exactly this raw value: 0.1 prints "0.1", and values one ulp apart print apart.
std::string to_decimal(const ff::Fr& raw);

}  // namespace pm::catalog::options
