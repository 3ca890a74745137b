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

namespace pm::setup {
namespace {

using ff::Fr;
using ff::u256;

void wipe_bytes(void* p, std::size_t n) {
  if (n != 0) explicit_bzero(p, n);
}
template <class T>
void wipe_vector(std::vector<T>& v) {
  wipe_bytes(v.data(), v.size() * sizeof(T));
}

// ---------------------------------------------------------------------------------------------
// SHA-256 (FIPS 180-4), only for deriving dev secrets from a seed.

class Sha256 {
 public:
  void update(std::string_view s) {
    for (char c : s) {
      block_[fill_++] = static_cast<std::uint8_t>(c);
      ++length_;
      if (fill_ == 64) compress();
    }
  }
  std::array<std::uint8_t, 32> finish() {
    std::uint64_t bits = length_ * 8;
    update(std::string_view("\x80", 1));
    while (fill_ != 56) update(std::string_view("\0", 1));
    for (int i = 7; i >= 0; --i) block_[fill_++] = static_cast<std::uint8_t>(bits >> (8 * i));
    compress();
    std::array<std::uint8_t, 32> out{};
    for (int i = 0; i < 32; ++i) out[i] = static_cast<std::uint8_t>(h_[i / 4] >> (24 - 8 * (i % 4)));
    return out;
  }

 private:
  static std::uint32_t rotr(std::uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }
  void compress() {
    static constexpr std::uint32_t k[64] = {
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};
    std::uint32_t w[64];
    for (int i = 0; i < 16; ++i) {
      w[i] = std::uint32_t{block_[4 * i]} << 24 | std::uint32_t{block_[4 * i + 1]} << 16 |
             std::uint32_t{block_[4 * i + 2]} << 8 | std::uint32_t{block_[4 * i + 3]};
    }
    for (int i = 16; i < 64; ++i) {
      std::uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
      std::uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    std::uint32_t a = h_[0], b = h_[1], c = h_[2], d = h_[3], e = h_[4], f = h_[5], g = h_[6], h = h_[7];
    for (int i = 0; i < 64; ++i) {
      std::uint32_t t1 = h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + k[i] + w[i];
      std::uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
      h = g, g = f, f = e, e = d + t1, d = c, c = b, b = a, a = t1 + t2;
    }
    std::uint32_t add[8] = {a, b, c, d, e, f, g, h};
    for (int i = 0; i < 8; ++i) h_[i] += add[i];
    fill_ = 0;
  }

  std::uint32_t h_[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                         0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  std::uint8_t block_[64] = {};
  std::size_t fill_ = 0;
  std::uint64_t length_ = 0;
};

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
  em.section(1, 44);
  em.u32(32);
  std::uint8_t q[32];
  ff::store_le(ff::FqParams::kModulus, q);
  em.bytes(q, 32);
  em.u32(power);
  em.u32(power);  // ceremonyPower

  const Fr one = Fr::one();
  step("section 2: tauG1", 2);
  em.section(2, (2 * n - 1) * kG1);
  emit_points(em, g1, 2 * n - 1, Powers(tw.tau, one));
  step("section 3: tauG2", 3);
  em.section(3, n * kG2);
  emit_points(em, g2, n, Powers(tw.tau, one));
  step("section 4: alphaTauG1", 4);
  em.section(4, n * kG1);
  emit_points(em, g1, n, Powers(tw.tau, tw.alpha));
  step("section 5: betaTauG1", 5);
  em.section(5, n * kG1);
  emit_points(em, g1, n, Powers(tw.tau, tw.beta));
  step("section 6: betaG2", 6);
  em.section(6, kG2);
  emit_points(em, g2, 1, Powers(tw.tau, tw.beta));
  step("section 7: contributions (none)", 7);
  em.section(7, 4);
  em.u32(0);

  // Levels k = 0 .. top, level k holding 2^k points; section 12 goes one level higher.
  auto lagrange_levels = [&](const auto& table, const Fr& scale, unsigned top, bool truncate_top) {
    for (unsigned k = 0; k <= top; ++k) {
      emit_points(em, table, std::uint64_t{1} << k, Lagrange(tw.tau, k, scale, truncate_top && k == top));
    }
  };
  step("section 12: Lagrange tauG1", 8);
  em.section(12, (4 * n - 1) * kG1);
  lagrange_levels(g1, one, power + 1, true);
  step("section 13: Lagrange tauG2", 9);
  em.section(13, (2 * n - 1) * kG2);
  lagrange_levels(g2, one, power, false);
  step("section 14: Lagrange alphaTauG1", 10);
  em.section(14, (2 * n - 1) * kG1);
  lagrange_levels(g1, tw.alpha, power, false);
  step("section 15: Lagrange betaTauG1", 11);
  em.section(15, (2 * n - 1) * kG1);
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
