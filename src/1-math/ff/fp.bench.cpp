#include <benchmark/benchmark.h>

#include "ff/fq_x8.hpp"
#include "ff/tower.hpp"

namespace pm::ff {
namespace {

template <class F>
void BM_Mul(benchmark::State& state) {
  set_use_adx(state.range(0) != 0);
  if (state.range(0) != 0 && !cpu_has_adx()) {
    state.SkipWithError("no ADX on this CPU");
    return;
  }
  F a = F::from_u64(123456789), b = F::from_u64(987654321);
  for (auto _ : state) {
    a = a * b;
    benchmark::DoNotOptimize(a);
  }
  set_use_adx(true);
}
BENCHMARK(BM_Mul<Fq>)->Arg(1)->Arg(0)->ArgName("adx");
BENCHMARK(BM_Mul<Fr>)->Arg(1)->Arg(0)->ArgName("adx");

// Four independent chains: throughput rather than latency.
template <class F>
void BM_MulThroughput(benchmark::State& state) {
  F a = F::from_u64(1), b = F::from_u64(2), c = F::from_u64(3), d = F::from_u64(4),
    m = F::from_u64(987654321);
  for (auto _ : state) {
    a = a * m;
    b = b * m;
    c = c * m;
    d = d * m;
  }
  benchmark::DoNotOptimize(a);
  benchmark::DoNotOptimize(b);
  benchmark::DoNotOptimize(c);
  benchmark::DoNotOptimize(d);
  state.SetItemsProcessed(4 * state.iterations());
}
BENCHMARK(BM_MulThroughput<Fq>);

template <class F>
void BM_Add(benchmark::State& state) {
  F a = F::from_u64(123456789), b = F::from_u64(987654321);
  for (auto _ : state) {
    a = a + b;
    benchmark::DoNotOptimize(a);
  }
}
BENCHMARK(BM_Add<Fr>);

void BM_InverseFermat(benchmark::State& state) {
  Fr a = Fr::from_u64(123456789);
  for (auto _ : state) {
    a = a.inverse() + Fr::one();
    benchmark::DoNotOptimize(a);
  }
}
BENCHMARK(BM_InverseFermat);

void BM_InverseVartime(benchmark::State& state) {
  Fq a = Fq::from_u64(123456789);
  for (auto _ : state) {
    a = a.inverse_vartime() + Fq::one();
    benchmark::DoNotOptimize(a);
  }
}
BENCHMARK(BM_InverseVartime);

// Fq2 products, two independent chains (throughput): lazy:1 is the lazily reduced product the
// ADX path uses, lazy:0 the Karatsuba product with three fully reduced Montgomery multiplies.
void BM_Fq2Mul(benchmark::State& state) {
#if defined(__x86_64__)
  if (!cpu_has_adx()) {
    state.SkipWithError("no ADX on this CPU");
    return;
  }
  const bool lazy = state.range(0) != 0;
  Fq2 a{Fq::from_u64(3), Fq::from_u64(5)}, b{Fq::from_u64(7), Fq::from_u64(11)}, c = b, d = a;
  auto reduced = [](const Fq2& x, const Fq2& y) {
    Fq v0 = x.c0 * y.c0, v1 = x.c1 * y.c1;
    return Fq2{v0 - v1, (x.c0 + x.c1) * (y.c0 + y.c1) - v0 - v1};
  };
  for (auto _ : state) {
    if (lazy) {
      a = Fq2::mul_lazy(a, b);
      c = Fq2::mul_lazy(c, d);
    } else {
      a = reduced(a, b);
      c = reduced(c, d);
    }
  }
  benchmark::DoNotOptimize(a);
  benchmark::DoNotOptimize(c);
  state.SetItemsProcessed(2 * state.iterations());
#else
  state.SkipWithError("x86-64 only");
#endif
}
BENCHMARK(BM_Fq2Mul)->Arg(0)->Arg(1)->ArgName("lazy");

void BM_Fq12Mul(benchmark::State& state) {
  Fq12 a = Fq12::one();
  a.c1.c2.c1 = Fq::from_u64(3);
  Fq12 b = a.square();
  for (auto _ : state) {
    a = a * b;
    benchmark::DoNotOptimize(a);
  }
}
BENCHMARK(BM_Fq12Mul);

#if defined(__x86_64__)
// Eight-lane IFMA products (ff/fq_x8.hpp) in four independent chains, as the batch-affine
// kernel keeps several in flight; the reported time is per vector product (8 lane products).
[[gnu::target("avx512f,avx512ifma")]] void fq8_chains(benchmark::State& state) {
  Fq lanes[8];
  for (int i = 0; i < 8; ++i) lanes[i] = Fq::from_u64(1234567 + static_cast<std::uint64_t>(i));
  x8::Fq8 x[4] = {x8::pack(lanes), x8::pack(lanes), x8::pack(lanes), x8::pack(lanes)};
  const x8::Fq8 y = x8::broadcast(Fq::from_u64(987654321).mont());
  for (auto _ : state) {
    for (auto& v : x) v = x8::mul(v, y);
  }
  Fq out[8];
  x8::unpack(x[0], out);
  benchmark::DoNotOptimize(out);
  state.SetItemsProcessed(state.iterations() * 4);
}
void BM_Fq8Mul(benchmark::State& state) {
  if (!cpu_has_ifma()) {
    state.SkipWithError("no AVX-512 IFMA on this CPU");
    return;
  }
  fq8_chains(state);
}
BENCHMARK(BM_Fq8Mul);
#endif

}  // namespace
}  // namespace pm::ff
