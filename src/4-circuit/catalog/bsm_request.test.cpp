// Option requests: native signing, layout into bsm_options's input (padding short expiries), the
// decoded results against QuantLib, and errors that name the field.
#include "catalog/bsm_request.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "base/error.hpp"
#include "gadgets/bsm.hpp"
#include "gadgets/fixed.hpp"

namespace pm::catalog::options {
namespace {

using json = nlohmann::json;

std::vector<std::uint8_t> key() {
  std::vector<std::uint8_t> k(32);
  for (int i = 0; i < 32; ++i) k[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(i + 1);
  return k;
}

json snapshot() {
  return json::parse(R"({"feed_id": "1", "timestamp": 1765000000, "spot": "65000", "rate": "0.05",
    "yield": 0, "expiries": [{"expiry": 1767592000, "vol": "0.65"}, {"expiry": 1773000000, "vol": 0.7}]})");
}

json request() {
  json r;
  r["snapshot"] = sign_snapshot(snapshot(), key());
  // Three options on the first expiry, one on the second (padded to three), out of order.
  r["options"] = json::parse(R"([
    {"id": "P70", "strike": "70000", "expiry": 1767592000, "type": "put"},
    {"id": "C-far", "strike": "65000", "expiry": 1773000000, "type": "call"},
    {"id": "C60", "strike": "60000", "expiry": 1767592000, "type": "call"},
    {"id": "C65", "strike": "65000.5", "expiry": 1767592000, "type": "call"}])");
  return r;
}

TEST(OptionsRequest, SignProveDecodeAgainstQuantLib) {
  const json req = request();
  // The signature is the example's: the same key and snapshot as bsm_options' example_input.
  EXPECT_EQ(req["snapshot"]["oracle_key"][0], find("bsm_options").example_input.substr(15, 75));
  Prepared p = prepare(req);
  EXPECT_EQ(p.params.at("expiries"), 2u);
  EXPECT_EQ(p.params.at("options"), 3u);
  EXPECT_EQ(p.slot, (std::vector<std::size_t>{0, 3, 1, 2}));
  auto c = build(find("bsm_options"), p.params);
  auto pub = c.public_signals(c.solve(p.input));
  auto out = decode(req, pub);
  ASSERT_EQ(out["options"].size(), 4u);
  EXPECT_EQ(out["options"][0]["id"], "P70");
  EXPECT_EQ(out["options"][1]["id"], "C-far");
  // QuantLib 1.29 (registry.test.cpp's example): the 70,000 put and the 60,000 call, 30 days.
  auto near = [](const json& v, double want, double tol) {
    EXPECT_NEAR(std::stod(v.get<std::string>()), want, tol);
  };
  near(out["options"][0]["price"], 7704.16182835949, 65e-6);
  near(out["options"][0]["delta"], -0.6112028900030593, 1e-8);
  near(out["options"][2]["price"], 7716.20321843955, 65e-6);
  near(out["options"][2]["theta"], -27254.694596192436, 65000e-7);
  EXPECT_EQ(out["options"][3]["strike"], "65000.5");
  // A proof of another signed snapshot (its `snapshot` output) is refused, as are the public
  // signals of another request (another strike).
  auto other_snapshot = pub;
  other_snapshot[0] += ff::Fr::one();
  EXPECT_THROW((void)decode(req, other_snapshot), Error);
  json other = req;
  other["options"][0]["strike"] = "71000";
  EXPECT_THROW((void)decode(other, pub), Error);
}

json svi_request(const char* outputs) {
  json snap = json::parse(R"({"feed_id": "7", "timestamp": 1765000000, "spot": "3000", "rate": "0.04",
    "yield": "0.01", "expiries": [
      {"expiry": 1767592000, "svi": {"a": "0.02", "b": "0.05", "rho": "-0.3", "m": "0.01", "sigma": "0.2"}},
      {"expiry": 1780000000, "svi": {"a": "0.1", "b": "0.12", "rho": "-0.2", "m": "0", "sigma": "0.3"}}]})");
  json r;
  r["snapshot"] = sign_snapshot(snap, key());
  r["outputs"] = outputs;
  r["options"] = json::parse(R"([
    {"id": "C3000", "strike": "3000", "expiry": 1767592000, "type": "call", "size": "2.5"},
    {"id": "P2500", "strike": "2500", "expiry": 1767592000, "type": "put", "size": "-4"},
    {"id": "C4000-far", "strike": "4000", "expiry": 1780000000, "type": "call"}])");
  return r;
}

