#include "formats/zkey.hpp"

#include <bit>
#include <memory>
#include <optional>
#include <utility>

#include "base/mapped_file.hpp"
#include "base/parallel.hpp"
#include "formats/binfile.hpp"
#include "groth16/verifier.hpp"

namespace pm::formats {

using groth16::ProvingKey;

namespace {

using namespace zkey_section;

template <class Point>
void expect_points(const BinFile& f, const Section& s, std::uint64_t count, std::size_t point_bytes,
                   const char* what) {
  if (s.size != count * point_bytes) {
    f.fail(Errc::format, s.offset - 12,
           std::string("section ") + std::to_string(s.type) + " (" + what + ") has " +
               std::to_string(s.size) + " bytes, expected " + std::to_string(count) + " points of " +
               std::to_string(point_bytes) + " bytes");
  }
}

}  // namespace

ZkeyHeader read_zkey_header(const BinFile& f) {
  {
    Reader h = f.reader(f.section(kHeader, "header"), "header");
    std::uint32_t protocol = h.u32();
    if (protocol != 1)
      h.fail_at(Errc::format, 0, "protocol " + std::to_string(protocol) + " is not Groth16 (1)");
    h.expect_end();
  }
  Reader g = f.reader(f.section(kGrothHeader, "groth16 header"), "groth16 header");
  g.prime(ff::FqParams::kModulus, "base field prime q");
  g.prime(ff::FrParams::kModulus, "scalar field prime r");
  ZkeyHeader h;
  h.n_vars = g.u32();
  h.n_public = g.u32();
  h.domain = g.u32();
  if (h.n_vars == 0 || h.n_public >= h.n_vars) {
    g.fail(Errc::format, "inconsistent sizes: " + std::to_string(h.n_vars) + " variables, " +
                             std::to_string(h.n_public) + " public");
  }
  if (h.domain == 0 || (h.domain & (h.domain - 1)) != 0 || h.domain > (1u << 27)) {
    g.fail(Errc::format, "domain size " + std::to_string(h.domain) + " is not a power of two <= 2^27");
  }
  h.alpha1 = g.g1_mont();
  h.beta1 = g.g1_mont();
  h.beta2 = g.g2_mont();
  h.gamma2 = g.g2_mont();
  h.delta1 = g.g1_mont();
  h.delta2 = g.g2_mont();
  g.expect_end();
  return h;
}

void write_zkey_header(BinWriter& w, const ZkeyHeader& h) {
  w.begin_section(kHeader);
  w.u32(1);
  w.end_section();
  w.begin_section(kGrothHeader);
  w.prime(ff::FqParams::kModulus);
  w.prime(ff::FrParams::kModulus);
  w.u32(h.n_vars);
  w.u32(h.n_public);
  w.u32(h.domain);
  w.g1_mont(h.alpha1);
  w.g1_mont(h.beta1);
  w.g2_mont(h.beta2);
  w.g2_mont(h.gamma2);
  w.g1_mont(h.delta1);
  w.g2_mont(h.delta2);
  w.end_section();
}

namespace {

// Parses and validates; the tables view `file` when given (data is then its bytes), else
// they are copies of `data`.
ProvingKey parse(std::span<const std::uint8_t> data, const std::string& name,
                 const std::shared_ptr<const MappedFile>& file) {
  BinFile f(data, "zkey", name, "zkey", 1, 1);
  // A mapped section's pages are dropped once it is checked: the prover touches one table at a
  // time, so the whole file need never be resident at once.
  auto table = [&]<class T>(std::span<const std::uint8_t> bytes, Table<T>& out) {
    out = file ? Table<T>(file, bytes) : Table<T>::copy_of(bytes);
    out.release();
  };
  ProvingKey pk;
  const ZkeyHeader head = read_zkey_header(f);
  const std::uint32_t domain_size = head.domain;
  pk.n_vars = head.n_vars;
  pk.n_public = head.n_public;
  pk.log_domain = static_cast<std::uint32_t>(std::countr_zero(head.domain));
  pk.alpha1 = head.alpha1;
  pk.beta1 = head.beta1;
  pk.beta2 = head.beta2;
  pk.gamma2 = head.gamma2;
  pk.delta1 = head.delta1;
  pk.delta2 = head.delta2;
  const std::uint64_t n_vars = pk.n_vars, n_private = pk.n_vars - pk.n_public - 1;
  const Section& ic = f.section(kIc, "IC");
  expect_points<ec::G1Affine>(f, ic, pk.n_public + 1ull, 64, "IC");
  const Section& sa = f.section(kA, "A points");
  expect_points<ec::G1Affine>(f, sa, n_vars, 64, "A points");
  const Section& sb1 = f.section(kB1, "B1 points");
  expect_points<ec::G1Affine>(f, sb1, n_vars, 64, "B1 points");
  const Section& sb2 = f.section(kB2, "B2 points");
  expect_points<ec::G2Affine>(f, sb2, n_vars, 128, "B2 points");
  const Section& sc = f.section(kC, "C points");
  expect_points<ec::G1Affine>(f, sc, n_private, 64, "C points");
  const Section& sh = f.section(kH, "H points");
  expect_points<ec::G1Affine>(f, sh, domain_size, 64, "H points");

  pk.ic.resize(pk.n_public + 1);
  f.reader(ic, "IC").g1_array(pk.ic);
  {
    Reader c = f.reader(f.section(kCoeffs, "coefficients"), "coefficients");
    std::uint32_t n = c.u32();
    if (c.remaining() != std::uint64_t{n} * 44) {
      c.fail(Errc::format, "declares " + std::to_string(n) + " coefficients (" + std::to_string(n * 44ull) +
                               " bytes) but " + std::to_string(c.remaining()) + " bytes follow");
    }
    std::span<const std::uint8_t> records = c.bytes(std::size_t{n} * 44);
    const auto view = UnalignedSpan<groth16::StoredCoefficient>::from_bytes(records);
    // Every record is checked (in parallel) before the prover indexes arrays with it.
    auto check = [&](std::size_t i) -> std::optional<std::pair<Errc, std::string>> {
      const groth16::StoredCoefficient k = view[i];
      const std::string which = "coefficient " + std::to_string(i);
      if (k.matrix() > 1)
        return {{Errc::format, which + " names matrix " + std::to_string(k.matrix()) + " (expected 0 or 1)"}};
      if (k.constraint() >= domain_size)
        return {{Errc::out_of_range,
                 which + " names constraint " + std::to_string(k.constraint()) + " outside the domain"}};
      if (k.signal() >= pk.n_vars)
        return {{Errc::out_of_range,
                 which + " names signal " + std::to_string(k.signal()) + " >= " + std::to_string(pk.n_vars)}};
      if (!ff::lt(k.limbs(), ff::FrParams::kModulus))
        return {{Errc::out_of_range, which + ": field element >= r"}};
      return std::nullopt;
    };
    auto bad = parallel_find_first(n, 1 << 14, [&](std::size_t i) {
      const groth16::StoredCoefficient k = view[i];
      return k.matrix() > 1 || k.constraint() >= domain_size || k.signal() >= pk.n_vars ||
             !ff::lt(k.limbs(), ff::FrParams::kModulus);
    });
    if (bad) {
      auto problem = check(*bad);
      if (!problem) throw Error(Errc::io, "zkey '" + name + "' changed while being read");
      c.fail_at(problem->first, 4 + *bad * 44, problem->second);  // records follow the u32 count
    }
    table(records, pk.coeffs);
  }
  table(f.reader(sa, "A points").g1_array_checked(n_vars), pk.a);
  table(f.reader(sb1, "B1 points").g1_array_checked(n_vars), pk.b1);
  table(f.reader(sb2, "B2 points").g2_array_checked(n_vars), pk.b2);
  table(f.reader(sc, "C points").g1_array_checked(n_private), pk.c);
  table(f.reader(sh, "H points").g1_array_checked(domain_size), pk.h);

  if (std::string err = groth16::check_verifying_key(pk.verifying_key()); !err.empty()) {
    throw Error(Errc::invalid_point, "zkey '" + name + "': " + err);
  }
  if (!ec::g1_is_valid(pk.beta1) || pk.beta1.is_infinity() || pk.delta1.is_infinity()) {
    throw Error(Errc::invalid_point, "zkey '" + name + "': beta1/delta1 must be non-zero G1 points");
  }
  return pk;
}

}  // namespace

ProvingKey parse_zkey(std::span<const std::uint8_t> data, const std::string& name) {
  return parse(data, name, nullptr);
}

ProvingKey load_zkey(const std::string& path, const std::string& name) {
  auto file = std::make_shared<const MappedFile>(path);
  return parse(file->bytes(), name.empty() ? path : name, file);
}

std::vector<std::uint8_t> write_zkey(const ProvingKey& pk) {
  BinWriter w("zkey", 1, 10);
  write_zkey_header(w, {pk.n_vars, pk.n_public, static_cast<std::uint32_t>(pk.domain_size()), pk.alpha1,
                        pk.beta1, pk.beta2, pk.gamma2, pk.delta1, pk.delta2});
  w.begin_section(kIc);
  for (const auto& p : pk.ic) w.g1_mont(p);
  w.end_section();
  w.begin_section(kCoeffs);
  w.u32(static_cast<std::uint32_t>(pk.coeffs.size()));
  w.bytes(pk.coeffs.view().bytes());
  w.end_section();
  // Our point layout is the file's (Montgomery limbs, x then y): tables are written as they are.
  auto g1s = [&](std::uint32_t type, const Table<ec::G1Affine>& pts) {
    w.begin_section(type);
    w.bytes(pts.view().bytes());
    w.end_section();
  };
  g1s(kA, pk.a);
  g1s(kB1, pk.b1);
  w.begin_section(kB2);
  w.bytes(pk.b2.view().bytes());
  w.end_section();
  g1s(kC, pk.c);
  g1s(kH, pk.h);
  w.begin_section(kContributions);
  std::uint8_t zero_hash[64] = {};
  w.bytes(zero_hash);  // csHash of an empty ceremony
  w.u32(0);            // no contributions
  w.end_section();
  return w.data();
}

}  // namespace pm::formats
