#include "hash/sha256.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#endif

namespace pm::hash {
namespace {

constexpr std::uint32_t kK[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

std::uint32_t rotr32(std::uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

void compress_portable(std::uint32_t h[8], const std::uint8_t* p, std::size_t blocks) {
  for (; blocks > 0; --blocks, p += 64) {
    std::uint32_t w[64];
    for (int i = 0; i < 16; ++i) {
      w[i] = std::uint32_t{p[4 * i]} << 24 | std::uint32_t{p[4 * i + 1]} << 16 |
             std::uint32_t{p[4 * i + 2]} << 8 | std::uint32_t{p[4 * i + 3]};
    }
    for (int i = 16; i < 64; ++i) {
      std::uint32_t s0 = rotr32(w[i - 15], 7) ^ rotr32(w[i - 15], 18) ^ (w[i - 15] >> 3);
      std::uint32_t s1 = rotr32(w[i - 2], 17) ^ rotr32(w[i - 2], 19) ^ (w[i - 2] >> 10);
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    std::uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int i = 0; i < 64; ++i) {
      std::uint32_t t1 =
          hh + (rotr32(e, 6) ^ rotr32(e, 11) ^ rotr32(e, 25)) + ((e & f) ^ (~e & g)) + kK[i] + w[i];
      std::uint32_t t2 = (rotr32(a, 2) ^ rotr32(a, 13) ^ rotr32(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
      hh = g, g = f, f = e, e = d + t1, d = c, c = b, b = a, a = t1 + t2;
    }
    std::uint32_t add[8] = {a, b, c, d, e, f, g, hh};
    for (int i = 0; i < 8; ++i) h[i] += add[i];
  }
}

#if defined(__x86_64__)
// The state lives as ABEF and CDGH (the layout SHA256RNDS2 takes); each group of four rounds adds
// K to four schedule words, and SHA256RNDS2 runs two rounds on the low half, then two on the high.
// Schedule, four words at a time: W[j] = MSG2(MSG1(W[j-4], W[j-3]) + (W[j-2]:W[j-1] >> 32), W[j-1]).
__attribute__((target("sha,sse4.1,ssse3"))) void compress_shani(std::uint32_t h[8], const std::uint8_t* p,
                                                                std::size_t blocks) {
  const __m128i byteswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
  __m128i dcba = _mm_loadu_si128(reinterpret_cast<const __m128i*>(h));      // A B C D (low to high)
  __m128i hgfe = _mm_loadu_si128(reinterpret_cast<const __m128i*>(h + 4));  // E F G H
  __m128i cdab = _mm_shuffle_epi32(dcba, 0xb1);
  hgfe = _mm_shuffle_epi32(hgfe, 0x1b);
  __m128i abef = _mm_alignr_epi8(cdab, hgfe, 8);
  __m128i cdgh = _mm_blend_epi16(hgfe, cdab, 0xf0);
  for (; blocks > 0; --blocks, p += 64) {
    const __m128i abef0 = abef, cdgh0 = cdgh;
    __m128i w[4];
    for (int j = 0; j < 16; ++j) {
      __m128i wj;
      if (j < 4) {
        wj = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * j)), byteswap);
      } else {
        __m128i t = _mm_sha256msg1_epu32(w[j % 4], w[(j + 1) % 4]);  // W[j-4], W[j-3]
        t = _mm_add_epi32(t, _mm_alignr_epi8(w[(j + 3) % 4], w[(j + 2) % 4], 4));
        wj = _mm_sha256msg2_epu32(t, w[(j + 3) % 4]);
      }
      w[j % 4] = wj;
      __m128i kw = _mm_add_epi32(wj, _mm_loadu_si128(reinterpret_cast<const __m128i*>(kK + 4 * j)));
      cdgh = _mm_sha256rnds2_epu32(cdgh, abef, kw);
      abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(kw, 0x0e));
    }
    abef = _mm_add_epi32(abef, abef0);
    cdgh = _mm_add_epi32(cdgh, cdgh0);
  }
  __m128i feba = _mm_shuffle_epi32(abef, 0x1b);
  __m128i dchg = _mm_shuffle_epi32(cdgh, 0xb1);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(h), _mm_blend_epi16(feba, dchg, 0xf0));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(h + 4), _mm_alignr_epi8(dchg, feba, 8));
}

bool detect_shani() noexcept {
  // CPUID leaf 7 EBX bit 29 SHA, leaf 1 ECX bit 19 SSE4.1 (read directly: clang's
  // __builtin_cpu_supports knows no "sha").
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d) || (b >> 29 & 1) == 0) return false;
  if (!__get_cpuid(1, &a, &b, &c, &d) || (c >> 19 & 1) == 0) return false;
  const char* v = std::getenv("PROOFMILL_NO_ASM");
  return v == nullptr || *v == '\0' || std::strcmp(v, "0") == 0;
}
bool g_shani = detect_shani();
#else
bool g_shani = false;
#endif

void compress(std::uint32_t h[8], const std::uint8_t* p, std::size_t blocks) {
#if defined(__x86_64__)
  if (g_shani) return compress_shani(h, p, blocks);
#endif
  compress_portable(h, p, blocks);
}

}  // namespace

bool sha256_uses_shani() { return g_shani; }

void sha256_use_shani(bool on) {
#if defined(__x86_64__)
  g_shani = on && detect_shani();
#else
  (void)on;
#endif
}

void Sha256::update(std::span<const std::uint8_t> data) {
  if (data.empty()) return;  // data() may be null: no memcpy from it
  length_ += data.size();
  const std::uint8_t* p = data.data();
  std::size_t n = data.size();
  if (fill_ > 0) {
    std::size_t take = std::min(n, 64 - fill_);
    std::memcpy(block_ + fill_, p, take);
    fill_ += take, p += take, n -= take;
    if (fill_ < 64) return;
    compress(h_, block_, 1);
    fill_ = 0;
  }
  compress(h_, p, n / 64);
  std::memcpy(block_, p + (n / 64) * 64, n % 64);
  fill_ = n % 64;
}

std::array<std::uint8_t, 32> Sha256::finish() {
  const std::uint64_t bits = length_ * 8;
  block_[fill_++] = 0x80;
  if (fill_ > 56) {
    std::memset(block_ + fill_, 0, 64 - fill_);
    compress(h_, block_, 1);
    fill_ = 0;
  }
  std::memset(block_ + fill_, 0, 56 - fill_);
  for (int i = 0; i < 8; ++i) block_[56 + i] = static_cast<std::uint8_t>(bits >> (56 - 8 * i));
  compress(h_, block_, 1);
  fill_ = 0;
  std::array<std::uint8_t, 32> out{};
  for (int i = 0; i < 32; ++i) out[i] = static_cast<std::uint8_t>(h_[i / 4] >> (24 - 8 * (i % 4)));
  return out;
}

std::string sha256_hex(std::span<const std::uint8_t> data) {
  Sha256 h;
  h.update(data);
  static const char* d = "0123456789abcdef";
  std::string s;
  for (auto c : h.finish()) s += {d[c >> 4], d[c & 15]};
  return s;
}

}  // namespace pm::hash
