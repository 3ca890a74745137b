#pragma once
/// \file The HTTP API (docs/openapi.yaml): circuits, jobs, health, metrics. Every route but the
/// health checks needs `Authorization: Bearer <key>`; every error is a JSON body
/// {"error": message, "code": slug} with a 4xx status (503 when the database is unreachable).

#include <cstdint>
#include <memory>
#include <string>

#include "service/store.hpp"
#include "service/worker.hpp"

namespace pm::service {

struct ApiOptions {
  std::string tmp_dir;    ///< where uploads are streamed before validation
  std::string cache_dir;  ///< a validated upload is moved here when it is local (serve on SQLite)
  std::int64_t max_attempts = 3;
  std::int64_t poll_ms = 50;  ///< long-poll re-check interval for jobs finished by other processes
  unsigned http_threads = 8;  ///< handler threads (no thread waits on a client: service/http_server.hpp)
  unsigned max_connections = 1024;
  unsigned max_connections_per_ip = 256;
  unsigned max_requests_per_key = 64;                         ///< requests in flight per API key (429 beyond)
  std::uint64_t max_buffered_bytes = std::uint64_t{1} << 30;  ///< job bodies in memory, all together
  unsigned idle_timeout_s = 30;                               ///< a silent connection is closed
  unsigned header_timeout_s = 30;  ///< headers in within this; a body within it plus 1 s/MiB
  std::uint64_t max_request_bytes = std::uint64_t{1} << 30;  ///< hard cap, whatever a key allows
  bool api_routes = true;       ///< false: only /healthz, /readyz, /metrics (a worker process)
  bool allow_dev_keys = false;  ///< accept zkeys without a phase-2 contribution (tests only)
};

class ApiServer {
 public:
  ApiServer(Store& store, Notifier& notifier, ApiOptions opt);
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  /// Binds `host:port` (port 0: any free port); returns the bound port. Throws on failure.
  int bind(const std::string& host, int port);
  /// Serves until stop() (blocking).
  void listen();
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace pm::service
