#include "msm/msm.hpp"

#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "ff/bn254.hpp"

namespace pm::msm {
namespace {

template <class Cfg>
std::vector<ec::Affine<Cfg>> make_bases(const ec::Affine<Cfg>& g, std::size_t n) {
  using J = ec::Jacobian<Cfg>;
  std::vector<J> pts(n);
  J p = J::from_affine(g).dbl();
  for (std::size_t i = 0; i < n; ++i) {
    pts[i] = p;
    p = p.add_mixed(g);
  }
  std::vector<ec::Affine<Cfg>> out(n);
  ec::batch_to_affine<Cfg>(pts, out);
  return out;
}

std::vector<ff::u256> random_scalars(std::size_t n) {
  std::mt19937_64 rng(42);
  std::vector<ff::u256> s(n);
  for (auto& k : s) k = ff::Fr::from_u256_reduce({rng(), rng(), rng(), rng()}).to_canonical();
  return s;
}

// From a few hundred points to a million: every size takes the same sorted buckets.
void sizes(benchmark::internal::Benchmark* b) {
  for (int log_n : {9, 11, 13, 14, 16, 18, 20}) b->Arg(log_n);
  b->Unit(benchmark::kMillisecond)->UseRealTime();
}

void BM_MsmG1(benchmark::State& state) {
  std::size_t n = std::size_t{1} << state.range(0);
  auto bases = make_bases(ec::g1_generator(), n);
  auto scalars = random_scalars(n);
  for (auto _ : state) benchmark::DoNotOptimize(msm_g1(bases, scalars));
}
BENCHMARK(BM_MsmG1)->Apply(sizes);

void BM_MsmG2(benchmark::State& state) {
  std::size_t n = std::size_t{1} << state.range(0);
  auto bases = make_bases(ec::g2_generator(), n);
  auto scalars = random_scalars(n);
  for (auto _ : state) benchmark::DoNotOptimize(msm_g2(bases, scalars));
}
BENCHMARK(BM_MsmG2)->Apply(sizes);

}  // namespace
}  // namespace pm::msm
