#include "service/worker.hpp"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "catalog/bsm_request.hpp"
#include "catalog/margin_request.hpp"
#include "catalog/solvency_round.hpp"
#include "formats/json.hpp"
#include "formats/wtns.hpp"
#include "formats/zkey.hpp"
#include "groth16/prover.hpp"
#include "groth16/verifier.hpp"
#include "service/log.hpp"
#include "service/metrics.hpp"
#include "service/util.hpp"

namespace pm::service {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::uint64_t Notifier::generation() const {
  std::lock_guard g(mu_);
  return gen_;
}
void Notifier::notify() {
  {
    std::lock_guard g(mu_);
    ++gen_;
  }
  cv_.notify_all();
}
void Notifier::wait(std::uint64_t seen, std::chrono::milliseconds timeout) const {
  std::unique_lock lk(mu_);
  cv_.wait_for(lk, timeout, [&] { return gen_ != seen; });
}

// ---------------------------------------------------------------------------------------------
// prover cache

ProverCache::ProverCache(Store& store, std::string dir, std::size_t budget_bytes)
    : store_(store), dir_(std::move(dir)), budget_(budget_bytes) {
  fs::create_directories(dir_);
}

std::shared_ptr<const CachedProver> ProverCache::get(const std::string& id) {
  std::shared_ptr<std::mutex> loading;
  {
    std::lock_guard g(mu_);
    if (auto it = slots_.find(id); it != slots_.end()) {
      lru_.splice(lru_.begin(), lru_, it->second.pos);
      metrics().cache_hits++;
      return it->second.value;
    }
    auto& l = loading_[id];
    if (!l) l = std::make_shared<std::mutex>();
    loading = l;
  }
  // One loader per circuit; others wait for it and then find the entry.
  std::lock_guard load_guard(*loading);
  {
    std::lock_guard g(mu_);
    if (auto it = slots_.find(id); it != slots_.end()) {
      lru_.splice(lru_.begin(), lru_, it->second.pos);
      metrics().cache_hits++;
      return it->second.value;
    }
  }
  metrics().cache_misses++;
  auto value = load(id);
  std::lock_guard g(mu_);
  lru_.push_front(id);
  slots_[id] = {value, lru_.begin()};
  bytes_ += value->bytes;
  // Evict least recently used entries beyond the budget (never the one just loaded); jobs
  // still proving with an evicted prover keep it alive through their shared_ptr.
  while (bytes_ > budget_ && lru_.size() > 1) {
    const std::string victim = lru_.back();
    lru_.pop_back();
    auto it = slots_.find(victim);
    bytes_ -= it->second.value->bytes;
    slots_.erase(it);
    metrics().cache_evictions++;
  }
  loading_.erase(id);
  metrics().cache_bytes = bytes_;
  return value;
}

std::shared_ptr<const CachedProver> ProverCache::load(const std::string& id) {
  fs::path path = fs::path(dir_) / (id + ".zkey");
  if (!fs::exists(path)) {
    // Fetch from the database, check the content address, then publish atomically.
    fs::path tmp = fs::path(dir_) / (id + ".zkey.tmp." + std::to_string(::getpid()) + "." + random_hex(4));
    {
      std::FILE* f = std::fopen(tmp.c_str(), "wb");
      if (!f) throw Error(Errc::io, "cannot write '" + tmp.string() + "'");
      Sha256 h;
      try {
        store_.read_circuit(id, [&](std::span<const std::uint8_t> chunk) {
          h.update(chunk);
          if (std::fwrite(chunk.data(), 1, chunk.size(), f) != chunk.size()) {
            throw Error(Errc::io, "cannot write '" + tmp.string() + "'");
          }
        });
      } catch (...) {
        std::fclose(f);
        fs::remove(tmp);
        throw;
      }
      if (std::fclose(f) != 0) throw Error(Errc::io, "cannot write '" + tmp.string() + "'");
      if (h.hex() != id) {
        fs::remove(tmp);
        throw Error(Errc::format, "stored zkey of circuit " + id + " does not match its hash");
      }
    }
    fs::rename(tmp, path);
  }
  auto cp = std::make_shared<CachedProver>();
  cp->pk = std::make_shared<const groth16::ProvingKey>(formats::load_zkey(path.string()));
  cp->prover = std::make_shared<const groth16::Prover>(cp->pk);
  cp->vk = std::make_shared<const groth16::PreparedVerifyingKey>(cp->pk->verifying_key());
  const auto& pk = *cp->pk;
  cp->bytes = (pk.a.size() + pk.b1.size() + pk.c.size() + pk.h.size() + pk.ic.size()) * sizeof(ec::G1Affine) +
              pk.b2.size() * sizeof(ec::G2Affine) + pk.coeffs.size() * sizeof(groth16::StoredCoefficient) +
              pk.domain_size() * 3 * sizeof(ff::Fr);
  log(LogLevel::info, "prover loaded", {{"circuit", id}, {"bytes", static_cast<std::int64_t>(cp->bytes)}});
  return cp;
}

// ---------------------------------------------------------------------------------------------
// workers

namespace {
std::string host_name() {
  char buf[256] = {0};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "host";
  return buf;
}
}  // namespace

std::shared_ptr<const circuit::Circuit> CircuitCache::get(
    const std::string& name, const std::map<std::string, std::uint64_t, std::less<>>& params) {
  std::string key = name;
  for (const auto& [k, v] : params) key += " " + k + "=" + std::to_string(v);
  {
    std::lock_guard lock(mu_);
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (it->first == key) {
        entries_.splice(entries_.begin(), entries_, it);
        return entries_.front().second;
      }
    }
  }
  // Built outside the lock (other parameter sets stay available); two workers missing together
  // both build, and one copy is kept.
  auto built = std::make_shared<const circuit::Circuit>(catalog::build(catalog::find(name), params));
  std::lock_guard lock(mu_);
  for (const auto& e : entries_) {
    if (e.first == key) return e.second;
  }
  entries_.emplace_front(key, built);
  if (entries_.size() > capacity_) entries_.pop_back();
  return built;
}

