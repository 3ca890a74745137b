#include "service/api.hpp"

#include <any>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "base/mapped_file.hpp"
#include "catalog/bsm_request.hpp"
#include "catalog/margin_request.hpp"
#include "catalog/solvency_round.hpp"
#include "formats/json.hpp"
#include "formats/wtns.hpp"
#include "formats/zkey.hpp"
#include "groth16/keys.hpp"
#include "service/http_server.hpp"
#include "service/log.hpp"
#include "service/metrics.hpp"
#include "service/util.hpp"

namespace pm::service {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;
using Clock = std::chrono::steady_clock;

namespace {

/// An error answered to the client: status, slug, message.
struct HttpError {
  int status;
  std::string code, message;
};

void send_json(http::Response& res, int status, const json& body) {
  res.status = status;
  // Messages may quote the client's bytes (a path, a method): invalid UTF-8 becomes U+FFFD.
  res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace), "application/json");
}

void send_error(http::Response& res, int status, const std::string& code, const std::string& message) {
  send_json(res, status, json{{"error", message}, {"code", code}});
}

std::optional<std::int64_t> parse_int(const std::string& s) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

json job_json(const JobRecord& j, bool with_result) {
  auto opt_time = [](const std::optional<std::int64_t>& t) { return t ? json(rfc3339(*t)) : json(nullptr); };
  json out{{"id", j.id},
           {"state", state_name(j.state)},
           {"circuit", j.circuit},
           {"priority", j.priority},
           {"idempotency_key", j.idempotency_key ? json(*j.idempotency_key) : json(nullptr)},
           {"attempts", j.attempts},
           {"max_attempts", j.max_attempts},
           {"created_at", rfc3339(j.created_at)},
           {"started_at", opt_time(j.started_at)},
           {"finished_at", opt_time(j.finished_at)},
           {"prove_ms", j.prove_ms ? json(*j.prove_ms) : json(nullptr)},
           {"error", j.error && j.state != JobState::succeeded ? json(*j.error) : json(nullptr)}};
  if (with_result) {
    out["proof"] = j.proof ? json::parse(*j.proof) : json(nullptr);
    out["public"] = j.pub ? json::parse(*j.pub) : json(nullptr);
  }
  return out;
}

json circuit_json(const CircuitInfo& c) {
  return json{{"id", c.id},
              {"n_vars", c.n_vars},
              {"n_public", c.n_public},
              {"domain_size", std::int64_t{1} << c.log_domain},
              {"size", c.size},
              {"created_at", rfc3339(c.created_at)}};
}

}  // namespace

struct ApiServer::Impl {
  Store& store;
  Notifier& notifier;
  ApiOptions opt;
  std::uint64_t seen_generation = 0;  // the parking thread's last Notifier generation
  std::unique_ptr<http::Server> svr;

  Impl(Store& s, Notifier& n, ApiOptions o) : store(s), notifier(n), opt(std::move(o)) {
    svr = std::make_unique<http::Server>(
        routes(), opt.http, [this](http::Request& req) { return admit(req); },
        [this](http::Request& req, http::Response& res) { handle(req, res); },
        [this](std::chrono::milliseconds ms) {
          notifier.wait(seen_generation, ms);
          seen_generation = notifier.generation();
        },
        [](const std::string& route, int status) {
          metrics().http_requests.inc({route.empty() ? "unmatched" : route, std::to_string(status)});
        },
        [](int status, const std::string& code, const std::string& message) {
          http::Response res;
          send_error(res, status, code, message);
          return res;
        });
  }

