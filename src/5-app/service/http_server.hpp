#pragma once
/// \file An HTTP/1.1 server that slow or greedy clients cannot starve (docs/SERVICE.md, "HTTP layer").
///
/// GNU libmicrohttpd reads and writes every connection from one epoll thread; no thread belongs to a
/// connection. Work that may block (the database, parsing a key) runs on a small pool of handler
/// threads while its connection is suspended, so a client that sends one byte a minute holds a
/// socket, not a thread. A request goes through three steps:
///  1. its headers arrive: the route is matched; `admit` runs on the pool (authentication, limits)
///     and may answer at once, before one byte of the body is read;
///  2. the body is read within the limit `admit` set: into memory, or streamed to a file (uploads);
///  3. `handle` runs on the pool. It may *park* the request (a long poll): the request holds no
///     thread until a job event (WaitEvent returns) or its deadline, and `handle` runs again.
/// Routes marked inline (a health check) are answered on the I/O thread at once.
#include <any>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace pm::service::http {

struct Response {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  /// Set by a handler to park the request (a long poll): it runs again after the next event
  /// (WaitEvent returns), and at the latest at this time.
  std::optional<std::chrono::steady_clock::time_point> park_until;

  void set_content(std::string b, std::string type) {
    body = std::move(b);
    content_type = std::move(type);
  }
  void set_header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
  }
};

enum class BodyMode {
  none,    ///< no body expected (one sent anyway is read and dropped within the limit)
  memory,  ///< buffered in Request::body
  file,    ///< streamed to Request::upload_path, hashed (SHA-256) on the way
};

struct Route {
  std::string method;   ///< "GET", "POST", "DELETE" (HEAD is served as GET)
  std::string pattern;  ///< "/v1/jobs/{}/events": "{}" matches one non-empty path segment
  std::string name;     ///< the route's label in logs and metrics ("/v1/jobs/{id}")
  BodyMode body = BodyMode::none;
  bool inline_io = false;  ///< answered on the I/O thread: must not block (a health check)
};

struct Request {
  const Route* route = nullptr;
  std::string method, path;
  std::vector<std::string> params;                         ///< the "{}" segments, in order
  std::vector<std::pair<std::string, std::string>> query;  ///< decoded, in order
  std::string authorization;                               ///< the Authorization header, if any
  std::optional<std::string> content_length;               ///< as sent
  bool chunked = false;
  std::string body;                                ///< BodyMode::memory
  std::string upload_path, upload_sha256;          ///< BodyMode::file
  std::uint64_t body_bytes = 0;                    ///< bytes of body received
  std::uint64_t body_limit = 0;                    ///< set by admit; a longer body is answered 413
  std::int64_t owner = 0;                          ///< set by admit: whose request (an API key id; 0 none)
  std::any context;                                ///< set by admit for handle (the API key)
  std::chrono::steady_clock::time_point received;  ///< when the headers were in
  bool stopping = false;                           ///< the server is stopping: answer now, do not park

  bool has_param(const std::string& name) const;
  std::string get_param_value(const std::string& name) const;
};

struct ServerOptions {
  unsigned threads = 8;             ///< handler threads (database work, parsing)
  unsigned max_connections = 1024;  ///< all clients together (further ones are closed at once)
  unsigned max_connections_per_ip = 256;
  unsigned max_requests_per_owner = 64;  ///< requests in flight per owner (API key): 429 beyond
  /// Request bodies held in memory (BodyMode::memory), all requests together: a request that would
  /// pass it is answered 503 with Retry-After before its body is read (a chunked one is cut).
  std::uint64_t max_buffered_bytes = std::uint64_t{1} << 30;
  unsigned idle_timeout_s = 30;                  ///< a connection silent this long is closed
  unsigned header_timeout_s = 30;                ///< a request's headers must be complete within this
  std::string tmp_dir;                           ///< where BodyMode::file bodies are written
  std::chrono::milliseconds poll_interval{250};  ///< parked requests re-run at least this often
};

class Server {
 public:
  /// Runs on a handler thread with the headers in; returns a response to answer without reading
  /// the body (401, 413, 429...), or nullopt to read it. Sets req.body_limit and req.owner.
  using Admit = std::function<std::optional<Response>(Request&)>;
  /// Runs on a handler thread once the body is in. Answers in `res`, or parks (res.park_until).
  using Handle = std::function<void(Request&, Response&)>;
  /// Waits up to the given time for something that may finish a parked request (job events);
  /// the parking thread calls it in a loop and re-runs every parked request after each return.
  using WaitEvent = std::function<void(std::chrono::milliseconds)>;
  /// Called once per answered request (route name, or "" when none matched; status).
  using Observe = std::function<void(const std::string& route, int status)>;
  /// Makes an error body (status, slug, message) for the errors the server answers itself.
  using ErrorBody = std::function<Response(int status, const std::string& code, const std::string& message)>;

  Server(std::vector<Route> routes, ServerOptions opt, Admit admit, Handle handle, WaitEvent wait,
         Observe observe, ErrorBody error);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Binds `host:port` (port 0: a free port) with a backlog of 1024; returns the port. Throws.
  int bind(const std::string& host, int port);
  /// Serves until stop(): then stops accepting, answers parked requests, drains, returns.
  void listen();
  /// Asks listen() to return (from any thread, a signal-handling thread included).
  void stop();

  struct Stats {
    std::int64_t connections = 0, suspended = 0, parked = 0;
  };
  Stats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace pm::service::http
