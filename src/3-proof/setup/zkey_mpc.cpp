#include "setup/zkey_mpc.hpp"

#include <cstring>

#include "base/error.hpp"
#include "base/mapped_file.hpp"
#include "base/random.hpp"
#include "formats/binfile.hpp"
#include "formats/r1cs.hpp"
#include "formats/zkey.hpp"
#include "msm/msm.hpp"
#include "setup/points.hpp"
#include "setup/ptau.hpp"

namespace pm::setup {

using ec::G1Affine;
using ec::G2Affine;
using ff::Fr;
using ff::u256;

namespace {

using namespace formats::zkey_section;
constexpr std::uint32_t kMpc = kContributions;

using Header = formats::ZkeyHeader;

// The shared header checks, and the verifying-key G2 points in their subgroup.
Header read_header(const formats::BinFile& f) {
  Header h = formats::read_zkey_header(f);
  for (const auto* p : {&h.beta2, &h.gamma2, &h.delta2}) {
    if (!ec::g2_is_valid(*p)) {
      f.reader(f.section(kGrothHeader, "groth16 header"), "groth16 header")
          .fail(Errc::invalid_point, "a G2 point of the header is outside the subgroup");
    }
  }
  return h;
}

ZkeyMpc read_mpc(const formats::BinFile& f) {
  auto r = f.reader(f.section(kMpc, "MPC parameters"), "MPC parameters");
  ZkeyMpc m;
  auto cs = r.bytes(64);
  std::copy(cs.begin(), cs.end(), m.cs_hash.begin());
  std::uint32_t n = r.u32();
  for (std::uint32_t i = 0; i < n; ++i) {
    ZkeyContribution c;
    c.delta_after = r.g1_mont();
    c.g1_s = r.g1_mont();
    c.g1_sx = r.g1_mont();
    c.g2_spx = r.g2_mont();
    auto t = r.bytes(64);
    std::copy(t.begin(), t.end(), c.transcript.begin());
    auto tail = read_record_tail(r, i + 1);
    c.type = tail.type;
    c.params = std::move(tail.params);
    m.contributions.push_back(std::move(c));
  }
  r.expect_end();
  return m;
}

void write_mpc(formats::BinWriter& w, const ZkeyMpc& m) {
  w.begin_section(kMpc);
  w.bytes(m.cs_hash);
  w.u32(static_cast<std::uint32_t>(m.contributions.size()));
  for (const auto& c : m.contributions) {
    w.g1_mont(c.delta_after);
    w.g1_mont(c.g1_s);
    w.g1_mont(c.g1_sx);
    w.g2_mont(c.g2_spx);
    w.bytes(c.transcript);
    write_record_tail(w, c.type, c.params);
  }
  w.end_section();
}

// hashPubKey: what each earlier contribution adds to the transcript of the next.
void hash_pubkey(Blake2b& h, const ZkeyContribution& c) {
  put_u(h, c.delta_after);
  put_u(h, c.g1_s);
  put_u(h, c.g1_sx);
  put_u(h, c.g2_spx);
  h.update(c.transcript);
}

template <class A>
void append_lem(std::vector<std::uint8_t>& out, std::span<const A> pts) {
  std::size_t at = out.size();
  const std::size_t bytes = std::is_same_v<A, G1Affine> ? 64 : 128;
  out.resize(at + pts.size() * bytes);
  for (std::size_t i = 0; i < pts.size(); ++i) {
    std::uint8_t* o = &out[at + i * bytes];
    if constexpr (std::is_same_v<A, G1Affine>) {
      pts[i].x.to_mont_le_bytes(o);
      pts[i].y.to_mont_le_bytes(o + 32);
    } else {
      pts[i].x.c0.to_mont_le_bytes(o);
      pts[i].x.c1.to_mont_le_bytes(o + 32);
      pts[i].y.c0.to_mont_le_bytes(o + 64);
      pts[i].y.c1.to_mont_le_bytes(o + 96);
    }
  }
}

void put_be32(Blake2b& h, std::uint32_t v) {
  std::uint8_t b[4] = {static_cast<std::uint8_t>(v >> 24), static_cast<std::uint8_t>(v >> 16),
                       static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)};
  h.update(std::span<const std::uint8_t>(b, 4));
}

// The key `zkey new` makes (delta = 1), with its circuit hash.
struct InitialKey {
  Header header;
  std::vector<G1Affine> ic, a, b1, c, h;
  std::vector<G2Affine> b2;
  std::vector<std::uint8_t> coeffs;  // section 4 body
  Hash64 cs_hash{};
};

// snarkjs's H-part of the circuit hash: T_i = [tau^(i+n)] - [tau^i] from ptau section 2, for
// i < n-1; for n >= 32768 snarkjs's chunk loop hashes one point more, T_(n-1), whose first
// operand is read as the raw 64 bytes at index 2n-1 of section 2: a real power when the ptau's
// power exceeds the circuit's, else the bytes that follow the section in the file (decoded as
// an affine point and subtracted by the chord formula, as snarkjs does).
void hash_t_points(Blake2b& hash, const PtauFile& ptau, std::uint64_t n) {
  const std::uint64_t regular = n - 1;
  auto lo = ptau.g1_points(ptau_section::kTauG1, 0, regular);
  auto hi = ptau.g1_points(ptau_section::kTauG1, n, regular);
  std::vector<ec::G1> d(regular);
  for (std::uint64_t i = 0; i < regular; ++i) d[i] = ec::G1::from_affine(hi[i]).add_mixed(lo[i].neg());
  std::vector<G1Affine> t(regular);
  ec::batch_to_affine<ec::G1Config>(d, t);
  put_u(hash, std::span<const G1Affine>(t));
  if (n >= 32768) {
    const std::uint64_t at = ptau.section_offset(ptau_section::kTauG1) + (2 * n - 1) * 64;
    auto bytes = ptau.bytes();
    if (at + 64 > bytes.size())
      throw Error(Errc::format, "ptau '" + ptau.path() + "': too short for the circuit hash");
    auto raw = [&](std::uint64_t off) {
      return ff::Fq::from_mont_unchecked(
          ff::Fq::from_u256_reduce(ff::load_le(bytes.data() + off)).to_canonical());
    };
    ff::Fq x2 = raw(at), y2 = raw(at + 32);
    G1Affine q1 = ptau.g1_points(ptau_section::kTauG1, n - 1, 1)[0];
    // (x2, y2) + (-q1) by the chord formula.
    ff::Fq x1 = q1.x, y1 = -q1.y;
    ff::Fq l = (y2 - y1) * (x2 - x1).inverse();
    ff::Fq x3 = l.square() - x1 - x2;
    ff::Fq y3 = l * (x1 - x3) - y1;
    put_u(hash, G1Affine::from_xy(x3, y3));
  }
}

// snarkjs's domain for a circuit: the power of two above constraints + public signals + 1 (at
// least 2 rows), which the ptau must cover.
std::uint64_t domain_size(const r1cs::R1cs& r1cs, const PtauFile& ptau) {
  if (!ptau.prepared()) {
    throw Error(Errc::invalid_argument,
                "ptau '" + ptau.path() + "' is not prepared for phase 2 (run `powersoftau prepare phase2`)");
  }
  const std::uint64_t rows = std::uint64_t{r1cs.n_constraints} + r1cs.n_public() + 1;
  unsigned k = 0;
  while ((std::uint64_t{1} << k) < rows) ++k;
  k = std::max(k, 1u);  // snarkjs: log2(rows - 1) + 1, so a one-row circuit still gets 2 rows
  if (k > ptau.power()) {
    throw Error(Errc::mismatch, "the circuit needs a ptau of power " + std::to_string(k) + " (" +
                                    std::to_string(rows) + " rows), '" + ptau.path() + "' has power " +
                                    std::to_string(ptau.power()));
  }
  if (k > kMaxPreparePower) throw Error(Errc::out_of_range, "circuits of 2^28 rows are not supported");
  return std::uint64_t{1} << k;
}

// The key's fixed points before any contribution: alpha, beta from the ptau, gamma = delta = 1.
Header initial_header(const r1cs::R1cs& r1cs, const PtauFile& ptau, std::uint64_t n) {
  Header h;
  h.n_vars = r1cs.n_wires;
  h.n_public = r1cs.n_public();
  h.domain = static_cast<std::uint32_t>(n);
  h.alpha1 = ptau.g1_points(ptau_section::kAlphaTauG1, 0, 1)[0];
  h.beta1 = ptau.g1_points(ptau_section::kBetaTauG1, 0, 1)[0];
  h.beta2 = ptau.g2_points(ptau_section::kBetaG2, 0, 1)[0];
  h.gamma2 = ec::g2_generator();
  h.delta1 = ec::g1_generator();
  h.delta2 = ec::g2_generator();
  if (!ec::g2_is_valid(h.beta2))
    throw Error(Errc::invalid_point, "ptau '" + ptau.path() + "': betaG2 outside the subgroup");
  return h;
}

// Per wire, the A, B and C terms (row, coefficient) in CSR form, with snarkjs's extra A rows
// m + s for the public signals.
struct WireTerms {
  std::vector<std::uint64_t> begin[3];
  std::vector<SparseTerm> terms[3];
};

// The CSR terms, and the zkey's coefficient section (A and B terms, values times R^2) in
// snarkjs's order.
WireTerms wire_terms(const r1cs::R1cs& r1cs, std::vector<std::uint8_t>& out) {
  const std::uint32_t m = r1cs.n_constraints, n_public = r1cs.n_public(), n_vars = r1cs.n_wires;
  WireTerms wt;
  auto& begin = wt.begin;
  auto& terms = wt.terms;
  for (int mat = 0; mat < 3; ++mat) begin[mat].assign(n_vars + 1, 0);
  for (std::uint32_t row = 0; row < m; ++row) {
    for (int mat = 0; mat < 3; ++mat) {
      for (const auto& t : r1cs.lc(row, mat)) {
        if (t.wire >= n_vars) throw Error(Errc::format, "r1cs: wire index out of range");
        ++begin[mat][t.wire + 1];
      }
    }
  }
  for (std::uint32_t s = 0; s <= n_public; ++s) ++begin[0][s + 1];  // the extra rows m + s
  for (int mat = 0; mat < 3; ++mat) {
    for (std::uint32_t w = 0; w < n_vars; ++w) begin[mat][w + 1] += begin[mat][w];
    terms[mat].resize(begin[mat][n_vars]);
  }
  std::vector<std::uint64_t> fill[3] = {begin[0], begin[1], begin[2]};
  std::uint32_t n_coef = 0;
  out.resize(4);
  auto coef_entry = [&](std::uint32_t mat, std::uint32_t row, std::uint32_t wire, const Fr& v) {
    std::uint8_t b[44];
    for (int i = 0; i < 4; ++i) {
      b[i] = static_cast<std::uint8_t>(mat >> (8 * i));
      b[4 + i] = static_cast<std::uint8_t>(row >> (8 * i));
      b[8 + i] = static_cast<std::uint8_t>(wire >> (8 * i));
    }
    Fr::from_canonical_reduced(v.mont()).to_mont_le_bytes(b + 12);  // stored as value * R^2
    out.insert(out.end(), b, b + 44);
    ++n_coef;
  };
  for (std::uint32_t row = 0; row < m; ++row) {
    for (int mat = 0; mat < 3; ++mat) {
      for (const auto& t : r1cs.lc(row, mat)) {
        terms[mat][fill[mat][t.wire]++] = {row, t.coeff};
        if (mat < 2) coef_entry(static_cast<std::uint32_t>(mat), row, t.wire, t.coeff);
      }
    }
  }
  for (std::uint32_t s = 0; s <= n_public; ++s) {
    terms[0][fill[0][s]++] = {m + s, Fr::one()};
    coef_entry(0, m + s, s, Fr::one());
  }
  for (int i = 0; i < 4; ++i) out[i] = static_cast<std::uint8_t>(n_coef >> (8 * i));
  return wt;
}

// IC and C points: beta u_s + alpha v_s + w_s per wire, from the bases lb (A terms), la (B
// terms, shifted by n) and l1 (C terms, by 2n); the first n_public + 1 are IC.
void ic_and_c_points(const WireTerms& wt, std::span<const G1Affine> l1, std::span<const G1Affine> la,
                     std::span<const G1Affine> lb, std::uint64_t n, std::uint32_t n_public, InitialKey& key) {
  const std::size_t n_vars = wt.begin[0].size() - 1;
  std::vector<G1Affine> bases;
  bases.reserve(3 * n);
  bases.insert(bases.end(), lb.begin(), lb.end());
  bases.insert(bases.end(), la.begin(), la.end());
  bases.insert(bases.end(), l1.begin(), l1.end());
  std::vector<std::uint64_t> cb(n_vars + 1, 0);
  std::vector<SparseTerm> ct;
  ct.reserve(wt.terms[0].size() + wt.terms[1].size() + wt.terms[2].size());
  for (std::size_t w = 0; w < n_vars; ++w) {
    for (int mat = 0; mat < 3; ++mat) {
      for (std::uint64_t t = wt.begin[mat][w]; t < wt.begin[mat][w + 1]; ++t) {
        ct.push_back({static_cast<std::uint32_t>(wt.terms[mat][t].index + mat * n), wt.terms[mat][t].coeff});
      }
    }
    cb[w + 1] = ct.size();
  }
  std::vector<G1Affine> all(n_vars);
  sparse_combinations<G1Affine>(bases, ct, cb, all);
  key.ic.assign(all.begin(), all.begin() + n_public + 1);
  key.c.assign(all.begin() + n_public + 1, all.end());
}

// snarkjs's circuit hash (csHash): the header points, then IC, the H part, C, A, B1 and B2.
Hash64 circuit_hash(const InitialKey& key, const PtauFile& ptau) {
  const Header& h = key.header;
  const std::uint64_t n = h.domain;
  Blake2b hash;
  put_u(hash, h.alpha1);
  put_u(hash, h.beta1);
  put_u(hash, h.beta2);
  put_u(hash, h.gamma2);
  put_u(hash, h.delta1);
  put_u(hash, h.delta2);
  put_be32(hash, h.n_public + 1);
  put_u(hash, std::span<const G1Affine>(key.ic));
  put_be32(hash, static_cast<std::uint32_t>(n - 1));
  hash_t_points(hash, ptau, n);
  put_be32(hash, h.n_vars - h.n_public - 1);
  put_u(hash, std::span<const G1Affine>(key.c));
  put_be32(hash, h.n_vars);
  put_u(hash, std::span<const G1Affine>(key.a));
  put_be32(hash, h.n_vars);
  put_u(hash, std::span<const G1Affine>(key.b1));
  put_be32(hash, h.n_vars);
  put_u(hash, std::span<const G2Affine>(key.b2));
  return hash.digest();
}

InitialKey build_initial(const r1cs::R1cs& r1cs, const PtauFile& ptau, const ProgressFn& progress) {
  const unsigned steps = 6;
  auto report = [&](std::string_view what, unsigned i) {
    if (progress) progress(what, i, steps);
  };
  const std::uint64_t n = domain_size(r1cs, ptau);
  InitialKey key;
  key.header = initial_header(r1cs, ptau, n);

  report("reading the Lagrange bases", 1);
  auto l1 = ptau.g1_points(ptau_section::kLagTauG1, n - 1, n);
  auto l2 = ptau.g2_points(ptau_section::kLagTauG2, n - 1, n);
  if (!g2_all_in_subgroup(l2))
    throw Error(Errc::invalid_point,
                "ptau '" + ptau.path() + "': a Lagrange tauG2 point is outside the subgroup");
  auto la = ptau.g1_points(ptau_section::kLagAlphaG1, n - 1, n);
  auto lb = ptau.g1_points(ptau_section::kLagBetaG1, n - 1, n);

  report("coefficients", 2);
  const WireTerms wt = wire_terms(r1cs, key.coeffs);

  report("A, B1, B2 points", 3);
  key.a.resize(r1cs.n_wires);
  key.b1.resize(r1cs.n_wires);
  key.b2.resize(r1cs.n_wires);
  sparse_combinations<G1Affine>(l1, wt.terms[0], wt.begin[0], key.a);
  sparse_combinations<G1Affine>(l1, wt.terms[1], wt.begin[1], key.b1);
  sparse_combinations<G2Affine>(l2, wt.terms[1], wt.begin[1], key.b2);

  report("IC and C points", 4);
  ic_and_c_points(wt, l1, la, lb, n, r1cs.n_public(), key);

  report("H points", 5);
  auto top = ptau.g1_points(ptau_section::kLagTauG1, 2 * n - 1, 2 * n);
  key.h.resize(n);
  for (std::uint64_t i = 0; i < n; ++i) key.h[i] = top[2 * i + 1];

  report("circuit hash", 6);
  key.cs_hash = circuit_hash(key, ptau);
  return key;
}

template <class A>
std::vector<std::uint8_t> lem(std::span<const A> pts) {
  std::vector<std::uint8_t> out;
  append_lem(out, pts);
  return out;
}

void section_bytes(formats::BinWriter& w, std::uint32_t type, std::span<const std::uint8_t> body) {
  w.begin_section(type);
  w.bytes(body);
  w.end_section();
}

[[noreturn]] void fail(const std::string& msg) { throw Error(Errc::mismatch, msg); }

}  // namespace

