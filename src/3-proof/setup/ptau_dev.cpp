#include "setup/ptau_dev.hpp"

#include <string.h>  // explicit_bzero

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "base/error.hpp"
#include "base/parallel.hpp"
#include "ec/bn254.hpp"
#include "ec/fixed_base.hpp"
#include "setup/ceremony.hpp"
#include "setup/hash.hpp"
#include "setup/ptau.hpp"

namespace pm::setup {
namespace {

using ff::Fr;
using ff::u256;

}  // namespace

Fr dev_secret_from_seed(std::string_view label, std::string_view seed) {
  Sha256 h;
  h.update("proofmill dev ptau v1 ");
  h.update(label);
  h.update(std::string_view("\0", 1));
  h.update(seed);
  auto d = h.finish();
  u256 x{};
  for (int i = 0; i < 32; ++i) x[3 - i / 8] |= std::uint64_t{d[i]} << (56 - 8 * (i % 8));  // big-endian
  Fr r = Fr::from_u256_reduce(x);
  wipe_bytes(d.data(), d.size());
  wipe_bytes(x.data(), sizeof(x));
  return r;
}

namespace {

// ---------------------------------------------------------------------------------------------
// Streaming output

class Emitter {
 public:
  explicit Emitter(const ByteSink& sink) : sink_(sink) { buf_.reserve(kFlushAt); }
  void bytes(const std::uint8_t* p, std::size_t n) {
    buf_.insert(buf_.end(), p, p + n);
    if (buf_.size() >= kFlushAt) flush();
  }
  void u32(std::uint32_t v) { le(v, 4); }
  void u64(std::uint64_t v) { le(v, 8); }
  void section(std::uint32_t id, std::uint64_t size) {
    u32(id);
    u64(size);
  }
  void flush() {
    if (!buf_.empty()) sink_(buf_);
    buf_.clear();
  }

