#include "pairing/pairing.hpp"

#include <benchmark/benchmark.h>

namespace pm::pairing {
namespace {

void BM_Pairing(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(pairing(ec::g1_generator(), ec::g2_generator()));
}
BENCHMARK(BM_Pairing)->Unit(benchmark::kMillisecond);

void BM_MillerLoop(benchmark::State& state) {
  ec::G1Affine p[] = {ec::g1_generator()};
  ec::G2Affine q[] = {ec::g2_generator()};
  for (auto _ : state) benchmark::DoNotOptimize(miller_loop(p, q));
}
BENCHMARK(BM_MillerLoop)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace pm::pairing
