#include "formats/wtns.hpp"

#include "base/parallel.hpp"
#include "formats/binfile.hpp"

namespace pm::formats {

Witness parse_wtns(std::span<const std::uint8_t> data, const std::string& name) {
  BinFile f(data, "wtns", name, "wtns", 1, 2);
  Reader h = f.reader(f.section(1, "header"), "header");
  h.prime(ff::FrParams::kModulus, "prime");
  std::uint32_t n = h.u32();
  h.expect_end();
  Reader v = f.reader(f.section(2, "witness values"), "witness values");
  if (v.remaining() != 32ull * n) {
    v.fail(Errc::format, "header declares " + std::to_string(n) + " values (" + std::to_string(32ull * n) +
                             " bytes) but the section has " + std::to_string(v.remaining()) + " bytes");
  }
  if (n == 0) v.fail(Errc::format, "empty witness: wire 0 (the constant 1) is missing");
  Witness w;
  w.values.resize(n);
  auto raw = v.bytes(32ull * n);
  auto bad = parallel_find_first(n, 4096, [&](std::size_t i) {
    auto x = ff::Fr::from_le_bytes(raw.data() + 32 * i);
    if (x) w.values[i] = *x;
    return !x;
  });
  if (bad) v.fail_at(Errc::out_of_range, 32 * *bad, "witness value " + std::to_string(*bad) + " is >= r");
  if (!w.values[0].is_one()) v.fail_at(Errc::format, 0, "wire 0 must be the constant 1");
  return w;
}

Witness load_wtns(const std::string& path) {
  MappedFile m(path);
  return parse_wtns(m.bytes(), path);
}

std::vector<std::uint8_t> write_wtns(std::span<const ff::Fr> values) {
  BinWriter w("wtns", 2, 2);
  w.begin_section(1);
  w.prime(ff::FrParams::kModulus);
  w.u32(static_cast<std::uint32_t>(values.size()));
  w.end_section();
  w.begin_section(2);
  for (const auto& x : values) w.fr_canonical(x);
  w.end_section();
  return w.data();
}

}  // namespace pm::formats
