#pragma once
/// \file Everything the service keeps, in one database: API keys, circuits (their zkeys in
/// chunks, so every node of a cluster can fetch them), jobs with their witnesses, and an audit
/// trail of job events. All state transitions of the job queue live here, each in one
/// transaction, and every timestamp comes from the database clock (one clock for all nodes).
///
/// Job states: queued -> running -> succeeded | failed | cancelled. A claim takes a lease with a
/// fresh token; only the holder of the current token can complete, fail or release the job, so
/// a result is written once even when a worker that lost its lease finishes late.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "service/database.hpp"
#include "service/job_state.hpp"

namespace pm::service {

struct ApiKey {
  std::int64_t id = 0;
  std::string name;
  std::int64_t max_jobs = 0;           ///< queued + running jobs at once
  std::int64_t max_request_bytes = 0;  ///< largest request body
  std::int64_t created_at = 0;
  bool revoked = false;
};

struct CircuitInfo {
  std::string id;  ///< lowercase hex SHA-256 of the zkey bytes
  std::int64_t size = 0, n_vars = 0, n_public = 0, log_domain = 0, created_at = 0;
};

struct JobRecord {
  std::int64_t seq = 0;
  std::string id, circuit;
  JobState state = JobState::queued;
  std::int64_t key_id = 0, priority = 0, attempts = 0, max_attempts = 0, created_at = 0;
  std::optional<std::string> idempotency_key, error, proof, pub;
  std::optional<std::string> results;  ///< JSON the proof leaves private (options: committed rows)
  std::optional<std::int64_t> started_at, finished_at, prove_ms;
};

struct JobEvent {
  std::int64_t at = 0;
  std::string event;
  std::optional<std::string> worker, detail;
};

/// A job claimed by a worker.
struct Claim {
  std::string job_id, circuit, token;
  std::int64_t attempts = 0, max_attempts = 0;
};

struct SubmitRequest {
  std::int64_t key_id = 0;
  std::string circuit;
  std::span<const std::uint8_t> witness;
  std::optional<std::string> idempotency_key;
  std::int64_t priority = 0;
  std::int64_t max_attempts = 3;
  std::int64_t max_jobs = 0;  ///< the key's limit on queued + running jobs (0: none)
};

struct SubmitResult {
  enum class Status { created, existing, conflict, too_many } status = Status::created;
  std::string id;
  JobState state = JobState::queued;
};

class Store {
 public:
  explicit Store(std::unique_ptr<Database> db);
  Database& db() { return *db_; }

  /// Applies the schema migrations not yet applied (versioned; under a lock on PostgreSQL).
  /// Returns the schema version.
  int migrate();

  // --- API keys (stored as SHA-256 hashes; the key itself is shown once) ---
  std::pair<ApiKey, std::string> create_key(const std::string& name, std::int64_t max_jobs,
                                            std::int64_t max_request_bytes);
  std::optional<ApiKey> authenticate(std::string_view key);
  std::vector<ApiKey> list_keys();
  bool revoke_key(std::int64_t id);

  // --- circuits ---
  std::optional<CircuitInfo> circuit(const std::string& id);
  std::vector<CircuitInfo> circuits();
  /// Stores the zkey at `path` (already validated, `info.id` its hash) in chunks. Returns false
  /// when the circuit was already stored (nothing written).
  bool put_circuit(const CircuitInfo& info, const std::string& path);
  /// Streams the stored zkey to `sink`, chunk by chunk.
  void read_circuit(const std::string& id, const std::function<void(std::span<const std::uint8_t>)>& sink);

  // --- jobs, client side ---
  SubmitResult submit(const SubmitRequest& req);
  std::optional<JobRecord> job(const std::string& id, std::optional<std::int64_t> key_id);
  /// Newest first; `before_seq` is the pagination cursor (0: from the newest).
  std::vector<JobRecord> list_jobs(std::int64_t key_id, const std::optional<JobState>& state,
                                   const std::optional<std::string>& circuit, std::int64_t limit,
                                   std::int64_t before_seq);
  /// Cancels a queued or running job (nullopt: no such job). `changed` is false when the job was
  /// already terminal; `state` is the job's state afterwards.
  struct CancelResult {
    JobState state;
    bool changed = false;
  };
  std::optional<CancelResult> cancel(const std::string& id, std::int64_t key_id);
  std::vector<JobEvent> events(const std::string& id);
  std::map<JobState, std::int64_t> count_by_state();

  // --- jobs, worker side ---
  std::optional<Claim> claim(const std::string& worker, std::int64_t lease_ms);
  std::vector<std::uint8_t> witness(const std::string& job_id);
  /// Extends the lease; false when the lease is gone (expired and re-claimed, or cancelled).
  bool renew(const Claim& c, std::int64_t lease_ms);
  /// Writes the result if `c` still holds the lease; returns submit-to-finish milliseconds, or
  /// nullopt when the lease was lost (the result is dropped). `results`: JSON the proof leaves
  /// private but the client needs (JobRecord::results).
  std::optional<std::int64_t> complete(const Claim& c, const std::string& worker, const std::string& proof,
                                       const std::string& pub, std::int64_t prove_ms,
                                       const std::optional<std::string>& results = std::nullopt);
  /// Records a failed attempt. `retry`: back to the queue while attempts remain; otherwise (or
  /// when exhausted) the job fails. Returns the job's new state (nullopt if the lease was lost).
  std::optional<JobState> fail(const Claim& c, const std::string& worker, const std::string& reason,
                               bool retry);
  /// Gives a claimed job back without counting the attempt (graceful shutdown).
  void release(const Claim& c, const std::string& worker);
  /// Jobs whose lease expired go back to the queue (or fail when out of attempts). Returns how many.
  int reap_expired();
  /// Every running job goes back to the queue (or fails when out of attempts): used by a
  /// single-process SQLite server at start, when no other process can hold a lease.
  int recover_running(const std::string& why);

 private:
  std::unique_ptr<Database> db_;
  void event(Connection& c, const std::string& job, const std::string& ev,
             const std::optional<std::string>& worker, const std::optional<std::string>& detail);
  /// Ends a running attempt: back to the queue (event `requeue_event`) while `retry` and attempts
  /// remain, else failed. Returns the new state.
  JobState end_attempt(Connection& c, const std::string& id, std::int64_t attempts, std::int64_t max_attempts,
                       const std::optional<std::string>& worker, const std::string& requeue_event,
                       const std::string& why, bool retry);
  std::string exhausted_error(Connection& c, const std::string& job, std::int64_t attempts,
                              const std::string& last);
};

}  // namespace pm::service