WorkerPool::WorkerPool(Store& store, Notifier& notifier, WorkerOptions opt)
    : store_(store),
      notifier_(notifier),
      opt_(std::move(opt)),
      cache_(store, opt_.cache_dir, opt_.cache_bytes),
      name_(host_name() + ":" + std::to_string(::getpid()) + ":" + random_hex(3)) {}

WorkerPool::~WorkerPool() {
  shutdown(std::chrono::milliseconds(0));
  // A thread still inside a prove cannot be interrupted: wait for it (its lease was released,
  // so its result is dropped). The CLI exits without destroying the pool, so it never waits here.
  for (auto& t : threads_)
    if (t.joinable()) t.join();
}

void WorkerPool::start() {
  for (unsigned k = 0; k < opt_.workers; ++k) threads_.emplace_back([this, k] { run(k); });
  heartbeat_ = std::thread([this] { heartbeat(); });
}

void WorkerPool::shutdown(std::chrono::milliseconds grace) {
  if (stopping_.exchange(true)) return;
  cv_.notify_all();
  notifier_.notify();
  auto deadline = Clock::now() + grace;
  {
    std::unique_lock lk(mu_);
    cv_.wait_until(lk, deadline, [&] { return active_.empty(); });
  }
  std::map<std::string, Active> left;
  {
    std::lock_guard g(mu_);
    left = active_;
  }
  for (auto& [id, a] : left) {
    try {
      store_.release(a.claim, a.worker);
      log(LogLevel::warn, "job released at shutdown", {{"job", id}});
    } catch (const std::exception& e) {
      log(LogLevel::error, "could not release job (its lease will expire)",
          {{"job", id}, {"error", e.what()}});
    }
  }
  if (heartbeat_.joinable()) heartbeat_.join();
  // Threads still inside a prove cannot be interrupted; their results are dropped because the
  // leases were released. They are joined by the destructor (detached, they would outlive the
  // pool they read), or end with the process.
  if (left.empty()) {
    for (auto& t : threads_) t.join();
    threads_.clear();
  }
}

