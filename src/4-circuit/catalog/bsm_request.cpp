#include "catalog/bsm_request.hpp"

#include <algorithm>
#include <array>
#include <functional>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "base/random.hpp"
#include "catalog/request_fields.hpp"
#include "ff/signed.hpp"
#include "gadgets/bsm.hpp"
#include "gadgets/eddsa.hpp"

namespace pm::catalog::options {
namespace {

using json = nlohmann::json;
using ordered_json = nlohmann::ordered_json;
using ff::Fr;
namespace bsm = gadgets::bsm;

constexpr std::size_t kMaxExpiries = 8, kMaxPerExpiry = 128;

const RequestReader kReader("options request");

[[noreturn]] void fail(const std::string& field, const std::string& why) { kReader.fail(field, why); }
const json& member(const json& obj, const char* key, const std::string& where) {
  return kReader.member(obj, key, where);
}
Fr decimal_of(const json& v, const std::string& field) { return kReader.decimal(v, field); }
// The circuit's domains, checked here so that a request outside them is refused by field name
// before any proving (the circuit refuses it too, by constraint).
void check_within(const Fr& raw, long double lo, bool lo_open, long double hi, const std::string& field,
                  const std::string& domain) {
  kReader.check_within(raw, lo, lo_open, hi, field, domain);
}
std::uint64_t seconds_of(const json& v, const std::string& field) { return kReader.seconds(v, field); }
Fr field_of(const json& v, const std::string& field) { return kReader.field_element(v, field); }

struct Snapshot {
  Fr feed;
  std::uint64_t timestamp = 0;
  Fr spot, rate, yield;
  std::vector<std::uint64_t> expiries;
  bool svi = false;
  std::vector<Fr> vols;  ///< one an expiry (flat) or five (SVI: a, b, rho, m, sigma)
  Fr message() const {
    return svi ? bsm::svi_snapshot_message(feed, timestamp, spot, rate, yield, expiries, vols)
               : bsm::snapshot_message(feed, timestamp, spot, rate, yield, expiries, vols);
  }
};

constexpr const char* kSviFields[5] = {"a", "b", "rho", "m", "sigma"};

Snapshot parse_snapshot(const json& s) {
  const std::string w = "snapshot";
  Snapshot out;
  out.feed = field_of(member(s, "feed_id", w), w + ".feed_id");
  out.timestamp = seconds_of(member(s, "timestamp", w), w + ".timestamp");
  out.spot = decimal_of(member(s, "spot", w), w + ".spot");
  check_within(out.spot, 0, true, 1099511627776.0L, w + ".spot", "positive and below 2^40");
  out.rate = decimal_of(member(s, "rate", w), w + ".rate");
  check_within(out.rate, -65536, false, 65536, w + ".rate", "within (-2^16, 2^16)");
  out.yield = decimal_of(member(s, "yield", w), w + ".yield");
  check_within(out.yield, -65536, false, 65536, w + ".yield", "within (-2^16, 2^16)");
  const json& ex = member(s, "expiries", w);
  if (!ex.is_array() || ex.size() > kMaxExpiries) {
    fail(w + ".expiries", "must be an array of 0 to " + std::to_string(kMaxExpiries) + " expiries");
  }
  for (std::size_t i = 0; i < ex.size(); ++i) {
    const std::string f = w + ".expiries[" + std::to_string(i) + "]";
    out.expiries.push_back(seconds_of(member(ex[i], "expiry", f), f + ".expiry"));
    const bool has_vol = ex[i].contains("vol"), has_svi = ex[i].contains("svi");
    if (has_vol == has_svi) fail(f, "must have either `vol` (a flat volatility) or `svi` (a slice)");
    if (i == 0) out.svi = has_svi;
    if (has_svi != out.svi) fail(f, "mixes `vol` and `svi`: every expiry of a snapshot uses the same kind");
    if (has_vol) {
      out.vols.push_back(decimal_of(ex[i]["vol"], f + ".vol"));
      check_within(out.vols.back(), 0, true, 65536, f + ".vol", "positive and below 2^16");
    } else {
      // a, m within (-2^16, 2^16); b in [0, 2^16); |rho| < 1; sigma in [0, 2^8) (sigma^2 < 2^16).
      const long double lo[5] = {-65536, 0, -1, -65536, 0}, hi[5] = {65536, 65536, 1, 65536, 256};
      const char* domain[5] = {"within (-2^16, 2^16)", "in [0, 2^16)", "within (-1, 1)",
                               "within (-2^16, 2^16)", "in [0, 2^8)"};
      for (int k = 0; k < 5; ++k) {
        const std::string fk = f + ".svi." + kSviFields[k];
        out.vols.push_back(decimal_of(member(ex[i]["svi"], kSviFields[k], f + ".svi"), fk));
        check_within(out.vols.back(), lo[k], k == 2, hi[k], fk, domain[k]);
      }
    }
    if (std::count(out.expiries.begin(), out.expiries.end(), out.expiries.back()) > 1)
      fail(f, "repeats an expiry");
  }
  return out;
}

std::string dec(const Fr& f) { return f.to_decimal(); }

}  // namespace

std::string to_decimal(const Fr& raw) {
  const ff::SignedInt s = ff::to_signed(raw);
  const unsigned F = bsm::kFrac;
  // |raw| < 2^(48 + 64) in any output: the integer part fits in 64 bits.
  ff::u256 whole = s.mag;
  for (unsigned k = 0; k < F; ++k) {
    for (int i = 0; i < 4; ++i) whole[i] = (whole[i] >> 1) | (i < 3 ? whole[i + 1] << 63 : 0);
  }
  if (whole[1] != 0 || whole[2] != 0 || whole[3] != 0)
    throw Error(Errc::out_of_range, "value too large to print");
  __extension__ typedef unsigned __int128 u128;
  const std::uint64_t frac_bits = s.mag[0] & ((std::uint64_t{1} << F) - 1);
  constexpr std::uint64_t kScale = 1000000000000000ull;  // 10^15: 2^-48 is 3.6e-15, so 15 places
                                                         // always read back exactly
  u128 frac = (static_cast<u128>(frac_bits) * kScale + (static_cast<u128>(1) << (F - 1))) >> F;
  const std::uint64_t ip0 = whole[0];
  // The shortest decimal (0 to 15 places) that reads back as this raw value.
  for (unsigned places = 0;; ++places) {
    std::uint64_t div = 1;
    for (unsigned k = places; k < 15; ++k) div *= 10;
    u128 f = (frac + div / 2) / div;  // frac rounded to `places` places
    std::uint64_t ip = ip0;
    std::uint64_t lim = kScale / div;
    if (f == lim) ++ip, f = 0;
    std::string digits = places == 0 ? "" : std::to_string(static_cast<std::uint64_t>(f));
    if (places > 0) digits.insert(0, places - digits.size(), '0');
    while (!digits.empty() && digits.back() == '0') digits.pop_back();
    std::string out = (s.neg && (ip != 0 || !digits.empty()) ? "-" : "") + std::to_string(ip);
    if (!digits.empty()) out += "." + digits;
    if (places == 15 || gadgets::fixed::encode_decimal(out, F) == raw) return out;
  }
}

ordered_json public_key(std::span<const std::uint8_t> private_key) {
  if (private_key.size() != 32) throw Error(Errc::invalid_argument, "an oracle private key is 32 bytes");
  auto a = gadgets::eddsa_public_key(private_key);
  return ordered_json::array({dec(a.x), dec(a.y)});
}

ordered_json sign_snapshot(const json& snapshot, std::span<const std::uint8_t> private_key) {
  if (private_key.size() != 32) throw Error(Errc::invalid_argument, "an oracle private key is 32 bytes");
  Snapshot s = parse_snapshot(snapshot);
  const Fr m = s.message();
  auto sig = gadgets::eddsa_poseidon_sign(private_key, m);
  ordered_json out = ordered_json::parse(snapshot.dump());
  for (const char* k : {"oracle_key", "message", "signature"}) out.erase(k);
  out["oracle_key"] = public_key(private_key);
  out["message"] = dec(m);
  out["signature"] = {{"R8", {dec(sig.r8.x), dec(sig.r8.y)}}, {"S", dec(Fr::from_canonical_reduced(sig.s))}};
  return out;
}

namespace {

// The snapshot at `w` (parsed, its signature checked), with its key and signature.
struct Signed {
  Snapshot s;
  gadgets::babyjub::Point key;
  gadgets::EddsaSignature signature;
  Fr message;
};
Signed parse_signed(const json& js, const std::string& w) {
  Signed out{parse_snapshot(js), {}, {}, {}};
  const json& key = member(js, "oracle_key", w);
  if (!key.is_array() || key.size() != 2) fail(w + ".oracle_key", "must be [Ax, Ay]");
  out.key = {field_of(key[0], w + ".oracle_key[0]"), field_of(key[1], w + ".oracle_key[1]")};
  const json& sig = member(js, "signature", w);
  const json& r8 = member(sig, "R8", w + ".signature");
  if (!r8.is_array() || r8.size() != 2) fail(w + ".signature.R8", "must be [x, y]");
  out.signature = {{field_of(r8[0], w + ".signature.R8[0]"), field_of(r8[1], w + ".signature.R8[1]")},
                   field_of(member(sig, "S", w + ".signature"), w + ".signature.S").to_canonical()};
  out.message = out.s.message();
  if (!gadgets::eddsa_poseidon_verify(out.key, out.signature, out.message)) {
    fail(w + ".signature",
         "does not verify: this snapshot was not signed by oracle_key (or was changed since)");
  }
  return out;
}

}  // namespace

SignedSnapshot read_signed_snapshot(const json& snapshot, const std::string& where) {
  std::string prefix = "options request: `snapshot";
  try {
    // Field names are reported from `where` (parse_snapshot's own paths start at "snapshot").
    Signed g = parse_signed(snapshot, "snapshot");
    return {g.s.feed, g.s.timestamp, g.s.spot, g.s.rate,    g.s.yield, g.s.expiries,
            g.s.svi,  g.s.vols,      g.key,    g.signature, g.message};
  } catch (const Error& e) {
    std::string what = e.what();
    if (what.rfind(prefix, 0) == 0) what = "`" + where + what.substr(prefix.size());
    throw Error(e.code(), what);
  }
}

Prepared prepare(const json& request) {
  const json& js = member(request, "snapshot", "");
  Signed g = parse_signed(js, "snapshot");
  const Snapshot& s = g.s;
  const gadgets::babyjub::Point& a = g.key;
  const gadgets::EddsaSignature& signature = g.signature;
  const Fr m = g.message;
  if (s.expiries.empty()) fail("snapshot.expiries", "must have 1 to 8 expiries to price options");

  const json& opts = member(request, "options", "");
  if (!opts.is_array() || opts.empty()) fail("options", "must be a non-empty array");
  const std::size_t n_exp = s.expiries.size();
  std::vector<std::vector<std::size_t>> by_expiry(n_exp);
  std::vector<Fr> strikes(opts.size()), sizes(opts.size());
  std::vector<int> calls(opts.size());
  for (std::size_t i = 0; i < opts.size(); ++i) {
    const std::string f = "options[" + std::to_string(i) + "]";
    strikes[i] = decimal_of(member(opts[i], "strike", f), f + ".strike");
    check_within(strikes[i], 0, true, 281474976710656.0L, f + ".strike", "positive and below 2^48");
    const std::uint64_t e = seconds_of(member(opts[i], "expiry", f), f + ".expiry");
    auto it = std::find(s.expiries.begin(), s.expiries.end(), e);
    if (it == s.expiries.end()) fail(f + ".expiry", "is not one of the snapshot's expiries");
    const json& type = member(opts[i], "type", f);
    if (type != "call" && type != "put") fail(f + ".type", "must be \"call\" or \"put\"");
    calls[i] = type == "call" ? 1 : 0;
    sizes[i] = opts[i].contains("size") ? decimal_of(opts[i]["size"], f + ".size")
                                        : gadgets::fixed::encode(1, bsm::kFrac);
    check_within(sizes[i], -281474976710656.0L, false, 281474976710656.0L, f + ".size",
                 "within [-2^48, 2^48)");
    by_expiry[static_cast<std::size_t>(it - s.expiries.begin())].push_back(i);
  }
  std::size_t per = 1;
  for (const auto& v : by_expiry) per = std::max(per, v.size());
  if (per > kMaxPerExpiry)
    fail("options", "has more than " + std::to_string(kMaxPerExpiry) + " options on one expiry");

  bool commit = n_exp * per > kAutoCommitSlots;
  if (request.contains("outputs")) {
    const json& o = request["outputs"];
    if (o != "public" && o != "commitment" && o != "auto")
      fail("outputs", "must be \"public\", \"commitment\" or \"auto\"");
    if (o != "auto") commit = o == "commitment";
  }

  Prepared p;
  p.message = m;
  p.params = {{"expiries", n_exp}, {"options", per}, {"surface", s.svi ? 1 : 0}, {"commit", commit ? 1 : 0}};
  p.slot.assign(opts.size(), 0);
  ordered_json strike = ordered_json::array(), call = ordered_json::array(), size = ordered_json::array();
  for (std::size_t e = 0; e < n_exp; ++e) {
    for (std::size_t j = 0; j < per; ++j) {
      if (j < by_expiry[e].size()) {
        const std::size_t i = by_expiry[e][j];
        p.slot[i] = e * per + j;
        strike.push_back(dec(strikes[i])), call.push_back(calls[i]), size.push_back(dec(sizes[i]));
      } else if (!by_expiry[e].empty()) {  // padding: the expiry's last option again, size 0
        const std::size_t i = by_expiry[e].back();
        strike.push_back(dec(strikes[i])), call.push_back(calls[i]), size.push_back("0");
      } else {  // an expiry without options: the request's first option, size 0 (a strike
                // that is public anyway; never the private spot)
        strike.push_back(dec(strikes[0])), call.push_back(calls[0]), size.push_back("0");
      }
    }
  }
  ordered_json expiry = ordered_json::array(), vol = ordered_json::array();
  for (std::size_t e = 0; e < n_exp; ++e) expiry.push_back(std::to_string(s.expiries[e]));
  for (const auto& v : s.vols) vol.push_back(dec(v));
  p.input = {{"oracle_ax", dec(a.x)},
             {"oracle_ay", dec(a.y)},
             {"feed_id", dec(s.feed)},
             {"timestamp", std::to_string(s.timestamp)},
             {"expiry", expiry},
             {"strike", strike},
             {"call", call},
             {"size", size},
             {"spot", dec(s.spot)},
             {"rate", dec(s.rate)},
             {"yield", dec(s.yield)},
             {s.svi ? "svi" : "vol", vol},
             {"sig_r8x", dec(signature.r8.x)},
             {"sig_r8y", dec(signature.r8.y)},
             {"sig_s", dec(Fr::from_canonical_reduced(signature.s))}};
  if (commit) {
    // The commitment's salt: the request's (reproducible results), or a fresh random one.
    Fr salt;
    if (request.contains("salt")) {
      salt = field_of(request["salt"], "salt");
    } else {
      std::array<std::uint8_t, 32> bytes{};
      os_random_bytes(bytes.data(), bytes.size());
      ff::u256 u{};
      for (int i = 0; i < 4; ++i)
        for (int k = 0; k < 8; ++k) u[i] |= static_cast<std::uint64_t>(bytes[8 * i + k]) << (8 * k);
      u[3] &= (std::uint64_t{1} << 61) - 1;  // below 2^253 < r
      salt = Fr::from_canonical_reduced(u);
    }
    p.input["salt"] = dec(salt);
  }
  return p;
}

std::size_t public_signal_count(const Params& params) {
  const std::size_t n_exp = params.at("expiries"), n = n_exp * params.at("options");
  return params.at("commit") == 1 ? 2 + 6 + 4 + n_exp : 1 + 6 * n + 6 + 4 + n_exp + 3 * n;
}

ordered_json decode(const json& request, std::span<const Fr> pub, std::span<const Fr> rows) {
  Prepared p = prepare(request);
  const std::size_t n_exp = p.params.at("expiries"), n = n_exp * p.params.at("options");
  const bool commit = p.params.at("commit") == 1;
  const std::size_t n_all = public_signal_count(p.params);
  const std::size_t n_out = commit ? 8 : 1 + 6 * n + 6, n_in = n_all - n_out;
  if (pub.size() != n_all) {
    throw Error(Errc::mismatch,
                "public signals: " + std::to_string(pub.size()) + " values, but this request's circuit (" +
                    std::to_string(n_exp) + " expiries, " + std::to_string(n / n_exp) + " options each, " +
                    (commit ? "committed" : "public") + " results) has " + std::to_string(n_all));
  }
  // The public inputs must be this request's: key, feed, time, expiries (and the options).
  std::vector<Fr> options_in;  // strike, call, size per slot, as the circuit read them
  for (std::size_t i = 0; i < n; ++i) {
    options_in.push_back(*Fr::from_decimal(p.input["strike"][i].get<std::string>()));
    options_in.push_back(Fr::from_u64(static_cast<std::uint64_t>(p.input["call"][i].get<int>())));
    options_in.push_back(Fr::zero());
  }
  for (std::size_t i = 0; i < n; ++i)
    options_in[3 * i + 2] = *Fr::from_decimal(p.input["size"][i].get<std::string>());
  std::vector<Fr> want{*Fr::from_decimal(p.input["oracle_ax"].get<std::string>()),
                       *Fr::from_decimal(p.input["oracle_ay"].get<std::string>()),
                       *Fr::from_decimal(p.input["feed_id"].get<std::string>()),
                       *Fr::from_decimal(p.input["timestamp"].get<std::string>())};
  for (const auto& v : p.input["expiry"]) want.push_back(*Fr::from_decimal(v.get<std::string>()));
  if (!commit) {
    for (std::size_t k = 0; k < 3; ++k)
      for (std::size_t i = 0; i < n; ++i) want.push_back(options_in[3 * i + k]);
  }
  for (std::size_t i = 0; i < n_in; ++i) {
    if (pub[n_out + i] != want[i]) {
      throw Error(Errc::mismatch, "public signals: input " + std::to_string(i) +
                                      " is not this request's (another snapshot, key or option list)");
    }
  }
  if (pub[0] != p.message) {
    throw Error(Errc::mismatch,
                "public signals: the proof's snapshot is not this request's (another signed snapshot)");
  }
  // The results of slot i, k-th of price..rho.
  std::function<Fr(std::size_t, std::size_t)> result;
  if (commit) {
    if (rows.empty()) {
      throw Error(Errc::mismatch,
                  "committed results: this proof is in commitment mode; its options and results are the "
                  "committed_rows of the prover's results JSON (proofmill options decode --values)");
    }
    if (rows.size() != 1 + bsm::kResultRow * n) {
      throw Error(Errc::mismatch, "committed results: " + std::to_string(rows.size()) + " values, expected " +
                                      std::to_string(1 + bsm::kResultRow * n) +
                                      " (a salt, then 9 an option slot)");
    }
    if (bsm::results_commitment(p.message, n_exp, n / n_exp, rows) != pub[1]) {
      throw Error(Errc::mismatch, "committed results: they do not hash to the proof's `results` commitment");
    }
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t k = 0; k < 3; ++k) {
        if (rows[1 + bsm::kResultRow * i + k] != options_in[3 * i + k])
          throw Error(Errc::mismatch, "committed results: option slot " + std::to_string(i) +
                                          " is not this request's option");
      }
    }
    result = [rows](std::size_t i, std::size_t k) { return rows[1 + bsm::kResultRow * i + 3 + k]; };
  } else {
    result = [pub, n](std::size_t i, std::size_t k) { return pub[1 + k * n + i]; };
  }
  const json& opts = request["options"];
  const char* names[6] = {"price", "delta", "gamma", "vega", "theta", "rho"};
  ordered_json out_opts = ordered_json::array();
  for (std::size_t i = 0; i < opts.size(); ++i) {
    ordered_json o;
    if (opts[i].contains("id")) o["id"] = opts[i]["id"];
    o["strike"] = to_decimal(options_in[3 * p.slot[i]]);
    o["expiry"] = opts[i]["expiry"];
    o["type"] = opts[i]["type"];
    o["size"] = to_decimal(options_in[3 * p.slot[i] + 2]);
    for (std::size_t k = 0; k < 6; ++k) o[names[k]] = to_decimal(result(p.slot[i], k));
    out_opts.push_back(o);
  }
  const char* total_names[6] = {"value", "delta", "gamma", "vega", "theta", "rho"};
  ordered_json totals;
  for (std::size_t k = 0; k < 6; ++k) totals[total_names[k]] = to_decimal(pub[n_out - 6 + k]);
  const auto& js = request["snapshot"];
  ordered_json out{{"snapshot", dec(pub[0])},
                   {"feed_id", p.input["feed_id"]},
                   {"timestamp", js["timestamp"]},
                   {"oracle_key", {p.input["oracle_ax"], p.input["oracle_ay"]}},
                   {"outputs", commit ? "commitment" : "public"},
                   {"options", out_opts},
                   {"totals", totals}};
  if (commit) {
    out["results"] = dec(pub[1]);
    ordered_json committed = ordered_json::array();
    for (const auto& v : rows) committed.push_back(dec(v));
    out["committed_rows"] = committed;
  }
  return out;
}

std::vector<Fr> committed_rows(const json& results) {
  auto it = results.find("committed_rows");
  if (it == results.end() || !it->is_array())
    fail("committed_rows",
         "is missing: the results of a proof in commitment mode carry the committed values");
  std::vector<Fr> rows;
  for (std::size_t i = 0; i < it->size(); ++i)
    rows.push_back(field_of((*it)[i], "committed_rows[" + std::to_string(i) + "]"));
  return rows;
}

}  // namespace pm::catalog::options
