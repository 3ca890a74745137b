#include "service/http_server.hpp"

#include <microhttpd.h>
#include <netdb.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <condition_variable>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "base/error.hpp"
#include "service/log.hpp"
#include "service/util.hpp"

namespace pm::service::http {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

bool Request::has_param(const std::string& name) const {
  return std::any_of(query.begin(), query.end(), [&](const auto& kv) { return kv.first == name; });
}

std::string Request::get_param_value(const std::string& name) const {
  for (const auto& [k, v] : query)
    if (k == name) return v;
  return {};
}

namespace {

// A connection (MHD's socket context): its socket and the time by which the current request's
// headers, or its body, must be in. The watchdog shuts a socket down past its deadline; MHD then
// sees the end of the stream and closes the connection itself.
struct Conn {
  int fd = -1;
  Clock::time_point deadline;
  bool armed = true;
  bool closed = false;  // MHD has said the connection is closed: the fd is no longer ours to touch
};

// One request, from its headers to MHD's completion notice.
struct Call {
  MHD_Connection* conn = nullptr;
  std::shared_ptr<Conn> sock;
  Request req;
  Response res;
  Clock::time_point park_until;
  bool answered = false;  // res is the answer, to queue when MHD next calls
  bool queued = false;
  bool repeat_seen = false;
  bool body_started = false;
  bool counted = false;        // counts against its owner's requests in flight
  std::uint64_t declared = 0;  // the Content-Length admitted (0: none, or chunked)
  std::uint64_t buffered = 0;  // bytes of the memory budget this request holds
  std::FILE* file = nullptr;
  Sha256 sha;

  ~Call() {
    if (file) std::fclose(file);
    if (!req.upload_path.empty()) {
      std::error_code ec;
      fs::remove(req.upload_path, ec);  // the handler may have moved it: then this does nothing
    }
  }
};

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// "/v1/jobs/{}/events" against a path; fills the "{}" segments.
bool match(std::string_view pattern, std::string_view path, std::vector<std::string>& params) {
  params.clear();
  while (!pattern.empty() || !path.empty()) {
    if (pattern.empty() || path.empty() || pattern[0] != '/' || path[0] != '/') return false;
    pattern.remove_prefix(1);
    path.remove_prefix(1);
    auto ps = pattern.find('/'), qs = path.find('/');
    std::string_view pseg = pattern.substr(0, ps), qseg = path.substr(0, qs);
    if (pseg == "{}") {
      if (qseg.empty()) return false;
      params.emplace_back(qseg);
    } else if (pseg != qseg) {
      return false;
    }
    pattern = ps == std::string_view::npos ? std::string_view{} : pattern.substr(ps);
    path = qs == std::string_view::npos ? std::string_view{} : path.substr(qs);
  }
  return true;
}

constexpr std::uint64_t kMaxIgnoredBody = 1 << 20;  // a body sent to a route that takes none
constexpr std::uint64_t kMinBodyRate = 1 << 20;     // bytes a second a body must average

}  // namespace

struct Server::Impl {
  std::vector<Route> routes;
  ServerOptions opt;
  Admit admit;
  Handle handle;
  WaitEvent wait_event;
  Observe observe;
  ErrorBody error_body;

  int listen_fd = -1;
  int family = AF_INET;
  MHD_Daemon* daemon = nullptr;

  // Handler threads, suspended and parked requests, requests in flight per owner.
  mutable std::mutex mu;
  std::condition_variable work_cv, drained_cv;
  std::deque<std::function<void()>> tasks;
  bool closing = false;   // the pool and the parking thread end
  bool stopping = false;  // no new suspension: requests are answered 503 at once
  std::int64_t suspended = 0;
  std::int64_t calls = 0;  // requests between their headers and MHD's completion notice
  std::vector<Call*> parked;
  std::map<std::int64_t, unsigned> owners;
  std::uint64_t buffered = 0;  // bytes of memory-mode bodies, admitted or received
  std::vector<std::thread> threads;

