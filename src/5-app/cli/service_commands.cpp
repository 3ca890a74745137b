// The proving service's commands: `serve` (HTTP API + workers; SQLite by default), `worker`
// (workers only, against a shared PostgreSQL) and `keys` (API keys). See docs/SERVICE.md.
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "base/error.hpp"
#include "cli/commands.hpp"
#include "service/api.hpp"
#include "service/log.hpp"
#include "service/store.hpp"
#include "service/util.hpp"
#include "service/worker.hpp"

namespace pm::cli {
namespace {

namespace fs = std::filesystem;
using namespace pm::service;

struct DbArgs {
  std::string data = "proofmill-data";
  std::string db;
  void add(CLI::App* c) {
    c->add_option("--data", data, "Data folder (SQLite database, caches)")->capture_default_str();
    c->add_option("--db", db,
                  "postgresql://user@host:port/db for a shared PostgreSQL (default: SQLite in --data)");
  }
  bool sqlite() const {
    return db.empty() || !(db.starts_with("postgresql://") || db.starts_with("postgres://"));
  }
  std::string url() const { return db.empty() ? (fs::path(data) / "proofmill.db").string() : db; }
};

struct WorkerArgs {
  unsigned workers = 1;
  double lease_seconds = 30;
  std::int64_t poll_ms = 100;
  std::size_t cache_mb = 4096;
  double grace_seconds = 30;
  std::string log_level = "info";
  void add(CLI::App* c, unsigned default_workers) {
    workers = default_workers;
    c->add_option("--workers", workers, "Prover workers in this process")->capture_default_str();
    c->add_option("--lease-seconds", lease_seconds, "Job lease; renewed every third of it")
        ->check(CLI::Range(0.3, 3600.0))
        ->capture_default_str();
    c->add_option("--poll-ms", poll_ms, "How often idle workers look for jobs queued by other processes")
        ->check(CLI::Range(1, 60000))
        ->capture_default_str();
    c->add_option("--cache-mb", cache_mb, "Memory budget for parsed provers (least recently used evicted)")
        ->capture_default_str();
    c->add_option("--grace-seconds", grace_seconds, "On SIGTERM/SIGINT, how long running jobs may finish")
        ->check(CLI::Range(0.0, 86400.0))
        ->capture_default_str();
    c->add_option("--log-level", log_level, "debug, info, warn or error")->capture_default_str();
  }
  WorkerOptions options(const std::string& cache_dir) const {
    WorkerOptions o;
    o.workers = workers;
    o.lease_ms = static_cast<std::int64_t>(lease_seconds * 1000);
    o.poll_ms = poll_ms;
    o.cache_dir = cache_dir;
    o.cache_bytes = cache_mb << 20;
    return o;
  }
};

struct ServeArgs {
  DbArgs db;
  WorkerArgs w;
  std::string listen = "127.0.0.1:8080";
  std::int64_t max_attempts = 3;
  std::size_t max_request_mb = 1024;
  http::ServerOptions http;  ///< the HTTP layer's options, bound to their flags
  std::size_t max_buffered_mb = 1024;
  bool allow_dev_keys = false;
};

std::pair<std::string, int> split_listen(const std::string& s) {
  auto colon = s.rfind(':');
  if (colon == std::string::npos)
    throw Error(Errc::invalid_argument, "--listen wants HOST:PORT, got '" + s + "'");
  std::string host = s.substr(0, colon);
  int port = -1;
  try {
    port = std::stoi(s.substr(colon + 1));
  } catch (...) {
  }
  if (port < 0 || port > 65535) throw Error(Errc::invalid_argument, "--listen: bad port in '" + s + "'");
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  return {host, port};
}

// One `serve` per SQLite data folder: the lock lets the server requeue jobs left running by a
// crashed predecessor without racing a live one.
// The data folder holds witnesses, results and API key hashes: owner-only. The process umask
// (077, set in main) makes every file and folder the service creates 0600 / 0700; this also
// tightens a folder and database made before that (by an older version, say).
void make_private_data_dir(const std::string& dir) {
  fs::create_directories(dir);
  std::error_code ec;
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  if (ec) throw Error(Errc::io, "cannot make '" + dir + "' private (mode 0700): " + ec.message());
  for (const char* name : {"proofmill.db", "proofmill.db-wal", "proofmill.db-shm", "serve.lock"}) {
    const fs::path f = fs::path(dir) / name;
    if (fs::is_regular_file(f, ec))
      fs::permissions(f, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace, ec);
  }
}

int lock_data_dir(const std::string& dir) {
  std::string path = (fs::path(dir) / "serve.lock").string();
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) throw Error(Errc::io, "cannot open '" + path + "'");
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    throw Error(Errc::io, "another proofmill serve is using '" + dir + "' (" + path + " is locked)");
  }
  return fd;
}

