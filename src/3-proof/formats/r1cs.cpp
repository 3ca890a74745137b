#include "formats/r1cs.hpp"

#include "base/mapped_file.hpp"
#include "base/parallel.hpp"
#include "formats/binfile.hpp"

namespace pm::formats {
namespace {

constexpr std::uint32_t kHeader = 1, kConstraints = 2, kWire2Label = 3;

}  // namespace

r1cs::R1cs parse_r1cs(std::span<const std::uint8_t> data, const std::string& name) {
  BinFile f(data, "r1cs", name, "r1cs", 1, 1);
  r1cs::R1cs out;
  {
    Reader h = f.reader(f.section(kHeader, "header"), "header");
    h.prime(ff::FrParams::kModulus, "prime (compile with circom --prime bn128)");
    out.n_wires = h.u32();
    out.n_pub_out = h.u32();
    out.n_pub_in = h.u32();
    out.n_prv_in = h.u32();
    out.n_labels = h.u64();
    out.n_constraints = h.u32();
    h.expect_end();
    std::uint64_t declared = 1ull + out.n_pub_out + out.n_pub_in + out.n_prv_in;
    if (out.n_wires == 0 || declared > out.n_wires) {
      h.fail(Errc::format, "inconsistent header: " + std::to_string(out.n_wires) + " wires but " +
                               std::to_string(declared) + " are the constant, outputs and inputs");
    }
  }
  Reader c = f.reader(f.section(kConstraints, "constraints"), "constraints");
  // A constraint takes at least 12 bytes (three term counts): the declared count is checked
  // against the section before any memory is reserved for it.
  if (std::uint64_t{out.n_constraints} * 12 > c.remaining()) {
    c.fail(Errc::format, "header declares " + std::to_string(out.n_constraints) +
                             " constraints but the section has " + std::to_string(c.remaining()) +
                             " bytes (at least 12 a constraint)");
  }
  // Every term takes at least 36 bytes: a cheap bound before reserving memory.
  out.terms.reserve(std::min<std::uint64_t>(c.remaining() / 36, 1u << 26));
  out.lc_begin.reserve(3 * std::size_t{out.n_constraints} + 1);
  for (std::uint32_t i = 0; i < out.n_constraints; ++i) {
    for (int k = 0; k < 3; ++k) {
      out.lc_begin.push_back(out.terms.size());
      std::uint32_t n_terms = c.u32();
      if (std::uint64_t{n_terms} * 36 > c.remaining()) {
        c.fail(Errc::format, "truncated: constraint " + std::to_string(i) + " declares " +
                                 std::to_string(n_terms) + " terms past the end of the section");
      }
      for (std::uint32_t t = 0; t < n_terms; ++t) {
        std::uint32_t wire = c.u32();
        if (wire >= out.n_wires) {
          c.fail(Errc::out_of_range, "constraint " + std::to_string(i) + " uses wire " +
                                         std::to_string(wire) + " but there are " +
                                         std::to_string(out.n_wires));
        }
        out.terms.push_back({wire, c.fr_canonical()});
      }
    }
  }
  out.lc_begin.push_back(out.terms.size());
  c.expect_end();
  if (f.has_section(kWire2Label)) {
    const Section& s = f.section(kWire2Label, "wire-to-label map");
    if (s.size != 8ull * out.n_wires) {
      f.fail(Errc::format, s.offset,
             "wire-to-label map has " + std::to_string(s.size) + " bytes, expected " +
                 std::to_string(8ull * out.n_wires));
    }
  }
  return out;
}

r1cs::R1cs load_r1cs(const std::string& path) {
  MappedFile m(path);
  return parse_r1cs(m.bytes(), path);
}

std::vector<std::uint8_t> write_r1cs(const r1cs::R1cs& r1cs, std::span<const std::uint64_t> wire_to_label) {
  PM_ASSERT(wire_to_label.empty() || wire_to_label.size() == r1cs.n_wires);
  BinWriter w("r1cs", 1, wire_to_label.empty() ? 2 : 3);
  w.begin_section(kHeader);
  w.prime(ff::FrParams::kModulus);
  w.u32(r1cs.n_wires);
  w.u32(r1cs.n_pub_out);
  w.u32(r1cs.n_pub_in);
  w.u32(r1cs.n_prv_in);
  w.u64(r1cs.n_labels);
  w.u32(r1cs.n_constraints);
  w.end_section();
  w.begin_section(kConstraints);
  for (std::uint32_t i = 0; i < r1cs.n_constraints; ++i) {
    for (int k = 0; k < 3; ++k) {
      auto lc = r1cs.lc(i, k);
      w.u32(static_cast<std::uint32_t>(lc.size()));
      for (const auto& t : lc) {
        w.u32(t.wire);
        w.fr_canonical(t.coeff);
      }
    }
  }
  w.end_section();
  if (!wire_to_label.empty()) {
    w.begin_section(kWire2Label);
    for (auto l : wire_to_label) w.u64(l);
    w.end_section();
  }
  return w.data();
}

}  // namespace pm::formats