  // Connections (for the watchdog).
  mutable std::mutex conn_mu;
  std::set<Conn*> conns;

  std::mutex stop_mu;
  std::condition_variable stop_cv;
  bool stop_requested = false;

  Impl(std::vector<Route> r, ServerOptions o, Admit a, Handle h, WaitEvent w, Observe ob, ErrorBody e)
      : routes(std::move(r)),
        opt(std::move(o)),
        admit(std::move(a)),
        handle(std::move(h)),
        wait_event(std::move(w)),
        observe(std::move(ob)),
        error_body(std::move(e)) {}

  ~Impl() {
    if (listen_fd >= 0) ::close(listen_fd);
  }

  // Never throws: it runs inside libmicrohttpd's callbacks, which an exception must not cross.
  Response error(int status, const std::string& code, const std::string& message) noexcept {
    try {
      return error_body(status, code, message);
    } catch (const std::exception&) {
      Response res;
      res.status = status;
      res.body = "{\"code\":\"" + code + "\"}";
      return res;
    }
  }

  // --- the handler pool -------------------------------------------------------------------------

  void post(std::function<void()> task) {
    {
      std::lock_guard lk(mu);
      tasks.push_back(std::move(task));
    }
    work_cv.notify_one();
  }

  void pool_loop() {
    for (;;) {
      std::function<void()> task;
      {
        std::unique_lock lk(mu);
        work_cv.wait(lk, [&] { return closing || !tasks.empty(); });
        if (tasks.empty()) return;
        task = std::move(tasks.front());
        tasks.pop_front();
      }
      task();
    }
  }

  // Suspends the connection and runs `fn` on the pool; resumes it when `fn` returns true (false:
  // the request is parked). False when the server is stopping: answer at once instead.
  bool dispatch(Call& c, std::function<bool(Call&)> fn) {
    {
      std::lock_guard lk(mu);
      if (stopping) return false;
      ++suspended;
    }
    MHD_suspend_connection(c.conn);
    post([this, &c, fn = std::move(fn)] {
      if (fn(c)) resume(c);
    });
    return true;
  }

  void resume(Call& c) {
    MHD_Connection* conn = c.conn;  // `c` may be gone once the connection runs again
    MHD_resume_connection(conn);
    std::lock_guard lk(mu);
    if (--suspended == 0) drained_cv.notify_all();
  }

  // --- the parking thread: long polls and deadlines ---------------------------------------------

  void parking_loop() {
    for (;;) {
      {
        std::lock_guard lk(mu);
        if (closing) return;
      }
      // Until the next event, poll interval or parked deadline, whichever is first.
      auto wait = std::max(std::chrono::duration_cast<std::chrono::milliseconds>(opt.poll_interval),
                           std::chrono::milliseconds(1));
      {
        std::lock_guard lk(mu);
        const auto now = Clock::now();
        for (Call* c : parked) {
          auto left = std::chrono::duration_cast<std::chrono::milliseconds>(c->park_until - now);
          wait = std::min(wait, std::max(left + std::chrono::milliseconds(1), std::chrono::milliseconds(1)));
        }
      }
      wait_event(wait);
      enforce_deadlines();
      std::vector<Call*> batch;
      {
        std::lock_guard lk(mu);
        batch.swap(parked);
      }
      for (Call* c : batch) {
        post([this, c] {
          if (run_handle(*c)) resume(*c);
        });
      }
    }
  }

  void enforce_deadlines() {
    const auto now = Clock::now();
    std::lock_guard lk(conn_mu);
    for (Conn* s : conns) {
      if (s->armed && now > s->deadline) {
        s->armed = false;
        ::shutdown(s->fd, SHUT_RDWR);
        log(LogLevel::debug, "closed a connection past its header or body deadline");
      }
    }
  }

