#include "hash/blake512.hpp"

#include <cstring>

#include "hash/blake_sigma.hpp"

namespace pm::hash {
namespace {

using u64 = std::uint64_t;

constexpr u64 kIv[8] = {0x6a09e667f3bcc908ull, 0xbb67ae8584caa73bull, 0x3c6ef372fe94f82bull,
                        0xa54ff53a5f1d36f1ull, 0x510e527fade682d1ull, 0x9b05688c2b3e6c1full,
                        0x1f83d9abfb41bd6bull, 0x5be0cd19137e2179ull};
// The first digits of pi.
constexpr u64 kC[16] = {
    0x243f6a8885a308d3ull, 0x13198a2e03707344ull, 0xa4093822299f31d0ull, 0x082efa98ec4e6c89ull,
    0x452821e638d01377ull, 0xbe5466cf34e90c6cull, 0xc0ac29b7c97c50ddull, 0x3f84d5b5b5470917ull,
    0x9216d5d98979fb1bull, 0xd1310ba698dfb5acull, 0x2ffd72dbd01adfb7ull, 0xb8e1afed6a267e96ull,
    0xba7c9045f12c7f99ull, 0x24a19947b3916cf7ull, 0x0801f2e2858efc16ull, 0x636920d871574e69ull};
constexpr u64 rotr(u64 x, unsigned n) { return (x >> n) | (x << (64 - n)); }

u64 load_be(const std::uint8_t* p) {
  u64 v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | p[i];
  return v;
}

// One compression; t = message bits hashed up to the end of this block (0 for a block of
// padding only). The salt is zero.
void compress(u64 h[8], const std::uint8_t* block, u64 t) {
  u64 m[16], v[16];
  for (int i = 0; i < 16; ++i) m[i] = load_be(block + 8 * i);
  for (int i = 0; i < 8; ++i) v[i] = h[i];
  for (int i = 0; i < 4; ++i) v[8 + i] = kC[i];
  v[12] = t ^ kC[4];
  v[13] = t ^ kC[5];
  v[14] = kC[6];  // the high 64 bits of the counter are 0
  v[15] = kC[7];
  for (int r = 0; r < 16; ++r) {
    const std::uint8_t* s = kBlakeSigma[r % 10];
    auto g = [&](int a, int b, int c, int d, int i) {
      v[a] += v[b] + (m[s[2 * i]] ^ kC[s[2 * i + 1]]);
      v[d] = rotr(v[d] ^ v[a], 32);
      v[c] += v[d];
      v[b] = rotr(v[b] ^ v[c], 25);
      v[a] += v[b] + (m[s[2 * i + 1]] ^ kC[s[2 * i]]);
      v[d] = rotr(v[d] ^ v[a], 16);
      v[c] += v[d];
      v[b] = rotr(v[b] ^ v[c], 11);
    };
    g(0, 4, 8, 12, 0), g(1, 5, 9, 13, 1), g(2, 6, 10, 14, 2), g(3, 7, 11, 15, 3);
    g(0, 5, 10, 15, 4), g(1, 6, 11, 12, 5), g(2, 7, 8, 13, 6), g(3, 4, 9, 14, 7);
  }
  for (int i = 0; i < 8; ++i) h[i] ^= v[i] ^ v[i + 8];
}

}  // namespace

std::array<std::uint8_t, 64> blake512(std::span<const std::uint8_t> msg) {
  u64 h[8];
  std::memcpy(h, kIv, sizeof h);
  const u64 bits = static_cast<u64>(msg.size()) * 8;
  std::size_t off = 0;
  u64 t = 0;
  for (; msg.size() - off >= 128; off += 128) compress(h, msg.data() + off, t += 1024);
  // Padding: a 1 bit, zeros, a 1 bit just before the 128-bit big-endian length. A block that
  // holds no message bit is compressed with counter 0.
  const std::size_t rem = msg.size() - off;
  std::uint8_t buf[256] = {};
  if (rem > 0) std::memcpy(buf, msg.data() + off, rem);
  buf[rem] = 0x80;
  const std::size_t blocks = rem <= 111 ? 1 : 2;
  std::uint8_t* last = buf + 128 * (blocks - 1);
  last[111] |= 0x01;
  for (int i = 0; i < 8; ++i) last[120 + i] = static_cast<std::uint8_t>(bits >> (56 - 8 * i));
  compress(h, buf, rem == 0 ? 0 : bits);
  if (blocks == 2) compress(h, buf + 128, 0);
  std::array<std::uint8_t, 64> out{};
  for (int i = 0; i < 8; ++i) {
    for (int j = 0; j < 8; ++j) out[8 * i + j] = static_cast<std::uint8_t>(h[i] >> (56 - 8 * j));
  }
  return out;
}

}  // namespace pm::hash