sigset_t block_stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

int wait_stop_signal(const sigset_t& set) {
  int sig = 0;
  sigwait(&set, &sig);
  return sig;
}

std::unique_ptr<Store> open_store(const DbArgs& a, unsigned pool) {
  if (a.sqlite()) make_private_data_dir(a.data);
  auto store = std::make_unique<Store>(Database::open(a.url(), pool));
  store->migrate();
  return store;
}

int run_serve(const ServeArgs& a) {
  set_log_level(parse_log_level(a.w.log_level));
  auto [host, port] = split_listen(a.listen);
  make_private_data_dir(a.db.data);
  int lock_fd = -1;
  if (a.db.sqlite()) lock_fd = lock_data_dir(a.db.data);
  sigset_t stop = block_stop_signals();  // before any thread starts, so all inherit the mask

  auto store = open_store(a.db, a.w.workers + 12);
  if (a.db.sqlite()) {
    if (int n = store->recover_running("the server stopped while the job was running"); n > 0) {
      log(LogLevel::warn, "requeued jobs left running by a previous server", {{"count", std::int64_t{n}}});
    }
  }
  Notifier notifier;
  std::string cache_dir = (fs::path(a.db.data) / "cache").string();
  ApiOptions ao;
  ao.http = a.http;
  ao.http.tmp_dir = (fs::path(a.db.data) / "tmp").string();
  ao.http.poll_interval = std::chrono::milliseconds(a.db.sqlite() && a.w.workers > 0 ? 250 : 50);
  ao.http.max_buffered_bytes = static_cast<std::uint64_t>(a.max_buffered_mb) << 20;
  ao.cache_dir = cache_dir;
  ao.max_attempts = a.max_attempts;
  ao.max_request_bytes = static_cast<std::uint64_t>(a.max_request_mb) << 20;
  ao.allow_dev_keys = a.allow_dev_keys;
  fs::create_directories(ao.http.tmp_dir);
  ApiServer api(*store, notifier, ao);
  int bound = api.bind(host, port);

  std::unique_ptr<WorkerPool> pool;
  if (a.w.workers > 0) {
    pool = std::make_unique<WorkerPool>(*store, notifier, a.w.options(cache_dir));
    pool->start();
  }
  std::printf("listening on http://%s:%d\n", host.c_str(), bound);
  std::fflush(stdout);
  log(LogLevel::info, "proofmill serve started",
      {{"listen", host + ":" + std::to_string(bound)},
       {"db", store->db().describe()},
       {"workers", std::int64_t{a.w.workers}},
       {"pid", std::int64_t{::getpid()}}});

  std::thread stopper([&] {
    int sig = wait_stop_signal(stop);
    log(LogLevel::info, "shutting down", {{"signal", std::int64_t{sig}}});
    api.stop();
  });
  api.listen();
  // The listener has stopped (by a signal); let the workers finish or release their jobs.
  if (pool) pool->shutdown(std::chrono::milliseconds(static_cast<std::int64_t>(a.w.grace_seconds * 1000)));
  stopper.join();
  log(LogLevel::info, "stopped");
  if (lock_fd >= 0) ::close(lock_fd);
  std::fflush(stderr);
  std::_Exit(0);  // workers still inside a prove must not hold the process up
}

struct WorkerCmdArgs {
  DbArgs db;
  WorkerArgs w;
  std::string listen;
};

