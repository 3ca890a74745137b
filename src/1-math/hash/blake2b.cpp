#include "hash/blake2b.hpp"

#include <string.h>  // explicit_bzero

#include <cstring>

#include "hash/blake_sigma.hpp"

namespace pm::hash {

// ---------------------------------------------------------------------------------------------
// BLAKE2b (RFC 7693), digest length 64, no key

namespace {

std::uint64_t rotr64(std::uint64_t x, int n) { return (x >> n) | (x << (64 - n)); }

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

}  // namespace pm::hash
