// Jobs, worker side: claims with leases, renewals, results, failures and retries, recovery.
#include "service/store.hpp"
#include "service/store_rows.hpp"
#include "service/util.hpp"

namespace pm::service {

using namespace store_rows;

std::optional<Claim> Store::claim(const std::string& worker, std::int64_t lease_ms) {
  std::optional<Claim> out;
  std::string token = random_hex(16);
  db_->transact([&](Connection& c) {
    auto r = c.query(
        "UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_owner = ?, lease_token = ?, "
        "lease_expires_at = " +
            db_->now_ms() + " + ?, started_at = COALESCE(started_at, " + db_->now_ms() +
            ") WHERE seq = (SELECT seq FROM jobs WHERE state = 'queued' ORDER BY priority DESC, seq "
            "LIMIT 1" +
            db_->skip_locked() + ") RETURNING id, circuit_id, attempts, max_attempts",
        {worker, token, lease_ms});
    if (r.rows.empty()) return;
    Claim cl{r.rows[0].text(0), r.rows[0].text(1), token, r.rows[0].integer(2), r.rows[0].integer(3)};
    event(c, cl.job_id, "claimed", worker, "attempt " + std::to_string(cl.attempts));
    out = std::move(cl);
  });
  return out;
}

std::vector<std::uint8_t> Store::witness(const std::string& job_id) {
  std::vector<std::uint8_t> out;
  db_->run([&](Connection& c) {
    auto r = c.query("SELECT data FROM job_witness WHERE job_id = ?", {job_id});
    if (r.rows.empty()) throw Error(Errc::format, "job " + job_id + " has no stored witness");
    const std::string& s = r.rows[0].text(0);
    out.assign(s.begin(), s.end());
  });
  return out;
}

bool Store::renew(const Claim& cl, std::int64_t lease_ms) {
  bool ok = false;
  db_->run([&](Connection& c) {
    ok = c.query("UPDATE jobs SET lease_expires_at = " + db_->now_ms() +
                     " + ? WHERE id = ? AND lease_token = ? AND state = 'running'",
                 {lease_ms, cl.job_id, cl.token})
             .changes > 0;
  });
  return ok;
}

std::optional<std::int64_t> Store::complete(const Claim& cl, const std::string& worker,
                                            const std::string& proof, const std::string& pub,
                                            std::int64_t prove_ms,
                                            const std::optional<std::string>& results) {
  std::optional<std::int64_t> latency;
  db_->transact([&](Connection& c) {
    auto r = c.query(
        "UPDATE jobs SET state = 'succeeded', proof = ?, public = ?, prove_ms = ?, results = ?, "
        "error = NULL, finished_at = " +
            db_->now_ms() +
            ", lease_expires_at = NULL WHERE id = ? AND lease_token = ? AND state = 'running' "
            "RETURNING finished_at - created_at",
        {proof, pub, prove_ms, Param::opt(results), cl.job_id, cl.token});
    if (!r.rows.empty()) {
      latency = r.rows[0].integer(0);
      event(c, cl.job_id, "succeeded", worker, "prove " + std::to_string(prove_ms) + " ms");
      return;
    }
    // A retry of a commit whose acknowledgement was lost finds its own result in place.
    auto s =
        c.query("SELECT state, lease_token, finished_at - created_at FROM jobs WHERE id = ?", {cl.job_id});
    if (!s.rows.empty() && s.rows[0].text(0) == "succeeded" && s.rows[0].opt(1) == cl.token) {
      latency = s.rows[0].integer(2);
    }
  });
  return latency;
}

std::string Store::exhausted_error(Connection& c, const std::string& job, std::int64_t attempts,
                                   const std::string& last) {
  std::string msg =
      "gave up after " + std::to_string(attempts) + " attempt" + (attempts == 1 ? "" : "s") + ": " + last;
  auto r = c.query(
      "SELECT detail FROM job_events WHERE job_id = ? AND event IN ('retry', 'lease_expired', "
      "'recovered') ORDER BY seq",
      {job});
  if (!r.rows.empty()) {
    msg += " (earlier:";
    for (auto& row : r.rows) msg += " " + row.opt(0).value_or("?") + ";";
    msg.back() = ')';
  }
  return msg;
}

JobState Store::end_attempt(Connection& c, const std::string& id, std::int64_t attempts,
                            std::int64_t max_attempts, const std::optional<std::string>& worker,
                            const std::string& requeue_event, const std::string& why, bool retry) {
  if (retry && attempts < max_attempts) {
    c.query(
        "UPDATE jobs SET state = 'queued', lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL, "
        "error = ? WHERE id = ?",
        {why, id});
    event(c, id, requeue_event, worker, why);
    return JobState::queued;
  }
  std::string err = retry ? exhausted_error(c, id, attempts, why) : why;
  c.query("UPDATE jobs SET state = 'failed', error = ?, finished_at = " + db_->now_ms() +
              ", lease_expires_at = NULL WHERE id = ?",
          {err, id});
  event(c, id, "failed", worker, why);
  return JobState::failed;
}

std::optional<JobState> Store::fail(const Claim& cl, const std::string& worker, const std::string& reason,
                                    bool retry) {
  std::optional<JobState> state;
  db_->transact([&](Connection& c) {
    auto r = c.query(
        "SELECT attempts, max_attempts FROM jobs WHERE id = ? AND lease_token = ? AND state = 'running'" +
            db_->for_update(),
        {cl.job_id, cl.token});
    if (r.rows.empty()) return;
    state =
        end_attempt(c, cl.job_id, r.rows[0].integer(0), r.rows[0].integer(1), worker, "retry", reason, retry);
  });
  return state;
}

void Store::release(const Claim& cl, const std::string& worker) {
  db_->transact([&](Connection& c) {
    auto r = c.query(
        "UPDATE jobs SET state = 'queued', attempts = attempts - 1, lease_owner = NULL, lease_token = "
        "NULL, lease_expires_at = NULL WHERE id = ? AND lease_token = ? AND state = 'running'",
        {cl.job_id, cl.token});
    if (r.changes > 0) event(c, cl.job_id, "released", worker, "worker shutting down");
  });
}

int Store::reap_expired() {
  int n = 0;
  db_->transact([&](Connection& c) {
    auto r = c.query(
        "SELECT id, attempts, max_attempts, lease_owner FROM jobs WHERE state = 'running' AND "
        "lease_expires_at < " +
        db_->now_ms() + " ORDER BY seq LIMIT 100" + db_->skip_locked());
    for (auto& row : r.rows) {
      std::string why = "lease expired (worker " + row.opt(3).value_or("?") + " lost)";
      end_attempt(c, row.text(0), row.integer(1), row.integer(2), row.opt(3), "lease_expired", why, true);
      ++n;
    }
  });
  return n;
}

int Store::recover_running(const std::string& why) {
  int n = 0;
  db_->transact([&](Connection& c) {
    auto r = c.query("SELECT id, attempts, max_attempts, lease_owner FROM jobs WHERE state = 'running'");
    for (auto& row : r.rows) {
      end_attempt(c, row.text(0), row.integer(1), row.integer(2), row.opt(3), "recovered", why, true);
      ++n;
    }
  });
  return n;
}

}  // namespace pm::service
