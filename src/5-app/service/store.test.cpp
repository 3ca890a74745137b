// The job queue's state machine on SQLite (always) and on PostgreSQL when PROOFMILL_TEST_PG_URL
// names a server (tests/service/run.sh starts one). The end-to-end behaviour over HTTP, with
// real processes killed and restarted, is tested by tests/service/*.
#include "service/store.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "service/util.hpp"

namespace pm::service {
namespace {

namespace fs = std::filesystem;

class StoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgres") {
      const char* url = std::getenv("PROOFMILL_TEST_PG_URL");
      if (!url || !*url) GTEST_SKIP() << "PROOFMILL_TEST_PG_URL not set";
      auto db = Database::open(url, 4);
      // A fresh schema per test: drop what an earlier test left.
      db->run([](Connection& c) {
        c.exec_script(
            "DROP TABLE IF EXISTS job_events, job_witness, jobs, circuit_chunks, circuits, api_keys, "
            "schema_migrations CASCADE");
      });
      store_ = std::make_unique<Store>(std::move(db));
    } else {
      dir_ = fs::temp_directory_path() / ("pm-store-test-" + random_hex(6));
      fs::create_directories(dir_);
      store_ = std::make_unique<Store>(Database::open((dir_ / "t.db").string(), 4));
    }
    store_->migrate();
    key_ = store_->create_key("test", 5, 1 << 20).first;
    // A fake circuit: the store does not parse zkeys (the API does), it only keeps the bytes.
    std::string path = (fs::temp_directory_path() / ("pm-zkey-" + random_hex(6))).string();
    std::string content(9u << 20, 'z');  // three chunks
    content[5] = 'q';
    std::ofstream(path, std::ios::binary) << content;
    circuit_ = {sha256_hex(content), static_cast<std::int64_t>(content.size()), 10, 1, 4, 0};
    content_ = content;
    ASSERT_TRUE(store_->put_circuit(circuit_, path));
    ASSERT_FALSE(store_->put_circuit(circuit_, path));  // content-addressed: stored once
    fs::remove(path);
  }
  void TearDown() override {
    store_.reset();
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  SubmitResult submit(const std::string& witness, std::optional<std::string> idem = std::nullopt,
                      int priority = 0) {
    SubmitRequest r;
    r.key_id = key_.id;
    r.circuit = circuit_.id;
    r.witness = {reinterpret_cast<const std::uint8_t*>(witness.data()), witness.size()};
    r.idempotency_key = std::move(idem);
    r.priority = priority;
    r.max_attempts = 2;
    r.max_jobs = key_.max_jobs;
    return store_->submit(r);
  }
  int count_events(const std::string& job, const std::string& ev) {
    int n = 0;
    for (auto& e : store_->events(job)) n += e.event == ev;
    return n;
  }

  fs::path dir_;
  std::unique_ptr<Store> store_;
  ApiKey key_;
  CircuitInfo circuit_;
  std::string content_;
};

// Two versions: 1 the tables, 2 jobs.results. Migrating again changes nothing.
TEST_P(StoreTest, MigrationsAreVersionedAndIdempotent) {
  EXPECT_EQ(store_->migrate(), 2);
  EXPECT_EQ(store_->migrate(), 2);
}

TEST_P(StoreTest, KeysAreStoredHashedAndRevocable) {
  auto [k, secret] = store_->create_key("other", 1, 100);
  EXPECT_TRUE(secret.starts_with("pm_"));
  EXPECT_EQ(secret.size(), 46u);
  ASSERT_TRUE(store_->authenticate(secret));
  EXPECT_EQ(store_->authenticate(secret)->id, k.id);
  EXPECT_FALSE(store_->authenticate(secret + "x"));
  EXPECT_FALSE(store_->authenticate("pm_" + std::string(43, 'A')));
  int plaintext_rows = 0;
  store_->db().run([&](Connection& c) {
    plaintext_rows =
        static_cast<int>(c.query("SELECT id FROM api_keys WHERE key_hash = ?", {secret}).rows.size());
  });
  EXPECT_EQ(plaintext_rows, 0);
  EXPECT_TRUE(store_->revoke_key(k.id));
  EXPECT_FALSE(store_->authenticate(secret));
}

TEST_P(StoreTest, CircuitBytesRoundTripInChunks) {
  std::string back;
  int chunks = 0;
  store_->read_circuit(circuit_.id, [&](std::span<const std::uint8_t> c) {
    back.append(reinterpret_cast<const char*>(c.data()), c.size());
    ++chunks;
  });
  EXPECT_EQ(chunks, 3);
  EXPECT_EQ(back, content_);
}

