#include "catalog/request_fields.hpp"

#include <optional>

#include "base/error.hpp"
#include "gadgets/fixed.hpp"

namespace pm::catalog {

using json = nlohmann::json;
using ff::Fr;

namespace {
constexpr unsigned kFrac = 48;
}

void RequestReader::fail(const std::string& field, const std::string& why) const {
  throw Error(Errc::invalid_argument, kind_ + ": `" + field + "` " + why);
}

const json& RequestReader::member(const json& obj, const char* key, const std::string& where) const {
  if (!obj.is_object()) fail(where, "must be an object");
  auto it = obj.find(key);
  if (it == obj.end()) fail(where.empty() ? key : where + "." + key, "is missing");
  return *it;
}

Fr RequestReader::decimal(const json& v, const std::string& field) const {
  std::string text;
  if (v.is_string()) {
    text = v.get<std::string>();
  } else if (v.is_number()) {
    text = v.dump();  // integers as they are; doubles in their shortest round-trip form
  } else {
    fail(field, "must be a decimal (a string such as \"0.05\", or a number)");
  }
  try {
    return gadgets::fixed::encode_decimal(text, kFrac);
  } catch (const Error& e) {
    fail(field, std::string("is not a usable decimal: ") + e.what());
  }
}

void RequestReader::check_within(const Fr& raw, long double lo, bool lo_open, long double hi,
                                 const std::string& field, const std::string& domain) const {
  const long double v = gadgets::fixed::decode(raw, kFrac);
  if (v < lo || (lo_open && v == lo) || v >= hi) fail(field, "must be " + domain);
}

std::uint64_t RequestReader::integer(const json& v, const std::string& field, unsigned bits) const {
  std::optional<std::uint64_t> s;
  if (v.is_number_unsigned()) {
    s = v.get<std::uint64_t>();
  } else if (v.is_number_integer() && v.get<std::int64_t>() >= 0) {
    s = static_cast<std::uint64_t>(v.get<std::int64_t>());
  } else if (v.is_string() && !v.get<std::string>().empty() &&
             v.get<std::string>().find_first_not_of("0123456789") == std::string::npos &&
             v.get<std::string>().size() <= 19) {
    s = std::stoull(v.get<std::string>());
  }
  if (!s) fail(field, "must be a non-negative integer");
  if (bits < 64 && *s >= (std::uint64_t{1} << bits)) fail(field, "must be below 2^" + std::to_string(bits));
  return *s;
}

std::uint64_t RequestReader::seconds(const json& v, const std::string& field) const {
  const bool integral =
      v.is_number_integer() || (v.is_string() && !v.get<std::string>().empty() &&
                                v.get<std::string>().find_first_not_of("0123456789") == std::string::npos);
  if (!integral || (v.is_number_integer() && !v.is_number_unsigned() && v.get<std::int64_t>() < 0))
    fail(field, "must be a time in seconds (a non-negative integer)");
  if (v.is_string() && v.get<std::string>().size() > 13) fail(field, "must be below 2^40 seconds");
  const std::uint64_t s = integer(v, field, 64);
  if (s >= (std::uint64_t{1} << 40)) fail(field, "must be below 2^40 seconds");
  return s;
}

Fr RequestReader::field_element(const json& v, const std::string& field) const {
  std::optional<Fr> f;
  if (v.is_number_integer() && v.get<std::int64_t>() >= 0)
    f = Fr::from_u64(static_cast<std::uint64_t>(v.get<std::int64_t>()));
  if (v.is_number_unsigned()) f = Fr::from_u64(v.get<std::uint64_t>());
  if (v.is_string()) {
    auto u = ff::from_string(v.get<std::string>());
    if (u && ff::lt(*u, Fr::kModulus)) f = Fr::from_canonical_reduced(*u);
  }
  if (!f) fail(field, "must be a field element (decimal or 0x hex, below r)");
  return *f;
}

}  // namespace pm::catalog
