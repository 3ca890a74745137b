#include "catalog/margin_request.hpp"

#include <algorithm>
#include <numeric>
#include <string>

#include "base/error.hpp"
#include "catalog/bsm_request.hpp"
#include "catalog/request_fields.hpp"
#include "ff/signed.hpp"
#include "gadgets/margin.hpp"
#include "gadgets/portfolio.hpp"

namespace pm::catalog::margin {
namespace {

using json = nlohmann::json;
using ordered_json = nlohmann::ordered_json;
using ff::Fr;
namespace gm = gadgets::margin;

const RequestReader kReader("margin request");
constexpr std::size_t kMaxAccounts = 16, kMaxMarkets = 8, kMaxTiers = 8;

std::string dec(const Fr& f) { return f.to_decimal(); }
std::string at(const std::string& w, std::size_t i) { return w + "[" + std::to_string(i) + "]"; }

const json& array_of(const json& obj, const char* key, const std::string& where, std::size_t lo,
                     std::size_t hi) {
  const json& v = kReader.member(obj, key, where);
  const std::string f = where.empty() ? key : where + "." + key;
  if (!v.is_array() || v.size() < lo || v.size() > hi)
    kReader.fail(f, "must be an array of " + std::to_string(lo) + " to " + std::to_string(hi) + " entries");
  return v;
}

// A risk factor: a decimal in [0, 1] with at most 6 places, in millionths.
std::uint64_t factor_of(const json& v, const std::string& field) {
  std::string text = v.is_string() ? v.get<std::string>() : v.is_number() ? v.dump() : "";
  const auto dot = text.find('.');
  std::string whole = text.substr(0, dot), frac = dot == std::string::npos ? "" : text.substr(dot + 1);
  const bool digits = !whole.empty() && whole.size() <= 2 &&
                      whole.find_first_not_of("0123456789") == std::string::npos &&
                      frac.find_first_not_of("0123456789") == std::string::npos;
  while (!frac.empty() && frac.back() == '0') frac.pop_back();
  if (!digits || frac.size() > 6)
    kReader.fail(field, "must be a decimal in [0, 1] with at most 6 places (\"0.02\" for 2%)");
  frac.resize(6, '0');
  const std::uint64_t ppm = std::stoull(whole) * gm::kRiskScale + std::stoull(frac);
  if (ppm > gm::kRiskScale) kReader.fail(field, "must be at most 1 (100%)");
  return ppm;
}

struct Market {
  options::SignedSnapshot snapshot;
  Fr funding;
  gm::MarketRisk risk;
  std::size_t request_index = 0;
};

Market read_market(const json& m, std::size_t i, bool portfolio) {
  const std::string w = at("markets", i);
  Market out;
  out.request_index = i;
  out.snapshot = options::read_signed_snapshot(kReader.member(m, "snapshot", w), w + ".snapshot");
  if (ff::bit_length(out.snapshot.feed.to_canonical()) > 32)
    kReader.fail(w + ".snapshot.feed_id", "must be below 2^32 for a margin market");
  if (out.snapshot.spot.is_zero()) kReader.fail(w + ".snapshot.spot", "must be positive");
  out.funding = kReader.decimal(kReader.member(m, "funding_index", w), w + ".funding_index");
  kReader.check_within(out.funding, -1099511627776.0L, true, 1099511627776.0L, w + ".funding_index",
                       "within (-2^40, 2^40)");
  if (portfolio) {
    if (m.contains("tiers")) kReader.fail(w + ".tiers", "must be absent: the grid sets a portfolio's margin");
    return out;
  }
  const json& tiers = array_of(m, "tiers", w, 1, kMaxTiers);
  out.risk.feed = out.snapshot.feed;
  for (std::size_t j = 0; j < tiers.size(); ++j) {
    const std::string f = at(w + ".tiers", j);
    out.risk.factors.push_back(factor_of(kReader.member(tiers[j], "risk_factor", f), f + ".risk_factor"));
    if (j == 0) {
      if (tiers[j].contains("from") && kReader.decimal(tiers[j]["from"], f + ".from") != Fr::zero())
        kReader.fail(f + ".from", "must be absent or 0: the first tier starts at 0");
      continue;
    }
    Fr from = kReader.decimal(kReader.member(tiers[j], "from", f), f + ".from");
    kReader.check_within(from, 0, true, 4503599627370496.0L, f + ".from", "positive and below 2^52");
    if (j > 1 && !ff::lt(out.risk.boundaries.back().to_canonical(), from.to_canonical()))
      kReader.fail(f + ".from", "must be above the previous tier's");
    out.risk.boundaries.push_back(from);
  }
  return out;
}

gm::Account read_account(const json& a, std::size_t i, const std::vector<Market>& markets, std::size_t slots,
                         std::size_t option_slots, bool portfolio, const std::string& where = "") {
  const std::string w = where.empty() ? at("accounts", i) : where;
  gm::Account out;
  out.id = kReader.integer(kReader.member(a, "id", w), w + ".id", 32);
  const json& owner = kReader.member(a, "owner", w);
  if (!owner.is_array() || owner.size() != 2)
    kReader.fail(w + ".owner", "must be [Ax, Ay] (a Baby Jubjub key)");
  out.owner_ax = kReader.field_element(owner[0], w + ".owner[0]");
  out.owner_ay = kReader.field_element(owner[1], w + ".owner[1]");
  out.nonce = kReader.integer(kReader.member(a, "nonce", w), w + ".nonce", 64);
  out.collateral = kReader.decimal(kReader.member(a, "collateral", w), w + ".collateral");
  kReader.check_within(out.collateral, -9223372036854775808.0L, true, 9223372036854775808.0L,
                       w + ".collateral", "within (-2^63, 2^63)");
  out.salt = kReader.field_element(kReader.member(a, "salt", w), w + ".salt");
  if (!portfolio && a.contains("options") && !(a["options"].is_array() && a["options"].empty()))
    kReader.fail(
        w + ".options",
        "must be empty: options are margined by the portfolio statement (\"grid\"), not cross margin");
  if (portfolio && a.contains("options")) {
    const json& opts = array_of(a, "options", w, 0, option_slots);
    const auto& expiries = markets[0].snapshot.expiries;
    for (std::size_t k = 0; k < opts.size(); ++k) {
      const std::string f = at(w + ".options", k);
      if (opts[k].is_null()) {
        out.options.push_back({});
        continue;
      }
      gm::OptionPosition o;
      o.size = kReader.decimal(kReader.member(opts[k], "size", f), f + ".size");
      kReader.check_within(o.size, -2147483648.0L, false, 2147483648.0L, f + ".size", "within [-2^31, 2^31)");
      if (o.size.is_zero()) {
        out.options.push_back({});
        continue;
      }
      o.market = markets[0].snapshot.feed;
      o.expiry = kReader.seconds(kReader.member(opts[k], "expiry", f), f + ".expiry");
      if (std::find(expiries.begin(), expiries.end(), o.expiry) == expiries.end())
        kReader.fail(f + ".expiry", "is not one of the snapshot's expiries");
      const json& type = kReader.member(opts[k], "type", f);
      if (type != "call" && type != "put") kReader.fail(f + ".type", "must be \"call\" or \"put\"");
      o.call = type == "call";
      o.strike = kReader.decimal(kReader.member(opts[k], "strike", f), f + ".strike");
      kReader.check_within(o.strike, 0, true, 1099511627776.0L, f + ".strike", "positive and below 2^40");
      out.options.push_back(o);
    }
  }
  const json& perps = array_of(a, "perpetuals", w, 0, slots);
  std::vector<bool> held(markets.size(), false);
  for (std::size_t k = 0; k < perps.size(); ++k) {
    const std::string f = at(w + ".perpetuals", k);
    if (perps[k].is_null()) {
      out.perpetuals.push_back({});
      continue;
    }
    gm::Perpetual p;
    p.size = kReader.decimal(kReader.member(perps[k], "size", f), f + ".size");
    kReader.check_within(p.size, -2147483648.0L, false, 2147483648.0L, f + ".size", "within [-2^31, 2^31)");
    if (p.size.is_zero()) {
      out.perpetuals.push_back({});
      continue;
    }
    p.market = kReader.field_element(kReader.member(perps[k], "market", f), f + ".market");
    auto it = std::find_if(markets.begin(), markets.end(),
                           [&](const Market& m) { return m.snapshot.feed == p.market; });
    if (it == markets.end()) kReader.fail(f + ".market", "is not one of the request's markets (feed_id)");
    const std::size_t m = static_cast<std::size_t>(it - markets.begin());
    // (Cross margin tiers a position by its notional: a position split over two slots would
    // fall into lower tiers. A portfolio's perpetuals are linear, so there it does not matter.)
    if (held[m] && !portfolio)
      kReader.fail(f + ".market", "already holds a position: one position a market (net them)");
    held[m] = true;
    p.entry = kReader.decimal(kReader.member(perps[k], "entry", f), f + ".entry");
    kReader.check_within(p.entry, 0, false, 1099511627776.0L, f + ".entry", "in [0, 2^40)");
    p.funding = kReader.decimal(kReader.member(perps[k], "funding", f), f + ".funding");
    kReader.check_within(p.funding, -1099511627776.0L, true, 1099511627776.0L, f + ".funding",
                         "within (-2^40, 2^40)");
    out.perpetuals.push_back(p);
  }
  return out;
}

struct Read {
  std::vector<Market> markets;  ///< proof order (increasing feed id)
  std::vector<gm::Account> accounts;
  std::size_t slots = 0, option_slots = 0;
  bool portfolio = false, healthier = false;
  std::size_t grid = 0, cdf_bits = 24;
  bool reveal = false;
};

Read read(const json& request) {
  Read r;
  if (!request.is_object()) kReader.fail("", "must be an object");
  r.portfolio = request.contains("grid");
  if (r.portfolio) {
    const auto& grids = gadgets::portfolio::grids();
    const json& g = request["grid"];
    auto it = std::find_if(grids.begin(), grids.end(), [&](const auto& x) { return g == x.name; });
    if (it == grids.end()) kReader.fail("grid", "must name a built-in grid (\"paradex\")");
    r.grid = static_cast<std::size_t>(it - grids.begin());
    if (request.contains("cdf_bits")) {
      r.cdf_bits = kReader.integer(request["cdf_bits"], "cdf_bits", 8);
      if (r.cdf_bits < 16 || r.cdf_bits > 32) kReader.fail("cdf_bits", "must be 16 to 32");
    }
    if (request.contains("reveal")) {
      if (!request["reveal"].is_boolean()) kReader.fail("reveal", "must be true or false");
      r.reveal = request["reveal"].get<bool>();
    }
  }
  const json& layout = kReader.member(request, "layout", "");
  r.slots = kReader.integer(kReader.member(layout, "perpetuals", "layout"), "layout.perpetuals", 64);
  if (r.slots < 1 || r.slots > gm::kMaxPerpetuals) kReader.fail("layout.perpetuals", "must be 1 to 64");
  r.option_slots = layout.contains("options") ? kReader.integer(layout["options"], "layout.options", 64) : 0;
  if (r.option_slots > gm::kMaxOptions) kReader.fail("layout.options", "must be 0 to 255");
  const json& markets = array_of(request, "markets", "", 1, r.portfolio ? 1 : kMaxMarkets);
  for (std::size_t i = 0; i < markets.size(); ++i)
    r.markets.push_back(read_market(markets[i], i, r.portfolio));
  if (r.portfolio && r.markets[0].snapshot.expiries.empty())
    kReader.fail("markets[0].snapshot.expiries", "must have 1 to 8 expiries for a portfolio");
  std::stable_sort(r.markets.begin(), r.markets.end(), [](const Market& x, const Market& y) {
    return ff::lt(x.snapshot.feed.to_canonical(), y.snapshot.feed.to_canonical());
  });
  for (std::size_t m = 0; m < r.markets.size(); ++m) {
    const Market& k = r.markets[m];
    const std::string w = at("markets", k.request_index);
    if (m > 0 && r.markets[m - 1].snapshot.feed == k.snapshot.feed)
      kReader.fail(w + ".snapshot.feed_id", "repeats another market's");
    if (k.snapshot.oracle.x != r.markets[0].snapshot.oracle.x ||
        k.snapshot.oracle.y != r.markets[0].snapshot.oracle.y)
      kReader.fail(w + ".snapshot.oracle_key", "differs from the other markets': one oracle key a proof");
    if (!r.portfolio && k.risk.factors.size() != r.markets[0].risk.factors.size())
      kReader.fail(w + ".tiers", "must have as many tiers as every other market");
    if (k.snapshot.expiries.size() != r.markets[0].snapshot.expiries.size())
      kReader.fail(w + ".snapshot.expiries", "must have as many expiries as every other market's snapshot");
    if (k.snapshot.svi)
      kReader.fail(w + ".snapshot", "must carry flat volatilities (an SVI snapshot is not read here)");
  }
  if (!r.portfolio && (request.contains("before") || request.contains("after"))) {
    // A change of one account: the healthier rule (margin_cross -p healthier=1).
    if (request.contains("accounts")) kReader.fail("accounts", "must be absent beside `before` and `after`");
    r.healthier = true;
    const json two =
        json::array({kReader.member(request, "before", ""), kReader.member(request, "after", "")});
    for (std::size_t i = 0; i < 2; ++i)
      r.accounts.push_back(
          read_account(two[i], i, r.markets, r.slots, r.option_slots, false, i == 0 ? "before" : "after"));
    if (r.accounts[0].id != r.accounts[1].id || r.accounts[0].owner_ax != r.accounts[1].owner_ax ||
        r.accounts[0].owner_ay != r.accounts[1].owner_ay)
      kReader.fail("after", "must be the same account as `before` (id and owner)");
    return r;
  }
  const json& accounts = array_of(request, "accounts", "", 1, r.portfolio ? 1 : kMaxAccounts);
  for (std::size_t i = 0; i < accounts.size(); ++i)
    r.accounts.push_back(read_account(accounts[i], i, r.markets, r.slots, r.option_slots, r.portfolio));
  return r;
}

std::vector<gm::MarketRisk> risks(const Read& r) {
  std::vector<gm::MarketRisk> out;
  for (const Market& m : r.markets) out.push_back(m.risk);
  return out;
}

}  // namespace

Prepared prepare(const json& request) {
  Read r = read(request);
  Prepared p;
  const std::size_t mk = r.markets.size(), tiers = r.markets[0].risk.factors.size(),
                    n_exp = r.markets[0].snapshot.expiries.size();
  p.params = {{"accounts", r.accounts.size()},
              {"perpetuals", r.slots},
              {"options", r.option_slots},
              {"markets", mk},
              {"tiers", tiers},
              {"expiries", n_exp}};
  if (r.healthier) p.params["healthier"] = 1;
  if (!r.portfolio) p.risk = gm::risk_hash(risks(r));
  const auto& key = r.markets[0].snapshot.oracle;
  ordered_json& in = p.input;
  in["oracle_ax"] = dec(key.x);
  in["oracle_ay"] = dec(key.y);
  auto per_market = [&](auto get) {
    ordered_json a = ordered_json::array();
    for (const Market& m : r.markets) get(m, a);
    return a;
  };
  in["feed_id"] = per_market([](const Market& m, ordered_json& a) { a.push_back(dec(m.snapshot.feed)); });
  in["timestamp"] =
      per_market([](const Market& m, ordered_json& a) { a.push_back(std::to_string(m.snapshot.timestamp)); });
  in["funding"] = per_market([](const Market& m, ordered_json& a) { a.push_back(dec(m.funding)); });
  in["risk"] = dec(p.risk);
  ordered_json leaves = ordered_json::array();
  for (const gm::Account& a : r.accounts) {
    p.leaves.push_back(gm::account_leaf(a, r.slots, r.option_slots));
    leaves.push_back(dec(p.leaves.back()));
  }
  in["account"] = leaves;
  in["spot"] = per_market([](const Market& m, ordered_json& a) { a.push_back(dec(m.snapshot.spot)); });
  in["rate"] = per_market([](const Market& m, ordered_json& a) { a.push_back(dec(m.snapshot.rate)); });
  in["yield"] = per_market([](const Market& m, ordered_json& a) { a.push_back(dec(m.snapshot.yield)); });
  if (n_exp > 0) {
    in["expiry"] = per_market([](const Market& m, ordered_json& a) {
      for (std::uint64_t e : m.snapshot.expiries) a.push_back(std::to_string(e));
    });
    in["vol"] = per_market([](const Market& m, ordered_json& a) {
      for (const Fr& v : m.snapshot.vols) a.push_back(dec(v));
    });
  }
  in["sig_r8x"] =
      per_market([](const Market& m, ordered_json& a) { a.push_back(dec(m.snapshot.signature.r8.x)); });
  in["sig_r8y"] =
      per_market([](const Market& m, ordered_json& a) { a.push_back(dec(m.snapshot.signature.r8.y)); });
  in["sig_s"] = per_market([](const Market& m, ordered_json& a) {
    a.push_back(dec(Fr::from_canonical_reduced(m.snapshot.signature.s)));
  });
  if (tiers > 1) {
    in["boundary"] = per_market([](const Market& m, ordered_json& a) {
      for (const Fr& b : m.risk.boundaries) a.push_back(dec(b));
    });
  }
  in["risk_factor"] = per_market([](const Market& m, ordered_json& a) {
    for (std::uint64_t f : m.risk.factors) a.push_back(f);
  });
  ordered_json ids = ordered_json::array(), ax = ordered_json::array(), ay = ordered_json::array(),
               nonces = ordered_json::array(), coll = ordered_json::array(), salts = ordered_json::array(),
               pw = ordered_json::array(), pe = ordered_json::array(), pf = ordered_json::array(),
               ow = ordered_json::array(), ok = ordered_json::array();
  for (const gm::Account& a : r.accounts) {
    ids.push_back(std::to_string(a.id));
    ax.push_back(dec(a.owner_ax));
    ay.push_back(dec(a.owner_ay));
    nonces.push_back(std::to_string(a.nonce));
    coll.push_back(dec(a.collateral));
    salts.push_back(dec(a.salt));
    const auto pre = gm::account_preimage(a, r.slots, r.option_slots);
    for (std::size_t i = 0; i < r.slots; ++i) {
      pw.push_back(dec(pre[8 + 3 * i]));
      pe.push_back(dec(pre[9 + 3 * i]));
      pf.push_back(dec(pre[10 + 3 * i]));
    }
    for (std::size_t i = 0; i < r.option_slots; ++i) {
      ow.push_back(dec(pre[8 + 3 * r.slots + 2 * i]));
      ok.push_back(dec(pre[9 + 3 * r.slots + 2 * i]));
    }
  }
  in["account_id"] = ids;
  in["owner_ax"] = ax;
  in["owner_ay"] = ay;
  in["nonce"] = nonces;
  in["collateral"] = coll;
  in["salt"] = salts;
  in["perp_word"] = pw;
  in["perp_entry"] = pe;
  in["perp_funding"] = pf;
  if (r.option_slots > 0) {
    in["option_word"] = ow;
    in["option_strike"] = ok;
  }
  for (const Market& m : r.markets) {
    p.snapshots.push_back(m.snapshot.message);
    p.market_order.push_back(m.request_index);
  }
  if (r.portfolio) {
    // One market, one account: margin_portfolio's scalars, no tier tables.
    p.statement = "margin_portfolio";
    p.params = {{"perpetuals", r.slots}, {"options", r.option_slots},
                {"expiries", n_exp},     {"cdf_bits", r.cdf_bits},
                {"grid", r.grid},        {"reveal", r.reveal ? 1 : 0}};
    for (const char* k : {"risk", "boundary", "risk_factor"}) in.erase(k);
    for (const char* k :
         {"feed_id", "timestamp", "funding", "account", "spot", "rate", "yield", "sig_r8x", "sig_r8y",
          "sig_s", "account_id", "owner_ax", "owner_ay", "nonce", "collateral", "salt"}) {
      ordered_json v = in[k][0];
      in[k] = v;
    }
  }
  return p;
}

std::size_t public_signal_count(std::string_view statement, const Params& params) {
  if (statement == "margin_portfolio") return 8 + 3 * params.at("reveal");
  const std::size_t outcomes =
      params.count("healthier") && params.at("healthier") == 1 ? 1 : params.at("accounts");
  return 4 * params.at("markets") + params.at("accounts") + outcomes + 3;
}

namespace {

Fr field(const ordered_json& v) { return Fr::from_canonical_reduced(*ff::from_string(v.get<std::string>())); }

ordered_json decode_portfolio(const Prepared& p, std::span<const Fr> pub) {
  const bool reveal = p.params.at("reveal") == 1;
  const std::size_t n = public_signal_count(p.statement, p.params), n_out = 2 + (reveal ? 3 : 0);
  if (pub.size() != n)
    throw Error(Errc::mismatch, "public signals: " + std::to_string(pub.size()) +
                                    " values, but this request's margin_portfolio circuit has " +
                                    std::to_string(n));
  const ordered_json& in = p.input;
  const Fr expected[6] = {field(in["oracle_ax"]), field(in["oracle_ay"]), field(in["feed_id"]),
                          field(in["timestamp"]), field(in["funding"]),   p.leaves[0]};
  if (pub[0] != p.snapshots[0]) throw Error(Errc::mismatch, "public signal 0 is not this request's snapshot");
  for (std::size_t i = 0; i < 6; ++i) {
    if (pub[n_out + i] != expected[i])
      throw Error(Errc::mismatch,
                  "public signal " + std::to_string(n_out + i) +
                      " differs from this request's (oracle key, market, funding or account)");
  }
  std::size_t k = 3;
  for (std::size_t v = 0; v < 3; ++v) k = pub[1] == Fr::from_u64(v) ? v : k;
  if (k == 3) throw Error(Errc::mismatch, "public signal 1 is not an outcome (0, 1, 2)");
  ordered_json out;
  out["statement"] = "margin_portfolio";
  out["grid"] = gadgets::portfolio::grids().at(p.params.at("grid")).name;
  out["oracle_key"] = {in["oracle_ax"], in["oracle_ay"]};
  out["market"] = ordered_json{{"feed_id", in["feed_id"]},
                               {"timestamp", in["timestamp"]},
                               {"funding_index", options::to_decimal(pub[n_out + 4])},
                               {"snapshot", dec(p.snapshots[0])}};
  ordered_json account{
      {"id", in["account_id"]}, {"leaf", dec(p.leaves[0])}, {"outcome", kPortfolioOutcomes[k]}};
  if (reveal) {
    account["equity"] = options::to_decimal(pub[2]);
    account["imr"] = options::to_decimal(pub[3]);
    account["mmr"] = options::to_decimal(pub[4]);
  }
  out["accounts"] = ordered_json::array({account});
  return out;
}

}  // namespace

ordered_json decode(const json& request, std::span<const Fr> pub) {
  Prepared p = prepare(request);
  if (p.statement == "margin_portfolio") return decode_portfolio(p, pub);
  const bool healthier = p.params.count("healthier") != 0 && p.params.at("healthier") == 1;
  const std::size_t mk = p.params.at("markets"), na = p.params.at("accounts"), no = healthier ? 1 : na;
  const std::size_t n = public_signal_count(p.statement, p.params);
  if (pub.size() != n)
    throw Error(Errc::mismatch, "public signals: " + std::to_string(pub.size()) +
                                    " values, but this request's " + "margin_cross circuit has " +
                                    std::to_string(n));
  // Outputs: snapshot[mk], outcome[na]; inputs: oracle (2), feed_id, timestamp, funding (mk
  // each), risk, account[na].
  std::vector<Fr> expected(p.snapshots);
  expected.resize(mk + no);  // outcomes: read, not compared
  const json& in = p.input;
  expected.push_back(Fr::from_canonical_reduced(*ff::from_string(in["oracle_ax"].get<std::string>())));
  expected.push_back(Fr::from_canonical_reduced(*ff::from_string(in["oracle_ay"].get<std::string>())));
  for (const char* k : {"feed_id", "timestamp", "funding"})
    for (const auto& v : in[k])
      expected.push_back(Fr::from_canonical_reduced(*ff::from_string(v.get<std::string>())));
  expected.push_back(p.risk);
  expected.insert(expected.end(), p.leaves.begin(), p.leaves.end());
  for (std::size_t i = 0; i < n; ++i) {
    if (i >= mk && i < mk + no) continue;
    if (pub[i] != expected[i])
      throw Error(Errc::mismatch,
                  "public signal " + std::to_string(i) +
                      " differs from this request's (oracle key, markets, funding, risk or accounts)");
  }
  ordered_json out;
  out["statement"] = healthier ? "margin_healthier" : "margin_cross";
  out["risk"] = dec(p.risk);
  out["oracle_key"] = {in["oracle_ax"], in["oracle_ay"]};
  ordered_json markets = ordered_json::array();
  for (std::size_t m = 0; m < mk; ++m) {
    markets.push_back({{"feed_id", in["feed_id"][m]},
                       {"timestamp", in["timestamp"][m]},
                       {"funding_index", options::to_decimal(pub[mk + no + 2 + 2 * mk + m])},
                       {"snapshot", dec(p.snapshots[m])}});
  }
  out["markets"] = markets;
  auto outcome_of = [&](std::size_t i) {
    std::size_t k = 3;
    for (std::size_t v = 0; v < 3; ++v) k = pub[i] == Fr::from_u64(v) ? v : k;
    if (k == 3)
      throw Error(Errc::mismatch, "public signal " + std::to_string(i) + " is not an outcome (0, 1, 2)");
    return k;
  };
  if (healthier) {
    out["before"] = ordered_json{{"id", in["account_id"][0]}, {"leaf", dec(p.leaves[0])}};
    out["after"] = ordered_json{{"id", in["account_id"][1]}, {"leaf", dec(p.leaves[1])}};
    out["outcome"] = kHealthierOutcomes[outcome_of(mk)];
    return out;
  }
  ordered_json accounts = ordered_json::array();
  for (std::size_t a = 0; a < na; ++a)
    accounts.push_back({{"id", in["account_id"][a]},
                        {"leaf", dec(p.leaves[a])},
                        {"outcome", kOutcomes[outcome_of(mk + a)]}});
  out["accounts"] = accounts;
  return out;
}

}  // namespace pm::catalog::margin
