#include "setup/ptau.hpp"

#include <cstring>

#include "base/error.hpp"
#include "base/parallel.hpp"
#include "base/random.hpp"
#include "msm/msm.hpp"
#include "poly/ntt.hpp"
#include "setup/points.hpp"

namespace pm::setup {

using ec::G1Affine;
using ec::G2Affine;
using ff::Fr;
using ff::u256;

namespace {

using namespace ptau_section;

constexpr std::size_t kContributionFixedBytes = 1504;

std::uint64_t section_count(std::uint32_t type, unsigned power) {
  const std::uint64_t n = std::uint64_t{1} << power;
  switch (type) {
    case kTauG1:
      return 2 * n - 1;
    case kTauG2:
    case kAlphaTauG1:
    case kBetaTauG1:
      return n;
    case kBetaG2:
      return 1;
    case kLagTauG1:
      return 4 * n - 1;
    default:
      return 2 * n - 1;  // 13, 14, 15
  }
}
bool is_g2_section(std::uint32_t type) { return type == kTauG2 || type == kBetaG2 || type == kLagTauG2; }
std::size_t point_bytes(std::uint32_t type) { return is_g2_section(type) ? 128 : 64; }

const char* section_name(std::uint32_t type) {
  switch (type) {
    case kTauG1:
      return "tauG1";
    case kTauG2:
      return "tauG2";
    case kAlphaTauG1:
      return "alphaTauG1";
    case kBetaTauG1:
      return "betaTauG1";
    case kBetaG2:
      return "betaG2";
    case kLagTauG1:
      return "Lagrange tauG1";
    case kLagTauG2:
      return "Lagrange tauG2";
    case kLagAlphaG1:
      return "Lagrange alphaTauG1";
    case kLagBetaG1:
      return "Lagrange betaTauG1";
    default:
      return "?";
  }
}

void write_header(formats::BinWriter& w, unsigned power, unsigned ceremony_power) {
  w.begin_section(kHeader);
  w.prime(ff::FqParams::kModulus);
  w.u32(power);
  w.u32(ceremony_power);
  w.end_section();
}

void write_contribution(formats::BinWriter& w, const PtauContribution& c) {
  w.g1_mont(c.tau_g1);
  w.g2_mont(c.tau_g2);
  w.g1_mont(c.alpha_g1);
  w.g1_mont(c.beta_g1);
  w.g2_mont(c.beta_g2);
  for (const auto* k : {&c.tau, &c.alpha, &c.beta}) {
    w.g1_mont(k->g1_s);
    w.g1_mont(k->g1_sx);
  }
  for (const auto* k : {&c.tau, &c.alpha, &c.beta}) w.g2_mont(k->g2_spx);
  w.bytes(c.partial_hash);
  w.bytes(c.next_challenge);
  w.u32(c.type);
  auto params = encode_params(c.params);
  w.u32(static_cast<std::uint32_t>(params.size()));
  w.bytes(params);
}

void write_contributions(formats::BinWriter& w, const std::vector<PtauContribution>& cs) {
  w.begin_section(kContributions);
  w.u32(static_cast<std::uint32_t>(cs.size()));
  for (const auto& c : cs) write_contribution(w, c);
  w.end_section();
}

// The public key in snarkjs's order, uncompressed: 6 G1 (s, sx for tau, alpha, beta) then 3 G2.
std::vector<std::uint8_t> pubkey_u(const PtauContribution& c) {
  std::vector<std::uint8_t> b;
  for (const auto* k : {&c.tau, &c.alpha, &c.beta}) {
    append_u(b, k->g1_s);
    append_u(b, k->g1_sx);
  }
  for (const auto* k : {&c.tau, &c.alpha, &c.beta}) append_u(b, k->g2_spx);
  return b;
}

// The response stream before the public key: challenge (64 bytes) and the compressed points,
// 192 N + 96 bytes, of which 96 stay buffered; so 192 N were compressed.
std::uint64_t compressed_bytes(unsigned ceremony_power) { return std::uint64_t{192} << ceremony_power; }

// g2_sp = hashToG2(BLAKE2b(pers || challenge || U(g1_s) || U(g1_sx))).
G2Affine g2_sp(std::uint8_t pers, const Hash64& challenge, const G1Affine& s, const G1Affine& sx) {
  Blake2b h;
  h.update(std::span<const std::uint8_t>(&pers, 1));
  h.update(challenge);
  put_u(h, s);
  put_u(h, sx);
  return hash_to_g2(h.digest());
}

template <class A>
void write_points(formats::BinWriter& w, std::uint32_t type, std::span<const A> pts) {
  w.begin_section(type);
  for (const auto& p : pts) {
    if constexpr (std::is_same_v<A, G1Affine>) {
      w.g1_mont(p);
    } else {
      w.g2_mont(p);
    }
  }
  w.end_section();
}

void save(const std::string& path, const formats::BinWriter& w) { write_file(path, w.data()); }

}  // namespace

// ---------------------------------------------------------------------------------------------
// Reading

PtauFile::PtauFile(const std::string& path)
    : path_(path), map_(path), file_(map_.bytes(), "ptau", path, "ptau", 1, 1) {
  {
    auto r = file_.reader(file_.section(kHeader, "header"), "header");
    r.prime(ff::FqParams::kModulus, "q (BN254 base field)");
    power_ = r.u32();
    ceremony_power_ = r.u32();
    r.expect_end();
    if (power_ < 1 || power_ > kMaxPtauPower) {
      file_.fail(Errc::format, file_.section(kHeader, "header").offset + 36,
                 "power " + std::to_string(power_) + " outside 1.." + std::to_string(kMaxPtauPower));
    }
    if (ceremony_power_ < power_ || ceremony_power_ > kMaxPtauPower) {
      file_.fail(Errc::format, file_.section(kHeader, "header").offset + 40,
                 "ceremony power " + std::to_string(ceremony_power_) + " below the power " +
                     std::to_string(power_) + " or above " + std::to_string(kMaxPtauPower));
    }
  }
  for (std::uint32_t t : {kTauG1, kTauG2, kAlphaTauG1, kBetaTauG1, kBetaG2}) {
    const auto& s = file_.section(t, section_name(t));
    std::uint64_t want = section_count(t, power_) * point_bytes(t);
    if (s.size != want) {
      file_.fail(Errc::format, s.offset - 12,
                 std::string("section ") + std::to_string(t) + " (" + section_name(t) + ") has " +
                     std::to_string(s.size) + " bytes, expected " + std::to_string(want) + " for power " +
                     std::to_string(power_));
    }
  }
  int lagrange = 0;
  for (std::uint32_t t : {kLagTauG1, kLagTauG2, kLagAlphaG1, kLagBetaG1}) {
    if (!file_.has_section(t)) continue;
    ++lagrange;
    const auto& s = file_.section(t, section_name(t));
    std::uint64_t want = section_count(t, power_) * point_bytes(t);
    if (s.size != want) {
      file_.fail(Errc::format, s.offset - 12,
                 std::string("section ") + std::to_string(t) + " (" + section_name(t) + ") has " +
                     std::to_string(s.size) + " bytes, expected " + std::to_string(want));
    }
  }
  if (lagrange != 0 && lagrange != 4) {
    file_.fail(Errc::format, 8, "has only some of the Lagrange sections 12-15");
  }
  prepared_ = lagrange == 4;

  auto r = file_.reader(file_.section(kContributions, "contributions"), "contributions");
  std::uint32_t count = r.u32();
  for (std::uint32_t i = 0; i < count; ++i) {
    if (r.remaining() < kContributionFixedBytes) {
      r.fail(Errc::format,
             "contribution " + std::to_string(i + 1) + " of " + std::to_string(count) + " is truncated");
    }
    PtauContribution c;
    c.tau_g1 = r.g1_mont();
    c.tau_g2 = r.g2_mont();
    c.alpha_g1 = r.g1_mont();
    c.beta_g1 = r.g1_mont();
    c.beta_g2 = r.g2_mont();
    for (auto* k : {&c.tau, &c.alpha, &c.beta}) {
      k->g1_s = r.g1_mont();
      k->g1_sx = r.g1_mont();
    }
    for (auto* k : {&c.tau, &c.alpha, &c.beta}) k->g2_spx = r.g2_mont();
    auto ph = r.bytes(Blake2b::kStateBytes);
    std::copy(ph.begin(), ph.end(), c.partial_hash.begin());
    auto nc = r.bytes(64);
    std::copy(nc.begin(), nc.end(), c.next_challenge.begin());
    auto tail = read_record_tail(r, i + 1);
    c.type = tail.type;
    c.params = std::move(tail.params);
    // The response hash: the stored partial state resumed over the public key.
    Blake2b h;
    if (!Blake2b::from_partial_state(c.partial_hash, h, compressed_bytes(ceremony_power_))) {
      r.fail(Errc::format, "contribution " + std::to_string(i + 1) + ": malformed partial hash state");
    }
    h.update(pubkey_u(c));
    c.response_hash = h.digest();
    contributions_.push_back(std::move(c));
  }
  r.expect_end();
}

std::span<const std::uint8_t> PtauFile::section_body(std::uint32_t section) const {
  return file_.body(file_.section(section, section_name(section)));
}

std::uint64_t PtauFile::section_offset(std::uint32_t section) const {
  return file_.section(section, section_name(section)).offset;
}

std::vector<G1Affine> PtauFile::g1_points(std::uint32_t section, std::uint64_t first,
                                          std::uint64_t count) const {
  const auto& s = file_.section(section, section_name(section));
  PM_ASSERT(!is_g2_section(section) && (first + count) * 64 <= s.size);
  formats::Section sub{s.type, s.offset + first * 64, count * 64};
  std::vector<G1Affine> out(count);
  file_.reader(sub, section_name(section)).g1_array(out);
  return out;
}

std::vector<G2Affine> PtauFile::g2_points(std::uint32_t section, std::uint64_t first,
                                          std::uint64_t count) const {
  const auto& s = file_.section(section, section_name(section));
  PM_ASSERT(is_g2_section(section) && (first + count) * 128 <= s.size);
  formats::Section sub{s.type, s.offset + first * 128, count * 128};
  std::vector<G2Affine> out(count);
  file_.reader(sub, section_name(section)).g2_array(out);
  return out;
}

// ---------------------------------------------------------------------------------------------
// new

Hash64 first_challenge(unsigned power) {
  const std::uint64_t n = std::uint64_t{1} << power;
  Blake2b h;
  h.update(blake2b({}));
  auto repeat = [&h](auto point, std::uint64_t count) {
    std::vector<std::uint8_t> one, buf;
    append_u(one, point);
    const std::uint64_t per = 4096;
    for (std::uint64_t i = 0; i < per; ++i) buf.insert(buf.end(), one.begin(), one.end());
    for (std::uint64_t done = 0; done < count; done += per) {
      std::uint64_t k = std::min(per, count - done);
      h.update(std::span<const std::uint8_t>(buf.data(), k * one.size()));
    }
  };
  repeat(ec::g1_generator(), 2 * n - 1);
  repeat(ec::g2_generator(), n);
  repeat(ec::g1_generator(), n);
  repeat(ec::g1_generator(), n);
  repeat(ec::g2_generator(), 1);
  return h.digest();
}

Hash64 ptau_new(unsigned power, const std::string& out, const ProgressFn& progress) {
  if (power < 1 || power > kMaxPtauPower) {
    throw Error(Errc::invalid_argument,
                "powersoftau new: power must be in 1.." + std::to_string(kMaxPtauPower));
  }
  const std::uint64_t n = std::uint64_t{1} << power;
  if (progress) progress("writing the generators", 1, 2);
  formats::BinWriter w("ptau", 1, 7);
  write_header(w, power, power);
  auto fill = [&w](std::uint32_t type, auto point, std::uint64_t count) {
    w.begin_section(type);
    for (std::uint64_t i = 0; i < count; ++i) {
      if constexpr (std::is_same_v<decltype(point), G1Affine>) {
        w.g1_mont(point);
      } else {
        w.g2_mont(point);
      }
    }
    w.end_section();
  };
  fill(kTauG1, ec::g1_generator(), 2 * n - 1);
  fill(kTauG2, ec::g2_generator(), n);
  fill(kAlphaTauG1, ec::g1_generator(), n);
  fill(kBetaTauG1, ec::g1_generator(), n);
  fill(kBetaG2, ec::g2_generator(), 1);
  write_contributions(w, {});
  save(out, w);
  if (progress) progress("first challenge hash", 2, 2);
  return first_challenge(power);
}

// ---------------------------------------------------------------------------------------------
// contribute / beacon

namespace {

struct PtauSecrets {
  Fr tau, alpha, beta;
  ~PtauSecrets() { wipe(*this); }
};

// snarkjs's createPTauKey: tau, alpha, beta, then per secret g1_s, g1_sx, g2_sp, g2_spx.
void create_key(ChaCha& rng, const Hash64& challenge, PtauSecrets& s, PtauContribution& c) {
  s.tau = fr_from_rng(rng);
  s.alpha = fr_from_rng(rng);
  s.beta = fr_from_rng(rng);
  std::uint8_t pers = 0;
  for (auto [x, k] : {std::pair{&s.tau, &c.tau}, {&s.alpha, &c.alpha}, {&s.beta, &c.beta}}) {
    k->g1_s = g1_from_rng(rng);
    k->g1_sx = mul(k->g1_s, *x);
    k->g2_spx = mul(g2_sp(pers++, challenge, k->g1_s, k->g1_sx), *x);
  }
}

// out[i] = in[i] * first * tau^i, hashed compressed in snarkjs's chunks of `chunk` points.
template <class A>
std::vector<A> apply_key(std::span<const A> in, const Fr& first, const Fr& tau, Blake2b& response,
                         std::size_t chunk) {
  std::vector<Fr> k(in.size());
  Fr x = first;
  for (auto& v : k) {
    v = x;
    x *= tau;
  }
  wipe(x);
  std::vector<A> out(in.size());
  scale_points<A>(in, k, out);
  wipe_vector(k);
  std::vector<std::uint8_t> buf;
  for (std::size_t i = 0; i < out.size(); i += chunk) {
    buf.clear();
    for (std::size_t j = i; j < std::min(out.size(), i + chunk); ++j) append_c(buf, out[j]);
    response.update(buf);
  }
  return out;
}

}  // namespace

PtauContributeResult ptau_contribute(const std::string& in, const std::string& out,
                                     const ContributionParams& params, std::string_view entropy,
                                     const ProgressFn& progress) {
  PtauFile f(in);
  if (f.power() != f.ceremony_power()) {
    throw Error(Errc::invalid_argument, "ptau '" + in + "' is truncated (power " + std::to_string(f.power()) +
                                            " of a ceremony of power " + std::to_string(f.ceremony_power()) +
                                            "): contribute to the full file");
  }
  const unsigned steps = 8;
  auto report = [&](std::string_view what, unsigned i) {
    if (progress) progress(what, i, steps);
  };
  const std::uint64_t n = std::uint64_t{1} << f.power();
  PtauContributeResult res;
  res.challenge =
      f.contributions().empty() ? first_challenge(f.power()) : f.contributions().back().next_challenge;

  report("deriving the key", 1);
  std::unique_ptr<ChaCha> rng = params.beacon ? rng_from_beacon(*params.beacon) : rng_from_entropy(entropy);
  PtauSecrets s;
  PtauContribution c;
  c.type = params.beacon ? 1 : 0;
  c.params = params;
  c.params.name = truncate_name(params.name);
  create_key(*rng, res.challenge, s, c);
  rng.reset();

  Blake2b response;
  response.update(res.challenge);
  formats::BinWriter w("ptau", 1, 7);
  write_header(w, f.power(), f.power());
  Blake2b next;  // the next challenge hashes the response hash first: filled in below
  std::vector<std::uint8_t> points_u;

  report("tauG1", 2);
  auto t1 = apply_key<G1Affine>(f.g1_points(kTauG1, 0, 2 * n - 1), Fr::one(), s.tau, response, 16384);
  report("tauG2", 3);
  auto t2 = apply_key<G2Affine>(f.g2_points(kTauG2, 0, n), Fr::one(), s.tau, response, 8192);
  report("alphaTauG1", 4);
  auto a1 = apply_key<G1Affine>(f.g1_points(kAlphaTauG1, 0, n), s.alpha, s.tau, response, 16384);
  report("betaTauG1", 5);
  auto b1 = apply_key<G1Affine>(f.g1_points(kBetaTauG1, 0, n), s.beta, s.tau, response, 16384);
  report("betaG2", 6);
  auto b2 = apply_key<G2Affine>(f.g2_points(kBetaG2, 0, 1), s.beta, s.tau, response, 8192);

  c.partial_hash = response.partial_state();
  response.update(pubkey_u(c));
  res.response_hash = response.digest();
  c.response_hash = res.response_hash;

  report("next challenge hash", 7);
  next.update(res.response_hash);
  put_u(next, std::span<const G1Affine>(t1));
  put_u(next, std::span<const G2Affine>(t2));
  put_u(next, std::span<const G1Affine>(a1));
  put_u(next, std::span<const G1Affine>(b1));
  put_u(next, std::span<const G2Affine>(b2));
  res.next_challenge = next.digest();
  c.next_challenge = res.next_challenge;
  c.tau_g1 = t1[1];
  c.tau_g2 = t2[1];
  c.alpha_g1 = a1[0];
  c.beta_g1 = b1[0];
  c.beta_g2 = b2[0];

  report("writing " + out, 8);
  write_points<G1Affine>(w, kTauG1, t1);
  write_points<G2Affine>(w, kTauG2, t2);
  write_points<G1Affine>(w, kAlphaTauG1, a1);
  write_points<G1Affine>(w, kBetaTauG1, b1);
  write_points<G2Affine>(w, kBetaG2, b2);
  auto all = f.contributions();
  all.push_back(c);
  write_contributions(w, all);
  save(out, w);
  return res;
}

// ---------------------------------------------------------------------------------------------
// prepare phase2

void ptau_prepare_phase2(const std::string& in, const std::string& out, const ProgressFn& progress) {
  PtauFile f(in);
  if (f.power() > kMaxPreparePower) {
    throw Error(Errc::invalid_argument, "prepare phase2: power " + std::to_string(f.power()) +
                                            " is above the supported " + std::to_string(kMaxPreparePower));
  }
  const unsigned p = f.power();
  formats::BinWriter w("ptau", 1, 11);
  write_header(w, p, p);
  for (std::uint32_t t : {kTauG1, kTauG2, kAlphaTauG1, kBetaTauG1, kBetaG2, kContributions}) {
    w.begin_section(t);
    w.bytes(f.section_body(t));
    w.end_section();
  }
  auto levels = [&](std::uint32_t out_type, std::uint32_t src, unsigned top, unsigned step) {
    if (progress) progress(section_name(out_type), step, 4);
    w.begin_section(out_type);
    if (is_g2_section(src)) {
      auto pts = f.g2_points(src, 0, section_count(src, p));
      for (unsigned k = 0; k <= top; ++k) {
        std::vector<G2Affine> in_k(std::uint64_t{1} << k);
        for (std::size_t i = 0; i < in_k.size(); ++i)
          in_k[i] = i < pts.size() ? pts[i] : G2Affine::identity();
        for (const auto& q : lagrange_basis<G2Affine>(in_k, k)) w.g2_mont(q);
      }
    } else {
      auto pts = f.g1_points(src, 0, section_count(src, p));
      for (unsigned k = 0; k <= top; ++k) {
        std::vector<G1Affine> in_k(std::uint64_t{1} << k);
        for (std::size_t i = 0; i < in_k.size(); ++i)
          in_k[i] = i < pts.size() ? pts[i] : G1Affine::identity();
        for (const auto& q : lagrange_basis<G1Affine>(in_k, k)) w.g1_mont(q);
      }
    }
    w.end_section();
  };
  levels(kLagTauG1, kTauG1, p + 1, 1);
  levels(kLagTauG2, kTauG2, p, 2);
  levels(kLagAlphaG1, kAlphaTauG1, p, 3);
  levels(kLagBetaG1, kBetaTauG1, p, 4);
  save(out, w);
}

// ---------------------------------------------------------------------------------------------
// verify

namespace {

[[noreturn]] void fail(const std::string& msg) { throw Error(Errc::mismatch, msg); }

std::string label(std::size_t i, const PtauContribution& c) {
  std::string s = "contribution #" + std::to_string(i + 1);
  if (!c.params.name.empty()) s += " (" + c.params.name + ")";
  return s;
}

struct Prev {
  G1Affine tau_g1, alpha_g1, beta_g1;
  G2Affine tau_g2, beta_g2;
  Hash64 next_challenge;
};

void verify_contribution(std::size_t i, const PtauContribution& cur, const Prev& prev) {
  const std::string who = label(i, cur);
  if (cur.type == 1) {
    check_beacon_cost(*cur.params.beacon, who);
    auto rng = rng_from_beacon(*cur.params.beacon);
    PtauSecrets s;
    PtauContribution k;
    create_key(*rng, prev.next_challenge, s, k);
    for (auto [a, b] : {std::pair{&k.tau, &cur.tau}, {&k.alpha, &cur.alpha}, {&k.beta, &cur.beta}}) {
      if (!(a->g1_s == b->g1_s && a->g1_sx == b->g1_sx && a->g2_spx == b->g2_spx)) {
        fail(who + ": the beacon's key does not follow from its hash and exponent");
      }
    }
  }
  for (const auto* k : {&cur.tau, &cur.alpha, &cur.beta}) {
    if (!ec::g2_is_valid(k->g2_spx)) fail(who + ": a key's G2 point is outside the subgroup");
  }
  for (const auto* p : {&cur.tau_g2, &cur.beta_g2}) {
    if (!ec::g2_is_valid(*p)) fail(who + ": a G2 point of the record is outside the subgroup");
  }
  G2Affine sp[3];
  std::uint8_t pers = 0;
  const char* names[3] = {"tau", "alpha", "beta"};
  for (const auto* k : {&cur.tau, &cur.alpha, &cur.beta}) {
    sp[pers] = g2_sp(pers, prev.next_challenge, k->g1_s, k->g1_sx);
    if (!same_ratio(k->g1_s, k->g1_sx, sp[pers], k->g2_spx)) {
      fail(who + ": invalid proof of knowledge of " + names[pers]);
    }
    ++pers;
  }
  if (!same_ratio(prev.tau_g1, cur.tau_g1, sp[0], cur.tau.g2_spx))
    fail(who + ": tauG1 does not follow the previous one");
  if (!same_ratio(cur.tau.g1_s, cur.tau.g1_sx, prev.tau_g2, cur.tau_g2))
    fail(who + ": tauG2 does not follow the previous one");
  if (!same_ratio(prev.alpha_g1, cur.alpha_g1, sp[1], cur.alpha.g2_spx))
    fail(who + ": alphaG1 does not follow the previous one");
  if (!same_ratio(prev.beta_g1, cur.beta_g1, sp[2], cur.beta.g2_spx))
    fail(who + ": betaG1 does not follow the previous one");
  if (!same_ratio(cur.beta.g1_s, cur.beta.g1_sx, prev.beta_g2, cur.beta_g2))
    fail(who + ": betaG2 does not follow the previous one");
}

std::vector<u256> random_scalars(std::size_t n, unsigned bits) {
  std::vector<u256> r(n);
  std::vector<std::uint64_t> raw(n * ((bits + 63) / 64));
  os_random_bytes(raw.data(), raw.size() * 8);
  for (std::size_t i = 0; i < n; ++i) {
    for (unsigned l = 0; l < (bits + 63) / 64; ++l) r[i][l] = raw[i * ((bits + 63) / 64) + l];
  }
  return r;
}

// sum r_i P_i over i < n-1 and sum r_i P_(i+1): consecutive points share one ratio.
template <class A>
std::pair<A, A> consecutive_combination(std::span<const A> pts) {
  const std::size_t m = pts.size() - 1;
  auto r = random_scalars(m, 64);
  if constexpr (std::is_same_v<A, G1Affine>) {
    return {msm::msm_g1(pts.first(m), r).to_affine(), msm::msm_g1(pts.subspan(1), r).to_affine()};
  } else {
    return {msm::msm_g2(pts.first(m), r).to_affine(), msm::msm_g2(pts.subspan(1), r).to_affine()};
  }
}

}  // namespace

PtauVerifyReport ptau_verify(const std::string& path, const ProgressFn& progress) {
  PtauFile f(path);
  const unsigned p = f.power();
  const std::uint64_t n = std::uint64_t{1} << p;
  const auto& cs = f.contributions();
  const unsigned steps = f.prepared() ? 5 : 4;
  auto report = [&](std::string_view what, unsigned i) {
    if (progress) progress(what, i, steps);
  };
  if (cs.empty()) fail("ptau '" + path + "' has no contribution: it cannot be used in production");
  PtauVerifyReport rep;
  rep.power = p;
  rep.ceremony_power = f.ceremony_power();

  report("contributions", 1);
  const auto& g1 = ec::g1_generator();
  const auto& g2 = ec::g2_generator();
  Prev prev{g1, g1, g1, g2, g2, first_challenge(f.ceremony_power())};
  for (std::size_t i = 0; i < cs.size(); ++i) {
    const auto& c = cs[i];
    verify_contribution(i, c, prev);
    rep.contributions.push_back({static_cast<std::uint32_t>(i + 1), c.params.name, c.type, c.params.beacon,
                                 prev.next_challenge, c.response_hash, c.next_challenge});
    prev = {c.tau_g1, c.alpha_g1, c.beta_g1, c.tau_g2, c.beta_g2, c.next_challenge};
  }
  const auto& last = cs.back();

  report("powers against the last contribution", 2);
  auto t1 = f.g1_points(kTauG1, 0, 2 * n - 1);
  auto t2 = f.g2_points(kTauG2, 0, n);
  auto a1 = f.g1_points(kAlphaTauG1, 0, n);
  auto b1 = f.g1_points(kBetaTauG1, 0, n);
  auto b2 = f.g2_points(kBetaG2, 0, 1);
  if (!(t1[0] == g1)) fail("tauG1[0] is not the generator");
  if (!(t1[1] == last.tau_g1)) fail("tauG1[1] differs from the last contribution's tauG1");
  if (!(t2[0] == g2)) fail("tauG2[0] is not the generator");
  if (!(t2[1] == last.tau_g2)) fail("tauG2[1] differs from the last contribution's tauG2");
  if (!(a1[0] == last.alpha_g1)) fail("alphaTauG1[0] differs from the last contribution's alphaG1");
  if (!(b1[0] == last.beta_g1)) fail("betaTauG1[0] differs from the last contribution's betaG1");
  if (!(b2[0] == last.beta_g2)) fail("betaG2 differs from the last contribution's betaG2");
  if (!g2_all_in_subgroup(t2)) fail("a point of tauG2 is outside the G2 subgroup");
  if (!g2_all_in_subgroup(b2)) fail("betaG2 is outside the G2 subgroup");
  {
    auto [r1, r2] = consecutive_combination<G1Affine>(t1);
    if (!same_ratio(r1, r2, g2, last.tau_g2)) fail("tauG1 is not a sequence of powers of tau");
  }
  {
    auto [r1, r2] = consecutive_combination<G2Affine>(t2);
    if (!same_ratio(g1, last.tau_g1, r1, r2)) fail("tauG2 is not a sequence of powers of tau");
  }
  {  // n >= 2: power >= 1
    auto [r1, r2] = consecutive_combination<G1Affine>(a1);
    if (!same_ratio(r1, r2, g2, last.tau_g2)) fail("alphaTauG1 is not alpha times the powers of tau");
    auto [s1, s2] = consecutive_combination<G1Affine>(b1);
    if (!same_ratio(s1, s2, g2, last.tau_g2)) fail("betaTauG1 is not beta times the powers of tau");
  }

  report("challenge hash", 3);
  if (p == f.ceremony_power()) {
    Blake2b h;
    h.update(last.response_hash);
    put_u(h, std::span<const G1Affine>(t1));
    put_u(h, std::span<const G2Affine>(t2));
    put_u(h, std::span<const G1Affine>(a1));
    put_u(h, std::span<const G1Affine>(b1));
    put_u(h, std::span<const G2Affine>(b2));
    if (h.digest() != last.next_challenge) {
      fail("the points do not hash to the last contribution's next challenge");
    }
  }

  if (f.prepared()) {
    report("Lagrange sections", 4);
    auto check = [&](std::uint32_t lag, const auto& src, unsigned top) {
      using A = typename std::decay_t<decltype(src)>::value_type;
      for (unsigned k = 0; k <= top; ++k) {
        const std::uint64_t m = std::uint64_t{1} << k;
        std::vector<A> l;
        if constexpr (std::is_same_v<A, G1Affine>) {
          l = f.g1_points(lag, m - 1, m);
        } else {
          l = f.g2_points(lag, m - 1, m);
        }
        if (!lagrange_level_matches<A>(std::span<const A>(src).first(std::min<std::uint64_t>(m, src.size())),
                                       l, k)) {
          fail(std::string("section ") + std::to_string(lag) + " (" + section_name(lag) + ") level " +
               std::to_string(k) + " is not the Lagrange basis of the powers");
        }
      }
    };
    check(kLagTauG1, t1, p + 1);
    check(kLagTauG2, t2, p);
    check(kLagAlphaG1, a1, p);
    check(kLagBetaG1, b1, p);
    if (!g2_all_in_subgroup(f.g2_points(kLagTauG2, 0, 2 * n - 1)))
      fail("a Lagrange tauG2 point is outside the G2 subgroup");
    rep.lagrange_checked = true;
  }
  report("done", steps);
  return rep;
}

}  // namespace pm::setup