  void arm(Call& c, std::optional<Clock::duration> in) {
    std::lock_guard lk(conn_mu);
    if (!c.sock || c.sock->closed) return;
    c.sock->armed = in.has_value();
    if (in) c.sock->deadline = Clock::now() + *in;
  }

  // --- request steps (MHD's I/O thread unless said otherwise) -----------------------------------

  MHD_Result queue(Call& c) {
    if (c.queued) return MHD_YES;
    c.queued = true;
    MHD_Response* r =
        MHD_create_response_from_buffer(c.res.body.size(), c.res.body.data(), MHD_RESPMEM_MUST_COPY);
    if (!r) return MHD_NO;
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, c.res.content_type.c_str());
    for (const auto& [k, v] : c.res.headers) MHD_add_response_header(r, k.c_str(), v.c_str());
    MHD_Result rc = MHD_queue_response(c.conn, static_cast<unsigned>(c.res.status), r);
    MHD_destroy_response(r);
    observe(c.req.route ? c.req.route->name : std::string(), c.res.status);
    return rc;
  }

  MHD_Result answer(Call& c, Response res) {
    c.res = std::move(res);
    c.answered = true;
    return queue(c);
  }

  MHD_Result on_headers(MHD_Connection* conn, const char* url, const char* method, void** cls) {
    auto owned = std::make_unique<Call>();
    Call& c = *owned;
    *cls = owned.release();
    {
      std::lock_guard lk(mu);
      ++calls;
    }
    c.conn = conn;
    if (auto* info = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT)) {
      if (auto* holder = static_cast<std::shared_ptr<Conn>*>(info->socket_context)) c.sock = *holder;
    }
    arm(c, std::nullopt);  // the headers are in: no deadline while the request is admitted
    Request& r = c.req;
    r.received = Clock::now();
    r.method = method;
    r.path = url;
    MHD_get_connection_values(
        conn, MHD_GET_ARGUMENT_KIND,
        [](void* out, MHD_ValueKind, const char* k, const char* v) -> MHD_Result {
          static_cast<Request*>(out)->query.emplace_back(k ? k : "", v ? v : "");
          return MHD_YES;
        },
        &r);
    if (const char* v = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION))
      r.authorization = v;
    if (const char* v = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH))
      r.content_length = v;
    const char* te = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING);
    if (te) r.chunked = iequals(te, "chunked");

    const std::string m = r.method == "HEAD" ? "GET" : r.method;
    bool path_known = false;
    std::string allow;
    for (const Route& route : routes) {
      if (!match(route.pattern, r.path, r.params)) continue;
      path_known = true;
      allow += (allow.empty() ? "" : ", ") + route.method;
      if (route.method == m) {
        r.route = &route;
        break;
      }
    }
    // libmicrohttpd reads any Transfer-Encoding as a body of unknown length, but decodes only
    // "chunked"; with a Content-Length too the framing is ambiguous (request smuggling).
    if (te && !r.chunked) {
      return answer(c,
                    error(501, "not_implemented", "Transfer-Encoding other than chunked is not supported"));
    }
    if (te && r.content_length) {
      return answer(c, error(400, "bad_request", "Transfer-Encoding and Content-Length together"));
    }
    if (!r.route) {
      if (!path_known) return answer(c, error(404, "not_found", "no such route"));
      Response res =
          error(405, "method_not_allowed", r.method + " is not allowed here (allowed: " + allow + ")");
      res.set_header("Allow", allow);
      return answer(c, std::move(res));
    }
    if (r.route->inline_io) {
      Response res;
      try {
        handle(r, res);
      } catch (const std::exception& e) {
        res = error(500, "internal", e.what());
      }
      return answer(c, std::move(res));
    }
    if (!dispatch(c, [this](Call& x) { return run_admit(x); }))
      return answer(c, error(503, "shutting_down", "the server is shutting down"));
    return MHD_YES;
  }

  // On the pool: authentication and limits, before one byte of the body is read.
  bool run_admit(Call& c) {
    Request& r = c.req;
    std::optional<Response> refusal;
    try {
      refusal = admit(r);
    } catch (const std::exception& e) {
      refusal = error(500, "internal", e.what());
    }
    const std::uint64_t limit =
        r.route->body == BodyMode::none ? std::min(r.body_limit, kMaxIgnoredBody) : r.body_limit;
    std::uint64_t& declared = c.declared;
    if (!refusal && r.content_length) {
      std::string v = *r.content_length;
      const bool digits = !v.empty() && v.find_first_not_of("0123456789") == std::string::npos;
      v.erase(0, std::min(v.find_first_not_of('0'), v.size() - 1));  // "000123" is 123
      if (!digits) {
        refusal = error(400, "bad_request", "Content-Length is not a byte count");
      } else if (v.size() > 19 || std::stoull(v) > limit) {
        refusal = error(413, "too_large",
                        "request body of " + v.substr(0, 40) + " bytes exceeds this key's limit of " +
                            std::to_string(limit) + " bytes");
      } else {
        declared = std::stoull(v);
      }
    }
    if (!refusal && r.owner != 0) {
      std::lock_guard lk(mu);
      unsigned& n = owners[r.owner];
      if (n >= opt.max_requests_per_owner) {
        refusal =
            error(429, "too_many_requests",
                  "this key already has " + std::to_string(n) + " requests in flight (the server allows " +
                      std::to_string(opt.max_requests_per_owner) + ")");
        if (n == 0) owners.erase(r.owner);
      } else {
        ++n;
        c.counted = true;
      }
    }
    if (!refusal && r.route->body == BodyMode::memory && declared > 0) {
      std::lock_guard lk(mu);
      if (buffered + declared > opt.max_buffered_bytes) {
        refusal =
            error(503, "busy", "the server is holding as many request bodies as it may; retry in a moment");
        refusal->set_header("Retry-After", "1");
      } else {
        buffered += declared;
        c.buffered = declared;
        r.body.reserve(declared);
      }
    }
    if (!refusal && r.route->body == BodyMode::file) {
      std::error_code ec;
      fs::create_directories(opt.tmp_dir, ec);
      r.upload_path = (fs::path(opt.tmp_dir) / ("upload-" + random_hex(8))).string();
      c.file = std::fopen(r.upload_path.c_str(), "wb");
      if (!c.file) {
        refusal = error(500, "internal", "cannot create '" + r.upload_path + "' for the upload");
        r.upload_path.clear();
      }
    }
    if (refusal) {
      c.res = std::move(*refusal);
      c.answered = true;
      return true;
    }
    r.body_limit = limit;
    // The body must come in time: the header allowance again, plus a second a MiB expected.
    const std::uint64_t expected = declared ? declared : (r.chunked ? limit : 0);
    arm(c, std::chrono::seconds(opt.header_timeout_s) +
               std::chrono::seconds(std::min<std::uint64_t>(expected / kMinBodyRate, 86400)));
    return true;
  }

  // False to close the connection: a body that passes its limit (only a chunked one can: a
  // declared length was checked before), or an upload that cannot be written. libmicrohttpd 0.9
  // cannot answer in the middle of a body, so the client sees the connection closed.
  bool read_body(Call& c, const char* data, std::size_t n) {
    Request& r = c.req;
    c.body_started = true;
    r.body_bytes += n;
    if (r.body_bytes > r.body_limit) {
      log(LogLevel::info, "closed a connection whose chunked body passed its limit",
          {{"route", r.route->name}, {"limit", static_cast<std::int64_t>(r.body_limit)}});
      observe(r.route->name, 413);
      return false;
    }
    switch (r.route->body) {
      case BodyMode::none:
        break;
      case BodyMode::memory:
        if (r.body_bytes > c.buffered) {  // a chunked body: account for it as it comes
          std::lock_guard lk(mu);
          const std::uint64_t more = r.body_bytes - c.buffered;
          if (buffered + more > opt.max_buffered_bytes) {
            log(LogLevel::warn, "closed a connection whose chunked body passed the memory budget",
                {{"route", r.route->name}});
            return false;
          }
          buffered += more;
          c.buffered = r.body_bytes;
        }
        r.body.append(data, n);
        break;
      case BodyMode::file:
        c.sha.update({reinterpret_cast<const std::uint8_t*>(data), n});
        if (std::fwrite(data, 1, n, c.file) != n) {
          log(LogLevel::error, "cannot write an upload", {{"path", r.upload_path}});
          return false;
        }
        break;
    }
    return true;
  }

  // On the pool: the route's handler; false when it parked the request.
  bool run_handle(Call& c) {
    {
      std::lock_guard lk(mu);
      c.req.stopping = stopping;
    }
    Response res;
    try {
      handle(c.req, res);
    } catch (const std::exception& e) {
      res = error(500, "internal", e.what());
    }
    if (res.park_until && !c.req.stopping) {
      c.park_until = *res.park_until;
      std::lock_guard lk(mu);
      parked.push_back(&c);
      return false;
    }
    c.res = std::move(res);
    c.answered = true;
    return true;
  }

  MHD_Result on_request(MHD_Connection* conn, const char* url, const char* method, const char* data,
                        std::size_t* size, void** cls) {
    auto* call = static_cast<Call*>(*cls);
    if (!call) return on_headers(conn, url, method, cls);
    Call& c = *call;
    if (c.queued) {
      *size = 0;
      return MHD_YES;
    }
    if (c.answered) return queue(c);
    if (*size > 0) {
      if (!read_body(c, data, *size)) return MHD_NO;
      *size = 0;
      return MHD_YES;
    }
    // MHD calls once more with no data after a resumed admission, before any body.
    if (!c.body_started && !c.repeat_seen && (c.req.chunked || c.declared > 0)) {
      c.repeat_seen = true;
      return MHD_YES;
    }
    // The request is complete.
    arm(c, std::nullopt);
    if (c.file) {
      const bool ok = std::fclose(c.file) == 0;
      c.file = nullptr;
      if (!ok)
        return answer(c, error(500, "internal", "cannot write the upload to '" + c.req.upload_path + "'"));
      c.req.upload_sha256 = c.sha.hex();
    }
    if (!dispatch(c, [this](Call& x) { return run_handle(x); }))
      return answer(c, error(503, "shutting_down", "the server is shutting down"));
    return MHD_YES;
  }

  void on_completed(void** cls) {
    auto* c = static_cast<Call*>(*cls);
    if (!c) return;
    *cls = nullptr;
    {
      std::lock_guard lk(mu);
      buffered -= c->buffered;
      if (c->counted && --owners[c->req.owner] == 0) owners.erase(c->req.owner);
      if (--calls == 0) drained_cv.notify_all();
    }
    // The connection may carry another request: its headers must come in time.
    arm(*c, std::chrono::seconds(opt.header_timeout_s));
    delete c;
  }

  void on_connection(MHD_Connection* conn, void** socket_context, MHD_ConnectionNotificationCode code) {
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
      auto s = std::make_shared<Conn>();
      if (auto* info = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD))
        s->fd = info->connect_fd;
      s->deadline = Clock::now() + std::chrono::seconds(opt.header_timeout_s);
      std::lock_guard lk(conn_mu);
      conns.insert(s.get());
      *socket_context = new std::shared_ptr<Conn>(std::move(s));
      return;
    }
    auto* holder = static_cast<std::shared_ptr<Conn>*>(*socket_context);
    if (!holder) return;
    {
      std::lock_guard lk(conn_mu);
      (*holder)->closed = true;
      (*holder)->armed = false;
      conns.erase(holder->get());
    }
    delete holder;
    *socket_context = nullptr;
  }

  // --- lifecycle --------------------------------------------------------------------------------

  // Uploads left by a process that was killed (SIGKILL, out of memory) are removed at start. Only
  // files untouched for an hour: another server's live upload is written to continuously.
  void remove_stale_uploads() {
    std::error_code ec;
    if (opt.tmp_dir.empty() || !fs::is_directory(opt.tmp_dir, ec)) return;
    const auto cutoff = fs::file_time_type::clock::now() - std::chrono::hours(1);
    for (const auto& e : fs::directory_iterator(opt.tmp_dir, ec)) {
      if (e.path().filename().string().rfind("upload-", 0) != 0) continue;
      if (e.last_write_time(ec) < cutoff && !ec) {
        fs::remove(e.path(), ec);
        log(LogLevel::info, "removed an upload left by an earlier process", {{"path", e.path().string()}});
      }
    }
  }

  void start() {
    // Each connection is a descriptor: make room for the connection limit.
    rlimit rl{};
    if (::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
      rl.rlim_cur = std::min<rlim_t>(rl.rlim_max, 65536);
      ::setrlimit(RLIMIT_NOFILE, &rl);
      ::getrlimit(RLIMIT_NOFILE, &rl);
    }
    unsigned max_conns = opt.max_connections;
    if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < max_conns + 128) {
      max_conns = static_cast<unsigned>(rl.rlim_cur > 256 ? rl.rlim_cur - 128 : 128);
      log(LogLevel::warn, "connection limit lowered to fit the open-file limit",
          {{"max_connections", std::int64_t{max_conns}}});
    }
    unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
    if (family == AF_INET6) flags |= MHD_USE_IPv6;
    daemon = MHD_start_daemon(
        flags, 0, nullptr, nullptr,
        [](void* cls, MHD_Connection* conn, const char* url, const char* method, const char*,
           const char* data, std::size_t* size,
           void** call) { return static_cast<Impl*>(cls)->on_request(conn, url, method, data, size, call); },
        this, MHD_OPTION_EXTERNAL_LOGGER,
        +[](void*, const char* fmt, va_list ap) {
          char buf[512];
          std::vsnprintf(buf, sizeof buf, fmt, ap);
          std::string msg(buf);
          while (!msg.empty() && (msg.back() == '\n' || msg.back() == '\r')) msg.pop_back();
          log(LogLevel::debug, "http", {{"detail", msg}});
        },
        nullptr, MHD_OPTION_LISTEN_SOCKET, listen_fd, MHD_OPTION_CONNECTION_LIMIT, max_conns,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, opt.max_connections_per_ip, MHD_OPTION_CONNECTION_TIMEOUT,
        opt.idle_timeout_s, MHD_OPTION_CONNECTION_MEMORY_LIMIT, std::size_t{64} << 10,
        MHD_OPTION_NOTIFY_COMPLETED,
        +[](void* cls, MHD_Connection*, void** call, MHD_RequestTerminationCode) {
          static_cast<Impl*>(cls)->on_completed(call);
        },
        this, MHD_OPTION_NOTIFY_CONNECTION,
        +[](void* cls, MHD_Connection* conn, void** ctx, MHD_ConnectionNotificationCode code) {
          static_cast<Impl*>(cls)->on_connection(conn, ctx, code);
        },
        this, MHD_OPTION_END);
    if (!daemon) throw Error(Errc::io, "cannot start the HTTP server (libmicrohttpd)");
    for (unsigned i = 0; i < std::max(1u, opt.threads); ++i) threads.emplace_back([this] { pool_loop(); });
    threads.emplace_back([this] { parking_loop(); });
  }

  void drain_and_stop() {
    {
      std::lock_guard lk(mu);
      stopping = true;
    }
    // No new connections. The listening socket stays open until the daemon has stopped: its
    // I/O thread still removes it from the epoll set and aborts if that fails.
    MHD_quiesce_daemon(daemon);
    // Parked requests answer on the parking thread's next pass; running handlers finish.
    {
      std::unique_lock lk(mu);
      const auto give_up = Clock::now() + std::chrono::seconds(60);
      while (suspended > 0 && Clock::now() < give_up) {
        if (!drained_cv.wait_for(lk, std::chrono::seconds(5), [&] { return suspended == 0; })) {
          log(LogLevel::warn, "waiting for HTTP handlers to finish", {{"suspended", suspended}});
        }
      }
      if (suspended > 0) {
        // A handler stuck (on the database, say) for a minute: libmicrohttpd cannot be stopped
        // with a connection suspended, so the daemon and the pool are left to the exiting process.
        log(LogLevel::error, "HTTP handlers did not finish within 60 s; leaving them to the exiting process",
            {{"suspended", suspended}});
        closing = true;
        work_cv.notify_all();
        for (auto& t : threads) t.detach();
        threads.clear();
        daemon = nullptr;
        return;
      }
      // Answers resumed just now are still to be written: give them time to go out (a client
      // that does not read its answer is cut off).
      drained_cv.wait_for(lk, std::chrono::seconds(5), [&] { return calls == 0; });
      closing = true;
    }
    work_cv.notify_all();
    for (auto& t : threads) t.join();
    threads.clear();
    MHD_stop_daemon(daemon);
    daemon = nullptr;
    if (listen_fd >= 0) {
      ::close(listen_fd);
      listen_fd = -1;
    }
  }
};

