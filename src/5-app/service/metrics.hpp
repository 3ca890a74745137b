#pragma once
/// \file Process-wide counters and histograms, rendered in the Prometheus text format.
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace pm::service {

class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void observe(double v);
  void render(std::string& out, const std::string& name, const std::string& help) const;

 private:
  std::vector<double> bounds_;
  mutable std::mutex mu_;
  std::vector<std::uint64_t> counts_;  // one per bound, plus +Inf
  double sum_ = 0;
  std::uint64_t n_ = 0;
};

/// Counters keyed by label values (e.g. failures by reason; requests by route and code).
class LabeledCounter {
 public:
  explicit LabeledCounter(std::vector<std::string> labels) : labels_(std::move(labels)) {}
  /// `values` holds one value per label, in the order given at construction.
  void inc(const std::vector<std::string>& values, std::uint64_t by = 1);
  void render(std::string& out, const std::string& name, const std::string& help) const;

 private:
  std::vector<std::string> labels_;
  mutable std::mutex mu_;
  std::map<std::vector<std::string>, std::uint64_t> values_;
};

struct Metrics {
  Histogram job_latency{{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600}};
  Histogram prove_time{{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60}};
  LabeledCounter failures{{"reason"}};
  LabeledCounter http_requests{{"route", "code"}};
  std::atomic<std::uint64_t> succeeded{0}, cache_hits{0}, cache_misses{0}, cache_evictions{0}, cache_bytes{0};

  /// Everything this process counted; `job_states` (from the database) is added as a gauge.
  std::string render(const std::map<std::string, std::int64_t>& job_states) const;
};

Metrics& metrics();

}  // namespace pm::service
