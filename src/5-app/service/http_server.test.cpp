// The HTTP layer on 127.0.0.1 with raw sockets: routing, admission before the body, memory and
// file bodies, parked requests woken by an event or answered at shutdown, many clients at once.
// Runs under ThreadSanitizer in the tsan preset (the I/O thread, the pool and the parking thread
// share every request). The service's routes are tested end to end by tests/service/*.
#include "service/http_server.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "service/util.hpp"

namespace pm::service::http {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

struct Reply {
  int status = 0;
  std::string head, body;
};

// Sends `request` (optionally in two parts, `pause` apart) and reads until the server closes.
Reply roundtrip(int port, const std::string& request, const std::string& second = {},
                std::chrono::milliseconds pause = 0ms) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval tv{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  Reply r;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return r;
  }
  auto send_all = [&](const std::string& s) {
    for (std::size_t off = 0; off < s.size();) {
      ssize_t n = ::send(fd, s.data() + off, s.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return;
      off += static_cast<std::size_t>(n);
    }
  };
  send_all(request);
  if (!second.empty()) {
    std::this_thread::sleep_for(pause);
    send_all(second);
  }
  std::string all;
  char buf[4096];
  for (;;) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    all.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  if (all.size() > 12 && all.compare(0, 5, "HTTP/") == 0) r.status = std::stoi(all.substr(9, 3));
  auto split = all.find("\r\n\r\n");
  r.head = all.substr(0, split);
  if (split != std::string::npos) r.body = all.substr(split + 4);
  return r;
}

std::string get(const std::string& path, const std::string& extra = {}) {
  return "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + extra + "\r\n";
}

std::string post(const std::string& path, const std::string& body, const std::string& extra = {}) {
  return "POST " + path +
         " HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n" + extra + "\r\n" + body;
}

// A server with a few routes, run on its own thread; `released` finishes the parked requests.
class HttpServerTest : public ::testing::Test {
 protected:
  std::mutex mu;
  std::condition_variable cv;
  std::uint64_t events = 0;
  std::atomic<bool> released{false};
  std::atomic<int> admitted{0}, handled{0};
  fs::path tmp = fs::temp_directory_path() / ("pm-http-test-" + random_hex(6));
  std::unique_ptr<Server> server;
  std::thread thread;
  int port = 0;

  void start(ServerOptions opt = {}) {
    opt.tmp_dir = tmp.string();
    opt.poll_interval = 100ms;
    std::vector<Route> routes = {
        {"GET", "/healthz", "/healthz", BodyMode::none, true},
        {"GET", "/items/{}", "/items/{id}"},
        {"POST", "/echo", "/echo", BodyMode::memory},
        {"POST", "/upload", "/upload", BodyMode::file},
        {"GET", "/wait", "/wait"},
    };
    server = std::make_unique<Server>(
        routes, opt,
        [this](Request& req) -> std::optional<Response> {
          ++admitted;
          if (req.authorization != "Bearer good") {
            Response res;
            res.status = 401;
            res.body = R"({"code":"unauthorized"})";
            return res;
          }
          req.body_limit = 1 << 16;
          req.owner = 7;
          return std::nullopt;
        },
        [this](Request& req, Response& res) {
          ++handled;
          if (req.route->name == "/healthz") {
            res.body = "ok";
          } else if (req.route->name == "/items/{id}") {
            res.body = req.params.at(0) + "|" + req.get_param_value("q");
          } else if (req.route->name == "/echo") {
            res.body = req.body;
          } else if (req.route->name == "/upload") {
            std::ifstream f(req.upload_path, std::ios::binary);
            std::string content((std::istreambuf_iterator<char>(f)), {});
            res.body = req.upload_sha256 + "|" + sha256_hex(content) + "|" + std::to_string(req.body_bytes);
          } else if (req.route->name == "/wait") {
            if (released || req.stopping) {
              res.body = req.stopping ? "stopping" : "released";
            } else {
              res.park_until = std::chrono::steady_clock::now() + 30s;
            }
          }
        },
        [this](std::chrono::milliseconds ms) {
          std::unique_lock lk(mu);
          const std::uint64_t seen = events;
          cv.wait_for(lk, ms, [&] { return events != seen; });
        },
        [](const std::string&, int) {},
        [](int status, const std::string& code, const std::string& message) {
          Response res;
          res.status = status;
          res.body = "{\"code\":\"" + code + "\",\"error\":\"" + message + "\"}";
          return res;
        });
    port = server->bind("127.0.0.1", 0);
    thread = std::thread([this] { server->listen(); });
  }

