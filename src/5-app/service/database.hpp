#pragma once
/// \file A small SQL layer over the two stores the service runs on: embedded SQLite (the
/// default, one process) and PostgreSQL (many API nodes and workers on many machines).
///
/// Statements are written once with `?` placeholders; the PostgreSQL backend renumbers them
/// to $1..$n. Values travel as text (integers in decimal) except blobs, which travel as bytes.
/// The few places where the dialects differ (row locks, the database clock, column types) go
/// through `Database::dialect()`.

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.hpp"

namespace pm::service {

enum class Dialect { sqlite, postgres };

/// A statement parameter. Text and blobs are views: the caller keeps them alive for the call.
struct Param {
  enum class Kind { null, integer, text, blob } kind = Kind::null;
  std::int64_t i = 0;
  std::string_view s;

  Param() = default;
  Param(std::nullptr_t) {}
  Param(std::int64_t v) : kind(Kind::integer), i(v) {}
  Param(int v) : kind(Kind::integer), i(v) {}
  Param(std::string_view v) : kind(Kind::text), s(v) {}
  Param(const std::string& v) : kind(Kind::text), s(v) {}
  Param(const char* v) : kind(Kind::text), s(v) {}
  static Param blob(std::span<const std::uint8_t> b) {
    Param p;
    p.kind = Kind::blob;
    p.s = {reinterpret_cast<const char*>(b.data()), b.size()};
    return p;
  }
  static Param opt(const std::optional<std::string>& v) { return v ? Param(*v) : Param(); }
};

/// One result row: every column as bytes (text, decimal integers, raw blob bytes) or NULL.
struct Row {
  std::vector<std::optional<std::string>> cols;

  bool null(std::size_t k) const { return !cols.at(k).has_value(); }
  const std::string& text(std::size_t k) const;  ///< throws on NULL
  std::optional<std::string> opt(std::size_t k) const { return cols.at(k); }
  std::int64_t integer(std::size_t k) const;  ///< throws on NULL or non-integer
  std::optional<std::int64_t> opt_integer(std::size_t k) const;
};

struct Result {
  std::vector<Row> rows;
  std::int64_t changes = 0;  ///< rows inserted, updated or deleted by the statement
};

/// Raised for database failures. `transient()` is true for failures worth retrying: a lost
/// connection, a busy or locked database, a serialization failure.
class DbError : public Error {
 public:
  DbError(const std::string& what, bool transient) : Error(Errc::io, what), transient_(transient) {}
  bool transient() const noexcept { return transient_; }

 private:
  bool transient_;
};

/// One connection, used by one thread at a time (inside `Database::transact` or `run`).
class Connection {
 public:
  virtual ~Connection() = default;
  virtual Result query(std::string_view sql, std::span<const Param> params) = 0;
  Result query(std::string_view sql, std::initializer_list<Param> params = {}) {
    return query(sql, std::span<const Param>(params.begin(), params.size()));
  }
  /// Runs several ';'-separated statements without parameters (schema migrations).
  virtual void exec_script(std::string_view sql) = 0;
};

class Database {
 public:
  virtual ~Database() = default;

  /// `url` is `postgresql://…` / `postgres://…` or a SQLite file path (optionally `sqlite://PATH`).
  /// `pool_size` bounds the number of open connections.
  static std::unique_ptr<Database> open(const std::string& url, unsigned pool_size = 8);

  virtual Dialect dialect() const = 0;
  /// A description safe to log (no password).
  virtual std::string describe() const = 0;

  /// Runs `fn` inside one write transaction (SQLite: BEGIN IMMEDIATE; PostgreSQL: BEGIN …
  /// READ COMMITTED). Commits when `fn` returns, rolls back when it throws (and rethrows).
  virtual void transact(const std::function<void(Connection&)>& fn) = 0;
  /// Runs `fn` on a pooled connection in autocommit mode (reads, single statements).
  virtual void run(const std::function<void(Connection&)>& fn) = 0;

  // Dialect helpers for the few statements that differ.
  /// SQL for the database clock in milliseconds since the Unix epoch (the one clock all nodes share).
  std::string now_ms() const;
  /// " FOR UPDATE SKIP LOCKED" on PostgreSQL, "" on SQLite (whose write transactions are exclusive).
  std::string skip_locked() const;
  /// " FOR UPDATE" on PostgreSQL, "" on SQLite.
  std::string for_update() const;
};

/// Opens the SQLite backend (file created if missing; WAL journal; busy timeout).
std::unique_ptr<Database> open_sqlite(const std::string& path, unsigned pool_size);
/// Opens the PostgreSQL backend (libpq); connections are made lazily and re-made after a failure.
std::unique_ptr<Database> open_postgres(const std::string& url, unsigned pool_size);

}  // namespace pm::service