  std::vector<http::Route> routes() const {
    using http::BodyMode;
    std::vector<http::Route> r = {
        {"GET", "/healthz", "/healthz", BodyMode::none, true},
        {"GET", "/readyz", "/readyz"},
        {"GET", "/metrics", "/metrics"},
    };
    if (!opt.api_routes) return r;
    r.insert(r.end(), {
                          {"POST", "/v1/circuits", "/v1/circuits", BodyMode::file},
                          {"GET", "/v1/circuits", "/v1/circuits"},
                          {"GET", "/v1/circuits/{}", "/v1/circuits/{id}"},
                          {"POST", "/v1/jobs", "/v1/jobs", BodyMode::memory},
                          {"GET", "/v1/jobs", "/v1/jobs"},
                          {"GET", "/v1/jobs/{}/events", "/v1/jobs/{id}/events"},
                          {"GET", "/v1/jobs/{}", "/v1/jobs/{id}"},
                          {"DELETE", "/v1/jobs/{}", "/v1/jobs/{id}"},
                      });
    return r;
  }

  static bool needs_key(const std::string& route) { return route != "/healthz" && route != "/readyz"; }

  // Runs `f`; an exception becomes the JSON error to answer instead.
  template <class F>
  std::optional<http::Response> mapped(const std::string& route, F&& f) {
    http::Response err;
    try {
      f();
      return std::nullopt;
    } catch (const HttpError& e) {
      send_error(err, e.status, e.code, e.message);
    } catch (const DbError& e) {
      log(LogLevel::error, "database error", {{"route", route}, {"error", e.what()}});
      send_error(err, 503, "unavailable", std::string("database unavailable: ") + e.what());
    } catch (const std::exception& e) {
      log(LogLevel::error, "internal error", {{"route", route}, {"error", e.what()}});
      send_error(err, 500, "internal", e.what());
    }
    return err;
  }

  // Before the body: the key (401), then its body limit (413) and requests in flight (429, the
  // server's count) are checked by the HTTP layer.
  std::optional<http::Response> admit(http::Request& req) {
    if (!needs_key(req.route->name)) return std::nullopt;
    auto err = mapped(req.route->name, [&] {
      auto key = authenticate(req.authorization);
      if (!key)
        throw HttpError{401, "unauthorized", "a valid API key is required: Authorization: Bearer <key>"};
      req.body_limit = body_limit(*key);
      req.owner = key->id;
      req.context = *key;
    });
    if (err && err->status == 401) err->set_header("WWW-Authenticate", "Bearer");
    return err;
  }

  // Runs a route's handler; an error replaces whatever it had begun to answer.
  void handle(http::Request& req, http::Response& res) {
    const std::string& route = req.route->name;
    auto err = mapped(route, [&] {
      const ApiKey key = req.context.has_value() ? std::any_cast<ApiKey>(req.context) : ApiKey{};
      dispatch(route, req, res, key);
    });
    if (err) res = std::move(*err);
  }

  // "Authorization: Bearer <key>"; the scheme is case-insensitive and followed by one or more
  // spaces (RFC 6750 section 2.1, RFC 9110 section 11.1).
  std::optional<ApiKey> authenticate(std::string_view v) {
    constexpr std::string_view scheme = "bearer";
    if (v.size() <= scheme.size() || v[scheme.size()] != ' ') return std::nullopt;
    for (std::size_t i = 0; i < scheme.size(); ++i) {
      if (std::tolower(static_cast<unsigned char>(v[i])) != scheme[i]) return std::nullopt;
    }
    v.remove_prefix(scheme.size());
    while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
    return store.authenticate(v);
  }

  std::uint64_t body_limit(const ApiKey& key) const {
    auto lim = static_cast<std::uint64_t>(std::max<std::int64_t>(key.max_request_bytes, 0));
    return std::min(lim, opt.max_request_bytes);
  }

