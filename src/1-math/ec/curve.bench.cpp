#include <benchmark/benchmark.h>

#include "ec/bn254.hpp"
#include "ec/consttime.hpp"
#include "ec/glv.hpp"

namespace pm::ec {
namespace {

template <class Cfg>
void BM_AddMixed(benchmark::State& state, const Affine<Cfg>& g) {
  auto acc = Jacobian<Cfg>::from_affine(g).dbl();
  for (auto _ : state) {
    acc = acc.add_mixed(g);
    benchmark::DoNotOptimize(acc);
  }
}
template <class Cfg>
void BM_Add(benchmark::State& state, const Affine<Cfg>& g) {
  auto acc = Jacobian<Cfg>::from_affine(g).dbl();
  auto q = acc.dbl();
  for (auto _ : state) {
    acc = acc.add(q);
    benchmark::DoNotOptimize(acc);
  }
}
template <class Cfg>
void BM_Double(benchmark::State& state, const Affine<Cfg>& g) {
  auto acc = Jacobian<Cfg>::from_affine(g);
  for (auto _ : state) {
    acc = acc.dbl();
    benchmark::DoNotOptimize(acc);
  }
}
// A secret-sized scalar (254 bits): constant time against GLV's variable time.
const ff::u256 kScalar{0x2b3c4d5e6f708192ull, 0xa1b2c3d4e5f60718ull, 0x1122334455667788ull,
                       0x1fedcba987654321ull};
template <class Cfg>
void BM_MulConstTime(benchmark::State& state, const Affine<Cfg>& g) {
  auto p = Jacobian<Cfg>::from_affine(g);
  for (auto _ : state) benchmark::DoNotOptimize(mul_consttime(p, kScalar));
}
template <class Cfg>
void BM_MulGlvVartime(benchmark::State& state, const Affine<Cfg>& g) {
  auto p = Jacobian<Cfg>::from_affine(g);
  for (auto _ : state) benchmark::DoNotOptimize(glv_mul_vartime(p, kScalar));
}
BENCHMARK_CAPTURE(BM_MulConstTime, g1, g1_generator());
BENCHMARK_CAPTURE(BM_MulGlvVartime, g1, g1_generator());
BENCHMARK_CAPTURE(BM_MulConstTime, g2, g2_generator());
BENCHMARK_CAPTURE(BM_MulGlvVartime, g2, g2_generator());

BENCHMARK_CAPTURE(BM_AddMixed, g1, g1_generator());
BENCHMARK_CAPTURE(BM_Add, g1, g1_generator());
BENCHMARK_CAPTURE(BM_Double, g1, g1_generator());
BENCHMARK_CAPTURE(BM_AddMixed, g2, g2_generator());
BENCHMARK_CAPTURE(BM_Add, g2, g2_generator());
BENCHMARK_CAPTURE(BM_Double, g2, g2_generator());

void BM_G2SubgroupCheck(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(g2_in_subgroup(g2_generator()));
}
BENCHMARK(BM_G2SubgroupCheck);

}  // namespace
}  // namespace pm::ec
