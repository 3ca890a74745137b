#pragma once
/// \file snarkjs's JSON layouts: proof.json, public.json and verification_key.json.
///
/// Output matches snarkjs byte for byte in structure and key order (decimal strings, points as
/// [x, y, "1"] and [[x.c0, x.c1], [y.c0, y.c1], ["1", "0"]]). Parsing accepts what snarkjs
/// writes and rejects, with a message naming the field, anything malformed: a coordinate that
/// is not a decimal string < q, a projective z other than 1 (0 for infinity), a missing key.

#include <cstddef>
#include <cstdint>
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

/// JSON nested deeper than this is refused before any of it is built: a DOM costs about 80 bytes
/// a nesting level, so 16 MB of `[` would take 1.3 GB. Proofmill's own files nest 5 levels.
inline constexpr std::size_t kMaxJsonDepth = 64;
/// Checks JSON text in one streaming pass that builds nothing (memory independent of the
/// input): well-formed, nested at most kMaxJsonDepth, numbers that fit a double, and at most
/// `max_values` values (arrays and objects included). Throws Error(Errc::format) naming `what`
/// and the problem ("'p.json' is nested deeper than 64 levels", "... is not valid JSON: ...").
void check_json(std::string_view text, const std::string& what, std::size_t max_values = SIZE_MAX);
/// check_json, then the parse: any problem is Error(Errc::format) naming `what`.
ordered_json parse_json(std::string_view text, const std::string& what, std::size_t max_values = SIZE_MAX);
/// Reads and parses a JSON file (parse_json); throws Error(Errc::io / format) with the position.
ordered_json read_json_file(const std::string& path, std::size_t max_values = SIZE_MAX);
/// snarkjs's formatting: JSON.stringify(x, null, 1).
std::string dump_snarkjs(const ordered_json& j);

}  // namespace pm::formats