  void dispatch(const std::string& route, const http::Request& req, http::Response& res, const ApiKey& key) {
    const std::string& m = req.route->method;
    if (route == "/healthz") {
      send_json(res, 200, json{{"status", "ok"}});
    } else if (route == "/readyz") {
      try {
        store.db().run([](Connection& c) { c.query("SELECT 1"); });
        send_json(res, 200, json{{"status", "ready"}});
      } catch (const std::exception& e) {
        send_json(res, 503, json{{"status", "unavailable"}, {"error", e.what()}});
      }
    } else if (route == "/metrics") {
      std::map<std::string, std::int64_t> states;
      try {
        for (const auto& [state, n] : store.count_by_state()) states[std::string(state_name(state))] = n;
      } catch (const std::exception&) {
      }
      res.status = 200;
      res.set_content(metrics().render(states), "text/plain; version=0.0.4");
    } else if (route == "/v1/circuits" && m == "POST") {
      upload_circuit(req, res);
    } else if (route == "/v1/circuits") {
      json list = json::array();
      for (auto& c : store.circuits()) list.push_back(circuit_json(c));
      send_json(res, 200, json{{"circuits", list}});
    } else if (route == "/v1/circuits/{id}") {
      auto c = store.circuit(req.params[0]);
      if (!c) throw HttpError{404, "not_found", "no circuit " + req.params[0].substr(0, 80)};
      send_json(res, 200, circuit_json(*c));
    } else if (route == "/v1/jobs" && m == "POST") {
      submit_job(req, res, key);
    } else if (route == "/v1/jobs") {
      list_jobs(req, res, key);
    } else if (route == "/v1/jobs/{id}/events") {
      const std::string& id = req.params[0];
      if (!store.job(id, key.id)) throw HttpError{404, "not_found", "no job " + id.substr(0, 80)};
      json list = json::array();
      for (auto& e : store.events(id)) {
        list.push_back(json{{"at", rfc3339(e.at)},
                            {"event", e.event},
                            {"worker", e.worker ? json(*e.worker) : json(nullptr)},
                            {"detail", e.detail ? json(*e.detail) : json(nullptr)}});
      }
      send_json(res, 200, json{{"events", list}});
    } else if (route == "/v1/jobs/{id}" && m == "GET") {
      get_job(req, res, key);
    } else if (route == "/v1/jobs/{id}" && m == "DELETE") {
      const std::string& id = req.params[0];
      auto r = store.cancel(id, key.id);
      if (!r) throw HttpError{404, "not_found", "no job " + id.substr(0, 80)};
      if (!r->changed) {
        send_json(res, 409,
                  json{{"error", "job " + id + " is already " + std::string(state_name(r->state)) +
                                     " and cannot be cancelled"},
                       {"code", "not_cancellable"},
                       {"state", state_name(r->state)}});
        return;
      }
      notifier.notify();
      send_json(res, 200, json{{"id", id}, {"state", "cancelled"}});
    } else {
      throw HttpError{404, "not_found", "no such route"};
    }
  }

  void upload_circuit(const http::Request& req, http::Response& res) {
    // The HTTP layer streamed the body to req.upload_path within the key's limit, hashing it.
    const fs::path tmp = req.upload_path;
    const std::uint64_t size = req.body_bytes;
    if (size == 0)
      throw HttpError{422, "invalid_zkey", "empty body: send the .zkey file as the request body"};
    std::string id = req.upload_sha256;
    if (auto existing = store.circuit(id)) {
      auto j = circuit_json(*existing);
      j["created"] = false;
      send_json(res, 200, j);
      return;
    }
    CircuitInfo info;
    try {
      auto pk = formats::load_zkey(tmp.string(), "uploaded zkey");  // checks it without copying
      if (!opt.allow_dev_keys && groth16::is_uncontributed(pk.verifying_key())) {
        throw HttpError{
            422, "uncontributed_key",
            "this zkey has no phase-2 contribution (delta = gamma): anyone can forge proofs for it; "
            "contribute to it first (proofmill zkey contribute or zkey beacon)"};
      }
      info = {id, static_cast<std::int64_t>(size), pk.n_vars, pk.n_public, pk.log_domain, 0};
    } catch (const Error& e) {
      throw HttpError{422, "invalid_zkey", e.what()};
    }
    bool created = store.put_circuit(info, tmp.string());
    if (created && !opt.cache_dir.empty()) {
      // On one machine the validated upload is the worker's cache file already.
      std::error_code ec;
      fs::path dst = fs::path(opt.cache_dir) / (id + ".zkey");
      if (!fs::exists(dst, ec)) fs::rename(tmp, dst, ec);
    }
    auto stored = store.circuit(id);
    if (!stored) throw Error(Errc::io, "circuit " + id + " vanished after it was stored");
    log(LogLevel::info, "circuit stored", {{"circuit", id}, {"bytes", static_cast<std::int64_t>(size)}});
    auto j = circuit_json(*stored);
    j["created"] = created;
    send_json(res, created ? 201 : 200, j);
  }