TEST_P(StoreTest, ClaimCompleteWritesTheResultOnce) {
  auto s = submit("w1");
  ASSERT_EQ(s.status, SubmitResult::Status::created);
  auto c = store_->claim("w", 60000);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->job_id, s.id);
  EXPECT_EQ(c->attempts, 1);
  EXPECT_FALSE(store_->claim("w2", 60000));  // nothing else queued
  EXPECT_EQ(store_->witness(s.id), std::vector<std::uint8_t>({'w', '1'}));
  EXPECT_TRUE(store_->renew(*c, 60000));
  ASSERT_TRUE(store_->complete(*c, "w", "{\"p\":1}", "[]", 7, "{\"committed_rows\":[]}"));
  // A repeated completion (a retried commit) is recognised, not written twice.
  EXPECT_TRUE(store_->complete(*c, "w", "{\"p\":2}", "[]", 8));
  auto j = store_->job(s.id, key_.id);
  ASSERT_TRUE(j);
  EXPECT_EQ(j->state, JobState::succeeded);
  EXPECT_EQ(j->proof, "{\"p\":1}");
  EXPECT_EQ(j->prove_ms, 7);
  EXPECT_EQ(j->results, "{\"committed_rows\":[]}");
  EXPECT_EQ(count_events(s.id, "succeeded"), 1);
  EXPECT_FALSE(store_->renew(*c, 60000));
  EXPECT_FALSE(store_->job(s.id, key_.id + 1));  // other keys do not see it
}

TEST_P(StoreTest, ExpiredLeaseIsRequeuedAndTheLateResultDropped) {
  auto s = submit("w1");
  auto c1 = store_->claim("dead", 1);
  ASSERT_TRUE(c1);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(store_->reap_expired(), 1);
  EXPECT_EQ(store_->job(s.id, key_.id)->state, JobState::queued);
  auto c2 = store_->claim("alive", 60000);
  ASSERT_TRUE(c2);
  EXPECT_EQ(c2->attempts, 2);
  EXPECT_FALSE(store_->complete(*c1, "dead", "{}", "[]", 1));  // lost its lease
  EXPECT_FALSE(store_->renew(*c1, 1000));
  ASSERT_TRUE(store_->complete(*c2, "alive", "{\"ok\":1}", "[]", 1));
  EXPECT_EQ(store_->job(s.id, key_.id)->proof, "{\"ok\":1}");
  EXPECT_EQ(count_events(s.id, "lease_expired"), 1);
  EXPECT_EQ(count_events(s.id, "succeeded"), 1);
}

TEST_P(StoreTest, AttemptsAreBounded) {
  auto s = submit("w1");  // max_attempts = 2
  auto c1 = store_->claim("a", 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  store_->reap_expired();
  auto c2 = store_->claim("b", 60000);
  ASSERT_TRUE(c2);
  EXPECT_EQ(store_->fail(*c2, "b", "out of memory", true), JobState::failed);
  auto j = store_->job(s.id, key_.id);
  EXPECT_EQ(j->state, JobState::failed);
  ASSERT_TRUE(j->error);
  EXPECT_NE(j->error->find("gave up after 2 attempts"), std::string::npos) << *j->error;
  EXPECT_NE(j->error->find("lease expired"), std::string::npos) << *j->error;
  EXPECT_FALSE(store_->claim("c", 60000));
}

TEST_P(StoreTest, PermanentFailureIsNotRetried) {
  auto s = submit("w1");
  auto c = store_->claim("a", 60000);
  EXPECT_EQ(store_->fail(*c, "a", "witness does not satisfy the circuit", false), JobState::failed);
  EXPECT_EQ(store_->job(s.id, key_.id)->attempts, 1);
  EXPECT_EQ(store_->fail(*c, "a", "again", false), std::nullopt);  // no longer holds the job
}

TEST_P(StoreTest, RetryableFailureRequeues) {
  auto s = submit("w1");
  auto c = store_->claim("a", 60000);
  EXPECT_EQ(store_->fail(*c, "a", "database hiccup", true), JobState::queued);
  auto c2 = store_->claim("a", 60000);
  ASSERT_TRUE(c2);
  EXPECT_EQ(c2->attempts, 2);
}

TEST_P(StoreTest, ReleaseDoesNotCountTheAttempt) {
  auto s = submit("w1");
  auto c = store_->claim("a", 60000);
  store_->release(*c, "a");
  auto j = store_->job(s.id, key_.id);
  EXPECT_EQ(j->state, JobState::queued);
  EXPECT_EQ(j->attempts, 0);
  EXPECT_FALSE(store_->complete(*c, "a", "{}", "[]", 1));
}

TEST_P(StoreTest, RecoverRunningRequeuesEverything) {
  auto s1 = submit("w1"), s2 = submit("w2");
  store_->claim("crashed", 600000);
  store_->claim("crashed", 600000);
  EXPECT_EQ(store_->recover_running("server restarted"), 2);
  EXPECT_EQ(store_->count_by_state()[JobState::queued], 2);
  EXPECT_EQ(count_events(s1.id, "recovered"), 1);
}

TEST_P(StoreTest, CancelQueuedAndRunningOnly) {
  auto s = submit("w1");
  auto first = store_->cancel(s.id, key_.id);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->state, JobState::cancelled);
  EXPECT_TRUE(first->changed);
  auto again = store_->cancel(s.id, key_.id);  // already terminal: reported, not changed
  ASSERT_TRUE(again);
  EXPECT_EQ(again->state, JobState::cancelled);
  EXPECT_FALSE(again->changed);
  EXPECT_FALSE(store_->claim("a", 60000));
  auto s2 = submit("w2");
  auto c = store_->claim("a", 60000);
  EXPECT_TRUE(store_->cancel(s2.id, key_.id)->changed);
  EXPECT_FALSE(store_->renew(*c, 60000));
  EXPECT_FALSE(store_->complete(*c, "a", "{}", "[]", 1));
  EXPECT_FALSE(store_->cancel("nope", key_.id));
  EXPECT_FALSE(store_->cancel(s2.id, key_.id + 1));
}

