#include "setup/ceremony.hpp"

#include <string.h>  // explicit_bzero

#include "base/error.hpp"
#include "base/random.hpp"
#include "ec/consttime.hpp"
#include "pairing/pairing.hpp"

namespace pm::setup {

using ec::G1Affine;
using ec::G2Affine;
using ff::Fq;
using ff::Fq2;
using ff::Fr;
using ff::u256;

// ---------------------------------------------------------------------------------------------
// ChaCha20

namespace {
std::uint32_t rotl(std::uint32_t x, int n) { return (x << n) | (x >> (32 - n)); }
void quarter(std::uint32_t* x, int a, int b, int c, int d) {
  x[a] += x[b], x[d] = rotl(x[d] ^ x[a], 16);
  x[c] += x[d], x[b] = rotl(x[b] ^ x[c], 12);
  x[a] += x[b], x[d] = rotl(x[d] ^ x[a], 8);
  x[c] += x[d], x[b] = rotl(x[b] ^ x[c], 7);
}
}  // namespace

ChaCha::ChaCha(const std::uint32_t (&seed)[8]) { init(seed); }

void ChaCha::init(const std::uint32_t* seed) {
  state_[0] = 0x61707865, state_[1] = 0x3320646e, state_[2] = 0x79622d32, state_[3] = 0x6b206574;
  for (int i = 0; i < 8; ++i) state_[4 + i] = seed[i];
  for (int i = 12; i < 16; ++i) state_[i] = 0;
}

ChaCha::ChaCha(std::span<const std::uint8_t> hash) {
  PM_ASSERT(hash.size() >= 32);
  std::uint32_t seed[8];
  for (int i = 0; i < 8; ++i) {
    seed[i] = std::uint32_t{hash[4 * i]} << 24 | std::uint32_t{hash[4 * i + 1]} << 16 |
              std::uint32_t{hash[4 * i + 2]} << 8 | std::uint32_t{hash[4 * i + 3]};
  }
  init(seed);
  wipe(seed);
}

ChaCha::~ChaCha() {
  wipe(state_);
  wipe(out_);
}

void ChaCha::block() {
  std::uint32_t x[16];
  for (int i = 0; i < 16; ++i) x[i] = state_[i];
  for (int i = 0; i < 10; ++i) {
    quarter(x, 0, 4, 8, 12), quarter(x, 1, 5, 9, 13), quarter(x, 2, 6, 10, 14), quarter(x, 3, 7, 11, 15);
    quarter(x, 0, 5, 10, 15), quarter(x, 1, 6, 11, 12), quarter(x, 2, 7, 8, 13), quarter(x, 3, 4, 9, 14);
  }
  for (int i = 0; i < 16; ++i) out_[i] = x[i] + state_[i];
  wipe(x);
  for (int i = 12; i < 16 && ++state_[i] == 0; ++i) {
  }
  idx_ = 0;
}

std::uint32_t ChaCha::next_u32() {
  if (idx_ == 16) block();
  return out_[idx_++];
}

std::uint64_t ChaCha::next_u64() {
  std::uint64_t hi = next_u32();
  return hi << 32 | next_u32();
}

std::unique_ptr<ChaCha> rng_from_entropy(std::string_view entropy) {
  std::uint8_t os[64];
  os_random_bytes(os, sizeof os);
  Blake2b h;
  h.update(std::span<const std::uint8_t>(os, sizeof os));
  h.update(entropy);
  Hash64 d = h.digest();
  auto rng = std::make_unique<ChaCha>(d);
  wipe(os);
  wipe(d);
  wipe(h);
  return rng;
}

Beacon parse_beacon(std::string_view hexs, unsigned exp) {
  if (hexs.size() >= 2 && hexs[0] == '0' && (hexs[1] == 'x' || hexs[1] == 'X')) {
    throw Error(Errc::invalid_argument, "beacon hash: give the hex digits without the 0x prefix");
  }
  if (hexs.empty() || hexs.size() % 2 != 0) {
    throw Error(Errc::invalid_argument, "beacon hash: needs an even, non-zero number of hex digits");
  }
  if (hexs.size() > 510) throw Error(Errc::invalid_argument, "beacon hash: at most 255 bytes");
  Beacon b;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < hexs.size(); i += 2) {
    int hi = nibble(hexs[i]), lo = nibble(hexs[i + 1]);
    if (hi < 0 || lo < 0) {
      throw Error(Errc::invalid_argument, "beacon hash: '" + std::string(hexs.substr(hi < 0 ? i : i + 1, 1)) +
                                              "' is not a hex digit");
    }
    b.hash.push_back(static_cast<std::uint8_t>(hi << 4 | lo));
  }
  if (exp < 10 || exp > 63) {
    throw Error(Errc::invalid_argument,
                "beacon iterations exponent must be in 10..63, got " + std::to_string(exp));
  }
  b.exp = exp;
  return b;
}

