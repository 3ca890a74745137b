#pragma once
/// \file Prover workers: claim a job under a lease, prove it, verify the proof, store the result.
///
/// Parsed provers are cached per circuit (least recently used evicted beyond a memory budget);
/// zkeys are materialised from the database into a local cache folder first. A heartbeat thread
/// renews the leases of the jobs in progress; a job whose lease is lost (expired and taken by
/// another worker, or cancelled) is proven to the end but its result is dropped.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "groth16/keys.hpp"
#include "service/store.hpp"

namespace pm::groth16 {
class Prover;
class PreparedVerifyingKey;
}  // namespace pm::groth16
namespace pm::circuit {
class Circuit;
}

namespace pm::service {

/// Wakes waiters in this process when jobs are submitted or finish (across processes, waiters
/// also poll the database).
class Notifier {
 public:
  std::uint64_t generation() const;
  void notify();
  /// Waits until the generation moves past `seen` or `timeout` passes.
  void wait(std::uint64_t seen, std::chrono::milliseconds timeout) const;

 private:
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  std::uint64_t gen_ = 0;
};

struct CachedProver {
  std::shared_ptr<const groth16::ProvingKey> pk;
  std::shared_ptr<const groth16::Prover> prover;
  std::shared_ptr<const groth16::PreparedVerifyingKey> vk;  // e(alpha, beta) once per key
  std::size_t bytes = 0;
};

class ProverCache {
 public:
  ProverCache(Store& store, std::string dir, std::size_t budget_bytes);
  /// The prover of circuit `id`, loading (and materialising its zkey) on a miss.
  std::shared_ptr<const CachedProver> get(const std::string& id);

 private:
  std::shared_ptr<const CachedProver> load(const std::string& id);
  Store& store_;
  std::string dir_;
  std::size_t budget_;
  std::mutex mu_;
  std::list<std::string> lru_;  // front = most recent
  struct Slot {
    std::shared_ptr<const CachedProver> value;
    std::list<std::string>::iterator pos;
  };
  std::map<std::string, Slot> slots_;
  std::map<std::string, std::shared_ptr<std::mutex>> loading_;
  std::size_t bytes_ = 0;
};

struct WorkerOptions {
  unsigned workers = 1;
  std::int64_t lease_ms = 30000;
  std::int64_t poll_ms = 100;
  std::string cache_dir;
  std::size_t cache_bytes = std::size_t{4} << 30;
};

/// Built-in circuits built once per parameter set and shared by the workers (an options job's
/// circuit takes a second or two to build; a service proves the same parameters many times).
/// Keeps the `capacity` most recently used.
class CircuitCache {
 public:
  explicit CircuitCache(std::size_t capacity) : capacity_(capacity) {}
  std::shared_ptr<const circuit::Circuit> get(
      const std::string& name, const std::map<std::string, std::uint64_t, std::less<>>& params);

 private:
  std::size_t capacity_;
  std::mutex mu_;
  std::list<std::pair<std::string, std::shared_ptr<const circuit::Circuit>>> entries_;  // front = most recent
};

class WorkerPool {
 public:
  WorkerPool(Store& store, Notifier& notifier, WorkerOptions opt);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void start();
  /// Stops claiming; waits up to `grace` for running jobs, then releases the rest to the queue.
  void shutdown(std::chrono::milliseconds grace);
  const std::string& name() const { return name_; }
  unsigned busy() const { return busy_.load(); }

 private:
  void run(unsigned index);
  void heartbeat();
  void process(const Claim& c, const std::string& worker);

  Store& store_;
  Notifier& notifier_;
  WorkerOptions opt_;
  ProverCache cache_;
  CircuitCache circuits_{2};
  std::string name_;
  std::atomic<bool> stopping_{false};
  std::atomic<unsigned> busy_{0};
  std::vector<std::thread> threads_;
  std::thread heartbeat_;
  std::mutex mu_;
  std::condition_variable cv_;
  struct Active {
    Claim claim;
    std::string worker;
  };
  std::map<std::string, Active> active_;  // job id -> claim and worker, for heartbeats and release
};

}  // namespace pm::service
