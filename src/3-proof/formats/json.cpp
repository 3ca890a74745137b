#include "formats/json.hpp"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "base/error.hpp"
#include "base/mapped_file.hpp"
#include "pairing/pairing.hpp"

namespace pm::formats {

using groth16::Proof;
using groth16::VerifyingKey;

namespace {

std::string dec(const ff::Fq& x) { return x.to_decimal(); }

ordered_json g1_json(const ec::G1Affine& p) {
  if (p.is_infinity()) return ordered_json::array({"0", "1", "0"});
  return ordered_json::array({dec(p.x), dec(p.y), "1"});
}

ordered_json g2_json(const ec::G2Affine& p) {
  if (p.is_infinity()) return ordered_json::array({{"0", "0"}, {"1", "0"}, {"0", "0"}});
  return ordered_json::array({{dec(p.x.c0), dec(p.x.c1)}, {dec(p.y.c0), dec(p.y.c1)}, {"1", "0"}});
}

[[noreturn]] void bad(Errc code, const std::string& what, const std::string& field, const std::string& msg) {
  throw Error(code, what + ": " + field + ": " + msg);
}

const ordered_json& member(const ordered_json& j, const char* key, const std::string& what) {
  if (!j.is_object()) bad(Errc::format, what, "top level", "expected a JSON object");
  auto it = j.find(key);
  if (it == j.end()) bad(Errc::format, what, key, "missing");
  return *it;
}

ff::u256 integer(const ordered_json& j, const std::string& what, const std::string& field) {
  if (!j.is_string()) bad(Errc::format, what, field, "expected a decimal string");
  auto v = ff::from_decimal(j.get_ref<const std::string&>());
  if (!v)
    bad(Errc::format, what, field, "'" + j.get<std::string>() + "' is not a decimal integer below 2^256");
  return *v;
}

ff::Fq fq(const ordered_json& j, const std::string& what, const std::string& field) {
  auto v = ff::Fq::from_canonical(integer(j, what, field));
  if (!v) bad(Errc::out_of_range, what, field, "coordinate is not less than the field modulus q");
  return *v;
}

void expect_array(const ordered_json& j, std::size_t n, const std::string& what, const std::string& field) {
  if (!j.is_array() || j.size() != n)
    bad(Errc::format, what, field, "expected an array of " + std::to_string(n));
}

ec::G1Affine g1_from(const ordered_json& j, const std::string& what, const std::string& field) {
  if (!j.is_array() || (j.size() != 3 && j.size() != 2)) bad(Errc::format, what, field, "expected [x, y, z]");
  ec::G1Affine p = ec::G1Affine::from_xy(fq(j[0], what, field + "[0]"), fq(j[1], what, field + "[1]"));
  if (j.size() == 3) {
    ff::Fq z = fq(j[2], what, field + "[2]");
    if (z.is_zero()) return ec::G1Affine::identity();
    if (!z.is_one()) bad(Errc::format, what, field, "only affine points (z = 1) are supported");
  }
  if (!p.is_on_curve()) bad(Errc::invalid_point, what, field, "point is not on the curve");
  return p;
}

ff::Fq2 fq2_from(const ordered_json& j, const std::string& what, const std::string& field) {
  expect_array(j, 2, what, field);
  return {fq(j[0], what, field + "[0]"), fq(j[1], what, field + "[1]")};
}

ec::G2Affine g2_from(const ordered_json& j, const std::string& what, const std::string& field) {
  if (!j.is_array() || (j.size() != 3 && j.size() != 2))
    bad(Errc::format, what, field, "expected [[x0,x1],[y0,y1],[z0,z1]]");
  ec::G2Affine p =
      ec::G2Affine::from_xy(fq2_from(j[0], what, field + "[0]"), fq2_from(j[1], what, field + "[1]"));
  if (j.size() == 3) {
    ff::Fq2 z = fq2_from(j[2], what, field + "[2]");
    if (z.is_zero()) return ec::G2Affine::identity();
    if (!(z == ff::Fq2::one()))
      bad(Errc::format, what, field, "only affine points (z = [1, 0]) are supported");
  }
  if (!p.is_on_curve()) bad(Errc::invalid_point, what, field, "point is not on the twist curve");
  return p;
}

void expect_protocol(const ordered_json& j, const std::string& what) {
  if (auto it = j.find("protocol"); it != j.end() && *it != "groth16") {
    bad(Errc::format, what, "protocol", "is " + it->dump() + ", expected \"groth16\"");
  }
  if (auto it = j.find("curve"); it != j.end() && *it != "bn128" && *it != "bn254") {
    bad(Errc::format, what, "curve", "is " + it->dump() + ", expected \"bn128\"");
  }
}

}  // namespace

ordered_json proof_to_json(const Proof& proof) {
  ordered_json j;
  j["pi_a"] = g1_json(proof.a);
  j["pi_b"] = g2_json(proof.b);
  j["pi_c"] = g1_json(proof.c);
  j["protocol"] = "groth16";
  j["curve"] = "bn128";
  return j;
}

ordered_json public_to_json(std::span<const ff::Fr> public_signals) {
  ordered_json j = ordered_json::array();
  for (const auto& x : public_signals) j.push_back(x.to_decimal());
  return j;
}

ordered_json vk_to_json(const VerifyingKey& vk) {
  ordered_json j;
  j["protocol"] = "groth16";
  j["curve"] = "bn128";
  j["nPublic"] = vk.n_public();
  j["vk_alpha_1"] = g1_json(vk.alpha1);
  j["vk_beta_2"] = g2_json(vk.beta2);
  j["vk_gamma_2"] = g2_json(vk.gamma2);
  j["vk_delta_2"] = g2_json(vk.delta2);
  auto e = pairing::pairing(vk.alpha1, vk.beta2).coefficients();
  ordered_json ab = ordered_json::array();
  for (int i = 0; i < 2; ++i) {
    ordered_json c6 = ordered_json::array();
    for (int k = 0; k < 3; ++k) c6.push_back({dec(e[6 * i + 2 * k]), dec(e[6 * i + 2 * k + 1])});
    ab.push_back(c6);
  }
  j["vk_alphabeta_12"] = ab;
  ordered_json ic = ordered_json::array();
  for (const auto& p : vk.ic) ic.push_back(g1_json(p));
  j["IC"] = ic;
  return j;
}

Proof proof_from_json(const ordered_json& j, const std::string& what) {
  expect_protocol(j, what);
  return {g1_from(member(j, "pi_a", what), what, "pi_a"), g2_from(member(j, "pi_b", what), what, "pi_b"),
          g1_from(member(j, "pi_c", what), what, "pi_c")};
}

std::vector<ff::u256> public_from_json(const ordered_json& j, const std::string& what) {
  if (!j.is_array()) bad(Errc::format, what, "top level", "expected an array of decimal strings");
  std::vector<ff::u256> out;
  out.reserve(j.size());
  for (std::size_t i = 0; i < j.size(); ++i)
    out.push_back(integer(j[i], what, "[" + std::to_string(i) + "]"));
  return out;
}

VerifyingKey vk_from_json(const ordered_json& j, const std::string& what) {
  expect_protocol(j, what);
  VerifyingKey vk;
  vk.alpha1 = g1_from(member(j, "vk_alpha_1", what), what, "vk_alpha_1");
  vk.beta2 = g2_from(member(j, "vk_beta_2", what), what, "vk_beta_2");
  vk.gamma2 = g2_from(member(j, "vk_gamma_2", what), what, "vk_gamma_2");
  vk.delta2 = g2_from(member(j, "vk_delta_2", what), what, "vk_delta_2");
  const ordered_json& ic = member(j, "IC", what);
  if (!ic.is_array() || ic.empty()) bad(Errc::format, what, "IC", "expected a non-empty array of points");
  for (std::size_t i = 0; i < ic.size(); ++i)
    vk.ic.push_back(g1_from(ic[i], what, "IC[" + std::to_string(i) + "]"));
  if (auto it = j.find("nPublic"); it != j.end()) {
    if (!it->is_number_unsigned() || it->get<std::size_t>() != vk.n_public()) {
      bad(Errc::format, what, "nPublic", "does not match the " + std::to_string(vk.ic.size()) + " IC points");
    }
  }
  return vk;
}

namespace {

// A SAX handler that only counts nesting (nlohmann's sax_parse): nothing is stored.
struct DepthCheck {
  explicit DepthCheck(std::size_t max) : max_values(max) {}
  std::size_t max_values;
  std::size_t depth = 0, values = 0;
  std::string error;
  bool value() {
    if (++values <= max_values) return true;
    error = "has more than " + std::to_string(max_values) + " values";
    return false;
  }
  bool null() { return value(); }
  bool boolean(bool) { return value(); }
  bool number_integer(nlohmann::json::number_integer_t) { return value(); }
  bool number_unsigned(nlohmann::json::number_unsigned_t) { return value(); }
  bool number_float(nlohmann::json::number_float_t, const std::string&) { return value(); }
  bool string(std::string&) { return value(); }
  bool binary(nlohmann::json::binary_t&) { return value(); }
  bool key(std::string&) { return true; }
  bool open() {
    if (++depth > kMaxJsonDepth) {
      error = "is nested deeper than " + std::to_string(kMaxJsonDepth) + " levels";
      return false;
    }
    return value();
  }
  bool start_object(std::size_t) { return open(); }
  bool start_array(std::size_t) { return open(); }
  bool end_object() { return --depth, true; }
  bool end_array() { return --depth, true; }
  bool parse_error(std::size_t pos, const std::string&, const nlohmann::json::exception& e) {
    error = "is not valid JSON: " + std::string(e.what()) + " (byte " + std::to_string(pos) + ")";
    return false;
  }
};

}  // namespace

void check_json(std::string_view text, const std::string& what, std::size_t max_values) {
  DepthCheck sax(max_values);
  bool ok = false;
  try {
    ok = nlohmann::json::sax_parse(text.begin(), text.end(), &sax);
  } catch (const nlohmann::json::exception& e) {
    sax.error = "is not valid JSON: " + std::string(e.what());
  }
  if (!ok) throw Error(Errc::format, what + " " + (sax.error.empty() ? "is not valid JSON" : sax.error));
}

ordered_json parse_json(std::string_view text, const std::string& what, std::size_t max_values) {
  check_json(text, what, max_values);
  try {
    return ordered_json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::exception& e) {  // parse_error, and out_of_range for 1e999
    throw Error(Errc::format, what + " is not valid JSON: " + e.what());
  }
}

ordered_json read_json_file(const std::string& path, std::size_t max_values) {
  MappedFile m(path);
  auto bytes = m.bytes();
  return parse_json(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()),
                    "'" + path + "'", max_values);
}

std::string dump_snarkjs(const ordered_json& j) {
  // snarkjs writes with bfj at indent 1, which matches dump(1) except for an empty array: "[\n]".
  if (j.is_array() && j.empty()) return "[\n]";
  return j.dump(1);
}

}  // namespace pm::formats
