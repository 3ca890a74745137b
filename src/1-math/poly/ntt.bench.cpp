#include "poly/ntt.hpp"

#include <benchmark/benchmark.h>

namespace pm::poly {
namespace {

void BM_Ntt(benchmark::State& state) {
  unsigned log_n = static_cast<unsigned>(state.range(0));
  Domain d(log_n);
  std::vector<Fr> a(d.size());
  for (std::size_t i = 0; i < a.size(); ++i) a[i] = Fr::from_u64(i * 7 + 1);
  for (auto _ : state) {
    d.fft_dif(a);
    benchmark::DoNotOptimize(a.data());
  }
}
BENCHMARK(BM_Ntt)->Arg(16)->Arg(18)->Arg(20)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace pm::poly