// An SVI snapshot, sizes and totals, and commitment mode: the committed values are those the
// public mode publishes, the totals are the size-weighted sums, and committed values that are
// not the proof's (or not this request's options) are refused.
TEST(OptionsRequest, SviSizesAndCommitment) {
  const json pub_req = svi_request("public"), com_req = svi_request("commitment");
  Prepared pp = prepare(pub_req), pc = prepare(com_req);
  EXPECT_EQ(pp.params, (Params{{"expiries", 2}, {"options", 2}, {"surface", 1}, {"commit", 0}}));
  EXPECT_EQ(pc.params, (Params{{"expiries", 2}, {"options", 2}, {"surface", 1}, {"commit", 1}}));
  auto cp = build(find("bsm_options"), pp.params);
  auto cc = build(find("bsm_options"), pc.params);
  auto values = cc.solve(pc.input);
  auto pub = cc.public_signals(values);
  ASSERT_EQ(pub.size(), public_signal_count(pc.params));
  auto rows = cc.tap("rows", values);
  ASSERT_EQ(rows.size(), 1u + 9u * 4u);  // the salt, then 9 a slot
  auto committed = decode(com_req, pub, rows);
  auto published = decode(pub_req, cp.public_signals(cp.solve(pp.input)));
  EXPECT_EQ(committed["outputs"], "commitment");
  EXPECT_EQ(published["outputs"], "public");
  EXPECT_EQ(committed["options"], published["options"]);
  EXPECT_EQ(committed["totals"], published["totals"]);
  EXPECT_EQ(committed["options"][1]["size"], "-4");
  EXPECT_EQ(committed["options"][2]["size"], "1");  // the default
  // The totals: 2.5 C3000 - 4 P2500 + C4000 (the padding slot has size 0), to within rounding.
  for (const char* g : {"price", "delta", "gamma", "vega", "theta", "rho"}) {
    auto v = [&](int i) { return std::stod(committed["options"][i][g].get<std::string>()); };
    const double want = 2.5 * v(0) - 4 * v(1) + v(2);
    const std::string total = std::string(g) == "price" ? "value" : g;
    EXPECT_NEAR(std::stod(committed["totals"][total].get<std::string>()), want, 1e-9 * (1 + std::fabs(want)))
        << g;
  }
  // The rows round-trip through the decoded JSON (what a client keeps beside the proof).
  EXPECT_EQ(committed_rows(committed), rows);
  // Without a salt in the request, each preparation draws its own: two commitments to one book
  // differ, so a book cannot be found by trying candidates against its commitment.
  EXPECT_NE(prepare(com_req).input["salt"], prepare(com_req).input["salt"]);
  auto lie = rows;
  lie[4] += ff::Fr::one();  // the first price, one ulp up
  EXPECT_THROW((void)decode(com_req, pub, lie), Error);
  EXPECT_THROW((void)decode(com_req, pub, std::span<const ff::Fr>(rows).first(28)), Error);
  auto other_salt = rows;
  other_salt[0] += ff::Fr::one();
  EXPECT_THROW((void)decode(com_req, pub, other_salt), Error);
  EXPECT_THROW((void)decode(com_req, pub), Error);  // no values at all
  auto other_commitment = pub;
  other_commitment[1] += ff::Fr::one();
  EXPECT_THROW((void)decode(com_req, other_commitment, rows), Error);
  json other = com_req;
  other["options"][1]["size"] = "-5";  // another position: its rows are not these
  EXPECT_THROW((void)decode(other, pub, rows), Error);
}

TEST(OptionsRequest, OutputsModeFollowsTheBatchSize) {
  json r = request();
  EXPECT_EQ(prepare(r).params.at("commit"), 0u);
  json many = json::array();
  for (int i = 0; i < 33; ++i)
    many.push_back({{"strike", std::to_string(50000 + 500 * i)}, {"expiry", 1767592000}, {"type", "call"}});
  r["options"] = many;
  EXPECT_EQ(prepare(r).params.at("commit"), 1u);  // 66 slots: above kAutoCommitSlots
  r["outputs"] = "public";
  EXPECT_EQ(prepare(r).params.at("commit"), 0u);
}

