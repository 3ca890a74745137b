#pragma once
/// \file The HTTP API (docs/openapi.yaml): circuits, jobs, health, metrics. Every route but the
/// health checks needs `Authorization: Bearer <key>`; every error is a JSON body
/// {"error": message, "code": slug} with a 4xx status (503 when the database is unreachable).

#include <cstdint>
#include <memory>
#include <string>

#include "service/http_server.hpp"
#include "service/store.hpp"
#include "service/worker.hpp"

namespace pm::service {

struct ApiOptions {
  /// Handler threads, connection limits, deadlines, the body budget, where uploads are streamed
  /// (tmp_dir) and how often long polls re-read jobs finished by other processes (poll_interval).
  http::ServerOptions http;
  std::string cache_dir;  ///< a validated upload is moved here when it is local (serve on SQLite)
  std::int64_t max_attempts = 3;
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
