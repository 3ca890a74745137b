// libFuzzer target: arbitrary bytes sent to the service's HTTP API, the real server on 127.0.0.1
// (libmicrohttpd's request parsing, then ours: routes, the Authorization header, query strings,
// Content-Length, bodies, JSON job requests, zkey uploads) over an SQLite store with one key.
// "@KEY@" in the input stands for that key, so seeds reach the authenticated routes. Each input is
// one connection: the bytes are sent, the sending side is closed, and the answer is read.
// A finding: a crash or sanitizer report in any server thread, an answer that is not HTTP, a 500
// (an unexpected exception on client input), or an answer begun and not finished within 10 s.
// No answer within 50 ms is not one: an incomplete request waits for the rest until the server's
// deadlines (tests/service/slow.test.mjs checks those), which would make fuzzing crawl.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "service/api.hpp"
#include "service/store.hpp"
#include "service/util.hpp"

namespace {

namespace fs = std::filesystem;
using namespace pm::service;

struct Fixture {
  fs::path dir = fs::temp_directory_path() / ("pm-fuzz-http-" + random_hex(6));
  std::unique_ptr<Store> store;
  Notifier notifier;
  std::unique_ptr<ApiServer> api;
  std::thread thread;
  std::string key;
  int port = 0;

  Fixture() {
    fs::create_directories(dir);
    store = std::make_unique<Store>(Database::open((dir / "proofmill.db").string(), 4));
    store->migrate();
    key = store->create_key("fuzz", 1000, 1 << 20).second;
    ApiOptions ao;
    ao.http.tmp_dir = (dir / "tmp").string();
    ao.http.threads = 2;
    ao.http.header_timeout_s = 2;
    ao.http.idle_timeout_s = 2;
    ao.http.poll_interval = std::chrono::milliseconds(10);
    ao.http.max_connections_per_ip = 0;  // every input comes from 127.0.0.1
    ao.max_request_bytes = 1 << 20;
    api = std::make_unique<ApiServer>(*store, notifier, ao);
    port = api->bind("127.0.0.1", 0);
    thread = std::thread([this] { api->listen(); });
    thread.detach();  // serves until the process ends
  }
};

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Fixture* fx = new Fixture;  // never destroyed: the server outlives every input
  std::string req(reinterpret_cast<const char*>(data), size);
  req = replace_all(std::move(req), "@KEY@", fx->key);
  // A long poll would hold the connection for up to a minute: not a hang, so not fuzzed here
  // (tests/service/slow.test.mjs covers it).
  req = replace_all(std::move(req), "wait=", "wa1t=");

  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(fx->port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  // Closed with a reset, so that neither side keeps the connection (TIME_WAIT here, an unfinished
  // request there) and thousands of inputs a minute do not exhaust ports or connection slots.
  linger lg{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  // libFuzzer's timers interrupt system calls: a connect interrupted goes on in the background.
  int rc = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  for (int tries = 0; rc != 0 && (errno == EINTR || errno == EALREADY || errno == EINPROGRESS) && tries < 100;
       ++tries) {
    pollfd p{fd, POLLOUT, 0};
    ::poll(&p, 1, 100);
    rc = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    if (rc != 0 && errno == EISCONN) rc = 0;
  }
  if (rc != 0) {
    std::fprintf(stderr, "fuzz_http: cannot connect to the server: %s\n", std::strerror(errno));
    std::abort();
  }
  for (std::size_t off = 0; off < req.size();) {
    ssize_t n = ::send(fd, req.data() + off, req.size() - off, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // the server closed early (it refused the request): fine
    off += static_cast<std::size_t>(n);
  }
  ::shutdown(fd, SHUT_WR);
  timeval first{0, 50000}, rest{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &first, sizeof first);
  std::string got;
  char buf[4096];
  bool timed_out = false;
  for (;;) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) timed_out = !got.empty();
    if (n <= 0) break;
    if (got.empty()) ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &rest, sizeof rest);
    if (got.size() < (1 << 20)) got.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  if (timed_out) {
    std::fprintf(stderr, "fuzz_http: an answer begun and not finished after 10 s\n");
    std::abort();
  }
  if (!got.empty() && got.compare(0, 9, "HTTP/1.1 ") != 0 && got.compare(0, 9, "HTTP/1.0 ") != 0) {
    std::fprintf(stderr, "fuzz_http: the answer is not HTTP: %.80s\n", got.c_str());
    std::abort();
  }
  if (got.compare(0, 12, "HTTP/1.1 500") == 0 || got.compare(0, 12, "HTTP/1.0 500") == 0) {
    std::fprintf(stderr, "fuzz_http: 500 for a client's request:\n%.2000s\n", got.c_str());
    std::abort();
  }
  return 0;
}
