#include "groth16/prover.hpp"

#include <algorithm>

#include "base/error.hpp"
#include "base/parallel.hpp"
#include "base/random.hpp"
#include "ec/consttime.hpp"
#include "msm/msm.hpp"
#include "poly/ntt.hpp"

namespace pm::groth16 {

using ec::G1;
using ec::G2;
using ff::Fr;
using ff::u256;

namespace {

// Up to this domain the MSMs run together (msm::msm_many); above it one at a time, which keeps
// one table resident at a time. Measured (`proofmill prove`, 2 cores, ADX path, medians of 5,
// together -> one at a time): 2^12 72 -> 91 ms and 15.6 -> 10.2 MiB; 2^14 228 -> 248 ms and
// 30.9 -> 17.6 MiB; 2^16 713 -> 734 ms and 89 -> 43 MiB (IFMA: 2^14 150 -> 151 ms). Above 2^12
// the speed is not worth the memory.
constexpr std::size_t kManyMsmMaxDomain = std::size_t{1} << 13;

Fr random_fr() {
  for (;;) {
    u256 x;
    os_random_bytes(x.data(), sizeof x);
    x[3] &= (std::uint64_t{1} << 62) - 1;  // r < 2^254: keep 254 bits, reject >= r
    if (auto v = Fr::from_canonical(x)) return *v;
  }
}

std::vector<u256> to_canonical(std::span<const Fr> v) {
  std::vector<u256> out(v.size());
  parallel_for(v.size(), 4096, [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) out[i] = v[i].to_canonical();
  });
  return out;
}

// Natural-order evaluations on the domain -> natural-order evaluations on the odd coset
// w_2n * <w_n>, without a bit-reversal pass: the inverse DIF leaves coefficients bit-reversed,
// so coefficient j sits at position bitrev(j) when it is multiplied by w_2n^j. The inverse
// NTT's 1/n factor is folded into shift_bitrev.
void to_odd_coset(const poly::Domain& d, std::span<Fr> v, std::span<const Fr> shift_bitrev) {
  d.ifft_dif_unscaled(v);
  parallel_for(v.size(), 4096, [&](std::size_t b, std::size_t e) {
    for (std::size_t p = b; p < e; ++p) v[p] *= shift_bitrev[p];
  });
  d.fft_dit(v);
}

}  // namespace

Blinding Blinding::random() { return {random_fr(), random_fr()}; }

Prover::Prover(std::shared_ptr<const ProvingKey> pk) : pk_(std::move(pk)) {
  PM_ASSERT(pk_ != nullptr);
  const unsigned log_n = pk_->log_domain;
  domain_ = std::make_shared<const poly::Domain>(log_n);
  coset_shift_bitrev_.resize(pk_->domain_size());
  const Fr shift = ff::fr_root_of_unity(log_n + 1);
  const Fr n_inv = domain_->size_inverse();
  parallel_for(coset_shift_bitrev_.size(), 4096, [&](std::size_t lo, std::size_t hi) {
    Fr x = shift.pow_vartime({lo, 0, 0, 0}) * n_inv;
    for (std::size_t j = lo; j < hi; ++j) {
      coset_shift_bitrev_[poly::bit_reverse(j, log_n)] = x;
      x *= shift;
    }
  });
}

std::vector<Fr> Prover::h_evaluations(std::span<const Fr> witness) const {
  return h_from_canonical(to_canonical(witness));
}

std::vector<Fr> Prover::h_from_canonical(std::span<const u256> w) const {
  const ProvingKey& pk = *pk_;
  const std::size_t n = pk.domain_size();
  std::vector<Fr> a(n), b(n), c(n);
  // A·w and B·w on the domain, the two matrices on two threads, straight from the zkey's
  // records: a stored value is the Montgomery limbs of value * R and the witness is in standard
  // form, so reading both as Montgomery limbs makes their product value * w.
  // Records are taken in chunks so that, when asked, each chunk's pages are dropped once both
  // threads are past it: a large coefficient section is then never resident whole.
  const UnalignedSpan<StoredCoefficient> coeffs = pk.coeffs;
  constexpr std::size_t kChunk = std::size_t{1} << 18;  // 11.5 MB of records
  for (std::size_t lo = 0; lo < coeffs.size(); lo += kChunk) {
    const std::size_t hi = std::min(coeffs.size(), lo + kChunk);
    parallel_chunks(2, 2, [&](std::size_t m, std::size_t, unsigned) {
      std::vector<Fr>& out = m == 0 ? a : b;
      for (std::size_t i = lo; i < hi; ++i) {
        const StoredCoefficient k = coeffs[i];
        if (k.matrix() != m) continue;
        // Checked at load, and again here: a mapped file is re-read after its pages are
        // dropped, and must not index outside the arrays even if it changed since.
        if (k.constraint() >= n || k.signal() >= w.size()) [[unlikely]] {
          throw Error(Errc::format, "proving key coefficient " + std::to_string(i) +
                                        " indexes outside the key (was the .zkey changed while in use?)");
        }
        out[k.constraint()] += Fr::from_mont_unchecked(k.limbs()) * Fr::from_mont_unchecked(w[k.signal()]);
      }
    });
    if (release_pages_) pk.coeffs.release(lo, hi - lo);
  }
  parallel_for(n, 4096, [&](std::size_t lo, std::size_t hi) {
    for (std::size_t i = lo; i < hi; ++i) c[i] = a[i] * b[i];
  });
  to_odd_coset(*domain_, a, coset_shift_bitrev_);
  to_odd_coset(*domain_, b, coset_shift_bitrev_);
  to_odd_coset(*domain_, c, coset_shift_bitrev_);
  parallel_for(n, 4096, [&](std::size_t lo, std::size_t hi) {
    for (std::size_t i = lo; i < hi; ++i) a[i] = a[i] * b[i] - c[i];
  });
  return a;
}