Hash64 ZkeyContribution::contribution_hash() const {
  Blake2b h;
  hash_pubkey(h, *this);
  return h.digest();
}

ZkeyMpc read_zkey_mpc(const std::string& path) {
  MappedFile map(path);
  formats::BinFile f(map.bytes(), "zkey", path, "zkey", 1, 2);
  return read_mpc(f);
}

Hash64 groth16_setup(const std::string& r1cs_path, const std::string& ptau_path, const std::string& zkey,
                     const ProgressFn& progress) {
  auto r1cs = formats::load_r1cs(r1cs_path);
  PtauFile ptau(ptau_path);
  InitialKey key = build_initial(r1cs, ptau, progress);
  // snarkjs's zkey new writes the sections in the order 1, 2, 4, 3, 9, 8, 5, 6, 7, 10.
  formats::BinWriter w("zkey", 1, 10);
  formats::write_zkey_header(w, key.header);
  section_bytes(w, kCoeffs, key.coeffs);
  section_bytes(w, kIc, lem<G1Affine>(key.ic));
  section_bytes(w, kH, lem<G1Affine>(key.h));
  section_bytes(w, kC, lem<G1Affine>(key.c));
  section_bytes(w, kA, lem<G1Affine>(key.a));
  section_bytes(w, kB1, lem<G1Affine>(key.b1));
  section_bytes(w, kB2, lem<G2Affine>(key.b2));
  write_mpc(w, ZkeyMpc{key.cs_hash, {}});
  write_file(zkey, w.data());
  return key.cs_hash;
}