void WorkerPool::heartbeat() {
  const auto period = std::chrono::milliseconds(std::max<std::int64_t>(opt_.lease_ms / 3, 50));
  while (!stopping_.load()) {
    {
      std::unique_lock lk(mu_);
      cv_.wait_for(lk, period, [&] { return stopping_.load(); });
    }
    if (stopping_.load()) break;
    std::vector<Claim> claims;
    {
      std::lock_guard g(mu_);
      for (auto& [id, a] : active_) claims.push_back(a.claim);
    }
    for (auto& c : claims) {
      try {
        if (!store_.renew(c, opt_.lease_ms)) {
          log(LogLevel::warn, "lease lost (job cancelled or taken over); its result will be dropped",
              {{"job", c.job_id}});
        }
      } catch (const std::exception& e) {
        log(LogLevel::warn, "lease renewal failed", {{"job", c.job_id}, {"error", e.what()}});
      }
    }
  }
}

void WorkerPool::run(unsigned index) {
  const std::string worker = name_ + "/" + std::to_string(index);
  std::int64_t last_reap = 0;
  std::int64_t backoff_ms = 0;
  while (!stopping_.load()) {
    std::uint64_t gen = notifier_.generation();
    std::optional<Claim> c;
    try {
      std::int64_t now = wall_ms();
      if (index == 0 && now - last_reap >= 1000) {
        last_reap = now;
        if (int n = store_.reap_expired(); n > 0) {
          log(LogLevel::warn, "requeued jobs whose lease expired", {{"count", std::int64_t{n}}});
          metrics().failures.inc({"lease_expired"}, static_cast<std::uint64_t>(n));
        }
      }
      c = store_.claim(worker, opt_.lease_ms);
      backoff_ms = 0;
    } catch (const std::exception& e) {
      backoff_ms = std::min<std::int64_t>(backoff_ms ? backoff_ms * 2 : 100, 5000);
      log(LogLevel::warn, "cannot claim a job (database unavailable?); retrying",
          {{"worker", worker}, {"error", e.what()}, {"retry_ms", backoff_ms}});
      std::unique_lock lk(mu_);
      cv_.wait_for(lk, std::chrono::milliseconds(backoff_ms), [&] { return stopping_.load(); });
      continue;
    }
    if (!c) {
      notifier_.wait(gen, std::chrono::milliseconds(opt_.poll_ms));
      continue;
    }
    if (stopping_.load()) {
      try {
        store_.release(*c, worker);
      } catch (...) {
      }
      break;
    }
    {
      std::lock_guard g(mu_);
      active_[c->job_id] = {*c, worker};
    }
    busy_++;
    process(*c, worker);
    busy_--;
    {
      std::lock_guard g(mu_);
      active_.erase(c->job_id);
    }
    cv_.notify_all();
    notifier_.notify();
  }
}

namespace {
// Retries a store call through transient database failures (e.g. a PostgreSQL restart) for up
// to `limit`; the lease may expire meanwhile, and then the store call reports a lost lease.
template <class F>
auto with_retry(F&& f, std::chrono::milliseconds limit) -> decltype(f()) {
  auto deadline = Clock::now() + limit;
  std::int64_t wait = 50;
  for (;;) {
    try {
      return f();
    } catch (const DbError& e) {
      if (!e.transient() || Clock::now() > deadline) throw;
      log(LogLevel::warn, "database call failed; retrying", {{"error", e.what()}});
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(wait));
    wait = std::min<std::int64_t>(wait * 2, 2000);
  }
}
}  // namespace

