// The worker pool on SQLite with the example circuit (examples/poseidon_chain): several workers
// claim, prove, verify and complete jobs at once; a cancel lands among them; shutdown releases
// what is still running. Runs under ThreadSanitizer in the tsan preset (workers, heartbeat,
// prover cache and the MSM's threads together). Crashes and clusters: tests/service/*.
#include "service/worker.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "formats/zkey.hpp"
#include "service/log.hpp"
#include "service/util.hpp"

namespace pm::service {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::vector<std::uint8_t> read_file(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), {}};
}

class WorkerPoolTest : public ::testing::Test {
 protected:
  fs::path dir = fs::temp_directory_path() / ("pm-worker-test-" + random_hex(6));
  std::unique_ptr<Store> store;
  Notifier notifier;
  ApiKey key;
  std::string circuit;
  std::vector<std::vector<std::uint8_t>> witnesses;

  void SetUp() override {
    set_log_level(LogLevel::warn);  // a line per job otherwise
    fs::create_directories(dir);
    store = std::make_unique<Store>(Database::open((dir / "proofmill.db").string(), 8));
    store->migrate();
    key = store->create_key("test", 1000, 1 << 30).first;
    const fs::path root = PROOFMILL_SOURCE_DIR;
    const fs::path zkey = root / "examples/poseidon_chain/circuit.zkey";
    auto bytes = read_file(zkey);
    circuit = sha256_hex({reinterpret_cast<const char*>(bytes.data()), bytes.size()});
    auto pk = formats::load_zkey(zkey.string(), "example zkey");
    ASSERT_TRUE(store->put_circuit(
        {circuit, static_cast<std::int64_t>(bytes.size()), pk.n_vars, pk.n_public, pk.log_domain, 0},
        zkey.string()));
    witnesses.push_back(read_file(root / "examples/poseidon_chain/witness.wtns"));
    for (int i = 1; i <= 3; ++i)
      witnesses.push_back(
          read_file(root / ("tests/service/fixtures/witness_" + std::to_string(i) + ".wtns")));
  }

  void TearDown() override {
    store.reset();
    std::error_code ec;
    fs::remove_all(dir, ec);
  }

  std::vector<std::string> submit(int n) {
    std::vector<std::string> ids;
    for (int i = 0; i < n; ++i) {
      SubmitRequest r;
      r.key_id = key.id;
      r.circuit = circuit;
      r.witness = witnesses[static_cast<std::size_t>(i) % witnesses.size()];
      auto res = store->submit(r);
      EXPECT_EQ(res.status, SubmitResult::Status::created);
      ids.push_back(res.id);
    }
    notifier.notify();
    return ids;
  }

  WorkerOptions options(unsigned workers) const {
    WorkerOptions o;
    o.workers = workers;
    o.poll_ms = 20;
    o.lease_ms = 60000;
    o.cache_dir = (dir / "cache").string();
    return o;
  }

  std::int64_t count(JobState s) {
    auto m = store->count_by_state();
    auto it = m.find(s);
    return it == m.end() ? 0 : it->second;
  }
};

TEST_F(WorkerPoolTest, ProvesConcurrentlyWithACancelAmongThem) {
  auto ids = submit(12);
  WorkerPool pool(*store, notifier, options(3));
  pool.start();
  ASSERT_TRUE(store->cancel(ids.back(), key.id)->changed);
  notifier.notify();
  for (int k = 0; k < 3000 && count(JobState::succeeded) < 11; ++k) std::this_thread::sleep_for(20ms);
  pool.shutdown(10s);
  EXPECT_EQ(count(JobState::succeeded), 11);
  EXPECT_EQ(count(JobState::cancelled), 1);
  for (std::size_t i = 0; i + 1 < ids.size(); ++i) {
    auto job = store->job(ids[i], key.id);
    ASSERT_TRUE(job);
    EXPECT_EQ(job->state, JobState::succeeded) << ids[i];
    EXPECT_TRUE(job->proof && job->pub);
    EXPECT_EQ(job->attempts, 1);
  }
}

TEST_F(WorkerPoolTest, ShutdownWithoutGraceLosesNoJob) {
  auto ids = submit(8);
  {
    WorkerPool pool(*store, notifier, options(2));
    pool.start();
    std::this_thread::sleep_for(50ms);
    pool.shutdown(0ms);
  }
  // Released or finished, never failed or stuck running; a second pool finishes the rest.
  EXPECT_EQ(count(JobState::running), 0);
  EXPECT_EQ(count(JobState::failed), 0);
  EXPECT_EQ(count(JobState::queued) + count(JobState::succeeded), 8);
  WorkerPool again(*store, notifier, options(2));
  again.start();
  for (int k = 0; k < 3000 && count(JobState::succeeded) < 8; ++k) std::this_thread::sleep_for(20ms);
  again.shutdown(10s);
  EXPECT_EQ(count(JobState::succeeded), 8);
}

}  // namespace
}  // namespace pm::service
