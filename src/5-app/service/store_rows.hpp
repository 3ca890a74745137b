#pragma once
/// \file Internal to the store (store*.cpp): the columns it selects and the records it builds
/// from them.

#include <string>

#include "base/error.hpp"
#include "service/database.hpp"
#include "service/store.hpp"

namespace pm::service::store_rows {

inline const char* kJobColumns =
    "seq, id, circuit_id, state, key_id, priority, attempts, max_attempts, created_at, idempotency_key, "
    "error, "
    "proof, public, started_at, finished_at, prove_ms, results";

// A state read back from the database; anything else there is a corrupt row.
inline JobState state_of(const std::string& text) {
  auto s = parse_job_state(text);
  if (!s) throw Error(Errc::format, "database: unknown job state '" + text.substr(0, 40) + "'");
  return *s;
}

inline JobRecord job_from_row(const Row& r, bool with_result) {
  JobRecord j;
  j.seq = r.integer(0);
  j.id = r.text(1);
  j.circuit = r.text(2);
  j.state = state_of(r.text(3));
  j.key_id = r.integer(4);
  j.priority = r.integer(5);
  j.attempts = r.integer(6);
  j.max_attempts = r.integer(7);
  j.created_at = r.integer(8);
  j.idempotency_key = r.opt(9);
  j.error = r.opt(10);
  if (with_result) {
    j.proof = r.opt(11);
    j.pub = r.opt(12);
  }
  j.started_at = r.opt_integer(13);
  j.finished_at = r.opt_integer(14);
  j.prove_ms = r.opt_integer(15);
  if (with_result) j.results = r.opt(16);
  return j;
}

inline CircuitInfo circuit_from_row(const Row& r) {
  return {r.text(0), r.integer(1), r.integer(2), r.integer(3), r.integer(4), r.integer(5)};
}
inline const char* kCircuitColumns = "id, size, n_vars, n_public, log_domain, created_at";

inline ApiKey key_from_row(const Row& r) {
  return {r.integer(0), r.text(1), r.integer(2), r.integer(3), r.integer(4), r.integer(5) != 0};
}
inline const char* kKeyColumns = "id, name, max_jobs, max_request_bytes, created_at, revoked";

}  // namespace pm::service::store_rows
