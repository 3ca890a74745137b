#include "service/metrics.hpp"

#include <algorithm>
#include <cstdio>

namespace pm::service {
namespace {
std::string num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}
std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}
}  // namespace

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), counts_(bounds_.size() + 1, 0) {}

void Histogram::observe(double v) {
  std::lock_guard g(mu_);
  auto k = static_cast<std::size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), v) - bounds_.begin());
  ++counts_[k];
  sum_ += v;
  ++n_;
}

void Histogram::render(std::string& out, const std::string& name, const std::string& help) const {
  std::lock_guard g(mu_);
  out += "# HELP " + name + " " + help + "\n# TYPE " + name + " histogram\n";
  std::uint64_t cum = 0;
  for (std::size_t k = 0; k < bounds_.size(); ++k) {
    cum += counts_[k];
    out += name + "_bucket{le=\"" + num(bounds_[k]) + "\"} " + std::to_string(cum) + "\n";
  }
  cum += counts_.back();
  out += name + "_bucket{le=\"+Inf\"} " + std::to_string(cum) + "\n";
  out += name + "_sum " + num(sum_) + "\n" + name + "_count " + std::to_string(n_) + "\n";
}

void LabeledCounter::inc(const std::vector<std::string>& values, std::uint64_t by) {
  std::lock_guard g(mu_);
  values_[values] += by;
}

void LabeledCounter::render(std::string& out, const std::string& name, const std::string& help) const {
  std::lock_guard g(mu_);
  out += "# HELP " + name + " " + help + "\n# TYPE " + name + " counter\n";
  for (auto& [key, v] : values_) {
    std::string labels;
    for (std::size_t k = 0; k < labels_.size() && k < key.size(); ++k) {
      labels += (k ? "," : "") + labels_[k] + "=\"" + escape(key[k]) + "\"";
    }
    out += name + "{" + labels + "} " + std::to_string(v) + "\n";
  }
}

std::string Metrics::render(const std::map<std::string, std::int64_t>& job_states) const {
  std::string out;
  if (!job_states.empty()) {
    out += "# HELP proofmill_jobs Jobs in the database by state.\n# TYPE proofmill_jobs gauge\n";
    for (auto& [state, n] : job_states)
      out += "proofmill_jobs{state=\"" + escape(state) + "\"} " + std::to_string(n) + "\n";
  }
  job_latency.render(out, "proofmill_job_latency_seconds",
                     "Time from submission to result of jobs finished by this process's workers.");
  prove_time.render(out, "proofmill_prove_seconds", "Time spent in the prover per job (this process).");
  failures.render(out, "proofmill_job_failures_total", "Failed job attempts by reason (this process).");
  auto counter = [&](const char* name, const char* help, std::uint64_t v, const char* type = "counter") {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" + name + " " +
           std::to_string(v) + "\n";
  };
  counter("proofmill_jobs_succeeded_total", "Jobs proven, verified and stored by this process.",
          succeeded.load());
  counter("proofmill_prover_cache_hits_total", "Jobs whose parsed prover was already in memory.",
          cache_hits.load());
  counter("proofmill_prover_cache_misses_total", "Jobs that had to load and parse a zkey.",
          cache_misses.load());
  counter("proofmill_prover_cache_evictions_total", "Provers evicted to stay within the cache budget.",
          cache_evictions.load());
  counter("proofmill_prover_cache_bytes", "Estimated memory held by cached provers.", cache_bytes.load(),
          "gauge");
  http_requests.render(out, "proofmill_http_requests_total", "HTTP requests by route and status code.");
  return out;
}

Metrics& metrics() {
  static Metrics m;
  return m;
}

}  // namespace pm::service
