// Circuits: the uploaded zkeys, stored in chunks, and their metadata.
#include <cstdio>
#include <fstream>

#include "service/store.hpp"
#include "service/store_rows.hpp"
#include "service/util.hpp"

namespace pm::service {

using namespace store_rows;

namespace {
constexpr std::size_t kChunkBytes = 4u << 20;  // a zkey is stored in rows of this size
}  // namespace

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

}  // namespace pm::service
