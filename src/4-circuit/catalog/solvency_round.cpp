#include "catalog/solvency_round.hpp"

#include <algorithm>
#include <map>
#include <unordered_map>

#include "base/error.hpp"
#include "catalog/request_fields.hpp"
#include "gadgets/margin.hpp"
#include "hash/poseidon.hpp"
#include "hash/sha256.hpp"

namespace pm::catalog::solvency {
namespace {

namespace sv = gadgets::solvency;

std::string dec(const Fr& v) { return v.to_decimal(); }

// A decimal integer string (or JSON integer) below 2^bits.
Fr bounded(const RequestReader& rd, const nlohmann::json& v, const std::string& field, unsigned bits) {
  std::string s;
  if (v.is_number_unsigned()) {
    s = std::to_string(v.get<std::uint64_t>());
  } else if (v.is_string()) {
    s = v.get<std::string>();
  }
  auto n = s.size() <= 78 ? ff::from_decimal(s) : std::nullopt;
  if (!n) rd.fail(field, "must be a non-negative integer (a string of digits)");
  if (ff::bit_length(*n) > bits) rd.fail(field, "must be below 2^" + std::to_string(bits));
  return Fr::from_canonical_reduced(*n);
}

// "0.95" -> 950000: a decimal in [0, 1] with at most 6 places.
std::uint64_t haircut_of(const RequestReader& rd, const nlohmann::json& v, const std::string& field) {
  const std::string s = v.is_string() ? v.get<std::string>() : v.is_number() ? v.dump() : "";
  const auto dot = s.find('.');
  const std::string whole = s.substr(0, dot), frac = dot == std::string::npos ? "" : s.substr(dot + 1);
  const bool digits = !whole.empty() && whole.find_first_not_of("0123456789") == std::string::npos &&
                      frac.find_first_not_of("0123456789") == std::string::npos && whole.size() <= 7;
  if (!digits || frac.size() > 6)
    rd.fail(field, "must be a decimal in [0, 1] with at most 6 places, such as \"0.95\"");
  const std::uint64_t h = std::stoull(whole) * sv::kHaircutOne +
                          (frac.empty() ? 0 : std::stoull(frac + std::string(6 - frac.size(), '0')));
  if (h > sv::kHaircutOne) rd.fail(field, "must be at most 1");
  return h;
}

std::array<std::uint8_t, 32> word(const Fr& v) {
  const ff::u256 x = v.to_canonical();
  std::array<std::uint8_t, 32> out{};
  for (int i = 0; i < 32; ++i) out[31 - i] = static_cast<std::uint8_t>(x[i / 8] >> (8 * (i % 8)));
  return out;
}

std::vector<Fr> leaves_of(std::span<const User> users, std::size_t k, std::size_t b) {
  std::vector<Fr> leaves;
  for (std::size_t i = k * b; i < std::min(users.size(), (k + 1) * b); ++i) {
    leaves.push_back(sv::user_leaf({users[i].id_hash, users[i].equity, users[i].debt}));
  }
  // Empty users (id hash 0, nothing held) fill the batch: their leaf is Poseidon(0, 0, ...).
  const std::size_t assets = users[k * b].equity.size();
  leaves.resize(
      b, sv::user_leaf({Fr::zero(), std::vector<std::uint64_t>(assets), std::vector<std::uint64_t>(assets)}));
  return leaves;
}

// The top tree's leaves: Poseidon(batch root, batch commitment), zero for the empty slots.
std::vector<Fr> top_leaves(const Round& r) {
  std::vector<Fr> leaves;
  for (std::size_t k = 0; k < r.batches.size(); ++k) {
    leaves.push_back(hash::poseidon(std::vector<Fr>{r.batches[k].root, r.commitments[k]}));
  }
  leaves.resize(r.config.slots, Fr::zero());
  return leaves;
}

Fr top_root(const Round& r) { return sv::tree_root(top_leaves(r)); }

gadgets::babyjub::Point custodian_key(const RequestReader& rd, const nlohmann::json& entry,
                                      const std::string& w) {
  const auto& key = rd.member(entry, "custodian_key", w);
  if (!key.is_array() || key.size() != 2) rd.fail(w + ".custodian_key", "must be [Ax, Ay]");
  return {rd.field_element(key[0], w + ".custodian_key[0]"),
          rd.field_element(key[1], w + ".custodian_key[1]")};
}

// Everything a round derives from its batches (roots and totals) and configuration: the totals,
// each batch's commitment, the root, z and the digest.
void finish(Round& r) {
  const auto& c = r.config;
  r.equity.assign(c.assets.size(), Fr::zero());
  r.debt.assign(c.assets.size(), Fr::zero());
  r.commitments.clear();
  for (const auto& bv : r.batches) {
    for (std::size_t a = 0; a < c.assets.size(); ++a) {
      r.equity[a] += bv.equity[a];
      r.debt[a] += bv.debt[a];
    }
    r.commitments.push_back(sv::batch_commitment(Fr::from_u64(c.round), r.price_hash, bv));
  }
  r.root = top_root(r);
  r.z = challenge(c.exchange, c.round, r.root, r.commitments);
  r.digest = sv::batches_digest(r.commitments, r.z);
}

void add_prices(json& in, const Config& c) {
  for (const char* k : {"price", "haircut", "asset"}) in[k] = json::array();
  for (std::size_t a = 0; a < c.assets.size(); ++a) {
    in["price"].push_back(std::to_string(c.prices.price[a]));
    in["haircut"].push_back(std::to_string(c.prices.haircut[a]));
    in["asset"].push_back(dec(c.prices.asset[a]));
  }
}

std::string haircut_text(std::uint64_t h) {
  std::string frac = std::to_string(h % sv::kHaircutOne);
  frac = std::string(6 - frac.size(), '0') + frac;
  while (!frac.empty() && frac.back() == '0') frac.pop_back();
  return std::to_string(h / sv::kHaircutOne) + (frac.empty() ? "" : "." + frac);
}

json fr_array(std::span<const Fr> v) {
  json a = json::array();
  for (const auto& x : v) a.push_back(dec(x));
  return a;
}

}  // namespace

Fr asset_id(const std::string& name) { return gadgets::margin::domain_tag(name); }

namespace {
// The attested amounts by the round's assets (absent: 0); every named asset must be one of them.
std::vector<Fr> custody_amounts(const RequestReader& rd, const nlohmann::json& amounts,
                                std::span<const std::string> assets, const std::string& w) {
  if (!amounts.is_object()) rd.fail(w + ".amounts", "must be an object {asset: amount}");
  for (const auto& [name, v] : amounts.items()) {
    if (std::find(assets.begin(), assets.end(), name) == assets.end()) {
      rd.fail(w + ".amounts." + name, "is not one of the round's assets");
    }
  }
  std::vector<Fr> out;
  for (const auto& a : assets) {
    out.push_back(amounts.contains(a) ? bounded(rd, amounts[a], w + ".amounts." + a, sv::kReserveBits)
                                      : Fr::zero());
  }
  return out;
}
}  // namespace

json sign_custody(const nlohmann::json& attestation, std::span<const std::string> assets,
                  std::span<const std::uint8_t> private_key) {
  RequestReader rd("custody attestation");
  const Fr exchange = rd.field_element(rd.member(attestation, "exchange", ""), "exchange");
  const std::uint64_t round = rd.integer(rd.member(attestation, "round", ""), "round", 63);
  const auto values = custody_amounts(rd, rd.member(attestation, "amounts", ""), assets, "");
  std::vector<Fr> ids;
  for (const auto& a : assets) ids.push_back(asset_id(a));
  json out = attestation;
  const auto key = gadgets::eddsa_public_key(private_key);
  out["custodian_key"] = {dec(key.x), dec(key.y)};
  const auto sig = gadgets::eddsa_poseidon_sign(
      private_key, sv::custody_message(exchange, Fr::from_u64(round), ids, values));
  out["signature"] = {{"R8", {dec(sig.r8.x), dec(sig.r8.y)}}, {"S", dec(Fr::from_canonical_reduced(sig.s))}};
  return out;
}

Config read_config(const nlohmann::json& j) {
  RequestReader rd("solvency round");
  Config c;
  c.exchange = rd.field_element(rd.member(j, "exchange", ""), "exchange");
  c.round = rd.integer(rd.member(j, "round", ""), "round", 63);
  if (j.contains("batch_users")) c.batch_users = rd.integer(j["batch_users"], "batch_users", 13);
  if (j.contains("slots")) c.slots = rd.integer(j["slots"], "slots", 13);
  if (c.batch_users == 0 || c.batch_users > 4096) rd.fail("batch_users", "must be in 1..4096");
  if (c.slots == 0 || c.slots > 4096) rd.fail("slots", "must be in 1..4096");
  const auto& assets = rd.member(j, "assets", "");
  if (!assets.is_array() || assets.empty() || assets.size() > sv::kMaxAssets) {
    rd.fail("assets", "must be an array of 1 to " + std::to_string(sv::kMaxAssets) + " assets");
  }
  for (std::size_t a = 0; a < assets.size(); ++a) {
    const std::string w = "assets[" + std::to_string(a) + "]";
    const auto& name = rd.member(assets[a], "name", w);
    if (!name.is_string() || name.get<std::string>().empty() || name.get<std::string>().size() > 31) {
      rd.fail(w + ".name", "must be a string of 1 to 31 bytes");
    }
    for (const auto& seen : c.assets) {
      if (seen == name.get<std::string>()) rd.fail(w + ".name", "names an asset twice");
    }
    c.assets.push_back(name.get<std::string>());
    c.prices.asset.push_back(asset_id(c.assets.back()));
    c.prices.price.push_back(
        bounded(rd, rd.member(assets[a], "price", w), w + ".price", 64).to_canonical()[0]);
    c.prices.haircut.push_back(haircut_of(rd, rd.member(assets[a], "haircut", w), w + ".haircut"));
    c.onchain.push_back(assets[a].contains("onchain")
                            ? bounded(rd, assets[a]["onchain"], w + ".onchain", sv::kReserveBits)
                            : Fr::zero());
  }
  if (j.contains("custodians")) {
    const auto& cs = j["custodians"];
    if (!cs.is_array() || cs.size() > sv::kMaxCustodians) {
      rd.fail("custodians",
              "must be an array of at most " + std::to_string(sv::kMaxCustodians) + " attestations");
    }
    for (std::size_t k = 0; k < cs.size(); ++k) {
      const std::string w = "custodians[" + std::to_string(k) + "]";
      Custody cu;
      cu.key = custodian_key(rd, cs[k], w);
      for (const auto& seen : c.custodians) {
        if (seen.key.x == cu.key.x && seen.key.y == cu.key.y)
          rd.fail(w + ".custodian_key", "repeats a custodian");
      }
      if (rd.field_element(rd.member(cs[k], "exchange", w), w + ".exchange") != c.exchange ||
          rd.integer(rd.member(cs[k], "round", w), w + ".round", 63) != c.round) {
        rd.fail(w, "attests another exchange or round");
      }
      cu.amounts = custody_amounts(rd, rd.member(cs[k], "amounts", w), c.assets, w);
      const auto& sig = rd.member(cs[k], "signature", w);
      const auto& r8 = rd.member(sig, "R8", w + ".signature");
      if (!r8.is_array() || r8.size() != 2) rd.fail(w + ".signature.R8", "must be [x, y]");
      cu.signature = {
          {rd.field_element(r8[0], w + ".signature.R8[0]"), rd.field_element(r8[1], w + ".signature.R8[1]")},
          rd.field_element(rd.member(sig, "S", w + ".signature"), w + ".signature.S").to_canonical()};
      if (!gadgets::eddsa_poseidon_verify(
              cu.key, cu.signature,
              sv::custody_message(c.exchange, Fr::from_u64(c.round), c.prices.asset, cu.amounts))) {
        rd.fail(w + ".signature",
                "does not verify: not signed by custodian_key for these amounts, exchange and round");
      }
      c.custodians.push_back(std::move(cu));
    }
  }
  return c;
}

std::string user_nonce(std::span<const std::uint8_t> secret, std::uint64_t round, std::string_view id) {
  hash::Sha256 h;
  h.update(secret);
  const std::uint8_t zero = 0;
  h.update(std::span(&zero, 1));
  h.update(std::to_string(round));
  h.update(std::span(&zero, 1));
  h.update(id);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (auto b : h.finish()) out += {kHex[b >> 4], kHex[b & 15]};
  return out;
}

Fr user_id_hash(const Fr& exchange, std::uint64_t round, std::string_view id, std::string_view nonce) {
  hash::Sha256 h;
  const std::uint8_t zero = 0;
  h.update(std::string_view("proofmill/solvency-user/v1"));
  const std::string ex = dec(exchange), rn = std::to_string(round);  // outlive the loop
  for (std::string_view part : {std::string_view(ex), std::string_view(rn), id, nonce}) {
    h.update(std::span(&zero, 1));
    h.update(part);
  }
  const auto d = h.finish();
  ff::u256 v{};
  for (int i = 0; i < 31; ++i)
    v[(30 - i) / 8] |= static_cast<std::uint64_t>(d[static_cast<std::size_t>(i)]) << (8 * ((30 - i) % 8));
  return Fr::from_canonical_reduced(v);
}

std::vector<User> read_users(std::istream& csv, const Config& c, std::span<const std::uint8_t> secret) {
  if (secret.size() < 16)
    throw Error(Errc::invalid_argument, "solvency users: the secret must be at least 16 bytes");
  RequestReader rd("solvency users");
  std::map<std::string, std::size_t, std::less<>> asset_index;
  for (std::size_t a = 0; a < c.assets.size(); ++a) asset_index[c.assets[a]] = a;
  std::unordered_map<std::string, std::size_t> index;
  std::vector<std::vector<bool>> seen;
  std::vector<User> users;
  std::string line;
  std::size_t n = 0;
  while (std::getline(csv, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::string where = "line " + std::to_string(n);
    if (n == 1) {
      if (line != "user,asset,equity,debt") rd.fail(where, "must be the header `user,asset,equity,debt`");
      continue;
    }
    if (line.empty()) continue;
    std::vector<std::string> f;
    std::size_t at = 0;
    for (;;) {
      const auto comma = line.find(',', at);
      f.push_back(line.substr(at, comma - at));
      if (comma == std::string::npos) break;
      at = comma + 1;
    }
    if (f.size() != 4) rd.fail(where, "must have 4 fields: user,asset,equity,debt");
    if (f[0].empty() || f[0].size() > 256 || f[0].find('"') != std::string::npos) {
      rd.fail(where + ".user", "must be 1 to 256 bytes without quotes");
    }
    auto ai = asset_index.find(f[1]);
    if (ai == asset_index.end()) rd.fail(where + ".asset", "`" + f[1] + "` is not one of the round's assets");
    auto [it, fresh] = index.try_emplace(f[0], users.size());
    if (fresh) {
      User u;
      u.id = f[0];
      u.nonce = user_nonce(secret, c.round, u.id);
      u.id_hash = user_id_hash(c.exchange, c.round, u.id, u.nonce);
      u.equity.assign(c.assets.size(), 0);
      u.debt.assign(c.assets.size(), 0);
      users.push_back(std::move(u));
      seen.emplace_back(c.assets.size(), false);
    }
    if (seen[it->second][ai->second]) rd.fail(where, "repeats user `" + f[0] + "` and asset `" + f[1] + "`");
    seen[it->second][ai->second] = true;
    users[it->second].equity[ai->second] = bounded(rd, f[2], where + ".equity", 64).to_canonical()[0];
    users[it->second].debt[ai->second] = bounded(rd, f[3], where + ".debt", 64).to_canonical()[0];
  }
  if (users.empty()) rd.fail("users", "the CSV has no users");
  return users;
}

Fr challenge(const Fr& exchange, std::uint64_t round, const Fr& root, std::span<const Fr> commitments) {
  hash::Sha256 h;
  for (const Fr& v : {exchange, Fr::from_u64(round), root}) h.update(word(v));
  for (const auto& c : commitments) h.update(word(c));
  const auto d = h.finish();
  ff::u256 v{};
  for (int i = 0; i < 32; ++i)
    v[(31 - i) / 8] |= static_cast<std::uint64_t>(d[static_cast<std::size_t>(i)]) << (8 * ((31 - i) % 8));
  return Fr::from_u256_reduce(v);
}

Round build(const Config& c, std::span<const User> users) {
  if (users.empty()) throw Error(Errc::invalid_argument, "solvency round: no users");
  Round r;
  r.config = c;
  r.users = users.size();
  const std::size_t assets = c.assets.size(), b = c.batch_users;
  const std::size_t n = (users.size() + b - 1) / b;
  if (n > c.slots) {
    throw Error(Errc::invalid_argument, "solvency round: " + std::to_string(users.size()) + " users need " +
                                            std::to_string(n) + " batches of " + std::to_string(b) +
                                            ", more than the top key's " + std::to_string(c.slots) +
                                            " slots");
  }
  for (const auto& u : users) {
    if (!sv::meets_collateral_rule({u.id_hash, u.equity, u.debt}, c.prices)) {
      throw Error(Errc::invalid_argument,
                  "solvency round: user `" + u.id + "` has debt beyond its haircut-weighted collateral");
    }
  }
  r.price_hash = sv::price_hash(c.prices);
  for (std::size_t k = 0; k < n; ++k) {
    sv::BatchValues bv{sv::tree_root(leaves_of(users, k, b)), std::vector<Fr>(assets),
                       std::vector<Fr>(assets)};
    for (std::size_t i = k * b; i < std::min(users.size(), (k + 1) * b); ++i) {
      for (std::size_t a = 0; a < assets; ++a) {
        bv.equity[a] += Fr::from_u64(users[i].equity[a]);
        bv.debt[a] += Fr::from_u64(users[i].debt[a]);
      }
    }
    r.batches.push_back(std::move(bv));
  }
  finish(r);
  // Reserves cover net liabilities, asset by asset (all values below 2^100: exact in u256).
  for (std::size_t a = 0; a < assets; ++a) {
    ff::u256 have = c.onchain[a].to_canonical();
    (void)ff::add_carry(have, have, r.debt[a].to_canonical());
    for (const auto& cu : c.custodians) (void)ff::add_carry(have, have, cu.amounts[a].to_canonical());
    if (ff::lt(have, r.equity[a].to_canonical())) {
      throw Error(Errc::invalid_argument, "solvency round: reserves of `" + c.assets[a] + "` (" +
                                              dec(c.onchain[a]) + " on chain plus attested) do not cover " +
                                              "users' equity " + dec(r.equity[a]) + " less debt " +
                                              dec(r.debt[a]));
    }
  }
  return r;
}

json batch_input(const Round& r, std::span<const User> users, std::size_t k) {
  const auto& c = r.config;
  const std::size_t assets = c.assets.size(), b = c.batch_users;
  json in;
  in["round"] = std::to_string(c.round);
  add_prices(in, c);
  in["id_hash"] = json::array();
  in["equity"] = json::array();
  in["debt"] = json::array();
  for (std::size_t i = k * b; i < (k + 1) * b; ++i) {
    const bool real = i < users.size();
    in["id_hash"].push_back(real ? dec(users[i].id_hash) : "0");
    for (std::size_t a = 0; a < assets; ++a) {
      in["equity"].push_back(real ? std::to_string(users[i].equity[a]) : "0");
      in["debt"].push_back(real ? std::to_string(users[i].debt[a]) : "0");
    }
  }
  return in;
}

json top_input(const Round& r) {
  const auto& c = r.config;
  const std::size_t assets = c.assets.size();
  json in;
  in["exchange"] = dec(c.exchange);
  in["round"] = std::to_string(c.round);
  in["price_hash"] = dec(r.price_hash);
  in["z"] = dec(r.z);
  in["batches"] = std::to_string(r.batches.size());
  add_prices(in, c);
  in["onchain"] = fr_array(c.onchain);
  in["custodian_x"] = json::array();
  in["custodian_y"] = json::array();
  for (const auto& cu : c.custodians) {
    in["custodian_x"].push_back(dec(cu.key.x));
    in["custodian_y"].push_back(dec(cu.key.y));
  }
  for (const char* k : {"active", "batch_root", "batch_equity", "batch_debt"}) in[k] = json::array();
  for (std::size_t i = 0; i < c.slots; ++i) {
    const bool real = i < r.batches.size();
    in["active"].push_back(real ? "1" : "0");
    in["batch_root"].push_back(real ? dec(r.batches[i].root) : "0");
    for (std::size_t a = 0; a < assets; ++a) {
      in["batch_equity"].push_back(real ? dec(r.batches[i].equity[a]) : "0");
      in["batch_debt"].push_back(real ? dec(r.batches[i].debt[a]) : "0");
    }
  }
  for (const char* k : {"custody", "custody_r8x", "custody_r8y", "custody_s"}) in[k] = json::array();
  for (const auto& cu : c.custodians) {
    for (const auto& v : cu.amounts) in["custody"].push_back(dec(v));
    in["custody_r8x"].push_back(dec(cu.signature.r8.x));
    in["custody_r8y"].push_back(dec(cu.signature.r8.y));
    in["custody_s"].push_back(dec(Fr::from_canonical_reduced(cu.signature.s)));
  }
  return in;
}

std::vector<Fr> top_public_signals(const Round& r) {
  const auto& c = r.config;
  std::vector<Fr> s{r.root};
  s.insert(s.end(), r.equity.begin(), r.equity.end());
  s.insert(s.end(), r.debt.begin(), r.debt.end());
  s.push_back(r.digest);
  for (const Fr& v : {c.exchange, Fr::from_u64(c.round), r.price_hash, r.z, Fr::from_u64(r.batches.size())})
    s.push_back(v);
  s.insert(s.end(), c.onchain.begin(), c.onchain.end());
  for (const auto& cu : c.custodians) s.push_back(cu.key.x);
  for (const auto& cu : c.custodians) s.push_back(cu.key.y);
  return s;
}

json public_record(const Round& r) {
  const auto& c = r.config;
  json j;
  j["exchange"] = dec(c.exchange);
  j["round"] = c.round;
  j["batch_users"] = c.batch_users;
  j["slots"] = c.slots;
  j["users"] = r.users;
  j["assets"] = json::array();
  for (std::size_t a = 0; a < c.assets.size(); ++a) {
    j["assets"].push_back({{"name", c.assets[a]},
                           {"price", std::to_string(c.prices.price[a])},
                           {"haircut", haircut_text(c.prices.haircut[a])},
                           {"onchain", dec(c.onchain[a])},
                           {"equity", dec(r.equity[a])},
                           {"debt", dec(r.debt[a])}});
  }
  j["custodians"] = json::array();
  for (const auto& cu : c.custodians) {
    j["custodians"].push_back(
        {{"custodian_key", {dec(cu.key.x), dec(cu.key.y)}}, {"amounts", fr_array(cu.amounts)}});
  }
  j["price_hash"] = dec(r.price_hash);
  j["root"] = dec(r.root);
  j["z"] = dec(r.z);
  j["digest"] = dec(r.digest);
  j["batches"] = json::array();
  for (std::size_t k = 0; k < r.batches.size(); ++k) {
    j["batches"].push_back({{"root", dec(r.batches[k].root)},
                            {"equity", fr_array(r.batches[k].equity)},
                            {"debt", fr_array(r.batches[k].debt)},
                            {"commitment", dec(r.commitments[k])}});
  }
  j["top_public_signals"] = fr_array(top_public_signals(r));
  return j;
}

json inclusion(const Round& r, std::span<const User> users, std::size_t index) {
  const auto& c = r.config;
  const std::size_t b = c.batch_users, k = index / b;
  const User& u = users[index];
  json j;
  j["exchange"] = dec(c.exchange);
  j["round"] = c.round;
  j["user"] = u.id;
  j["nonce"] = u.nonce;
  j["balances"] = json::array();
  for (std::size_t a = 0; a < c.assets.size(); ++a) {
    j["balances"].push_back({{"asset", c.assets[a]},
                             {"equity", std::to_string(u.equity[a])},
                             {"debt", std::to_string(u.debt[a])}});
  }
  j["batch"] = k;
  j["index"] = index % b;
  j["batch_path"] = fr_array(sv::tree_path(leaves_of(users, k, b), index % b));
  j["commitment"] = dec(r.commitments[k]);
  j["top_path"] = fr_array(sv::tree_path(top_leaves(r), k));
  j["root"] = dec(r.root);
  return j;
}

Round read_record(const nlohmann::json& record) {
  RequestReader rd("solvency record");
  // The configuration part reads as round.json does (custodians without signatures).
  json config;
  for (const char* k : {"exchange", "round", "batch_users", "slots"}) config[k] = rd.member(record, k, "");
  config["assets"] = json::array();
  const auto& assets = rd.member(record, "assets", "");
  if (!assets.is_array()) rd.fail("assets", "must be an array");
  for (const auto& a : assets) {
    config["assets"].push_back({{"name", rd.member(a, "name", "assets[]")},
                                {"price", rd.member(a, "price", "assets[]")},
                                {"haircut", rd.member(a, "haircut", "assets[]")},
                                {"onchain", rd.member(a, "onchain", "assets[]")}});
  }
  Config c = read_config(config);
  const auto& cs = rd.member(record, "custodians", "");
  if (!cs.is_array() || cs.size() > sv::kMaxCustodians)
    rd.fail("custodians", "must be an array of at most 8");
  for (std::size_t k = 0; k < cs.size(); ++k) {
    const std::string w = "custodians[" + std::to_string(k) + "]";
    Custody cu;
    cu.key = custodian_key(rd, cs[k], w);
    const auto& amounts = rd.member(cs[k], "amounts", w);
    if (!amounts.is_array() || amounts.size() != c.assets.size())
      rd.fail(w + ".amounts", "must have one amount per asset");
    for (std::size_t a = 0; a < amounts.size(); ++a) {
      cu.amounts.push_back(
          bounded(rd, amounts[a], w + ".amounts[" + std::to_string(a) + "]", sv::kReserveBits));
    }
    c.custodians.push_back(std::move(cu));
  }
  const auto& batches = rd.member(record, "batches", "");
  if (!batches.is_array() || batches.empty() || batches.size() > c.slots) {
    rd.fail("batches", "must be an array of 1 to `slots` batches");
  }
  Round r;
  r.config = c;
  r.users = rd.integer(rd.member(record, "users", ""), "users", 40);
  r.price_hash = sv::price_hash(c.prices);
  const std::size_t n_assets = c.assets.size();
  auto totals = [&](const nlohmann::json& v, const std::string& w) {
    if (!v.is_array() || v.size() != n_assets) rd.fail(w, "must have one total per asset");
    std::vector<Fr> out;
    // A batch total is a sum of at most 4,096 balances below 2^64.
    for (std::size_t a = 0; a < n_assets; ++a)
      out.push_back(bounded(rd, v[a], w + "[" + std::to_string(a) + "]", 76));
    return out;
  };
  for (std::size_t k = 0; k < batches.size(); ++k) {
    const std::string w = "batches[" + std::to_string(k) + "]";
    sv::BatchValues bv{rd.field_element(rd.member(batches[k], "root", w), w + ".root"),
                       totals(rd.member(batches[k], "equity", w), w + ".equity"),
                       totals(rd.member(batches[k], "debt", w), w + ".debt")};
    r.batches.push_back(std::move(bv));
  }
  finish(r);
  // Every value the record states must be the one derived here.
  const auto derived = nlohmann::json::parse(public_record(r).dump());
  for (const char* k : {"price_hash", "root", "z", "digest", "assets", "batches", "top_public_signals"}) {
    if (rd.member(record, k, "") != derived[k]) {
      throw Error(Errc::mismatch, std::string("solvency record: `") + k +
                                      "` is not what the record's batches and assets give");
    }
  }
  return r;
}

json user_line(const User& u) {
  json j{{"user", u.id}, {"nonce", u.nonce}};
  j["equity"] = json::array();
  j["debt"] = json::array();
  for (auto v : u.equity) j["equity"].push_back(std::to_string(v));
  for (auto v : u.debt) j["debt"].push_back(std::to_string(v));
  return j;
}

User user_from_line(const nlohmann::json& line, const Config& c) {
  const std::size_t assets = c.assets.size();
  RequestReader rd("users.jsonl");
  User u;
  const auto& id = rd.member(line, "user", "");
  const auto& nonce = rd.member(line, "nonce", "");
  if (!id.is_string() || !nonce.is_string()) rd.fail("user", "and `nonce` must be strings");
  u.id = id.get<std::string>();
  u.nonce = nonce.get<std::string>();
  for (const char* k : {"equity", "debt"}) {
    const auto& v = rd.member(line, k, "");
    if (!v.is_array() || v.size() != assets) rd.fail(k, "must have one balance per asset");
    for (std::size_t a = 0; a < assets; ++a) {
      (k[0] == 'e' ? u.equity : u.debt).push_back(bounded(rd, v[a], k, 64).to_canonical()[0]);
    }
  }
  u.id_hash = user_id_hash(c.exchange, c.round, u.id, u.nonce);
  return u;
}

Job read_job(const nlohmann::json& j) {
  RequestReader rd("solvency job");
  Job job;
  const auto& st = rd.member(j, "statement", "");
  if (!st.is_string() || (st != "solvency_batch" && st != "solvency_top")) {
    rd.fail("statement", "must be \"solvency_batch\" or \"solvency_top\"");
  }
  job.statement = st.get<std::string>();
  const auto& def = find(job.statement);
  for (const auto& p : def.params) job.params[p.name] = p.default_value;
  const auto& params = rd.member(j, "params", "");
  if (!params.is_object()) rd.fail("params", "must be an object of integer parameters");
  for (const auto& [k, v] : params.items()) {
    auto it =
        std::find_if(def.params.begin(), def.params.end(), [&](const ParamDef& p) { return p.name == k; });
    if (it == def.params.end()) rd.fail("params." + k, "is not a parameter of " + job.statement);
    const auto n = rd.integer(v, "params." + k, 32);
    if (n < it->min || n > it->max) {
      rd.fail("params." + k, "must be in " + std::to_string(it->min) + ".." + std::to_string(it->max));
    }
    job.params[k] = n;
  }
  job.input = rd.member(j, "input", "");
  if (!job.input.is_object()) rd.fail("input", "must be the circuit's input object");
  return job;
}

std::size_t public_signal_count(const Job& job) {
  if (job.statement == "solvency_batch") return 1;
  return 3 * job.params.at("assets") + 7 + 2 * job.params.at("custodians");
}

Fr verify_inclusion(const nlohmann::json& inc) {
  RequestReader rd("inclusion");
  const Fr exchange = rd.field_element(rd.member(inc, "exchange", ""), "exchange");
  const std::uint64_t round = rd.integer(rd.member(inc, "round", ""), "round", 63);
  const auto& id = rd.member(inc, "user", "");
  const auto& nonce = rd.member(inc, "nonce", "");
  if (!id.is_string() || !nonce.is_string()) rd.fail("user", "and `nonce` must be strings");
  const auto& bal = rd.member(inc, "balances", "");
  if (!bal.is_array() || bal.empty() || bal.size() > sv::kMaxAssets)
    rd.fail("balances", "must list 1 to 15 assets");
  sv::UserValues u{user_id_hash(exchange, round, id.get<std::string>(), nonce.get<std::string>()), {}, {}};
  for (std::size_t a = 0; a < bal.size(); ++a) {
    const std::string w = "balances[" + std::to_string(a) + "]";
    u.equity.push_back(bounded(rd, rd.member(bal[a], "equity", w), w + ".equity", 64).to_canonical()[0]);
    u.debt.push_back(bounded(rd, rd.member(bal[a], "debt", w), w + ".debt", 64).to_canonical()[0]);
  }
  auto frs = [&](const char* key) {
    const auto& v = rd.member(inc, key, "");
    if (!v.is_array() || v.size() > 64) rd.fail(key, "must be an array (at most 64 entries)");
    std::vector<Fr> out;
    for (std::size_t i = 0; i < v.size(); ++i)
      out.push_back(rd.field_element(v[i], std::string(key) + "[" + std::to_string(i) + "]"));
    return out;
  };
  auto climb = [](Fr node, std::uint64_t index, std::span<const Fr> path) {
    for (const auto& s : path) {
      node =
          (index & 1) ? hash::poseidon(std::vector<Fr>{s, node}) : hash::poseidon(std::vector<Fr>{node, s});
      index >>= 1;
    }
    return index == 0 ? std::optional<Fr>(node) : std::nullopt;
  };
  const auto batch_path = frs("batch_path"), top_path = frs("top_path");
  const auto index = rd.integer(rd.member(inc, "index", ""), "index", 63);
  const auto batch = rd.integer(rd.member(inc, "batch", ""), "batch", 63);
  auto batch_root = climb(sv::user_leaf(u), index, batch_path);
  if (!batch_root) rd.fail("index", "is beyond the batch path's tree");
  const Fr commitment = rd.field_element(rd.member(inc, "commitment", ""), "commitment");
  auto root = climb(hash::poseidon(std::vector<Fr>{*batch_root, commitment}), batch, top_path);
  if (!root) rd.fail("batch", "is beyond the top path's tree");
  if (inc.contains("root") && rd.field_element(inc["root"], "root") != *root) {
    throw Error(Errc::mismatch, "inclusion: the leaf of these balances does not reach the stated root " +
                                    inc["root"].dump() + " along these paths (it reaches " + dec(*root) +
                                    ")");
  }
  return *root;
}

}  // namespace pm::catalog::solvency
