// The SQLite backend: one file, WAL journal (readers never block the writer), write
// transactions taken with BEGIN IMMEDIATE so that two writers queue on the busy timeout
// instead of deadlocking on a lock upgrade.
#include <sqlite3.h>

#include <condition_variable>
#include <mutex>

#include "service/database.hpp"

namespace pm::service {
namespace {

bool transient_code(int rc) {
  int primary = rc & 0xff;
  return primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
}

class SqliteConnection final : public Connection {
 public:
  explicit SqliteConnection(const std::string& path) {
    int rc = sqlite3_open_v2(path.c_str(), &db_,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
      std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
      sqlite3_close(db_);
      db_ = nullptr;
      throw DbError("cannot open SQLite database '" + path + "': " + msg, false);
    }
    sqlite3_busy_timeout(db_, 30000);
    exec_script("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
  }
  ~SqliteConnection() override {
    for (auto& [sql, st] : cache_) sqlite3_finalize(st);
    sqlite3_close(db_);
  }
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  Result query(std::string_view sql, std::span<const Param> params) override {
    sqlite3_stmt* st = prepare(sql);
    struct Reset {
      sqlite3_stmt* st;
      ~Reset() {
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
      }
    } reset{st};
    int n = sqlite3_bind_parameter_count(st);
    if (n != static_cast<int>(params.size())) {
      throw DbError(
          "statement expects " + std::to_string(n) + " parameters, got " + std::to_string(params.size()),
          false);
    }
    for (int k = 0; k < n; ++k) {
      const Param& p = params[static_cast<std::size_t>(k)];
      int rc = SQLITE_OK;
      switch (p.kind) {
        case Param::Kind::null:
          rc = sqlite3_bind_null(st, k + 1);
          break;
        case Param::Kind::integer:
          rc = sqlite3_bind_int64(st, k + 1, p.i);
          break;
        case Param::Kind::text:
          rc = sqlite3_bind_text64(st, k + 1, p.s.data(), p.s.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
          break;
        case Param::Kind::blob:
          rc = p.s.empty() ? sqlite3_bind_zeroblob(st, k + 1, 0)
                           : sqlite3_bind_blob64(st, k + 1, p.s.data(), p.s.size(), SQLITE_TRANSIENT);
          break;
      }
      if (rc != SQLITE_OK) fail(rc, "bind");
    }
    Result res;
    for (;;) {
      int rc = sqlite3_step(st);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) fail(rc, sql);
      Row row;
      int cols = sqlite3_column_count(st);
      row.cols.reserve(static_cast<std::size_t>(cols));
      for (int c = 0; c < cols; ++c) {
        int type = sqlite3_column_type(st, c);
        if (type == SQLITE_NULL) {
          row.cols.emplace_back(std::nullopt);
        } else if (type == SQLITE_BLOB) {
          const void* b = sqlite3_column_blob(st, c);
          int len = sqlite3_column_bytes(st, c);
          row.cols.emplace_back(std::string(static_cast<const char*>(b), static_cast<std::size_t>(len)));
        } else {
          const unsigned char* t = sqlite3_column_text(st, c);
          int len = sqlite3_column_bytes(st, c);
          row.cols.emplace_back(std::string(reinterpret_cast<const char*>(t), static_cast<std::size_t>(len)));
        }
      }
      res.rows.push_back(std::move(row));
    }
    res.changes = sqlite3_changes64(db_);
    return res;
  }

  void exec_script(std::string_view sql) override {
    std::string s(sql);
    char* err = nullptr;
    int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
      std::string msg = err ? err : sqlite3_errstr(rc);
      sqlite3_free(err);
      throw DbError("SQLite: " + msg, transient_code(rc));
    }
  }

 private:
  sqlite3_stmt* prepare(std::string_view sql) {
    std::string key(sql);
    for (auto& [s, st] : cache_) {
      if (s == key) return st;
    }
    sqlite3_stmt* st = nullptr;
    int rc = sqlite3_prepare_v3(db_, key.data(), static_cast<int>(key.size()), SQLITE_PREPARE_PERSISTENT, &st,
                                nullptr);
    if (rc != SQLITE_OK) fail(rc, sql);
    cache_.emplace_back(std::move(key), st);
    return st;
  }
  [[noreturn]] void fail(int rc, std::string_view what) {
    std::string msg = sqlite3_errmsg(db_);
    throw DbError("SQLite: " + msg + " (in: " + std::string(what.substr(0, 120)) + ")", transient_code(rc));
  }

  sqlite3* db_ = nullptr;
  std::vector<std::pair<std::string, sqlite3_stmt*>> cache_;
};

class SqliteDatabase final : public Database {
 public:
  SqliteDatabase(std::string path, unsigned pool_size)
      : path_(std::move(path)), max_(pool_size ? pool_size : 1) {
    // Opening once up front reports a bad path now, and sets WAL mode for the file.
    idle_.push_back(std::make_unique<SqliteConnection>(path_));
    open_ = 1;
  }

  Dialect dialect() const override { return Dialect::sqlite; }
  std::string describe() const override { return "sqlite:" + path_; }

  void transact(const std::function<void(Connection&)>& fn) override {
    Lease lease(*this);
    lease.conn->exec_script("BEGIN IMMEDIATE");
    try {
      fn(*lease.conn);
    } catch (...) {
      try {
        lease.conn->exec_script("ROLLBACK");
      } catch (...) {
      }
      throw;
    }
    lease.conn->exec_script("COMMIT");
  }

  void run(const std::function<void(Connection&)>& fn) override {
    Lease lease(*this);
    fn(*lease.conn);
  }

 private:
  struct Lease {
    SqliteDatabase& db;
    std::unique_ptr<SqliteConnection> conn;
    explicit Lease(SqliteDatabase& d) : db(d), conn(d.acquire()) {}
    ~Lease() { db.release(std::move(conn)); }
  };

  std::unique_ptr<SqliteConnection> acquire() {
    std::unique_lock lk(mu_);
    cv_.wait(lk, [&] { return !idle_.empty() || open_ < max_; });
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      return c;
    }
    ++open_;
    lk.unlock();
    try {
      return std::make_unique<SqliteConnection>(path_);
    } catch (...) {
      std::lock_guard g(mu_);
      --open_;
      cv_.notify_one();
      throw;
    }
  }
  void release(std::unique_ptr<SqliteConnection> c) {
    std::lock_guard g(mu_);
    idle_.push_back(std::move(c));
    cv_.notify_one();
  }

  std::string path_;
  unsigned max_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<SqliteConnection>> idle_;
  unsigned open_ = 0;
};

}  // namespace

std::unique_ptr<Database> open_sqlite(const std::string& path, unsigned pool_size) {
  return std::make_unique<SqliteDatabase>(path, pool_size);
}

}  // namespace pm::service
