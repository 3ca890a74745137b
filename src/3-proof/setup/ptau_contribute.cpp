// powersoftau contribute and beacon: a new contribution from entropy or a beacon (setup/ptau.hpp).
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

}  // namespace pm::setup