Hash64 zkey_contribute(const std::string& in, const std::string& out, const ContributionParams& params,
                       std::string_view entropy, const ProgressFn& progress) {
  MappedFile map(in);
  formats::BinFile f(map.bytes(), "zkey", in, "zkey", 1, 2);
  Header h = read_header(f);
  ZkeyMpc mpc = read_mpc(f);
  auto report = [&](std::string_view what, unsigned i) {
    if (progress) progress(what, i, 4);
  };
  report("deriving the key", 1);
  std::unique_ptr<ChaCha> rng = params.beacon ? rng_from_beacon(*params.beacon) : rng_from_entropy(entropy);
  Blake2b t;
  t.update(mpc.cs_hash);
  for (const auto& c : mpc.contributions) hash_pubkey(t, c);
  struct Secret {
    Fr delta, inv;
    ~Secret() { wipe(*this); }
  } s;
  s.delta = fr_from_rng(*rng);
  ZkeyContribution c;
  c.g1_s = g1_from_rng(*rng);
  rng.reset();
  c.g1_sx = mul(c.g1_s, s.delta);
  put_u(t, c.g1_s);
  put_u(t, c.g1_sx);
  c.transcript = t.digest();
  c.g2_spx = mul(hash_to_g2(c.transcript), s.delta);
  h.delta1 = mul(h.delta1, s.delta);
  h.delta2 = mul(h.delta2, s.delta);
  c.delta_after = h.delta1;
  c.type = params.beacon ? 1 : 0;
  c.params = params;
  c.params.name = truncate_name(params.name);
  s.inv = s.delta.inverse();

  auto scaled = [&](std::uint32_t type, const char* what) {
    const auto& sec = f.section(type, what);
    const std::uint64_t want = (type == kC ? h.n_vars - h.n_public - 1 : std::uint64_t{h.domain}) * 64;
    if (sec.size != want) {
      f.fail(
          Errc::format, sec.offset,
          std::string(what) + ": " + std::to_string(sec.size) + " bytes, expected " + std::to_string(want));
    }
    std::vector<G1Affine> pts(sec.size / 64);
    f.reader(sec, what).g1_array(pts);
    std::vector<Fr> k(pts.size(), s.inv);
    scale_points<G1Affine>(pts, k, pts);
    wipe_vector(k);
    return lem<G1Affine>(pts);
  };
  report("C points", 2);
  auto c8 = scaled(kC, "C points");
  report("H points", 3);
  auto h9 = scaled(kH, "H points");
  report("writing " + out, 4);
  formats::BinWriter w("zkey", 1, 10);
  formats::write_zkey_header(w, h);
  for (auto [type, what] : {std::pair{kIc, "IC"},
                            {kCoeffs, "coefficients"},
                            {kA, "A points"},
                            {kB1, "B1 points"},
                            {kB2, "B2 points"}}) {
    section_bytes(w, type, f.body(f.section(type, what)));
  }
  section_bytes(w, kC, c8);
  section_bytes(w, kH, h9);
  mpc.contributions.push_back(c);
  write_mpc(w, mpc);
  write_file(out, w.data());
  return c.contribution_hash();
}