  // A statement job's decoded results beside its proof (an options job's prices and Greeks, a
  // margin job's outcomes): decoded from the public signals with the request the job stored
  // (docs/STATEMENTS.md).
  void add_statement_results(const JobRecord& job, json& out) {
    if (job.state != JobState::succeeded || !job.pub) return;
    auto input = store.witness(job.id);
    if (!is_json_request(input)) return;
    json request = json::parse(input.begin(), input.end());
    std::vector<ff::Fr> pub;
    for (const auto& v : json::parse(*job.pub)) pub.push_back(*ff::Fr::from_decimal(v.get<std::string>()));
    if (request.contains("accounts")) {
      out["results"] = catalog::margin::decode(request, pub);
      return;
    }
    if (request.contains("solvency")) {  // a batch's commitment, or the round's root
      const std::string statement = request["solvency"].value("statement", "");
      out["results"] = json{{"statement", statement},
                            {statement == "solvency_batch" ? "commitment" : "root", pub.at(0).to_decimal()}};
      return;
    }
    std::vector<ff::Fr> rows;
    if (job.results) rows = catalog::options::committed_rows(json::parse(*job.results));
    out["results"] = catalog::options::decode(request, pub, rows);
  }

  void submit_job(const http::Request& req, http::Response& res, const ApiKey& key) {
    const std::string& body = req.body;  // read within the key's limit by the HTTP layer
    // Checked in one streaming pass first (nesting at most 64 levels): a DOM of deeply nested
    // arrays costs about 80 bytes a byte of body.
    try {
      formats::check_json(body, "the request body");
    } catch (const Error& e) {
      throw HttpError{400, "bad_json", e.what()};
    }
    json j = json::parse(body, nullptr, false);
    if (j.is_discarded()) throw HttpError{400, "bad_json", "the request body is not valid JSON"};
    if (!j.is_object()) throw HttpError{400, "bad_json", "the request body must be a JSON object"};
    if (j.contains("inputs")) {
      throw HttpError{
          400, "bad_request",
          "\"inputs\" needs a built-in circuit, and this build has none: send \"witness\" (a base64 .wtns)"};
    }
    auto field = [&](const char* name) -> const json* {
      auto it = j.find(name);
      return it == j.end() || it->is_null() ? nullptr : &*it;
    };
    const json* circuit = field("circuit");
    if (!circuit || !circuit->is_string())
      throw HttpError{400, "bad_json", "\"circuit\" (a circuit id string) is required"};
    const json* witness = field("witness");
    const json* options = field("options");
    const json* margin = field("margin");
    const json* solvency = field("solvency");
    if ((witness != nullptr) + (options != nullptr) + (margin != nullptr) + (solvency != nullptr) > 1)
      throw HttpError{400, "bad_json", "send one of \"witness\", \"options\", \"margin\" and \"solvency\""};
    if (!options && !margin && !solvency && (!witness || !witness->is_string())) {
      throw HttpError{400, "bad_json",
                      "\"witness\" (a base64-encoded .wtns file), \"options\" (an options request), "
                      "\"margin\" (a margin request) or \"solvency\" (a solvency batch or top) is required"};
    }
    if (margin && (!margin->is_object() || !margin->contains("accounts")))
      throw HttpError{422, "invalid_request", "margin request: `accounts` is missing"};
    if (options && options->is_object() && options->contains("accounts"))
      throw HttpError{422, "invalid_request", "this is a margin request: send it as \"margin\""};
    SubmitRequest sr;
    sr.key_id = key.id;
    sr.max_jobs = key.max_jobs;
    sr.max_attempts = opt.max_attempts;
    if (const json* ik = field("idempotency_key")) {
      if (!ik->is_string() || ik->get_ref<const std::string&>().empty() ||
          ik->get_ref<const std::string&>().size() > 200) {
        throw HttpError{400, "bad_json", "\"idempotency_key\" must be a string of 1 to 200 characters"};
      }
      sr.idempotency_key = ik->get<std::string>();
    }
    if (const json* pr = field("priority")) {
      if (!pr->is_number_integer() || pr->get<std::int64_t>() < -1000000 ||
          pr->get<std::int64_t>() > 1000000) {
        throw HttpError{400, "bad_json", "\"priority\" must be an integer between -1000000 and 1000000"};
      }
      sr.priority = pr->get<std::int64_t>();
    }
    sr.circuit = circuit->get<std::string>();
    auto info = store.circuit(sr.circuit);
    if (!info)
      throw HttpError{404, "unknown_circuit",
                      "no circuit " + sr.circuit.substr(0, 80) + ": upload its zkey first"};
    std::vector<std::uint8_t> input;  // what the job stores: a .wtns, or a request's JSON
    if (solvency) {
      // A solvency batch or top: the parameters and the input's shape are checked here, the
      // witness solved by the worker (a constraint that fails is named in the job's error).
      try {
        const auto job = catalog::solvency::read_job(*solvency);
        if (info->n_public != static_cast<std::int64_t>(catalog::solvency::public_signal_count(job))) {
          std::string params;
          for (const auto& [k, v] : job.params) params += " -p " + k + "=" + std::to_string(v);
          throw HttpError{422, "invalid_request",
                          "circuit " + info->id + " is not " + job.statement + params + " (" +
                              std::to_string(info->n_public) + " public signals)"};
        }
      } catch (const Error& e) {
        throw HttpError{422, "invalid_request", e.what()};
      }
      const std::string text = json{{"solvency", *solvency}}.dump();
      input.assign(text.begin(), text.end());
    } else if (margin) {
      try {
        auto p = catalog::margin::prepare(*margin);
        if (info->n_public !=
            static_cast<std::int64_t>(catalog::margin::public_signal_count(p.statement, p.params))) {
          std::string params;
          for (const auto& [k, v] : p.params) params += " -p " + k + "=" + std::to_string(v);
          throw HttpError{422, "invalid_request",
                          "circuit " + info->id + " is not " + p.statement + params + " (" +
                              std::to_string(info->n_public) + " public signals)"};
        }
      } catch (const Error& e) {
        throw HttpError{422, "invalid_request", e.what()};
      }
      const std::string text = margin->dump();
      input.assign(text.begin(), text.end());
    } else if (options) {
      // No witness upload: the request is checked here (its snapshot's signature included) and
      // the worker solves the witness natively.
      try {
        auto p = catalog::options::prepare(*options);
        if (info->n_public != static_cast<std::int64_t>(catalog::options::public_signal_count(p.params))) {
          std::string params;
          for (const auto& [k, v] : p.params) params += " -p " + k + "=" + std::to_string(v);
          throw HttpError{422, "invalid_request",
                          "circuit " + info->id + " is not bsm_options" + params + " (" +
                              std::to_string(info->n_public) + " public signals)"};
        }
      } catch (const Error& e) {
        throw HttpError{422, "invalid_request", e.what()};
      }
      const std::string text = options->dump();
      input.assign(text.begin(), text.end());
    } else {
      auto bytes = base64_decode(witness->get_ref<const std::string&>());
      if (!bytes) throw HttpError{400, "bad_json", "\"witness\" is not valid base64"};
      try {
        auto w = formats::parse_wtns(*bytes, "witness");
        if (static_cast<std::int64_t>(w.values.size()) != info->n_vars) {
          throw HttpError{422, "invalid_witness",
                          "witness has " + std::to_string(w.values.size()) + " values but circuit " +
                              info->id + " has " + std::to_string(info->n_vars) + " wires"};
        }
      } catch (const Error& e) {
        throw HttpError{422, "invalid_witness", e.what()};
      }
      input = std::move(*bytes);
    }
    sr.witness = input;
    auto r = store.submit(sr);
    switch (r.status) {
      case SubmitResult::Status::created:
        notifier.notify();
        send_json(res, 201, json{{"id", r.id}, {"state", state_name(r.state)}});
        return;
      case SubmitResult::Status::existing:
        send_json(res, 200, json{{"id", r.id}, {"state", state_name(r.state)}});
        return;
      case SubmitResult::Status::conflict:
        throw HttpError{
            409, "idempotency_conflict",
            "idempotency key already used for job " + r.id + " with a different circuit or witness"};
      case SubmitResult::Status::too_many:
        throw HttpError{429, "too_many_jobs",
                        "this key already has " + std::to_string(key.max_jobs) + " queued or running jobs"};
    }
  }