int run_worker(const WorkerCmdArgs& a) {
  set_log_level(parse_log_level(a.w.log_level));
  if (a.db.sqlite()) {
    throw Error(Errc::invalid_argument,
                "proofmill worker needs --db postgresql://…; on SQLite, `proofmill serve --workers N` runs "
                "the workers");
  }
  sigset_t stop = block_stop_signals();
  make_private_data_dir(a.db.data);
  // Connecting may fail while PostgreSQL starts: retry for a while rather than exit.
  std::unique_ptr<Store> store;
  for (int attempt = 0;; ++attempt) {
    try {
      store = open_store(a.db, a.w.workers + 4);
      break;
    } catch (const DbError& e) {
      if (!e.transient() || attempt >= 30) throw;
      log(LogLevel::warn, "database not reachable yet; retrying", {{"error", e.what()}});
      std::this_thread::sleep_for(std::chrono::seconds(1));
    }
  }
  Notifier notifier;
  std::string cache_dir = (fs::path(a.db.data) / "cache").string();
  WorkerPool pool(*store, notifier, a.w.options(cache_dir));
  std::unique_ptr<ApiServer> api;
  std::thread http;
  if (!a.listen.empty()) {
    auto [host, port] = split_listen(a.listen);
    ApiOptions ao;
    ao.api_routes = false;
    ao.http.threads = 4;
    api = std::make_unique<ApiServer>(*store, notifier, ao);
    int bound = api->bind(host, port);
    std::printf("listening on http://%s:%d\n", host.c_str(), bound);
    http = std::thread([&] { api->listen(); });
  }
  pool.start();
  log(LogLevel::info, "proofmill worker started",
      {{"db", store->db().describe()}, {"workers", std::int64_t{a.w.workers}}, {"name", pool.name()}});
  std::fflush(stdout);
  int sig = wait_stop_signal(stop);
  log(LogLevel::info, "shutting down", {{"signal", std::int64_t{sig}}});
  pool.shutdown(std::chrono::milliseconds(static_cast<std::int64_t>(a.w.grace_seconds * 1000)));
  if (api) {
    api->stop();
    http.join();
  }
  log(LogLevel::info, "stopped");
  std::fflush(stderr);
  std::_Exit(0);
}

struct KeysArgs {
  DbArgs db;
  std::string name = "default";
  std::int64_t max_jobs = 1000;
  std::int64_t max_request_mb = 1024;
  std::int64_t id = 0;
  bool json = false;
};

int run_keys_create(const KeysArgs& a) {
  auto store = open_store(a.db, 1);
  auto [key, secret] = store->create_key(a.name, a.max_jobs, a.max_request_mb << 20);
  if (a.json) {
    std::printf("%s\n", nlohmann::ordered_json{{"id", key.id},
                                               {"key", secret},
                                               {"name", key.name},
                                               {"max_jobs", key.max_jobs},
                                               {"max_request_bytes", key.max_request_bytes}}
                            .dump()
                            .c_str());
  } else {
    std::printf("%s\n", secret.c_str());
  }
  return 0;
}

int run_keys_list(const KeysArgs& a) {
  auto store = open_store(a.db, 1);
  auto keys = store->list_keys();
  if (a.json) {
    auto arr = nlohmann::ordered_json::array();
    for (auto& k : keys) {
      arr.push_back({{"id", k.id},
                     {"name", k.name},
                     {"max_jobs", k.max_jobs},
                     {"max_request_bytes", k.max_request_bytes},
                     {"created_at", rfc3339(k.created_at)},
                     {"revoked", k.revoked}});
    }
    std::printf("%s\n", arr.dump(2).c_str());
    return 0;
  }
  std::printf("%-6s %-20s %-9s %-14s %-25s %s\n", "id", "name", "max-jobs", "max-request", "created",
              "state");
  for (auto& k : keys) {
    std::printf("%-6lld %-20s %-9lld %-14lld %-25s %s\n", static_cast<long long>(k.id), k.name.c_str(),
                static_cast<long long>(k.max_jobs), static_cast<long long>(k.max_request_bytes),
                rfc3339(k.created_at).c_str(), k.revoked ? "revoked" : "active");
  }
  return 0;
}

int run_keys_revoke(const KeysArgs& a) {
  auto store = open_store(a.db, 1);
  if (!store->revoke_key(a.id))
    throw Error(Errc::invalid_argument, "no API key with id " + std::to_string(a.id));
  std::printf("revoked key %lld\n", static_cast<long long>(a.id));
  return 0;
}

}  // namespace