ZkeyVerifyReport zkey_verify(const std::string& r1cs_path, const std::string& ptau_path,
                             const std::string& zkey, const ProgressFn& progress) {
  auto r1cs = formats::load_r1cs(r1cs_path);
  PtauFile ptau(ptau_path);
  ProgressFn inner;
  if (progress) inner = [&](std::string_view what, unsigned i, unsigned) { progress(what, i, 9); };
  InitialKey init = build_initial(r1cs, ptau, inner);
  auto report = [&](std::string_view what, unsigned i) {
    if (progress) progress(what, i, 9);
  };
  MappedFile map(zkey);
  formats::BinFile f(map.bytes(), "zkey", zkey, "zkey", 1, 2);
  Header h = read_header(f);
  ZkeyMpc mpc = read_mpc(f);

  report("contributions", 7);
  Blake2b acc;
  acc.update(mpc.cs_hash);
  G1Affine cur = ec::g1_generator();
  for (std::size_t i = 0; i < mpc.contributions.size(); ++i) {
    const auto& c = mpc.contributions[i];
    std::string who =
        "contribution #" + std::to_string(i + 1) + (c.params.name.empty() ? "" : " (" + c.params.name + ")");
    Blake2b probe = acc;
    put_u(probe, c.g1_s);
    put_u(probe, c.g1_sx);
    if (probe.digest() != c.transcript)
      fail(who + ": the transcript hash does not match the earlier contributions");
    if (!ec::g2_is_valid(c.g2_spx)) fail(who + ": g2_spx is outside the G2 subgroup");
    G2Affine sp = hash_to_g2(c.transcript);
    if (!same_ratio(c.g1_s, c.g1_sx, sp, c.g2_spx)) fail(who + ": invalid proof of knowledge of its delta");
    if (!same_ratio(cur, c.delta_after, sp, c.g2_spx)) fail(who + ": delta does not follow the previous one");
    if (c.type == 1) {
      check_beacon_cost(*c.params.beacon, who);
      auto rng = rng_from_beacon(*c.params.beacon);
      Fr d = fr_from_rng(*rng);
      G1Affine s = g1_from_rng(*rng);
      G1Affine sx = mul(s, d);
      wipe(d);
      if (!(s == c.g1_s) || !(sx == c.g1_sx))
        fail(who + ": the beacon's key does not follow from its hash and exponent");
    }
    hash_pubkey(acc, c);
    cur = c.delta_after;
  }

  report("header and fixed sections", 8);
  if (h.n_vars != init.header.n_vars || h.n_public != init.header.n_public ||
      h.domain != init.header.domain) {
    fail("the key's sizes (nVars, nPublic, domain) differ from the circuit's");
  }
  if (!(h.alpha1 == init.header.alpha1) || !(h.beta1 == init.header.beta1) ||
      !(h.beta2 == init.header.beta2) || !(h.gamma2 == init.header.gamma2)) {
    fail("alpha, beta or gamma differ from the ptau's");
  }
  if (!(h.delta1 == cur)) fail("delta_1 is not the last contribution's");
  if (!same_ratio(ec::g1_generator(), cur, ec::g2_generator(), h.delta2))
    fail("delta_2 does not match delta_1");
  if (mpc.cs_hash != init.cs_hash) fail("the circuit hash differs from the circuit's and the ptau's");
  auto same = [&](std::uint32_t type, std::span<const std::uint8_t> want, const char* what) {
    auto got = f.body(f.section(type, what));
    if (got.size() != want.size() || std::memcmp(got.data(), want.data(), want.size()) != 0) {
      fail(std::string("section ") + std::to_string(type) + " (" + what + ") differs from the circuit's");
    }
  };
  same(kIc, lem<G1Affine>(init.ic), "IC");
  same(kCoeffs, init.coeffs, "coefficients");
  same(kA, lem<G1Affine>(init.a), "A points");
  same(kB1, lem<G1Affine>(init.b1), "B1 points");
  same(kB2, lem<G2Affine>(init.b2), "B2 points");

  report("C and H points", 9);
  auto divided = [&](std::uint32_t type, const std::vector<G1Affine>& want, const char* what) {
    const auto& sec = f.section(type, what);
    if (sec.size != want.size() * 64)
      fail(std::string("section ") + std::to_string(type) + " (" + what + ") has the wrong size");
    if (want.empty()) return;
    std::vector<G1Affine> got(want.size());
    f.reader(sec, what).g1_array(got);
    std::vector<u256> r(want.size());
    for (auto& v : r) os_random_bytes(v.data(), 8);
    auto r1 = msm::msm_g1(want, r).to_affine();
    auto r2 = msm::msm_g1(got, r).to_affine();
    // want = got * delta: e(r1, g2) == e(r2, delta_2).
    if (r1.is_infinity() && r2.is_infinity()) return;
    if (!same_ratio(r1, r2, h.delta2, ec::g2_generator())) {
      fail(std::string("section ") + std::to_string(type) + " (" + what +
           ") is not the circuit's divided by delta");
    }
  };
  divided(kC, init.c, "C points");
  divided(kH, init.h, "H points");
  return {mpc.cs_hash, mpc.contributions};
}

}  // namespace pm::setup