  void event() {
    {
      std::lock_guard lk(mu);
      ++events;
    }
    cv.notify_all();
  }

  void TearDown() override {
    if (server) server->stop();
    if (thread.joinable()) thread.join();
    std::error_code ec;
    fs::remove_all(tmp, ec);
  }
};

TEST_F(HttpServerTest, RoutesAdmissionAndBodies) {
  start();
  EXPECT_EQ(roundtrip(port, get("/healthz")).body, "ok");
  auto item = roundtrip(port, get("/items/abc?q=x%20y", "Authorization: Bearer good\r\n"));
  EXPECT_EQ(item.status, 200);
  EXPECT_EQ(item.body, "abc|x y");
  EXPECT_EQ(roundtrip(port, get("/items/abc")).status, 401);
  EXPECT_EQ(roundtrip(port, get("/nothing")).status, 404);
  auto wrong = roundtrip(port, post("/items/abc", "", "Authorization: Bearer good\r\n"));
  EXPECT_EQ(wrong.status, 405);
  EXPECT_NE(wrong.head.find("Allow: GET"), std::string::npos) << wrong.head;
  // Bodies: buffered, streamed to a file (hashed on the way), and over the limit.
  const std::string body(40000, 'z');
  EXPECT_EQ(roundtrip(port, post("/echo", body, "Authorization: Bearer good\r\n")).body, body);
  auto up = roundtrip(port, post("/upload", body, "Authorization: Bearer good\r\n"));
  EXPECT_EQ(up.body, sha256_hex(body) + "|" + sha256_hex(body) + "|40000");
  EXPECT_EQ(roundtrip(port, post("/echo", std::string(70000, 'z'), "Authorization: Bearer good\r\n")).status,
            413);
  // A body sent in two parts (the second after a pause) is still read whole.
  const std::string req = post("/echo", "0123456789", "Authorization: Bearer good\r\n");
  auto two = roundtrip(port, req.substr(0, req.size() - 5), req.substr(req.size() - 5), 200ms);
  EXPECT_EQ(two.body, "0123456789");
  // No upload is left behind.
  std::size_t left = 0;
  if (fs::exists(tmp)) left = static_cast<std::size_t>(std::distance(fs::directory_iterator(tmp), {}));
  EXPECT_EQ(left, 0u);
}

TEST_F(HttpServerTest, RefusedBeforeTheBody) {
  start();
  // A bad key is answered without waiting for the 1 MB body (never sent), and without a 100.
  auto r = roundtrip(port,
                     "POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 1000000\r\n"
                     "Authorization: Bearer bad\r\n\r\n");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.head.find("100 Continue"), std::string::npos);
  // A declared length over the limit: 413 before the body.
  r = roundtrip(
      port,
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\nAuthorization: Bearer good\r\n\r\n");
  EXPECT_EQ(r.status, 413);
  r = roundtrip(port,
                "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n"
                "Authorization: Bearer good\r\n\r\n");
  EXPECT_TRUE(r.status == 413 || r.status == 400) << r.status;
  EXPECT_EQ(handled.load(), 0);
}

TEST_F(HttpServerTest, ParkedRequestsHoldNoThreadAndWakeOnAnEvent) {
  ServerOptions opt;
  opt.threads = 2;
  opt.max_requests_per_owner = 64;
  start(opt);
  constexpr int kParked = 24;
  std::vector<std::thread> clients;
  std::vector<Reply> replies(kParked);
  for (int i = 0; i < kParked; ++i)
    clients.emplace_back(
        [&, i] { replies[i] = roundtrip(port, get("/wait", "Authorization: Bearer good\r\n")); });
  for (int k = 0; k < 200 && server->stats().parked < kParked; ++k) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(server->stats().parked, kParked);
  // Two handler threads, 24 parked requests: others are still served.
  EXPECT_EQ(roundtrip(port, get("/items/1", "Authorization: Bearer good\r\n")).status, 200);
  EXPECT_EQ(roundtrip(port, get("/healthz")).body, "ok");
  released = true;
  event();
  for (auto& t : clients) t.join();
  for (const auto& r : replies) {
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "released");
  }
}

