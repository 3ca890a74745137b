// Margin requests: the example proven and decoded, every outcome, field-named errors, and
// public signals of another request refused.
#include "catalog/margin_request.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "base/error.hpp"

namespace pm::catalog::margin {
namespace {

using json = nlohmann::json;

json example() {
  std::ifstream f(PROOFMILL_SOURCE_DIR "/examples/margin/request.json");
  return json::parse(f);
}

const circuit::Circuit& circuit_for(const Params& params) {
  static std::map<Params, circuit::Circuit> built;
  auto it = built.find(params);
  if (it == built.end()) it = built.emplace(params, build(find("margin_cross"), params)).first;
  return it->second;
}

nlohmann::ordered_json prove_and_decode(const json& request) {
  Prepared p = prepare(request);
  const auto& c = circuit_for(p.params);
  auto pub = c.public_signals(c.solve(p.input));
  EXPECT_EQ(pub.size(), public_signal_count(p.statement, p.params));
  return decode(request, pub);
}

void expect_error(const json& request, const std::string& message) {
  try {
    (void)prepare(request);
    ADD_FAILURE() << "accepted; expected: " << message;
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Errc::invalid_argument);
    EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << e.what();
  }
}

TEST(MarginRequest, EveryOutcomeDecodes) {
  json r = example();
  EXPECT_EQ(prove_and_decode(r)["accounts"][0]["outcome"], "healthy");
  // TV 31,820 and TR 15,250: 16,571 less collateral is liquidatable, 31,821 less bankrupt.
  r["accounts"][0]["collateral"] = "3429";
  EXPECT_EQ(prove_and_decode(r)["accounts"][0]["outcome"], "liquidatable");
  r["accounts"][0]["collateral"] = "-11821";
  EXPECT_EQ(prove_and_decode(r)["accounts"][0]["outcome"], "bankrupt");
  // The same two markets given in the other order prove the same statement.
  json swapped = example();
  std::swap(swapped["markets"][0], swapped["markets"][1]);
  auto d = prove_and_decode(swapped);
  EXPECT_EQ(d["markets"][0]["feed_id"], "1");
  EXPECT_EQ(d["accounts"][0]["outcome"], "healthy");
  EXPECT_EQ(d["risk"], prove_and_decode(example())["risk"]);
}

TEST(MarginRequest, ErrorsNameTheField) {
  json r = example();
  r.erase("layout");
  expect_error(r, "margin request: `layout` is missing");
  r = example();
  r["accounts"][0]["perpetuals"][0]["market"] = "9";
  expect_error(r, "`accounts[0].perpetuals[0].market` is not one of the request's markets");
  r = example();
  r["accounts"][0]["perpetuals"][1] = r["accounts"][0]["perpetuals"][0];
  expect_error(r, "`accounts[0].perpetuals[1].market` already holds a position");
  r = example();
  r["accounts"][0]["perpetuals"].push_back(nullptr);
  r["accounts"][0]["perpetuals"].push_back(nullptr);
  expect_error(r, "`accounts[0].perpetuals` must be an array of 0 to 4 entries");
  r = example();
  r["markets"][0]["tiers"][1]["risk_factor"] = "0.0000001";
  expect_error(r, "`markets[0].tiers[1].risk_factor` must be a decimal in [0, 1] with at most 6 places");
  r = example();
  r["markets"][0]["tiers"][1]["risk_factor"] = "1.5";
  expect_error(r, "`markets[0].tiers[1].risk_factor` must be at most 1");
  r = example();
  r["markets"][0]["tiers"].push_back({{"from", "50000"}, {"risk_factor", "0.1"}});
  expect_error(r, "`markets[0].tiers[2].from` must be above the previous tier's");
  r = example();
  r["markets"][0]["tiers"].push_back({{"from", "5000000"}, {"risk_factor", "0.1"}});
  expect_error(r, "`markets[1].tiers` must have as many tiers as every other market");
  r = example();
  r["markets"][1]["snapshot"]["spot"] = "3600";  // changed after signing
  expect_error(r, "`markets[1].snapshot.signature` does not verify");
  r = example();
  r["markets"][1]["funding_index"] = "2e12";
  expect_error(r, "`markets[1].funding_index` must be within (-2^40, 2^40)");
  r = example();
  r["accounts"][0]["perpetuals"][0]["size"] = "3e9";
  expect_error(r, "`accounts[0].perpetuals[0].size` must be within [-2^31, 2^31)");
  r = example();
  r["accounts"][0]["options"] = json::array({{{"strike", "60000"}}});
  expect_error(r, "`accounts[0].options` must be empty");
}

TEST(MarginRequest, SignalsOfAnotherRequestAreRefused) {
  json r = example();
  Prepared p = prepare(r);
  const auto& c = circuit_for(p.params);
  auto pub = c.public_signals(c.solve(p.input));
  json other = example();
  other["accounts"][0]["collateral"] = "20001";  // another leaf
  EXPECT_THROW((void)decode(other, pub), Error);
  other = example();
  other["markets"][0]["funding_index"] = "12.25";
  EXPECT_THROW((void)decode(other, pub), Error);
  auto short_pub = pub;
  short_pub.pop_back();
  EXPECT_THROW((void)decode(r, short_pub), Error);
}

// The healthier rule as a request: "before" and "after" instead of "accounts".
TEST(MarginRequest, AChangeOfOneAccount) {
  json r = example();
  json before = r["accounts"][0];
  r.erase("accounts");
  before["collateral"] = "10000";  // TV 21,820 >= TR 15,250: healthy
  json after = before;
  after["nonce"] = 4;
  // A bigger short (120 at 3,500: 2.5%): TR 6,500 + 10,500 = 17,000, TV 23,785: healthy after.
  after["perpetuals"][2]["size"] = "-120";
  r["before"] = before;
  r["after"] = after;
  auto d = prove_and_decode(r);
  EXPECT_EQ(d["statement"], "margin_healthier");
  EXPECT_EQ(d["outcome"], "healthy_after");
  // From -5,000 (TV 6,820 < TR 15,250, ratio 0.447) to 66 of the short kept: TR' 12,275 < TR,
  // TV' = -5,000 + 1,995 + 66 x 98.25 = 3,479.5 (ratio 0.283): neither.
  r["before"]["collateral"] = "-5000";
  r["after"]["collateral"] = "-5000";
  r["after"]["perpetuals"][2]["size"] = "-66";
  EXPECT_EQ(prove_and_decode(r)["outcome"], "neither");
  // The same with 3,000 more collateral after: TV' 6,479.5 / TR' 12,275 = 0.528 > 0.447: healthier.
  r["after"]["collateral"] = "-2000";
  EXPECT_EQ(prove_and_decode(r)["outcome"], "healthier");
  r["after"]["id"] = 8;
  expect_error(r, "`after` must be the same account as `before`");
}

}  // namespace
}  // namespace pm::catalog::margin
