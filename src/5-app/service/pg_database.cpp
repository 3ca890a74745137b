/// \file The PostgreSQL backend of the SQL layer (libpq, synchronous calls).
///
/// A bounded pool of connections made lazily. A connection that failed (lost socket, server shutdown,
/// NULL result) is dropped instead of going back to the pool, and an idle pooled connection is checked
/// for a pending close before it is handed out, so the pool recovers by itself after a server restart.
/// Parameters travel as text (integers as int8 in decimal), blobs as binary bytea; results come back
/// as text, bytea columns decoded from their hex form.

#include <libpq-fe.h>
#include <poll.h>

#include <charconv>
#include <climits>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "service/database.hpp"

namespace pm::service {
namespace {

constexpr Oid kInt8Oid = 20;
constexpr Oid kByteaOid = 17;

struct ResultDeleter {
  void operator()(PGresult* r) const noexcept { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

void ignore_notice(void*, const char*) {}

/// A libpq message on one line: newlines and the tabs that follow them become one space; no trailing blanks.
std::string one_line(const char* s) {
  std::string out;
  for (const char* p = s; p != nullptr && *p != '\0'; ++p) {
    if (*p == '\n' || *p == '\r') {
      while (p[1] == '\t' || p[1] == ' ' || p[1] == '\n' || p[1] == '\r') ++p;
      out += ' ';
    } else {
      out += *p;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

/// Drops `password=…` pairs from a `key=value&…` URL query or a `key=value …` conninfo string.
std::string drop_password_pairs(std::string_view s, char sep) {
  std::string out;
  std::size_t pos = 0;
  while (pos <= s.size()) {
    std::size_t end = s.find(sep, pos);
    if (end == std::string_view::npos) end = s.size();
    std::string_view item = s.substr(pos, end - pos);
    std::string_view name = item.substr(0, item.find('='));
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    bool secret = name == "password" && item.find('=') != std::string_view::npos;
    if (!secret && !item.empty()) {
      if (!out.empty()) out += sep;
      out += item;
    }
    pos = end + 1;
  }
  return out;
}

/// The URL without its password (userinfo `user:secret@` or a `password=` query parameter).
std::string redact(const std::string& url) {
  std::size_t scheme = url.find("://");
  if (scheme == std::string::npos) {
    // A `key=value` conninfo string. Quoted values with spaces are rare enough to not matter here.
    return drop_password_pairs(url, ' ');
  }
  std::size_t auth_begin = scheme + 3;
  std::size_t auth_end = url.find_first_of("/?", auth_begin);
  if (auth_end == std::string::npos) auth_end = url.size();
  std::string out = url.substr(0, auth_begin);
  std::string auth = url.substr(auth_begin, auth_end - auth_begin);
  std::size_t at = auth.rfind('@');
  if (at != std::string::npos) {
    std::size_t colon = auth.find(':');
    if (colon < at) auth.erase(colon, at - colon);
  }
  out += auth;
  std::size_t query = url.find('?', auth_end);
  out += url.substr(auth_end, query == std::string::npos ? std::string::npos : query - auth_end);
  if (query != std::string::npos) {
    std::string rest = drop_password_pairs(std::string_view(url).substr(query + 1), '&');
    if (!rest.empty()) out += "?" + rest;
  }
  return out;
}

/// Rewrites `?` placeholders to `$1..$n`, leaving string literals, quoted identifiers and comments alone.
std::string number_placeholders(std::string_view sql, std::size_t& count) {
  std::string out;
  out.reserve(sql.size() + 16);
  count = 0;
  std::size_t i = 0, n = sql.size();
  auto is_ident = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  };
  while (i < n) {
    char c = sql[i];
    if (c == '\'' || c == '"') {
      // E'…' strings take backslash escapes; '' and "" are doubled quotes and simply re-enter.
      bool escapes =
          c == '\'' && i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') && (i < 2 || !is_ident(sql[i - 2]));
      std::size_t j = i + 1;
      while (j < n && sql[j] != c) j += (escapes && sql[j] == '\\') ? 2 : 1;
      j = j < n ? j + 1 : n;
      out.append(sql.substr(i, j - i));
      i = j;
    } else if (c == '-' && i + 1 < n && sql[i + 1] == '-') {
      std::size_t j = sql.find('\n', i);
      j = j == std::string_view::npos ? n : j;
      out.append(sql.substr(i, j - i));
      i = j;
    } else if (c == '/' && i + 1 < n && sql[i + 1] == '*') {
      std::size_t j = sql.find("*/", i + 2);
      j = j == std::string_view::npos ? n : j + 2;
      out.append(sql.substr(i, j - i));
      i = j;
    } else if (c == '?') {
      out += '$';
      out += std::to_string(++count);
      ++i;
    } else {
      out += c;
      ++i;
    }
  }
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// Decodes a bytea column in text form: `\x…` hex, or the old escape format via libpq.
std::string decode_bytea(const char* v, std::size_t len) {
  if (len >= 2 && v[0] == '\\' && v[1] == 'x') {
    std::string out;
    out.resize((len - 2) / 2);
    for (std::size_t k = 0; k < out.size(); ++k) {
      int hi = hex_value(v[2 + 2 * k]), lo = hex_value(v[3 + 2 * k]);
      if (hi < 0 || lo < 0) throw DbError("PostgreSQL returned a malformed bytea value", false);
      out[k] = static_cast<char>((hi << 4) | lo);
    }
    return out;
  }
  std::size_t n = 0;
  unsigned char* raw = PQunescapeBytea(reinterpret_cast<const unsigned char*>(v), &n);
  if (raw == nullptr) throw DbError("PostgreSQL returned a malformed bytea value", false);
  std::string out(reinterpret_cast<const char*>(raw), n);
  PQfreemem(raw);
  return out;
}

class PgConnection final : public Connection {
 public:
  explicit PgConnection(PGconn* conn) : conn_(conn) {}
  ~PgConnection() override { PQfinish(conn_); }
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  using Connection::query;

  Result query(std::string_view sql, std::span<const Param> params) override {
    std::size_t count = 0;
    std::string text = number_placeholders(sql, count);
    if (count != params.size()) {
      throw DbError("statement has " + std::to_string(count) + " placeholders but " +
                        std::to_string(params.size()) + " parameters were given",
                    false);
    }
    std::vector<std::string> owned(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    std::vector<int> lengths(params.size(), 0), formats(params.size(), 0);
    std::vector<Oid> types(params.size(), 0);
    for (std::size_t k = 0; k < params.size(); ++k) {
      const Param& p = params[k];
      switch (p.kind) {
        case Param::Kind::null:
          break;
        case Param::Kind::integer:
          owned[k] = std::to_string(p.i);
          values[k] = owned[k].c_str();
          types[k] = kInt8Oid;
          break;
        case Param::Kind::text:
          if (p.s.find('\0') != std::string_view::npos) {
            throw DbError("text parameter " + std::to_string(k + 1) + " contains a NUL byte", false);
          }
          owned[k] = std::string(p.s);
          values[k] = owned[k].c_str();
          break;
        case Param::Kind::blob:
          if (p.s.size() > static_cast<std::size_t>(INT_MAX)) {
            throw DbError("blob parameter " + std::to_string(k + 1) + " is too large", false);
          }
          values[k] = p.s.data() != nullptr ? p.s.data() : "";
          lengths[k] = static_cast<int>(p.s.size());
          formats[k] = 1;
          types[k] = kByteaOid;
          break;
      }
    }
    ResultPtr res(PQexecParams(conn_, text.c_str(), static_cast<int>(params.size()), types.data(),
                               values.data(), lengths.data(), formats.data(), 0));
    check(res.get());

    Result out;
    int nrows = PQntuples(res.get()), ncols = PQnfields(res.get());
    out.rows.resize(static_cast<std::size_t>(nrows));
    for (int c = 0; c < ncols; ++c) {
      bool bytea = PQftype(res.get(), c) == kByteaOid;
      for (int r = 0; r < nrows; ++r) {
        auto& cols = out.rows[static_cast<std::size_t>(r)].cols;
        if (c == 0) cols.resize(static_cast<std::size_t>(ncols));
        if (PQgetisnull(res.get(), r, c)) continue;
        const char* v = PQgetvalue(res.get(), r, c);
        auto len = static_cast<std::size_t>(PQgetlength(res.get(), r, c));
        cols[static_cast<std::size_t>(c)] = bytea ? decode_bytea(v, len) : std::string(v, len);
      }
    }
    // "rows inserted, updated or deleted": libpq also reports row counts for SELECT / FETCH / MOVE.
    std::string_view tag = PQcmdStatus(res.get());
    bool read_only = tag.starts_with("SELECT") || tag.starts_with("FETCH") || tag.starts_with("MOVE");
    std::string_view tuples = PQcmdTuples(res.get());
    if (!read_only && !tuples.empty()) {
      std::from_chars(tuples.data(), tuples.data() + tuples.size(), out.changes);
    }
    return out;
  }

  void exec_script(std::string_view sql) override {
    std::string text(sql);
    ResultPtr res(PQexec(conn_, text.c_str()));
    check(res.get());
  }

  /// Runs a parameterless command; returns its command tag.
  std::string command(const char* sql) {
    ResultPtr res(PQexec(conn_, sql));
    check(res.get());
    return PQcmdStatus(res.get());
  }

  /// Ends an open transaction, whatever its state; marks the connection broken if that fails.
  void rollback_quietly() noexcept {
    if (broken()) return;
    PGTransactionStatusType ts = PQtransactionStatus(conn_);
    if (ts == PQTRANS_IDLE) return;
    if (ts == PQTRANS_INTRANS || ts == PQTRANS_INERROR) {
      ResultPtr res(PQexec(conn_, "ROLLBACK"));
      if (res && PQresultStatus(res.get()) == PGRES_COMMAND_OK && PQtransactionStatus(conn_) == PQTRANS_IDLE)
        return;
    }
    broken_ = true;
  }

  bool broken() const { return broken_ || PQstatus(conn_) != CONNECTION_OK; }

  /// For an idle pooled connection: false if the server has closed it meanwhile (restart, idle timeout).
  bool alive() {
    if (broken() || PQtransactionStatus(conn_) != PQTRANS_IDLE) return false;
    for (int round = 0; round < 4; ++round) {
      pollfd pfd{};
      pfd.fd = PQsocket(conn_);
      pfd.events = POLLIN;
      if (pfd.fd < 0) return false;
      int ready = ::poll(&pfd, 1, 0);
      if (ready == 0) return true;
      if (ready < 0) return false;
      // Pending input on an idle connection: a notification, or the server's goodbye then EOF.
      if (PQconsumeInput(conn_) == 0 || PQstatus(conn_) != CONNECTION_OK) return false;
      while (PGnotify* note = PQnotifies(conn_)) PQfreemem(note);
    }
    return PQstatus(conn_) == CONNECTION_OK;
  }

 private:
  void check(PGresult* res) {
    if (res == nullptr) {
      broken_ = true;
      throw DbError("PostgreSQL connection error: " + one_line(PQerrorMessage(conn_)), true);
    }
    ExecStatusType st = PQresultStatus(res);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return;

    const char* state_c = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    std::string state = state_c != nullptr ? state_c : "";
    std::string_view cls = std::string_view(state).substr(0, 2);
    bool lost = cls == "08" || state.starts_with("57P");
    if (lost || PQstatus(conn_) != CONNECTION_OK || (st != PGRES_FATAL_ERROR && st != PGRES_NONFATAL_ERROR)) {
      broken_ = true;  // also COPY states and other surprises: do not reuse this connection
    }
    bool transient = broken() || cls == "08" || state == "40001" || state == "40P01" || state == "57P01" ||
                     state == "57P02" || state == "57P03" || state == "57P05" || state == "53300";

    std::string primary = one_line(PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY));
    if (primary.empty()) primary = one_line(PQresultErrorMessage(res));
    if (primary.empty()) primary = one_line(PQerrorMessage(conn_));
    if (primary.empty()) primary = std::string("unexpected result status ") + PQresStatus(st);
    std::string msg = state.empty() && broken() ? "PostgreSQL connection error" : "PostgreSQL error";
    if (!state.empty()) msg += " " + state;
    msg += ": " + primary;
    std::string detail = one_line(PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL));
    if (!detail.empty()) msg += " (" + detail + ")";
    throw DbError(msg, transient);
  }

  PGconn* conn_;
  bool broken_ = false;
};

class PgDatabase final : public Database {
 public:
  PgDatabase(std::string url, unsigned pool_size)
      : url_(std::move(url)), described_(redact(url_)), pool_size_(pool_size == 0 ? 1 : pool_size) {
    idle_.reserve(pool_size_);  // so that `release` never allocates
    char* err = nullptr;
    PQconninfoOption* opts = PQconninfoParse(url_.c_str(), &err);
    if (opts == nullptr) {
      std::string why = err != nullptr ? one_line(err) : "out of memory";
      if (err != nullptr) PQfreemem(err);
      throw DbError("invalid PostgreSQL URL " + described_ + ": " + why, false);
    }
    PQconninfoFree(opts);
  }

  ~PgDatabase() override = default;

  Dialect dialect() const override { return Dialect::postgres; }
  std::string describe() const override { return described_; }

  void transact(const std::function<void(Connection&)>& fn) override {
    Lease lease(*this);
    // BEGIN is the first thing sent: if the pooled connection died unnoticed, nothing has run yet and a
    // fresh connection can take over.
    try {
      lease->command("BEGIN ISOLATION LEVEL READ COMMITTED");
    } catch (const DbError&) {
      if (!lease->broken()) throw;
      lease.renew();
      lease->command("BEGIN ISOLATION LEVEL READ COMMITTED");
    }
    try {
      fn(*lease);
    } catch (...) {
      lease->rollback_quietly();
      throw;
    }
    std::string tag = lease->command("COMMIT");
    // COMMIT of a transaction that already failed (an error swallowed inside `fn`) answers ROLLBACK.
    if (tag != "COMMIT") throw DbError("PostgreSQL transaction was rolled back (" + tag + ")", false);
  }

  void run(const std::function<void(Connection&)>& fn) override {
    Lease lease(*this);
    fn(*lease);
  }

 private:
  /// One pooled connection for the length of a call; given back (or dropped, if broken) at scope exit.
  class Lease {
   public:
    explicit Lease(PgDatabase& db) : db_(db), conn_(db.acquire()) {}
    ~Lease() { db_.release(std::move(conn_)); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    PgConnection* operator->() const { return conn_.get(); }
    PgConnection& operator*() const { return *conn_; }
    void renew() {
      db_.release(std::move(conn_));
      conn_ = db_.acquire();
    }

   private:
    PgDatabase& db_;
    std::unique_ptr<PgConnection> conn_;
  };

  std::unique_ptr<PgConnection> connect() {
    // Earlier keywords are defaults: the expanded URL (dbname, last) overrides any of them.
    const char* keys[] = {"connect_timeout",
                          "application_name",
                          "keepalives_idle",
                          "keepalives_interval",
                          "keepalives_count",
                          "dbname",
                          nullptr};
    const char* values[] = {"5", "proofmill", "30", "10", "3", url_.c_str(), nullptr};
    PGconn* raw = PQconnectdbParams(keys, values, 1);
    if (raw == nullptr)
      throw DbError("cannot connect to PostgreSQL at " + described_ + ": out of memory", true);
    auto conn = std::make_unique<PgConnection>(raw);
    if (PQstatus(raw) != CONNECTION_OK) {
      throw DbError("cannot connect to PostgreSQL at " + described_ + ": " + one_line(PQerrorMessage(raw)),
                    true);
    }
    PQsetNoticeProcessor(raw, ignore_notice, nullptr);
    return conn;
  }

  std::unique_ptr<PgConnection> acquire() {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      cv_.wait(lock, [&] { return !idle_.empty() || open_ < pool_size_; });
      if (!idle_.empty()) {
        std::unique_ptr<PgConnection> conn = std::move(idle_.back());
        idle_.pop_back();
        lock.unlock();
        if (conn->alive()) return conn;
        conn.reset();  // PQfinish may touch the network: not under the lock
        lock.lock();
        --open_;
        continue;
      }
      ++open_;
      lock.unlock();
      try {
        return connect();
      } catch (...) {
        lock.lock();
        --open_;
        cv_.notify_one();
        throw;
      }
    }
  }

  void release(std::unique_ptr<PgConnection> conn) noexcept {
    if (conn == nullptr) return;
    conn->rollback_quietly();  // a `run` that left a transaction open
    bool keep = !conn->broken();
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (keep) {
        idle_.push_back(std::move(conn));
      } else {
        --open_;
      }
    }
    cv_.notify_one();
    conn.reset();
  }

  std::string url_;
  std::string described_;
  unsigned pool_size_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<PgConnection>> idle_;
  unsigned open_ = 0;  ///< connections made and not dropped: idle ones plus leased ones
};

}  // namespace

std::unique_ptr<Database> open_postgres(const std::string& url, unsigned pool_size) {
  return std::make_unique<PgDatabase>(url, pool_size);
}

}  // namespace pm::service