TEST_F(HttpServerTest, PerOwnerLimitAndStopAnswersParkedRequests) {
  ServerOptions opt;
  opt.max_requests_per_owner = 4;
  start(opt);
  std::vector<std::thread> clients;
  std::vector<Reply> replies(4);
  for (int i = 0; i < 4; ++i)
    clients.emplace_back(
        [&, i] { replies[i] = roundtrip(port, get("/wait", "Authorization: Bearer good\r\n")); });
  for (int k = 0; k < 200 && server->stats().parked < 4; ++k) std::this_thread::sleep_for(10ms);
  ASSERT_EQ(server->stats().parked, 4);
  EXPECT_EQ(roundtrip(port, get("/items/1", "Authorization: Bearer good\r\n")).status, 429);
  server->stop();
  thread.join();
  for (auto& t : clients) t.join();
  for (const auto& r : replies) EXPECT_EQ(r.body, "stopping");
}

TEST_F(HttpServerTest, ManyClientsAtOnce) {
  start();
  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 8; ++t) {
    clients.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        const std::string body = std::to_string(t) + ":" + std::to_string(i);
        if (roundtrip(port, post("/echo", body, "Authorization: Bearer good\r\n")).body == body) ++ok;
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(ok.load(), 200);
}

TEST_F(HttpServerTest, HeaderDeadlineClosesATricklingClient) {
  ServerOptions opt;
  opt.header_timeout_s = 1;
  start(opt);
  const auto t0 = std::chrono::steady_clock::now();
  // Headers sent a byte at a time, never idle for long, never finished: cut near one second.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  const std::string line = "GET /healthz HTTP/1.1\r\nX-Slow: " + std::string(200, 'a');
  bool closed = false;
  for (char ch : line) {
    if (::send(fd, &ch, 1, MSG_NOSIGNAL) != 1) {
      closed = true;
      break;
    }
    std::this_thread::sleep_for(50ms);
    char b;
    if (::recv(fd, &b, 1, MSG_DONTWAIT) == 0) {
      closed = true;
      break;
    }
  }
  ::close(fd);
  const auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_TRUE(closed);
  EXPECT_GE(took, 900ms);
  EXPECT_EQ(roundtrip(port, get("/healthz")).body, "ok");
}

TEST_F(HttpServerTest, FramingMemoryBudgetAndStaleUploads) {
  // An upload left by a killed process an hour ago is removed at start; a fresh one is kept.
  fs::create_directories(tmp);
  std::ofstream(tmp / "upload-old") << "x";
  std::ofstream(tmp / "upload-new") << "x";
  fs::last_write_time(tmp / "upload-old", fs::file_time_type::clock::now() - std::chrono::hours(2));
  ServerOptions opt;
  opt.max_buffered_bytes = 1000;
  start(opt);
  EXPECT_FALSE(fs::exists(tmp / "upload-old"));
  EXPECT_TRUE(fs::exists(tmp / "upload-new"));
  const std::string auth = "Authorization: Bearer good\r\n";
  // Transfer-Encoding: only chunked, and never beside a Content-Length (ambiguous framing).
  EXPECT_EQ(
      roundtrip(port, "POST /echo HTTP/1.1\r\nHost: x\r\n" + auth + "Transfer-Encoding: gzip\r\n\r\n").status,
      501);
  EXPECT_EQ(
      roundtrip(port, "POST /echo HTTP/1.1\r\nHost: x\r\n" + auth +
                          "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
          .status,
      400);
  auto chunked = roundtrip(port, "POST /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + auth +
                                     "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
  EXPECT_EQ(chunked.body, "hello");
  // Leading zeros are still a length.
  EXPECT_EQ(roundtrip(port, "POST /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + auth +
                                "Content-Length: 0000000000000000000005\r\n\r\nhello")
                .body,
            "hello");
  // Bodies held in memory, all requests together: over the budget is 503 with Retry-After.
  auto busy = roundtrip(port, post("/echo", std::string(2000, 'z'), auth));
  EXPECT_EQ(busy.status, 503);
  EXPECT_NE(busy.head.find("Retry-After: 1"), std::string::npos) << busy.head;
  EXPECT_EQ(roundtrip(port, post("/echo", std::string(900, 'z'), auth)).status, 200);
  EXPECT_EQ(handled.load(), 3);  // the chunked body, the zero-padded length, the 900 bytes
}

}  // namespace
}  // namespace pm::service::http
