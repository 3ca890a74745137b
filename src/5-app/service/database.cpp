#include "service/database.hpp"

#include <charconv>

namespace pm::service {

const std::string& Row::text(std::size_t k) const {
  const auto& c = cols.at(k);
  if (!c) throw DbError("unexpected NULL in result column " + std::to_string(k), false);
  return *c;
}

std::int64_t Row::integer(std::size_t k) const {
  const std::string& s = text(k);
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) {
    throw DbError("result column " + std::to_string(k) + " is not an integer: '" + s.substr(0, 40) + "'",
                  false);
  }
  return v;
}

std::optional<std::int64_t> Row::opt_integer(std::size_t k) const {
  if (null(k)) return std::nullopt;
  return integer(k);
}

std::unique_ptr<Database> Database::open(const std::string& url, unsigned pool_size) {
  if (url.starts_with("postgresql://") || url.starts_with("postgres://"))
    return open_postgres(url, pool_size);
  if (url.starts_with("sqlite://")) return open_sqlite(url.substr(9), pool_size);
  if (url.find("://") != std::string::npos) {
    throw Error(Errc::invalid_argument,
                "unsupported database URL '" + url + "' (expected postgresql://… or a SQLite file path)");
  }
  return open_sqlite(url, pool_size);
}

std::string Database::now_ms() const {
  if (dialect() == Dialect::postgres) return "(floor(extract(epoch from clock_timestamp()) * 1000))::bigint";
  return "CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)";
}

std::string Database::skip_locked() const {
  return dialect() == Dialect::postgres ? " FOR UPDATE SKIP LOCKED" : "";
}
std::string Database::for_update() const { return dialect() == Dialect::postgres ? " FOR UPDATE" : ""; }

}  // namespace pm::service