void WorkerPool::process(const Claim& c, const std::string& worker) {
  const auto retry_limit = std::chrono::milliseconds(std::max<std::int64_t>(opt_.lease_ms * 4, 60000));
  std::string reason_code, reason;
  bool retry = false;
  try {
    auto t0 = Clock::now();
    auto cached = cache_.get(c.circuit);
    auto bytes = with_retry([&] { return store_.witness(c.job_id); }, retry_limit);
    formats::Witness w;
    std::optional<std::string> results;
    const auto request =
        is_json_request(bytes) ? nlohmann::json::parse(bytes.begin(), bytes.end()) : nlohmann::json();
    if (request.contains("solvency")) {
      // A solvency batch or top, solved natively at its parameters.
      const auto job = catalog::solvency::read_job(request["solvency"]);
      auto circuit = circuits_.get(job.statement, job.params);
      w.values = circuit->witness(circuit->solve(job.input));
    } else if (request.contains("accounts")) {
      // A margin job: solved natively from the request, as an options job.
      auto p = catalog::margin::prepare(request);
      auto circuit = circuits_.get(p.statement, p.params);
      w.values = circuit->witness(circuit->solve(p.input));
    } else if (request.is_object()) {
      // An options job: the witness is solved here, natively, from the request (checked when it
      // was submitted; a constraint that fails now is named in the job's error). In commitment
      // mode the committed values are kept beside the proof (the job's `results`).
      auto p = catalog::options::prepare(request);
      auto circuit = circuits_.get("bsm_options", p.params);
      auto values = circuit->solve(p.input);
      w.values = circuit->witness(values);
      if (p.params.at("commit") == 1) {
        nlohmann::json rows = nlohmann::json::array();
        for (const auto& v : circuit->tap("rows", values)) rows.push_back(v.to_decimal());
        results = nlohmann::json{{"committed_rows", rows}}.dump();
      }
    } else {
      try {
        w = formats::parse_wtns(bytes, "witness of job " + c.job_id);
      } catch (const Error& e) {
        throw Error(Errc::format, std::string("invalid witness: ") + e.what());
      }
    }
    const auto& pk = *cached->pk;
    if (w.values.size() != pk.n_vars) {
      throw Error(Errc::mismatch, "witness has " + std::to_string(w.values.size()) +
                                      " values but the circuit expects " + std::to_string(pk.n_vars));
    }
    auto tp = Clock::now();
    groth16::Proof proof = cached->prover->prove(w.values);
    const std::chrono::duration<double> prove_time = Clock::now() - tp;
    const auto prove_ms = std::chrono::duration_cast<std::chrono::milliseconds>(prove_time).count();
    metrics().prove_time.observe(prove_time.count());
    std::vector<ff::u256> pub(pk.n_public);
    for (std::size_t k = 0; k < pk.n_public; ++k) pub[k] = w.values[k + 1].to_canonical();
    auto res = groth16::verify(*cached->vk, pub, proof);
    if (!res.valid) {
      throw Error(Errc::unsatisfied,
                  "witness does not satisfy the circuit: the proof did not verify (" + res.reason + ")");
    }
    std::string proof_json = formats::dump_snarkjs(formats::proof_to_json(proof));
    std::string pub_json = formats::dump_snarkjs(
        formats::public_to_json(std::span<const ff::Fr>(w.values.data() + 1, pk.n_public)));
    auto latency = with_retry(
        [&] { return store_.complete(c, worker, proof_json, pub_json, prove_ms, results); }, retry_limit);
    if (!latency) {
      log(LogLevel::warn, "result dropped: the lease was lost before completion", {{"job", c.job_id}});
      metrics().failures.inc({"lease_lost"});
      return;
    }
    metrics().succeeded++;
    metrics().job_latency.observe(static_cast<double>(*latency) / 1000.0);
    auto total_ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count();
    log(LogLevel::info, "job succeeded",
        {{"job", c.job_id},
         {"worker", worker},
         {"prove_ms", std::int64_t{prove_ms}},
         {"work_ms", std::int64_t{total_ms}},
         {"latency_ms", *latency},
         {"attempt", c.attempts}});
    return;
  } catch (const DbError& e) {
    reason_code = "database";
    reason = e.what();
    retry = true;
  } catch (const Error& e) {
    switch (e.code()) {
      case Errc::unsatisfied:
        reason_code = "unsatisfied_witness";
        break;
      case Errc::mismatch:
      case Errc::format:
      case Errc::out_of_range:
        reason_code = "invalid_witness";
        break;
      default:
        reason_code = "prover_error";
        retry = true;
        break;
    }
    reason = e.what();
  } catch (const std::bad_alloc&) {
    reason_code = "out_of_memory";
    reason = "out of memory while proving";
    retry = true;
  } catch (const std::exception& e) {
    reason_code = "prover_error";
    reason = e.what();
    retry = true;
  }
  metrics().failures.inc({reason_code});
  try {
    std::optional<JobState> state =
        with_retry([&] { return store_.fail(c, worker, reason, retry); }, retry_limit);
    log(LogLevel::warn, "job attempt failed",
        {{"job", c.job_id},
         {"reason", reason_code},
         {"error", reason},
         {"state", state ? std::string(state_name(*state)) : std::string("lease lost")},
         {"attempt", c.attempts}});
  } catch (const std::exception& e) {
    log(LogLevel::error, "could not record a failed attempt (the lease will expire)",
        {{"job", c.job_id}, {"error", e.what()}});
  }
}

}  // namespace pm::service