TEST(OptionsRequest, DecimalsPrintExactly) {
  EXPECT_EQ(to_decimal(pm::gadgets::fixed::encode_decimal("7716.5", 48)), "7716.5");
  EXPECT_EQ(to_decimal(pm::gadgets::fixed::encode_decimal("-0.25", 48)), "-0.25");
  EXPECT_EQ(to_decimal(pm::gadgets::fixed::encode_decimal("0", 48)), "0");
  EXPECT_EQ(to_decimal(pm::gadgets::fixed::encode_decimal("0.1", 48)), "0.1");  // 2^-48 is below 10^-14
  EXPECT_EQ(to_decimal(pm::gadgets::fixed::encode_decimal("1e-4", 48)), "0.0001");
  // Every value reads back exactly: one ulp apart prints apart.
  for (const char* d : {"7716.203218439549", "-0.611202890003059", "0.000028394102923"}) {
    const ff::Fr raw = pm::gadgets::fixed::encode_decimal(d, 48);
    EXPECT_EQ(pm::gadgets::fixed::encode_decimal(to_decimal(raw), 48), raw) << d;
    EXPECT_EQ(pm::gadgets::fixed::encode_decimal(to_decimal(raw + ff::Fr::one()), 48), raw + ff::Fr::one())
        << d;
  }
}

TEST(OptionsRequest, ErrorsNameTheField) {
  auto message = [](const json& r) {
    try {
      (void)prepare(r);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  json r = request();
  r["snapshot"]["spot"] = "65001";  // changed after signing
  EXPECT_NE(message(r).find("`snapshot.signature` does not verify"), std::string::npos) << message(r);
  r = request();
  r["options"][1]["expiry"] = 1767592001;
  EXPECT_NE(message(r).find("`options[1].expiry` is not one of the snapshot's expiries"), std::string::npos)
      << message(r);
  r = request();
  r["options"][2]["type"] = "straddle";
  EXPECT_NE(message(r).find("`options[2].type`"), std::string::npos);
  r = request();
  r["options"][0]["strike"] = "7e0000x";
  EXPECT_NE(message(r).find("`options[0].strike` is not a usable decimal"), std::string::npos) << message(r);
  r = request();
  r["snapshot"].erase("timestamp");
  EXPECT_NE(message(r).find("`snapshot.timestamp` is missing"), std::string::npos) << message(r);
  r = request();
  r["options"] = json::array();
  EXPECT_NE(message(r).find("`options` must be a non-empty array"), std::string::npos);
  EXPECT_THROW((void)sign_snapshot(snapshot(), std::vector<std::uint8_t>(31)), Error);
  // The circuit's domains are checked before proving, by field.
  r = request();
  r["options"][0]["strike"] = "-5";
  EXPECT_NE(message(r).find("`options[0].strike` must be positive"), std::string::npos) << message(r);
  r = request();
  r["options"][3]["size"] = "3e14";
  EXPECT_NE(message(r).find("`options[3].size` must be within [-2^48, 2^48)"), std::string::npos)
      << message(r);
  json bad_svi = json::parse(R"({"feed_id": "7", "timestamp": 1765000000, "spot": "3000", "rate": "0.04",
    "yield": "0", "expiries": [{"expiry": 1767592000, "svi": {"a": "0.02", "b": "0.05", "rho": "-1", "m": "0", "sigma": "0.2"}}]})");
  try {
    (void)sign_snapshot(bad_svi, key());
    ADD_FAILURE() << "an SVI slice with rho = -1 was signed";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("`snapshot.expiries[0].svi.rho` must be within (-1, 1)"),
              std::string::npos)
        << e.what();
  }
  r = request();
  r["outputs"] = "both";
  EXPECT_NE(message(r).find("`outputs` must be"), std::string::npos) << message(r);
  r = request();
  r["options"][0]["size"] = "many";
  EXPECT_NE(message(r).find("`options[0].size` is not a usable decimal"), std::string::npos) << message(r);
  // A snapshot's expiries are all flat or all SVI; an SVI slice needs its five parameters.
  json s = snapshot();
  s["expiries"][1] = json::parse(
      R"({"expiry": 1773000000, "svi": {"a": "0.1", "b": "0.1", "rho": "0", "m": "0", "sigma": "0.1"}})");
  EXPECT_THROW((void)sign_snapshot(s, key()), Error);
  s["expiries"][0] =
      json::parse(R"({"expiry": 1767592000, "svi": {"a": "0.1", "b": "0.1", "rho": "0", "m": "0"}})");
  try {
    (void)sign_snapshot(s, key());
    ADD_FAILURE() << "a slice without sigma was signed";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("`snapshot.expiries[0].svi.sigma` is missing"), std::string::npos)
        << e.what();
  }
  // A flat snapshot's signature does not verify the same numbers read as an SVI slice (the
  // domains differ): the message is unambiguous.
  r = svi_request("auto");
  r["snapshot"]["expiries"][0] = {{"expiry", 1767592000}, {"vol", "0.02"}};
  r["snapshot"]["expiries"].erase(1);
  EXPECT_NE(message(r).find("does not verify"), std::string::npos) << message(r);
}

}  // namespace
}  // namespace pm::catalog::options