void register_service_commands(CLI::App& app, std::function<int()>& run_slot) {
  {
    auto a = std::make_shared<ServeArgs>();
    auto* c = app.add_subcommand("serve",
                                 "Run the proving service: HTTP API and prover workers (SQLite by default)");
    a->db.add(c);
    a->w.add(c, 1);
    c->add_option("--listen", a->listen, "HOST:PORT to listen on (port 0: any free port)")
        ->capture_default_str();
    c->add_option("--max-attempts", a->max_attempts, "Attempts per job before it fails")
        ->check(CLI::Range(1, 100))
        ->capture_default_str();
    c->add_option("--max-request-mb", a->max_request_mb, "Largest request body accepted from any key")
        ->capture_default_str();
    c->add_option("--http-threads", a->http.threads,
                  "Threads that run request handlers (database work); no thread waits on a client")
        ->check(CLI::Range(1, 1024))
        ->capture_default_str();
    c->add_option("--max-connections", a->http.max_connections, "Open connections, all clients together")
        ->check(CLI::Range(16, 1000000))
        ->capture_default_str();
    c->add_option("--max-connections-per-ip", a->http.max_connections_per_ip,
                  "Open connections from one client address (0: no limit; raise it behind a proxy)")
        ->capture_default_str();
    c->add_option("--max-requests-per-key", a->http.max_requests_per_owner,
                  "Requests in flight per API key, long polls included (429 beyond)")
        ->check(CLI::Range(1, 1000000))
        ->capture_default_str();
    c->add_option("--max-buffered-mb", a->max_buffered_mb,
                  "Job request bodies held in memory, all clients together (503 busy beyond)")
        ->check(CLI::Range(1, 1 << 20))
        ->capture_default_str();
    c->add_option("--idle-timeout", a->http.idle_timeout_s, "Seconds a silent connection stays open")
        ->check(CLI::Range(1, 3600))
        ->capture_default_str();
    c->add_option("--header-timeout", a->http.header_timeout_s,
                  "Seconds for a request's headers to arrive; its body gets as long again plus 1 s a MiB")
        ->check(CLI::Range(1, 3600))
        ->capture_default_str();
    c->add_flag(
        "--allow-dev-keys", a->allow_dev_keys,
        "Accept zkeys without a phase-2 contribution (delta = gamma): for tests only, since anyone can "
        "forge proofs for them");
    c->final_callback([a, &run_slot] { run_slot = [a] { return run_serve(*a); }; });
  }
  {
    auto a = std::make_shared<WorkerCmdArgs>();
    auto* c = app.add_subcommand("worker", "Run prover workers against a shared PostgreSQL queue");
    a->db.add(c);
    a->w.add(c, 1);
    c->add_option("--listen", a->listen, "HOST:PORT for /healthz, /readyz and /metrics (default: none)");
    c->final_callback([a, &run_slot] { run_slot = [a] { return run_worker(*a); }; });
  }
  {
    auto* k = app.add_subcommand("keys", "Manage the service's API keys")->require_subcommand(1);
    auto a = std::make_shared<KeysArgs>();
    auto* c = k->add_subcommand("create", "Create an API key and print it (shown once; stored hashed)");
    a->db.add(c);
    c->add_option("--name", a->name, "A label for the key")->capture_default_str();
    c->add_option("--max-jobs", a->max_jobs, "Queued + running jobs allowed at once")
        ->check(CLI::Range(std::int64_t{1}, std::int64_t{1} << 40))
        ->capture_default_str();
    c->add_option("--max-request-mb", a->max_request_mb, "Largest request body (zkey upload, job)")
        ->check(CLI::Range(std::int64_t{1}, std::int64_t{1} << 30))
        ->capture_default_str();
    c->add_flag("--json", a->json, "Print {id, key, ...} as JSON");
    c->final_callback([a, &run_slot] { run_slot = [a] { return run_keys_create(*a); }; });
    auto b = std::make_shared<KeysArgs>();
    auto* l = k->add_subcommand("list", "List API keys (never the keys themselves)");
    b->db.add(l);
    l->add_flag("--json", b->json, "JSON output");
    l->final_callback([b, &run_slot] { run_slot = [b] { return run_keys_list(*b); }; });
    auto r = std::make_shared<KeysArgs>();
    auto* v = k->add_subcommand("revoke", "Revoke an API key by id");
    r->db.add(v);
    v->add_option("id", r->id, "Key id (from keys list)")->required();
    v->final_callback([r, &run_slot] { run_slot = [r] { return run_keys_revoke(*r); }; });
  }
}

}  // namespace pm::cli
