// Option requests: native signing, layout into bsm_options's input (padding short expiries), the
// decoded results against QuantLib, and errors that name the field.
#include "catalog/bsm_request.hpp"

#include <gtest/gtest.h>

#include "base/error.hpp"
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
}

}  // namespace
}  // namespace pm::catalog::options