Server::Server(std::vector<Route> routes, ServerOptions opt, Admit admit, Handle handle, WaitEvent wait,
               Observe observe, ErrorBody error)
    : impl_(std::make_unique<Impl>(std::move(routes), std::move(opt), std::move(admit), std::move(handle),
                                   std::move(wait), std::move(observe), std::move(error))) {}

Server::~Server() {
  if (impl_->daemon) impl_->drain_and_stop();
}

int Server::bind(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* res = nullptr;
  const std::string service = std::to_string(port);
  if (int rc = ::getaddrinfo(host.empty() ? nullptr : host.c_str(), service.c_str(), &hints, &res); rc != 0) {
    throw Error(Errc::io, "cannot listen on " + host + ":" + service + ": " + ::gai_strerror(rc));
  }
  std::string why = "no address";
  for (addrinfo* ai = res; ai; ai = ai->ai_next) {
    int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) continue;
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && ::listen(fd, 1024) == 0) {
      impl_->listen_fd = fd;
      impl_->family = ai->ai_family;
      break;
    }
    why = std::strerror(errno);
    ::close(fd);
  }
  ::freeaddrinfo(res);
  if (impl_->listen_fd < 0) throw Error(Errc::io, "cannot listen on " + host + ":" + service + ": " + why);
  impl_->remove_stale_uploads();
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  ::getsockname(impl_->listen_fd, reinterpret_cast<sockaddr*>(&addr), &len);
  if (addr.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port);
  return ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
}

void Server::listen() {
  if (impl_->listen_fd < 0) throw Error(Errc::invalid_argument, "HTTP server: listen() before bind()");
  impl_->start();
  {
    std::unique_lock lk(impl_->stop_mu);
    impl_->stop_cv.wait(lk, [&] { return impl_->stop_requested; });
  }
  impl_->drain_and_stop();
}

void Server::stop() {
  {
    std::lock_guard lk(impl_->stop_mu);
    impl_->stop_requested = true;
  }
  impl_->stop_cv.notify_all();
}

Server::Stats Server::stats() const {
  Stats s;
  {
    std::lock_guard lk(impl_->mu);
    s.suspended = impl_->suspended;
    s.parked = static_cast<std::int64_t>(impl_->parked.size());
  }
  std::lock_guard lk(impl_->conn_mu);
  s.connections = static_cast<std::int64_t>(impl_->conns.size());
  return s;
}

}  // namespace pm::service::http
