// powersoftau verify: every contribution's proof of knowledge and the points' consistency (setup/ptau.hpp).
#include <cstring>

#include "base/error.hpp"
#include "base/parallel.hpp"
#include "base/random.hpp"
#include "msm/msm.hpp"
#include "poly/ntt.hpp"
#include "setup/points.hpp"
#include "setup/ptau.hpp"
#include "setup/ptau_io.hpp"

namespace pm::setup {

using namespace ptau_io;  // the shared helpers and the usual names (G1Affine, Fr, ...)

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