TEST_P(StoreTest, IdempotencyKeys) {
  auto a = submit("w1", "k1");
  auto b = submit("w1", "k1");
  EXPECT_EQ(a.status, SubmitResult::Status::created);
  EXPECT_EQ(b.status, SubmitResult::Status::existing);
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(submit("w2", "k1").status, SubmitResult::Status::conflict);
  EXPECT_NE(submit("w1", "k2").id, a.id);
  EXPECT_NE(submit("w1").id, submit("w1").id);  // no key: always a new job
}

TEST_P(StoreTest, ConcurrentJobLimitPerKey) {
  for (int k = 0; k < 5; ++k)
    ASSERT_EQ(submit("w" + std::to_string(k)).status, SubmitResult::Status::created);
  EXPECT_EQ(submit("w9").status, SubmitResult::Status::too_many);
  auto c = store_->claim("a", 60000);
  store_->complete(*c, "a", "{}", "[]", 1);
  EXPECT_EQ(submit("w9").status, SubmitResult::Status::created);
}

TEST_P(StoreTest, PriorityThenSubmissionOrder) {
  auto low = submit("a", std::nullopt, 0);
  auto high = submit("b", std::nullopt, 5);
  auto low2 = submit("c", std::nullopt, 0);
  EXPECT_EQ(store_->claim("w", 60000)->job_id, high.id);
  EXPECT_EQ(store_->claim("w", 60000)->job_id, low.id);
  EXPECT_EQ(store_->claim("w", 60000)->job_id, low2.id);
}

TEST_P(StoreTest, ListPaginatesNewestFirst) {
  std::vector<std::string> ids;
  for (int k = 0; k < 5; ++k) ids.push_back(submit("w" + std::to_string(k)).id);
  std::vector<std::string> seen;
  std::int64_t cursor = 0;
  for (int page = 0; page < 10; ++page) {
    auto jobs = store_->list_jobs(key_.id, std::nullopt, std::nullopt, 2, cursor);
    for (auto& j : jobs) seen.push_back(j.id);
    if (jobs.size() < 2) break;
    cursor = jobs.back().seq;
  }
  std::vector<std::string> expect(ids.rbegin(), ids.rend());
  EXPECT_EQ(seen, expect);
  EXPECT_EQ(store_->list_jobs(key_.id, JobState::running, std::nullopt, 10, 0).size(), 0u);
  EXPECT_EQ(store_->list_jobs(key_.id, JobState::queued, circuit_.id, 10, 0).size(), 5u);
}

TEST_P(StoreTest, ConcurrentClaimsNeverShareAJob) {
  const int jobs = 40;
  for (int k = 0; k < jobs; ++k) {
    key_ = store_->create_key("bulk" + std::to_string(k), 5, 1 << 20).first;
    submit("w" + std::to_string(k));
  }
  std::mutex mu;
  std::multiset<std::string> claimed;
  std::vector<std::thread> ts;
  for (int t = 0; t < 4; ++t) {
    ts.emplace_back([&, t] {
      while (auto c = store_->claim("t" + std::to_string(t), 60000)) {
        std::lock_guard g(mu);
        claimed.insert(c->job_id);
      }
    });
  }
  for (auto& t : ts) t.join();
  EXPECT_EQ(claimed.size(), static_cast<std::size_t>(jobs));
  EXPECT_EQ(std::set<std::string>(claimed.begin(), claimed.end()).size(), static_cast<std::size_t>(jobs));
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& p) { return p.param; });

TEST(Util, Base64RoundTripAndStrictness) {
  for (std::size_t n = 0; n < 20; ++n) {
    std::vector<std::uint8_t> v(n);
    for (std::size_t k = 0; k < n; ++k) v[k] = static_cast<std::uint8_t>(k * 37 + 11);
    auto enc = base64_encode(v);
    auto dec = base64_decode(enc);
    ASSERT_TRUE(dec) << enc;
    EXPECT_EQ(*dec, v);
  }
  EXPECT_EQ(base64_encode(std::vector<std::uint8_t>{'f', 'o', 'o', 'b'}), "Zm9vYg==");
  EXPECT_FALSE(base64_decode("Zm9vYg="));
  EXPECT_FALSE(base64_decode("Zm9v!g=="));
  EXPECT_FALSE(base64_decode("Zm=vYg=="));
  EXPECT_FALSE(base64_decode("Zm9vY\n=="));
}

TEST(Util, Sha256KnownAnswer) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Util, Rfc3339) { EXPECT_EQ(rfc3339(1700000000123), "2023-11-14T22:13:20.123Z"); }

}  // namespace
}  // namespace pm::service
