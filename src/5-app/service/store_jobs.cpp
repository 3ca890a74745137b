// Jobs, client side: submission (idempotent, per-key limits), lookups, cancellation, events.
#include "service/store.hpp"
#include "service/store_rows.hpp"
#include "service/util.hpp"

namespace pm::service {

using namespace store_rows;

SubmitResult Store::submit(const SubmitRequest& req) {
  Sha256 h;
  h.update(req.circuit);
  h.update(std::string_view("\0", 1));
  h.update(req.witness);
  std::string request_hash = h.hex();
  SubmitResult out;
  db_->transact([&](Connection& c) {
    // Serialises one key's submissions on PostgreSQL, so the concurrent-job limit holds.
    c.query("SELECT id FROM api_keys WHERE id = ?" + db_->for_update(), {req.key_id});
    if (req.idempotency_key) {
      auto r = c.query("SELECT id, state, request_hash FROM jobs WHERE key_id = ? AND idempotency_key = ?",
                       {req.key_id, *req.idempotency_key});
      if (!r.rows.empty()) {
        out.id = r.rows[0].text(0);
        out.state = state_of(r.rows[0].text(1));
        out.status = r.rows[0].text(2) == request_hash ? SubmitResult::Status::existing
                                                       : SubmitResult::Status::conflict;
        return;
      }
    }
    if (req.max_jobs > 0) {
      auto r = c.query("SELECT COUNT(*) FROM jobs WHERE key_id = ? AND state IN ('queued', 'running')",
                       {req.key_id});
      if (r.rows.at(0).integer(0) >= req.max_jobs) {
        out.status = SubmitResult::Status::too_many;
        return;
      }
    }
    out.id = random_hex(16);
    out.state = JobState::queued;
    c.query(
        "INSERT INTO jobs (id, key_id, circuit_id, idempotency_key, request_hash, priority, state, "
        "max_attempts, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, " +
            db_->now_ms() + ")",
        {out.id, req.key_id, req.circuit, Param::opt(req.idempotency_key), request_hash, req.priority,
         req.max_attempts});
    c.query("INSERT INTO job_witness (job_id, data) VALUES (?, ?)", {out.id, Param::blob(req.witness)});
    event(c, out.id, "submitted", std::nullopt, std::nullopt);
    out.status = SubmitResult::Status::created;
  });
  return out;
}

std::optional<JobRecord> Store::job(const std::string& id, std::optional<std::int64_t> key_id) {
  std::optional<JobRecord> out;
  db_->run([&](Connection& c) {
    auto r = c.query(std::string("SELECT ") + kJobColumns + " FROM jobs WHERE id = ?", {id});
    if (!r.rows.empty()) out = job_from_row(r.rows[0], true);
  });
  if (out && key_id && out->key_id != *key_id) return std::nullopt;
  return out;
}

std::vector<JobRecord> Store::list_jobs(std::int64_t key_id, const std::optional<JobState>& state,
                                        const std::optional<std::string>& circuit, std::int64_t limit,
                                        std::int64_t before_seq) {
  std::string sql = std::string("SELECT ") + kJobColumns + " FROM jobs WHERE key_id = ?";
  std::vector<Param> params{key_id};
  if (state) {
    sql += " AND state = ?";
    params.emplace_back(state_name(*state));  // a view of a string literal: outlives the query
  }
  if (circuit) {
    sql += " AND circuit_id = ?";
    params.emplace_back(*circuit);
  }
  if (before_seq > 0) {
    sql += " AND seq < ?";
    params.emplace_back(before_seq);
  }
  sql += " ORDER BY seq DESC LIMIT ?";
  params.emplace_back(limit);
  std::vector<JobRecord> out;
  db_->run([&](Connection& c) {
    for (auto& r : c.query(sql, params).rows) out.push_back(job_from_row(r, false));
  });
  return out;
}

std::optional<Store::CancelResult> Store::cancel(const std::string& id, std::int64_t key_id) {
  std::optional<CancelResult> out;
  db_->transact([&](Connection& c) {
    auto r = c.query("SELECT state FROM jobs WHERE id = ? AND key_id = ?" + db_->for_update(), {id, key_id});
    if (r.rows.empty()) return;
    JobState was = state_of(r.rows[0].text(0));
    out = CancelResult{was, false};
    if (is_terminal(was)) return;
    c.query("UPDATE jobs SET state = 'cancelled', finished_at = " + db_->now_ms() +
                ", lease_expires_at = NULL WHERE id = ?",
            {id});
    event(c, id, "cancelled", std::nullopt, "was " + std::string(state_name(was)));
    out = CancelResult{JobState::cancelled, true};
  });
  return out;
}

std::vector<JobEvent> Store::events(const std::string& id) {
  std::vector<JobEvent> out;
  db_->run([&](Connection& c) {
    for (auto& r :
         c.query("SELECT at, event, worker, detail FROM job_events WHERE job_id = ? ORDER BY seq", {id})
             .rows) {
      out.push_back({r.integer(0), r.text(1), r.opt(2), r.opt(3)});
    }
  });
  return out;
}

std::map<JobState, std::int64_t> Store::count_by_state() {
  std::map<JobState, std::int64_t> out;
  for (JobState j : kJobStates) out[j] = 0;
  db_->run([&](Connection& c) {
    for (auto& r : c.query("SELECT state, COUNT(*) FROM jobs GROUP BY state").rows)
      out[state_of(r.text(0))] = r.integer(1);
  });
  return out;
}

}  // namespace pm::service