 private:
  static constexpr std::size_t kFlushAt = std::size_t{4} << 20;
  void le(std::uint64_t v, int n) {
    std::uint8_t b[8];
    for (int i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(v >> (8 * i));
    bytes(b, static_cast<std::size_t>(n));
  }
  const ByteSink& sink_;
  std::vector<std::uint8_t> buf_;
};

void put_fq(const ff::Fq& x, std::uint8_t* out) { x.to_mont_le_bytes(out); }
void put(const ec::G1Affine& p, std::uint8_t* out) {
  put_fq(p.x, out);
  put_fq(p.y, out + 32);
}
void put(const ec::G2Affine& p, std::uint8_t* out) {
  put_fq(p.x.c0, out);
  put_fq(p.x.c1, out + 32);
  put_fq(p.y.c0, out + 64);
  put_fq(p.y.c1, out + 96);
}

/// Fills out[i] with the scalar of point begin + i; called concurrently on disjoint ranges.
using ScalarGen = std::function<void(std::uint64_t begin, std::span<Fr> out)>;

/// Writes `count` points scalar(i) * generator, computed chunk by chunk.
template <class C>
void emit_points(Emitter& em, const ec::FixedBaseTable<C>& table, std::uint64_t count, const ScalarGen& gen) {
  constexpr std::size_t kChunk = std::size_t{1} << 12;  // points per round: small enough that tests cross it
  constexpr std::size_t kPointBytes = sizeof(ec::Affine<C>);
  std::size_t cap = static_cast<std::size_t>(std::min<std::uint64_t>(count, kChunk));
  std::vector<Fr> fr(cap);
  std::vector<u256> scalars(cap);
  std::vector<ec::Affine<C>> points(cap);
  std::vector<std::uint8_t> bytes(cap * kPointBytes);
  for (std::uint64_t start = 0; start < count; start += kChunk) {
    std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(count - start, kChunk));
    parallel_for(n, 1024, [&](std::size_t b, std::size_t e) {
      gen(start + b, std::span<Fr>(fr.data() + b, e - b));
      for (std::size_t i = b; i < e; ++i) scalars[i] = fr[i].to_canonical();
    });
    ec::fixed_base_mul_batch<C>(table, std::span<const u256>(scalars.data(), n),
                                std::span<ec::Affine<C>>(points.data(), n));
    for (std::size_t i = 0; i < n; ++i) put(points[i], bytes.data() + i * kPointBytes);
    em.bytes(bytes.data(), n * kPointBytes);
  }
  wipe_vector(fr);
  wipe_vector(scalars);
}

/// scale * x^i. The generators hold secret-derived values and wipe them when destroyed
/// (std::function copies them; every copy wipes itself).
struct Powers {
  Fr x, scale;
  Powers(const Fr& x_, const Fr& scale_) : x(x_), scale(scale_) {}
  Powers(const Powers&) = default;
  ~Powers() { wipe_bytes(this, sizeof(*this)); }
  void operator()(std::uint64_t begin, std::span<Fr> out) const {
    Fr v = scale * x.pow_vartime({begin, 0, 0, 0});
    for (Fr& o : out) {
      o = v;
      v *= x;
    }
    wipe_bytes(&v, sizeof(v));
  }
};

/// scale * L_i(tau) over the 2^k-th roots of unity, L_i(X) = w^i (X^M - 1) / (M (X - w^i)).
/// `truncated` drops the tau^(M-1) term of the sum (1/M) sum_j tau^j w^(-ij): snarkjs builds the
/// top level of section 12 by an inverse FFT of tauG1 padded with infinity where tau^(2N-1)
/// would be, so its points are L_i(tau) - tau^(M-1) w^i / M.
struct Lagrange {
  Fr tau, c, t, w;  // c = scale (tau^M - 1) / M, t = scale tau^(M-1) / M or 0, w = w_M
  Lagrange(const Fr& tau_, unsigned k, const Fr& scale, bool truncated)
      : tau(tau_), w(ff::fr_root_of_unity(k)) {
    std::uint64_t m = std::uint64_t{1} << k;
    Fr m_inv = Fr::from_u64(m).inverse();
    c = scale * (tau.pow_vartime({m, 0, 0, 0}) - Fr::one()) * m_inv;
    t = truncated ? scale * tau.pow_vartime({m - 1, 0, 0, 0}) * m_inv : Fr::zero();
  }
  Lagrange(const Lagrange&) = default;
  ~Lagrange() { wipe_bytes(this, sizeof(*this)); }
  void operator()(std::uint64_t begin, std::span<Fr> out) const {
    // out[i] = w^i for now; den_i = tau - w^i, batch-inverted (prefix products, one inversion).
    std::vector<Fr> prefix(out.size());
    Fr wi = w.pow_vartime({begin, 0, 0, 0}), acc = Fr::one();
    for (std::size_t i = 0; i < out.size(); ++i) {
      out[i] = wi;
      prefix[i] = acc;
      acc *= tau - wi;
      wi *= w;
    }
    Fr inv = acc.inverse();
    for (std::size_t i = out.size(); i-- > 0;) {
      Fr den_inv = inv * prefix[i];
      inv *= tau - out[i];
      out[i] = c * out[i] * den_inv - t * out[i];
    }
    wipe_vector(prefix);
    wipe_bytes(&inv, sizeof(inv));
    wipe_bytes(&acc, sizeof(acc));
  }
};

constexpr std::uint64_t kG1 = 64, kG2 = 128;

void check_inputs(unsigned power, const DevToxicWaste& tw) {
  if (power < 1 || power > kMaxDevPtauPower) {
    throw Error(Errc::invalid_argument, "dev ptau: power must be in 1.." + std::to_string(kMaxDevPtauPower) +
                                            ", got " + std::to_string(power));
  }
  check_dev_toxic_waste(tw);
}

}  // namespace

DevToxicWaste dev_toxic_waste_from_seed(std::string_view seed) {
  DevToxicWaste tw{dev_secret_from_seed("tau", seed), dev_secret_from_seed("alpha", seed),
                   dev_secret_from_seed("beta", seed)};
  check_dev_toxic_waste(tw);
  return tw;
}

void check_dev_toxic_waste(const DevToxicWaste& tw) {
  Fr x = tw.tau;
  for (unsigned i = 0; i < ff::FrParams::kTwoAdicity; ++i) x = x.square();
  bool root_of_unity = x.is_one();
  wipe_bytes(&x, sizeof(x));
  if (tw.tau.is_zero() || root_of_unity) {
    throw Error(Errc::invalid_argument, "dev ptau: tau must be non-zero and not a 2^k-th root of unity");
  }
  if (tw.alpha.is_zero() || tw.beta.is_zero()) {
    throw Error(Errc::invalid_argument, "dev ptau: alpha and beta must be non-zero");
  }
}

void wipe(DevToxicWaste& tw) { wipe_bytes(&tw, sizeof(tw)); }

std::uint64_t dev_ptau_size(unsigned power) {
  std::uint64_t n = std::uint64_t{1} << power;
  std::uint64_t body = 44 + (2 * n - 1) * kG1 + n * kG2 + 2 * n * kG1 + kG2 + 4 +      // sections 1-7
                       (4 * n - 1) * kG1 + (2 * n - 1) * kG2 + 2 * (2 * n - 1) * kG1;  // 12-15
  return 12 + 11 * 12 + body;
}

void write_dev_ptau(unsigned power, const DevToxicWaste& secrets, const ByteSink& sink,
                    const ProgressFn& progress) {
  check_inputs(power, secrets);
  struct Copy {  // wiped on every exit, exceptions included
    DevToxicWaste tw;
    ~Copy() { wipe(tw); }
  } copy{secrets};
  const DevToxicWaste& tw = copy.tw;
  const std::uint64_t n = std::uint64_t{1} << power;
  const unsigned steps = 12;
  auto step = [&](std::string_view what, unsigned i) {
    if (progress) progress(what, i, steps);
  };

  step("fixed-base tables", 1);
  const std::size_t n_g1 = (2 * n - 1) + 2 * n + (4 * n - 1) + 2 * (2 * n - 1);
  const std::size_t n_g2 = n + 1 + (2 * n - 1);
  ec::FixedBaseTable<ec::G1Config> g1(ec::g1_generator(), ec::FixedBaseTable<ec::G1Config>::window_for(n_g1));
  ec::FixedBaseTable<ec::G2Config> g2(ec::g2_generator(), ec::FixedBaseTable<ec::G2Config>::window_for(n_g2));

  Emitter em(sink);
  em.bytes(reinterpret_cast<const std::uint8_t*>("ptau"), 4);
  em.u32(1);   // version
  em.u32(11);  // sections
  em.section(ptau_section::kHeader, 44);
  em.u32(32);
  std::uint8_t q[32];
  ff::store_le(ff::FqParams::kModulus, q);
  em.bytes(q, 32);
  em.u32(power);
  em.u32(power);  // ceremonyPower

  const Fr one = Fr::one();
  step("section 2: tauG1", 2);
  em.section(ptau_section::kTauG1, (2 * n - 1) * kG1);
  emit_points(em, g1, 2 * n - 1, Powers(tw.tau, one));
  step("section 3: tauG2", 3);
  em.section(ptau_section::kTauG2, n * kG2);
  emit_points(em, g2, n, Powers(tw.tau, one));
  step("section 4: alphaTauG1", 4);
  em.section(ptau_section::kAlphaTauG1, n * kG1);
  emit_points(em, g1, n, Powers(tw.tau, tw.alpha));
  step("section 5: betaTauG1", 5);
  em.section(ptau_section::kBetaTauG1, n * kG1);
  emit_points(em, g1, n, Powers(tw.tau, tw.beta));
  step("section 6: betaG2", 6);
  em.section(ptau_section::kBetaG2, kG2);
  emit_points(em, g2, 1, Powers(tw.tau, tw.beta));
  step("section 7: contributions (none)", 7);
  em.section(ptau_section::kContributions, 4);
  em.u32(0);

  // Levels k = 0 .. top, level k holding 2^k points; section 12 goes one level higher.
  auto lagrange_levels = [&](const auto& table, const Fr& scale, unsigned top, bool truncate_top) {
    for (unsigned k = 0; k <= top; ++k) {
      emit_points(em, table, std::uint64_t{1} << k, Lagrange(tw.tau, k, scale, truncate_top && k == top));
    }
  };
  step("section 12: Lagrange tauG1", 8);
  em.section(ptau_section::kLagTauG1, (4 * n - 1) * kG1);
  lagrange_levels(g1, one, power + 1, true);
  step("section 13: Lagrange tauG2", 9);
  em.section(ptau_section::kLagTauG2, (2 * n - 1) * kG2);
  lagrange_levels(g2, one, power, false);
  step("section 14: Lagrange alphaTauG1", 10);
  em.section(ptau_section::kLagAlphaG1, (2 * n - 1) * kG1);
  lagrange_levels(g1, tw.alpha, power, false);
  step("section 15: Lagrange betaTauG1", 11);
  em.section(ptau_section::kLagBetaG1, (2 * n - 1) * kG1);
  lagrange_levels(g1, tw.beta, power, false);
  em.flush();
  step("done", 12);
}

std::vector<std::uint8_t> write_dev_ptau(unsigned power, const DevToxicWaste& tw,
                                         const ProgressFn& progress) {
  check_inputs(power, tw);
  std::vector<std::uint8_t> out;
  out.reserve(static_cast<std::size_t>(dev_ptau_size(power)));
  write_dev_ptau(
      power, tw, [&](std::span<const std::uint8_t> b) { out.insert(out.end(), b.begin(), b.end()); },
      progress);
  return out;
}

void write_dev_ptau_file(const std::string& path, unsigned power, const DevToxicWaste& tw,
                         const ProgressFn& progress) {
  check_inputs(power, tw);
  std::string tmp = path + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) throw Error(Errc::io, "cannot create '" + tmp + "': " + std::strerror(errno));
  try {
    write_dev_ptau(
        power, tw,
        [&](std::span<const std::uint8_t> b) {
          if (std::fwrite(b.data(), 1, b.size(), f) != b.size()) {
            throw Error(Errc::io, "cannot write '" + tmp + "': " + std::strerror(errno));
          }
        },
        progress);
    if (std::fflush(f) != 0) throw Error(Errc::io, "cannot write '" + tmp + "': " + std::strerror(errno));
  } catch (...) {
    std::fclose(f);
    std::remove(tmp.c_str());
    throw;
  }
  if (std::fclose(f) != 0) {
    std::remove(tmp.c_str());
    throw Error(Errc::io, "cannot write '" + tmp + "'");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw Error(Errc::io, "cannot rename '" + tmp + "' to '" + path + "': " + std::strerror(errno));
  }
}

}  // namespace pm::setup