  // A long poll (?wait=s) parks the request in the HTTP layer: it holds no thread while it waits.
  void get_job(const http::Request& req, http::Response& res, const ApiKey& key) {
    const std::string& id = req.params[0];
    double wait_s = 0;
    if (req.has_param("wait")) {
      const std::string w = req.get_param_value("wait");
      char* end = nullptr;
      wait_s = std::strtod(w.c_str(), &end);
      if (w.empty() || *end != '\0' || !(wait_s >= 0 && wait_s <= 60)) {
        throw HttpError{400, "bad_request", "wait must be a number of seconds from 0 to 60"};
      }
    }
    const auto deadline = req.received + std::chrono::milliseconds(static_cast<std::int64_t>(wait_s * 1000));
    auto job = store.job(id, key.id);
    if (!job) throw HttpError{404, "not_found", "no job " + id.substr(0, 80)};
    if (is_terminal(job->state) || Clock::now() >= deadline || req.stopping) {
      json out = job_json(*job, true);
      add_statement_results(*job, out);
      send_json(res, 200, out);
      return;
    }
    res.park_until = deadline;
  }

  void list_jobs(const http::Request& req, http::Response& res, const ApiKey& key) {
    std::optional<JobState> state;
    std::optional<std::string> circuit;
    std::int64_t limit = 100, cursor = 0;
    if (req.has_param("state")) {
      state = parse_job_state(req.get_param_value("state"));
      if (!state) {
        throw HttpError{400, "bad_request", "state must be queued, running, succeeded, failed or cancelled"};
      }
    }
    if (req.has_param("circuit")) circuit = req.get_param_value("circuit");
    if (req.has_param("limit")) {
      auto v = parse_int(req.get_param_value("limit"));
      if (!v || *v < 1 || *v > 1000)
        throw HttpError{400, "bad_request", "limit must be an integer from 1 to 1000"};
      limit = *v;
    }
    if (req.has_param("cursor")) {
      auto v = parse_int(req.get_param_value("cursor"));
      if (!v || *v < 1) throw HttpError{400, "bad_request", "cursor must be a value returned as next_cursor"};
      cursor = *v;
    }
    auto jobs = store.list_jobs(key.id, state, circuit, limit + 1, cursor);
    json list = json::array();
    json next = nullptr;
    for (std::size_t k = 0; k < jobs.size() && k < static_cast<std::size_t>(limit); ++k)
      list.push_back(job_json(jobs[k], false));
    if (jobs.size() > static_cast<std::size_t>(limit))
      next = std::to_string(jobs[static_cast<std::size_t>(limit) - 1].seq);
    send_json(res, 200, json{{"jobs", list}, {"next_cursor", next}});
  }
};

ApiServer::ApiServer(Store& store, Notifier& notifier, ApiOptions opt)
    : impl_(std::make_unique<Impl>(store, notifier, std::move(opt))) {}
ApiServer::~ApiServer() = default;

int ApiServer::bind(const std::string& host, int port) { return impl_->svr->bind(host, port); }
void ApiServer::listen() { impl_->svr->listen(); }
void ApiServer::stop() {
  impl_->notifier.notify();  // parked long polls answer on the next pass
  impl_->svr->stop();
}

}  // namespace pm::service