std::unique_ptr<ChaCha> rng_from_beacon(const Beacon& b) {
  PM_ASSERT(b.exp < 64);
  std::array<std::uint8_t, 32> h{};
  {
    Sha256 s;
    s.update(b.hash);
    h = s.finish();
  }
  const std::uint64_t n = std::uint64_t{1} << b.exp;
  for (std::uint64_t i = 1; i < n; ++i) {
    Sha256 s;
    s.update(h);
    h = s.finish();
  }
  return std::make_unique<ChaCha>(h);
}

// ---------------------------------------------------------------------------------------------
// Sampling

namespace {

u256 raw254(ChaCha& rng, const u256& modulus) {
  for (;;) {
    u256 v;
    for (int i = 0; i < 4; ++i) v[i] = rng.next_u64();
    v[3] &= (std::uint64_t{1} << 62) - 1;
    if (ff::lt(v, modulus)) return v;
    wipe(v);
  }
}

u256 half(const u256& p) {  // (p - 1) / 2
  u256 h = p;
  h[0] -= 1;
  ff::div_small(h, 2);
  return h;
}

bool is_negative(const Fq& y) {
  static const u256 h = half(ff::FqParams::kModulus);
  return ff::lt(h, y.to_canonical());
}
bool is_negative(const Fq2& y) { return y.c1.is_zero() ? is_negative(y.c0) : is_negative(y.c1); }

// q = 3 (mod 4): the square root is a^((q+1)/4), when one exists.
std::optional<Fq> sqrt(const Fq& a) {
  static const u256 e = [] {
    u256 v = ff::FqParams::kModulus;
    v[0] += 1;  // no carry: the low limb of q is odd and not all ones
    ff::div_small(v, 4);
    return v;
  }();
  Fq x = a.pow_vartime(e);
  if (x.square() == a) return x;
  return std::nullopt;
}

// Adj and Rodriguez-Henriquez, "Square root computation over even extension fields",
// algorithm 9 (q = 3 mod 4, Fq2 = Fq[u]/(u^2+1)). The result is checked by squaring.
std::optional<Fq2> sqrt(const Fq2& a) {
  if (a.is_zero()) return Fq2::zero();
  static const u256 e34 = [] {  // (q - 3) / 4
    u256 v = ff::FqParams::kModulus;
    v[0] -= 3;
    ff::div_small(v, 4);
    return v;
  }();
  static const u256 e12 = half(ff::FqParams::kModulus);  // (q - 1) / 2
  Fq2 a1 = a.pow_vartime(e34);
  Fq2 alpha = a1 * a1 * a;
  Fq2 x0 = a1 * a;
  Fq2 x;
  if (alpha == -Fq2::one()) {
    x = Fq2{Fq::zero(), Fq::one()} * x0;
  } else {
    Fq2 b = (Fq2::one() + alpha).pow_vartime(e12);
    x = b * x0;
  }
  if (x.square() == a) return x;
  return std::nullopt;
}

const u256& g2_cofactor() {
  static const u256 h =
      *ff::from_string("0x30644e72e131a029b85045b68181585e06ceecda572a2489345f2299c0f9fa8d");
  return h;
}

}  // namespace

Fr fr_from_rng(ChaCha& rng) {
  u256 v = raw254(rng, ff::FrParams::kModulus);
  Fr x = Fr::from_mont_unchecked(v);
  wipe(v);
  return x;
}

Fq fq_from_rng(ChaCha& rng) { return Fq::from_mont_unchecked(raw254(rng, ff::FqParams::kModulus)); }

G1Affine g1_from_rng(ChaCha& rng) {
  for (;;) {
    Fq x = fq_from_rng(rng);
    bool greatest = rng.next_bool();
    auto y = sqrt(x.square() * x + ec::G1Config::b());
    if (!y) continue;
    if (greatest != is_negative(*y)) *y = -*y;
    return G1Affine::from_xy(x, *y);
  }
}