Proof Prover::prove(std::span<const Fr> witness, const Blinding& blinding, const ProgressFn& progress) const {
  const ProvingKey& pk = *pk_;
  if (witness.size() != pk.n_vars) {
    throw Error(Errc::mismatch, "witness has " + std::to_string(witness.size()) +
                                    " values but the proving key expects " + std::to_string(pk.n_vars));
  }
  constexpr unsigned kStages = 6;
  auto report = [&](std::string_view stage, unsigned i) {
    if (progress) progress(stage, i, kStages);
  };
  report("witness scalars", 0);
  std::vector<u256> w = to_canonical(witness);
  report("H polynomial (6 NTTs)", 1);
  std::vector<u256> h = to_canonical(h_from_canonical(w));

  G2 b2;
  G1 a1, b1, c1, h1;
  const std::span<const u256> w_private = std::span(w).subspan(pk.n_public + 1);
  if (pk.domain_size() <= kManyMsmMaxDomain) {
    // Small keys: the five MSMs' windows as one pool over the threads (msm_many), so that no
    // core idles at the end of each MSM.
    report("MSMs (G2 B; G1 A, B, C, H)", 2);
    const msm::Job<ec::G1Affine> g1_jobs[] = {{pk.a, w}, {pk.b1, w}, {pk.c, w_private}, {pk.h, h}};
    const msm::Job<ec::G2Affine> g2_jobs[] = {{pk.b2, w}};
    G1 g1_out[4];
    msm::msm_many(g1_jobs, g1_out, g2_jobs, std::span(&b2, 1));
    a1 = g1_out[0], b1 = g1_out[1], c1 = g1_out[2], h1 = g1_out[3];
  } else {
    // Large keys, one MSM at a time, each over every thread; each table's pages are dropped
    // once its MSM is done (when asked): the peak then holds one table at a time instead of
    // the whole key.
    auto one = [&](auto msm, const auto& table, std::span<const u256> scalars) {
      auto sum = msm(table, scalars);
      if (release_pages_) table.release();
      return sum;
    };
    report("MSM B (G2)", 2);
    b2 = one(msm::msm_g2, pk.b2, w);
    report("MSM A, B (G1)", 3);
    a1 = one(msm::msm_g1, pk.a, w);
    b1 = one(msm::msm_g1, pk.b1, w);
    report("MSM C (G1)", 4);
    c1 = one(msm::msm_g1, pk.c, w_private);
    report("MSM H (G1)", 5);
    h1 = one(msm::msm_g1, pk.h, h);
  }

  const u256 r = blinding.r.to_canonical(), s = blinding.s.to_canonical();
  const u256 rs = (blinding.r * blinding.s).to_canonical();
  const G1 delta1 = G1::from_affine(pk.delta1);

  // The blinding factors are secrets (with them and the proof, the witness's MSMs are exposed):
  // multiplied in constant time (ec/consttime.hpp).
  G1 pi_a = a1.add_mixed(pk.alpha1).add(ec::mul_consttime(delta1, r));
  G2 pi_b = b2.add_mixed(pk.beta2).add(ec::mul_consttime(G2::from_affine(pk.delta2), s));
  G1 pi_b1 = b1.add_mixed(pk.beta1).add(ec::mul_consttime(delta1, s));
  G1 pi_c = c1.add(h1)
                .add(ec::mul_consttime(pi_a, s))
                .add(ec::mul_consttime(pi_b1, r))
                .add(ec::mul_consttime(delta1, rs).neg());
  report("done", 6);
  return {pi_a.to_affine(), pi_b.to_affine(), pi_c.to_affine()};
}

}  // namespace pm::groth16
