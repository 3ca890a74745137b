// The store's schema and migrations, and the job event trail (its other jobs: store_keys.cpp,
// store_circuits.cpp, store_jobs.cpp, store_queue.cpp).
#include "service/store.hpp"

#include "service/store_rows.hpp"

namespace pm::service {
namespace {

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
    // 2: what a job's proof leaves private but its client needs (an options batch's committed
    // values in commitment mode), as JSON.
    R"sql(
ALTER TABLE jobs ADD COLUMN results TEXT;
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

}  // namespace

using namespace store_rows;

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

void Store::event(Connection& c, const std::string& job, const std::string& ev,
                  const std::optional<std::string>& worker, const std::optional<std::string>& detail) {
  c.query(
      "INSERT INTO job_events (job_id, at, event, worker, detail) VALUES (?, " + db_->now_ms() + ", ?, ?, ?)",
      {job, ev, Param::opt(worker), Param::opt(detail)});
}

}  // namespace pm::service
