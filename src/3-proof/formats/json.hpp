#pragma once
/// \file snarkjs's JSON layouts: proof.json, public.json and verification_key.json.
///
/// Output matches snarkjs byte for byte in structure and key order (decimal strings, points as
/// [x, y, "1"] and [[x.c0, x.c1], [y.c0, y.c1], ["1", "0"]]). Parsing accepts what snarkjs
/// writes and rejects, with a message naming the field, anything malformed: a coordinate that
/// is not a decimal string < q, a projective z other than 1 (0 for infinity), a missing key.

#include <nlohmann/json_fwd.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ff/u256.hpp"
#include "groth16/keys.hpp"

namespace pm::formats {

using ordered_json = nlohmann::ordered_json;

ordered_json proof_to_json(const groth16::Proof& proof);
ordered_json public_to_json(std::span<const ff::Fr> public_signals);
ordered_json vk_to_json(const groth16::VerifyingKey& vk);

/// Parsing; throws Error(Errc::format / out_of_range) naming `what` (usually the file name).
groth16::Proof proof_from_json(const ordered_json& j, const std::string& what);
/// Public signals as plain integers: values >= r are kept so the verifier can reject them.
std::vector<ff::u256> public_from_json(const ordered_json& j, const std::string& what);
groth16::VerifyingKey vk_from_json(const ordered_json& j, const std::string& what);

/// Parses JSON text; any parser error (syntax, and a number too large for a double such as 1e999)
/// becomes Error(Errc::format) naming `what` and the parser's position.
ordered_json parse_json(std::string_view text, const std::string& what);
/// Reads and parses a JSON file; throws Error(Errc::io / format) with the parser's position.
ordered_json read_json_file(const std::string& path);
/// snarkjs's formatting: JSON.stringify(x, null, 1).
std::string dump_snarkjs(const ordered_json& j);

}  // namespace pm::formats
