#include "setup/hash.hpp"

#include <string.h>  // explicit_bzero

#include <algorithm>
#include <cstring>

#include "base/blake_sigma.hpp"

namespace pm::setup {

// ---------------------------------------------------------------------------------------------
// SHA-256 (FIPS 180-4)

void Sha256::update(std::span<const std::uint8_t> data) {
  for (std::uint8_t c : data) {
    block_[fill_++] = c;
    ++length_;
    if (fill_ == 64) compress();
  }
}

std::array<std::uint8_t, 32> Sha256::finish() {
  std::uint64_t bits = length_ * 8;
  const std::uint8_t one = 0x80, zero = 0;
  update(std::span<const std::uint8_t>(&one, 1));
  while (fill_ != 56) update(std::span<const std::uint8_t>(&zero, 1));
  for (int i = 7; i >= 0; --i) block_[fill_++] = static_cast<std::uint8_t>(bits >> (8 * i));
  compress();
  std::array<std::uint8_t, 32> out{};
  for (int i = 0; i < 32; ++i) out[i] = static_cast<std::uint8_t>(h_[i / 4] >> (24 - 8 * (i % 4)));
  return out;
}

namespace {
std::uint32_t rotr32(std::uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }
std::uint64_t rotr64(std::uint64_t x, int n) { return (x >> n) | (x << (64 - n)); }
}  // namespace

void Sha256::compress() {
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
    std::uint32_t s0 = rotr32(w[i - 15], 7) ^ rotr32(w[i - 15], 18) ^ (w[i - 15] >> 3);
    std::uint32_t s1 = rotr32(w[i - 2], 17) ^ rotr32(w[i - 2], 19) ^ (w[i - 2] >> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  std::uint32_t a = h_[0], b = h_[1], c = h_[2], d = h_[3], e = h_[4], f = h_[5], g = h_[6], h = h_[7];
  for (int i = 0; i < 64; ++i) {
    std::uint32_t t1 =
        h + (rotr32(e, 6) ^ rotr32(e, 11) ^ rotr32(e, 25)) + ((e & f) ^ (~e & g)) + k[i] + w[i];
    std::uint32_t t2 = (rotr32(a, 2) ^ rotr32(a, 13) ^ rotr32(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    h = g, g = f, f = e, e = d + t1, d = c, c = b, b = a, a = t1 + t2;
  }
  std::uint32_t add[8] = {a, b, c, d, e, f, g, h};
  for (int i = 0; i < 8; ++i) h_[i] += add[i];
  fill_ = 0;
}

// ---------------------------------------------------------------------------------------------
// BLAKE2b (RFC 7693), digest length 64, no key

namespace {

constexpr std::uint64_t kIv[8] = {0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b,
                                  0xa54ff53a5f1d36f1, 0x510e527fade682d1, 0x9b05688c2b3e6c1f,
                                  0x1f83d9abfb41bd6b, 0x5be0cd19137e2179};
std::uint64_t load64(const std::uint8_t* p) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = v << 8 | p[i];
  return v;
}
void store64(std::uint64_t v, std::uint8_t* p) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}
void store32(std::uint32_t v, std::uint8_t* p) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}
std::uint32_t load32(const std::uint8_t* p) {
  return std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 |
         std::uint32_t{p[3]} << 24;
}

}  // namespace

Blake2b::Blake2b() {
  std::memcpy(h_, kIv, sizeof h_);
  h_[0] ^= 0x01010040;  // digest length 64, fanout 1, depth 1
}

void Blake2b::compress(const std::uint8_t* block, bool last) {
  std::uint64_t m[16], v[16];
  for (int i = 0; i < 16; ++i) m[i] = load64(block + 8 * i);
  for (int i = 0; i < 8; ++i) v[i] = h_[i], v[i + 8] = kIv[i];
  v[12] ^= length_;  // t, low word (the high word stays 0 below 2^64 bytes)
  if (last) v[14] = ~v[14];
  auto g = [&v](int a, int b, int c, int d, std::uint64_t x, std::uint64_t y) {
    v[a] = v[a] + v[b] + x;
    v[d] = rotr64(v[d] ^ v[a], 32);
    v[c] = v[c] + v[d];
    v[b] = rotr64(v[b] ^ v[c], 24);
    v[a] = v[a] + v[b] + y;
    v[d] = rotr64(v[d] ^ v[a], 16);
    v[c] = v[c] + v[d];
    v[b] = rotr64(v[b] ^ v[c], 63);
  };
  for (unsigned r = 0; r < 12; ++r) {
    const std::uint8_t* s = kBlakeSigma[r % 10];
    g(0, 4, 8, 12, m[s[0]], m[s[1]]);
    g(1, 5, 9, 13, m[s[2]], m[s[3]]);
    g(2, 6, 10, 14, m[s[4]], m[s[5]]);
    g(3, 7, 11, 15, m[s[6]], m[s[7]]);
    g(0, 5, 10, 15, m[s[8]], m[s[9]]);
    g(1, 6, 11, 12, m[s[10]], m[s[11]]);
    g(2, 7, 8, 13, m[s[12]], m[s[13]]);
    g(3, 4, 9, 14, m[s[14]], m[s[15]]);
  }
  for (int i = 0; i < 8; ++i) h_[i] ^= v[i] ^ v[i + 8];
  explicit_bzero(m, sizeof m);  // the block may be secret (entropy hashed into a seed)
  explicit_bzero(v, sizeof v);
}

Blake2b::~Blake2b() { explicit_bzero(this, sizeof *this); }

// noble's update, step by step: a full buffer is compressed only once more input arrives; whole
// blocks that are not the input's last bytes are compressed straight from the input, leaving the
// buffer's old bytes in place.
void Blake2b::update(std::span<const std::uint8_t> data) {
  const std::size_t len = data.size();
  for (std::size_t p = 0; p < len;) {
    if (pos_ == 128) {
      compress(buf_, false);
      pos_ = 0;
    }
    std::size_t take = std::min<std::size_t>(128 - pos_, len - p);
    if (take == 128 && p + 128 < len) {
      while (p + 128 < len) {
        length_ += 128;
        compress(data.data() + p, false);
        p += 128;
      }
      continue;
    }
    std::memcpy(buf_ + pos_, data.data() + p, take);
    pos_ += take;
    length_ += take;
    p += take;
  }
}

Hash64 Blake2b::digest() const {
  Blake2b c = *this;
  std::memset(c.buf_ + c.pos_, 0, 128 - c.pos_);
  c.compress(c.buf_, true);
  Hash64 out;
  for (int i = 0; i < 8; ++i) store64(c.h_[i], out.data() + 8 * i);
  return out;  // c's destructor wipes the copy
}

std::array<std::uint8_t, Blake2b::kStateBytes> Blake2b::partial_state() const {
  std::array<std::uint8_t, kStateBytes> s{};
  std::memcpy(s.data(), buf_, 128);
  for (int i = 0; i < 8; ++i) store64(h_[i], s.data() + 128 + 8 * i);
  store32(static_cast<std::uint32_t>(length_ - pos_), s.data() + 192);
  store32(static_cast<std::uint32_t>(pos_), s.data() + 200);
  return s;
}

bool Blake2b::from_partial_state(std::span<const std::uint8_t> s, Blake2b& out, std::uint64_t expected_t) {
  if (s.size() != kStateBytes) return false;
  // t is a full u64 in files written through blake2b-wasm (snarkjs <= 0.4, the Hermez
  // ceremony); noble-based snarkjs writes only its low 32 bits.
  std::uint64_t t = load64(s.data() + 192);
  std::uint32_t c = load32(s.data() + 200);
  if (c > 128 || t % 128 != 0 || load32(s.data() + 204) != 0 || load64(s.data() + 208) != 0) return false;
  if (expected_t != 0 && t < (std::uint64_t{1} << 32) && t == (expected_t & 0xffffffffu)) t = expected_t;
  std::memcpy(out.buf_, s.data(), 128);
  for (int i = 0; i < 8; ++i) out.h_[i] = load64(s.data() + 128 + 8 * i);
  out.pos_ = c;
  out.length_ = t + c;
  return true;
}

Hash64 blake2b(std::span<const std::uint8_t> data) {
  Blake2b h;
  h.update(data);
  return h.digest();
}

std::string hex(std::span<const std::uint8_t> bytes) {
  static const char* d = "0123456789abcdef";
  std::string s;
  s.reserve(bytes.size() * 2);
  for (auto b : bytes) {
    s.push_back(d[b >> 4]);
    s.push_back(d[b & 15]);
  }
  return s;
}

std::string format_hash(const Hash64& h) {
  std::string s;
  for (int line = 0; line < 4; ++line) {
    if (line) s += '\n';
    s += "\t\t";
    for (int w = 0; w < 4; ++w) {
      if (w) s += ' ';
      s += hex(std::span<const std::uint8_t>(h.data() + 16 * line + 4 * w, 4));
    }
  }
  return s;
}

}  // namespace pm::setup
