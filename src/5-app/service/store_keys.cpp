// API keys: created, authenticated (by the SHA-256 of the key), listed, revoked.
#include "service/store.hpp"
#include "service/store_rows.hpp"
#include "service/util.hpp"

namespace pm::service {

using namespace store_rows;

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

}  // namespace pm::service