G2Affine g2_from_rng(ChaCha& rng) {
  for (;;) {
    Fq c0 = fq_from_rng(rng);
    Fq c1 = fq_from_rng(rng);
    Fq2 x{c0, c1};
    bool greatest = rng.next_bool();
    auto y = sqrt(x.square() * x + ec::G2Config::b());
    if (!y) continue;
    if (greatest != is_negative(*y)) *y = -*y;
    return ec::G2::from_affine(G2Affine::from_xy(x, *y)).mul_vartime(g2_cofactor()).to_affine();
  }
}

G2Affine hash_to_g2(std::span<const std::uint8_t> h) {
  ChaCha rng(h);
  return g2_from_rng(rng);
}

// ---------------------------------------------------------------------------------------------
// Encodings

namespace {
void be32(const Fq& x, std::uint8_t* out) {
  std::uint8_t le[32];
  x.to_le_bytes(le);
  for (int i = 0; i < 32; ++i) out[i] = le[31 - i];
}
}  // namespace

void append_u(std::vector<std::uint8_t>& out, const G1Affine& p) {
  std::size_t at = out.size();
  out.resize(at + 64);
  if (p.is_infinity()) return;
  be32(p.x, &out[at]);
  be32(p.y, &out[at + 32]);
}

void append_u(std::vector<std::uint8_t>& out, const G2Affine& p) {
  std::size_t at = out.size();
  out.resize(at + 128);
  if (p.is_infinity()) return;
  be32(p.x.c1, &out[at]);
  be32(p.x.c0, &out[at + 32]);
  be32(p.y.c1, &out[at + 64]);
  be32(p.y.c0, &out[at + 96]);
}

void put_u(Blake2b& h, const G1Affine& p) {
  std::vector<std::uint8_t> b;
  append_u(b, p);
  h.update(b);
}
void put_u(Blake2b& h, const G2Affine& p) {
  std::vector<std::uint8_t> b;
  append_u(b, p);
  h.update(b);
}

namespace {
template <class A>
void put_u_points(Blake2b& h, std::span<const A> pts) {
  std::vector<std::uint8_t> buf;
  for (std::size_t i = 0; i < pts.size(); i += 4096) {
    buf.clear();
    for (std::size_t j = i; j < std::min(pts.size(), i + 4096); ++j) append_u(buf, pts[j]);
    h.update(buf);
  }
}
}  // namespace

void put_u(Blake2b& h, std::span<const G1Affine> pts) { put_u_points(h, pts); }
void put_u(Blake2b& h, std::span<const G2Affine> pts) { put_u_points(h, pts); }

void append_c(std::vector<std::uint8_t>& out, const G1Affine& p) {
  std::size_t at = out.size();
  out.resize(at + 32);
  if (p.is_infinity()) {
    out[at] = 0x40;
    return;
  }
  be32(p.x, &out[at]);
  if (is_negative(p.y)) out[at] |= 0x80;
}

void append_c(std::vector<std::uint8_t>& out, const G2Affine& p) {
  std::size_t at = out.size();
  out.resize(at + 64);
  if (p.is_infinity()) {
    out[at] = 0x40;
    return;
  }
  be32(p.x.c1, &out[at]);
  be32(p.x.c0, &out[at + 32]);
  if (is_negative(p.y)) out[at] |= 0x80;
}

bool same_ratio(const G1Affine& a1, const G1Affine& b1, const G2Affine& a2, const G2Affine& b2) {
  if (a1.is_infinity() || b1.is_infinity() || a2.is_infinity() || b2.is_infinity()) return false;
  const G1Affine p[2] = {a1, b1.neg()};
  const G2Affine q[2] = {b2, a2};
  return pairing::pairing_product_is_one(p, q);
}

G1Affine mul(const G1Affine& p, const Fr& k) {
  u256 c = k.to_canonical();
  G1Affine r = ec::mul_consttime(ec::G1::from_affine(p), c).to_affine();  // k is a secret
  wipe(c);
  return r;
}
G2Affine mul(const G2Affine& p, const Fr& k) {
  u256 c = k.to_canonical();
  G2Affine r = ec::mul_consttime(ec::G2::from_affine(p), c).to_affine();
  wipe(c);
  return r;
}

