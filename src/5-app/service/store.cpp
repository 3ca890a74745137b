#include "service/store.hpp"

#include <cstdio>
#include <fstream>

#include "service/util.hpp"

namespace pm::service {
namespace {

constexpr std::size_t kChunkBytes = 4u << 20;

// Schema migrations, in order; never edit one that has shipped, append a new one.
// {SERIAL} and {BLOB} are the dialect's auto-increment key and byte-string types.
const char* const kMigrations[] = {
    // 1: keys, circuits, jobs, witnesses, events.
    R"sql(
CREATE TABLE api_keys (
  id {SERIAL},
  key_hash TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  max_jobs BIGINT NOT NULL,
  max_request_bytes BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE circuits (
  id TEXT PRIMARY KEY,
  size BIGINT NOT NULL,
  n_vars BIGINT NOT NULL,
  n_public BIGINT NOT NULL,
  log_domain BIGINT NOT NULL,
  chunks BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE circuit_chunks (
  circuit_id TEXT NOT NULL REFERENCES circuits(id),
  seq BIGINT NOT NULL,
  data {BLOB} NOT NULL,
  PRIMARY KEY (circuit_id, seq)
);
CREATE TABLE jobs (
  seq {SERIAL},
  id TEXT NOT NULL UNIQUE,
  key_id BIGINT NOT NULL REFERENCES api_keys(id),
  circuit_id TEXT NOT NULL REFERENCES circuits(id),
  idempotency_key TEXT,
  request_hash TEXT NOT NULL,
  priority BIGINT NOT NULL DEFAULT 0,
  state TEXT NOT NULL,
  attempts BIGINT NOT NULL DEFAULT 0,
  max_attempts BIGINT NOT NULL,
  lease_owner TEXT,
  lease_token TEXT,
  lease_expires_at BIGINT,
  created_at BIGINT NOT NULL,
  started_at BIGINT,
  finished_at BIGINT,
  prove_ms BIGINT,
  error TEXT,
  proof TEXT,
  public TEXT
);
CREATE UNIQUE INDEX jobs_idempotency ON jobs (key_id, idempotency_key);
CREATE INDEX jobs_queue ON jobs (state, priority DESC, seq);
CREATE INDEX jobs_lease ON jobs (state, lease_expires_at);
CREATE INDEX jobs_by_key ON jobs (key_id, seq);
CREATE TABLE job_witness (
  job_id TEXT PRIMARY KEY REFERENCES jobs(id),
  data {BLOB} NOT NULL
);
CREATE TABLE job_events (
  seq {SERIAL},
  job_id TEXT NOT NULL,
  at BIGINT NOT NULL,
  event TEXT NOT NULL,
  worker TEXT,
  detail TEXT
);
CREATE INDEX job_events_job ON job_events (job_id, seq);
)sql",
};

std::string dialect_sql(std::string sql, Dialect d) {
  auto replace_all = [&](const std::string& from, const std::string& to) {
    for (std::size_t p = 0; (p = sql.find(from, p)) != std::string::npos; p += to.size())
      sql.replace(p, from.size(), to);
  };
  replace_all("{SERIAL}",
              d == Dialect::postgres ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT");
  replace_all("{BLOB}", d == Dialect::postgres ? "BYTEA" : "BLOB");
  return sql;
}

const char* kJobColumns =
    "seq, id, circuit_id, state, key_id, priority, attempts, max_attempts, created_at, idempotency_key, "
    "error, "
    "proof, public, started_at, finished_at, prove_ms";

JobRecord job_from_row(const Row& r, bool with_result) {
  JobRecord j;
  j.seq = r.integer(0);
  j.id = r.text(1);
  j.circuit = r.text(2);
  j.state = r.text(3);
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
  return j;
}

CircuitInfo circuit_from_row(const Row& r) {
  return {r.text(0), r.integer(1), r.integer(2), r.integer(3), r.integer(4), r.integer(5)};
}
const char* kCircuitColumns = "id, size, n_vars, n_public, log_domain, created_at";

ApiKey key_from_row(const Row& r) {
  return {r.integer(0), r.text(1), r.integer(2), r.integer(3), r.integer(4), r.integer(5) != 0};
}
const char* kKeyColumns = "id, name, max_jobs, max_request_bytes, created_at, revoked";

}  // namespace

Store::Store(std::unique_ptr<Database> db) : db_(std::move(db)) {}

int Store::migrate() {
  int version = 0;
  const int latest = static_cast<int>(std::size(kMigrations));
  db_->transact([&](Connection& c) {
    if (db_->dialect() == Dialect::postgres) c.query("SELECT pg_advisory_xact_lock(7171001)");
    c.exec_script(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT "
        "NULL)");
    auto r = c.query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    version = static_cast<int>(r.rows.at(0).integer(0));
    if (version > latest) {
      throw Error(Errc::mismatch, "the database schema is version " + std::to_string(version) +
                                      ", newer than this proofmill (" + std::to_string(latest) +
                                      "): upgrade proofmill");
    }
    for (int v = version + 1; v <= latest; ++v) {
      c.exec_script(dialect_sql(kMigrations[v - 1], db_->dialect()));
      c.query("INSERT INTO schema_migrations (version, applied_at) VALUES (?, " + db_->now_ms() + ")",
              {std::int64_t{v}});
    }
  });
  return latest;
}

// ---------------------------------------------------------------------------------------------
// keys

std::pair<ApiKey, std::string> Store::create_key(const std::string& name, std::int64_t max_jobs,
                                                 std::int64_t max_request_bytes) {
  std::string key = new_api_key();
  std::string hash = sha256_hex(key);
  ApiKey out;
  db_->transact([&](Connection& c) {
    auto r = c.query(
        "INSERT INTO api_keys (key_hash, name, max_jobs, max_request_bytes, created_at) VALUES (?, ?, ?, "
        "?, " +
            db_->now_ms() + ") RETURNING " + kKeyColumns,
        {hash, name, max_jobs, max_request_bytes});
    out = key_from_row(r.rows.at(0));
  });
  return {out, key};
}

std::optional<ApiKey> Store::authenticate(std::string_view key) {
  if (!key.starts_with("pm_") || key.size() > 200) return std::nullopt;
  std::string hash = sha256_hex(key);
  std::optional<ApiKey> out;
  db_->run([&](Connection& c) {
    auto r = c.query(std::string("SELECT ") + kKeyColumns + " FROM api_keys WHERE key_hash = ?", {hash});
    if (!r.rows.empty()) out = key_from_row(r.rows[0]);
  });
  if (out && out->revoked) return std::nullopt;
  return out;
}

std::vector<ApiKey> Store::list_keys() {
  std::vector<ApiKey> out;
  db_->run([&](Connection& c) {
    for (auto& r : c.query(std::string("SELECT ") + kKeyColumns + " FROM api_keys ORDER BY id").rows) {
      out.push_back(key_from_row(r));
    }
  });
  return out;
}

bool Store::revoke_key(std::int64_t id) {
  bool done = false;
  db_->transact([&](Connection& c) {
    done = c.query("UPDATE api_keys SET revoked = 1 WHERE id = ?", {id}).changes > 0;
  });
  return done;
}

// ---------------------------------------------------------------------------------------------
// circuits

std::optional<CircuitInfo> Store::circuit(const std::string& id) {
  std::optional<CircuitInfo> out;
  db_->run([&](Connection& c) {
    auto r = c.query(std::string("SELECT ") + kCircuitColumns + " FROM circuits WHERE id = ?", {id});
    if (!r.rows.empty()) out = circuit_from_row(r.rows[0]);
  });
  return out;
}

std::vector<CircuitInfo> Store::circuits() {
  std::vector<CircuitInfo> out;
  db_->run([&](Connection& c) {
    for (auto& r :
         c.query(std::string("SELECT ") + kCircuitColumns + " FROM circuits ORDER BY created_at").rows) {
      out.push_back(circuit_from_row(r));
    }
  });
  return out;
}

bool Store::put_circuit(const CircuitInfo& info, const std::string& path) {
  bool created = false;
  std::int64_t chunks =
      (info.size + static_cast<std::int64_t>(kChunkBytes) - 1) / static_cast<std::int64_t>(kChunkBytes);
  db_->transact([&](Connection& c) {
    auto r = c.query(
        "INSERT INTO circuits (id, size, n_vars, n_public, log_domain, chunks, created_at) VALUES (?, ?, "
        "?, ?, ?, ?, " +
            db_->now_ms() + ") ON CONFLICT (id) DO NOTHING",
        {info.id, info.size, info.n_vars, info.n_public, info.log_domain, chunks});
    if (r.changes == 0) return;  // stored before (or by a concurrent upload that committed first)
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(Errc::io, "cannot read '" + path + "'");
    std::vector<std::uint8_t> buf(kChunkBytes);
    for (std::int64_t k = 0; k < chunks; ++k) {
      in.read(reinterpret_cast<char*>(buf.data()), static_cast<std::streamsize>(kChunkBytes));
      auto got = static_cast<std::size_t>(in.gcount());
      if (got == 0) throw Error(Errc::io, "'" + path + "' is shorter than announced");
      c.query("INSERT INTO circuit_chunks (circuit_id, seq, data) VALUES (?, ?, ?)",
              {info.id, k, Param::blob({buf.data(), got})});
    }
    created = true;
  });
  return created;
}

void Store::read_circuit(const std::string& id,
                         const std::function<void(std::span<const std::uint8_t>)>& sink) {
  std::int64_t chunks = 0;
  db_->run([&](Connection& c) {
    auto r = c.query("SELECT chunks FROM circuits WHERE id = ?", {id});
    if (r.rows.empty()) throw Error(Errc::invalid_argument, "no circuit " + id);
    chunks = r.rows[0].integer(0);
    for (std::int64_t k = 0; k < chunks; ++k) {
      auto d = c.query("SELECT data FROM circuit_chunks WHERE circuit_id = ? AND seq = ?", {id, k});
      if (d.rows.empty())
        throw Error(Errc::format, "circuit " + id + ": chunk " + std::to_string(k) + " is missing");
      const std::string& s = d.rows[0].text(0);
      sink({reinterpret_cast<const std::uint8_t*>(s.data()), s.size()});
    }
  });
}

// ---------------------------------------------------------------------------------------------
// jobs, client side

void Store::event(Connection& c, const std::string& job, const std::string& ev,
                  const std::optional<std::string>& worker, const std::optional<std::string>& detail) {
  c.query(
      "INSERT INTO job_events (job_id, at, event, worker, detail) VALUES (?, " + db_->now_ms() + ", ?, ?, ?)",
      {job, ev, Param::opt(worker), Param::opt(detail)});
}

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
        out.state = r.rows[0].text(1);
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
    out.state = "queued";
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

std::vector<JobRecord> Store::list_jobs(std::int64_t key_id, const std::optional<std::string>& state,
                                        const std::optional<std::string>& circuit, std::int64_t limit,
                                        std::int64_t before_seq) {
  std::string sql = std::string("SELECT ") + kJobColumns + " FROM jobs WHERE key_id = ?";
  std::vector<Param> params{key_id};
  if (state) {
    sql += " AND state = ?";
    params.emplace_back(*state);
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
    std::string was = r.rows[0].text(0);
    out = CancelResult{was, false};
    if (was != "queued" && was != "running") return;
    c.query("UPDATE jobs SET state = 'cancelled', finished_at = " + db_->now_ms() +
                ", lease_expires_at = NULL WHERE id = ?",
            {id});
    event(c, id, "cancelled", std::nullopt, "was " + was);
    out = CancelResult{"cancelled", true};
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

std::map<std::string, std::int64_t> Store::count_by_state() {
  std::map<std::string, std::int64_t> out{
      {"queued", 0}, {"running", 0}, {"succeeded", 0}, {"failed", 0}, {"cancelled", 0}};
  db_->run([&](Connection& c) {
    for (auto& r : c.query("SELECT state, COUNT(*) FROM jobs GROUP BY state").rows)
      out[r.text(0)] = r.integer(1);
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// jobs, worker side

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
                                            std::int64_t prove_ms) {
  std::optional<std::int64_t> latency;
  db_->transact([&](Connection& c) {
    auto r = c.query(
        "UPDATE jobs SET state = 'succeeded', proof = ?, public = ?, prove_ms = ?, error = NULL, "
        "finished_at = " +
            db_->now_ms() +
            ", lease_expires_at = NULL WHERE id = ? AND lease_token = ? AND state = 'running' "
            "RETURNING finished_at - created_at",
        {proof, pub, prove_ms, cl.job_id, cl.token});
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

std::string Store::end_attempt(Connection& c, const std::string& id, std::int64_t attempts,
                               std::int64_t max_attempts, const std::optional<std::string>& worker,
                               const std::string& requeue_event, const std::string& why, bool retry) {
  if (retry && attempts < max_attempts) {
    c.query(
        "UPDATE jobs SET state = 'queued', lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL, "
        "error = ? WHERE id = ?",
        {why, id});
    event(c, id, requeue_event, worker, why);
    return "queued";
  }
  std::string err = retry ? exhausted_error(c, id, attempts, why) : why;
  c.query("UPDATE jobs SET state = 'failed', error = ?, finished_at = " + db_->now_ms() +
              ", lease_expires_at = NULL WHERE id = ?",
          {err, id});
  event(c, id, "failed", worker, why);
  return "failed";
}

std::string Store::fail(const Claim& cl, const std::string& worker, const std::string& reason, bool retry) {
  std::string state;
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
