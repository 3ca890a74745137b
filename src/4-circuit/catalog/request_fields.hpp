#pragma once
/// \file Reading the decimal JSON of statement requests (options, margin): every error is
/// Error(Errc::invalid_argument) as "KIND: `field.path` why", so a client sees which field of
/// which request is wrong.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "ff/bn254.hpp"

namespace pm::catalog {

class RequestReader {
 public:
  explicit RequestReader(std::string kind) : kind_(std::move(kind)) {}
  [[noreturn]] void fail(const std::string& field, const std::string& why) const;
  /// obj[key]; `where` is obj's path ("" at the top).
  const nlohmann::json& member(const nlohmann::json& obj, const char* key, const std::string& where) const;
  /// A decimal (a string such as "0.05", or a JSON number) at 48 fractional bits, exactly.
  ff::Fr decimal(const nlohmann::json& v, const std::string& field) const;
  /// lo <= value < hi (lo < value when lo_open), else "must be DOMAIN".
  void check_within(const ff::Fr& raw, long double lo, bool lo_open, long double hi, const std::string& field,
                    const std::string& domain) const;
  /// A time in seconds below 2^40 (an integer, or a string of digits).
  std::uint64_t seconds(const nlohmann::json& v, const std::string& field) const;
  /// A non-negative integer below 2^bits (bits <= 64).
  std::uint64_t integer(const nlohmann::json& v, const std::string& field, unsigned bits) const;
  /// A field element: a non-negative JSON integer, or decimal or 0x hex text below r.
  ff::Fr field_element(const nlohmann::json& v, const std::string& field) const;

 private:
  std::string kind_;
};

}  // namespace pm::catalog
