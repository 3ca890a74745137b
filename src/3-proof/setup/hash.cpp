#include "setup/hash.hpp"

namespace pm::setup {

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