// ---------------------------------------------------------------------------------------------
// Contribution parameters

void write_record_tail(formats::BinWriter& w, std::uint32_t type, const ContributionParams& params) {
  w.u32(type);
  auto bytes = encode_params(params);
  w.u32(static_cast<std::uint32_t>(bytes.size()));
  w.bytes(bytes);
}

RecordTail read_record_tail(formats::Reader& r, std::size_t index) {
  const std::string who = "contribution " + std::to_string(index);
  RecordTail t;
  t.type = r.u32();
  if (t.type > 1) r.fail(Errc::format, who + ": unknown type " + std::to_string(t.type));
  std::uint32_t len = r.u32();
  if (len > r.remaining()) r.fail(Errc::format, who + ": parameters truncated");
  std::string err;
  auto p = decode_params(r.bytes(len), err);
  if (!p) r.fail(Errc::format, who + ": " + err);
  t.params = std::move(*p);
  if ((t.type == 1) != t.params.beacon.has_value()) {
    r.fail(Errc::format, who + ": beacon type and parameters disagree");
  }
  return t;
}

void check_beacon_cost(const Beacon& b, const std::string& who) {
  if (b.exp > kMaxVerifiedBeaconExp) {
    throw Error(Errc::mismatch, who + ": beacon of 2^" + std::to_string(b.exp) +
                                    " iterations; refusing to recompute more than 2^" +
                                    std::to_string(kMaxVerifiedBeaconExp));
  }
}

std::string truncate_name(std::string_view name) {
  std::size_t units = 0, i = 0;
  while (i < name.size()) {
    auto c = static_cast<unsigned char>(name[i]);
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
    std::size_t u = len == 4 ? 2 : 1;
    if (units + u > 64 || i + len > name.size()) break;
    units += u;
    i += len;
  }
  return std::string(name.substr(0, i));
}

std::vector<std::uint8_t> encode_params(const ContributionParams& p) {
  std::vector<std::uint8_t> out;
  std::string name = truncate_name(p.name);
  if (!name.empty()) {
    out.push_back(1);
    out.push_back(static_cast<std::uint8_t>(name.size()));
    out.insert(out.end(), name.begin(), name.end());
  }
  if (p.beacon) {
    out.push_back(2);
    out.push_back(static_cast<std::uint8_t>(p.beacon->exp));
    out.push_back(3);
    out.push_back(static_cast<std::uint8_t>(p.beacon->hash.size()));
    out.insert(out.end(), p.beacon->hash.begin(), p.beacon->hash.end());
  }
  return out;
}

std::optional<ContributionParams> decode_params(std::span<const std::uint8_t> b, std::string& error) {
  ContributionParams p;
  std::size_t i = 0;
  int last = 0;
  std::optional<unsigned> exp;
  std::optional<std::vector<std::uint8_t>> hash;
  while (i < b.size()) {
    int type = b[i++];
    if (type < 1 || type > 3) {
      error = "unknown parameter type " + std::to_string(type);
      return std::nullopt;
    }
    if (type <= last) {
      error = "parameters out of order";
      return std::nullopt;
    }
    last = type;
    if (i >= b.size()) {
      error = "truncated parameter";
      return std::nullopt;
    }
    if (type == 2) {
      exp = b[i++];
      if (*exp < 1 || *exp > 63) {
        error = "beacon exponent " + std::to_string(*exp) + " outside 1..63";
        return std::nullopt;
      }
      continue;
    }
    std::size_t len = b[i++];
    if (i + len > b.size()) {
      error = "truncated parameter";
      return std::nullopt;
    }
    if (type == 1) {
      p.name.assign(reinterpret_cast<const char*>(b.data() + i), len);
    } else {
      hash.emplace(b.begin() + static_cast<std::ptrdiff_t>(i),
                   b.begin() + static_cast<std::ptrdiff_t>(i + len));
    }
    i += len;
  }
  if (hash && hash->empty()) {
    error = "empty beacon hash";
    return std::nullopt;
  }
  if (exp.has_value() != hash.has_value()) {
    error = "a beacon needs both its hash and its exponent";
    return std::nullopt;
  }
  if (exp) p.beacon = Beacon{*hash, *exp};
  return p;
}

}  // namespace pm::setup
