#include "setup/groth16_dev.hpp"

#include <string.h>  // explicit_bzero

#include "base/error.hpp"
#include "base/parallel.hpp"
#include "ec/fixed_base.hpp"

namespace pm::setup {

using ff::Fr;
using ff::u256;
using groth16::Coefficient;
using groth16::ProvingKey;

namespace {

// Montgomery's trick: v[i] <- 1 / v[i] (all non-zero).
void batch_invert(std::vector<Fr>& v) {
  std::vector<Fr> prefix(v.size());
  Fr acc = Fr::one();
  for (std::size_t i = 0; i < v.size(); ++i) {
    prefix[i] = acc;
    acc *= v[i];
  }
  Fr inv = acc.inverse();
  for (std::size_t i = v.size(); i-- > 0;) {
    Fr vi = v[i];
    v[i] = inv * prefix[i];
    inv *= vi;
  }
}

// L_i(tau) for the points w^(step*i + offset) of the domain of size m = 2^log_m, i < count:
// L_k(tau) = w^k (tau^m - 1) / (m (tau - w^k)).
std::vector<Fr> lagrange_at(const Fr& tau, unsigned log_m, std::size_t count, std::size_t step,
                            std::size_t offset) {
  const Fr w = ff::fr_root_of_unity(log_m);
  const std::size_t m = std::size_t{1} << log_m;
  Fr tau_m = tau;
  for (unsigned i = 0; i < log_m; ++i) tau_m = tau_m.square();
  const Fr factor = (tau_m - Fr::one()) * Fr::from_u64(m).inverse();
  std::vector<Fr> wk(count), den(count);
  const Fr w_step = w.pow_vartime({step, 0, 0, 0});
  Fr x = w.pow_vartime({offset, 0, 0, 0});
  for (std::size_t i = 0; i < count; ++i) {
    wk[i] = x;
    den[i] = tau - x;
    x *= w_step;
  }
  batch_invert(den);
  for (std::size_t i = 0; i < count; ++i) wk[i] = wk[i] * den[i] * factor;
  return wk;
}

template <class C>
std::vector<ec::Affine<C>> times_generator(const ec::Affine<C>& g, std::span<const Fr> scalars) {
  std::vector<u256> k(scalars.size());
  for (std::size_t i = 0; i < scalars.size(); ++i) k[i] = scalars[i].to_canonical();
  ec::FixedBaseTable<C> table(g, ec::FixedBaseTable<C>::window_for(k.size()));
  std::vector<ec::Affine<C>> out(k.size());
  ec::fixed_base_mul_batch<C>(table, std::span<const u256>(k), std::span<ec::Affine<C>>(out));
  explicit_bzero(k.data(), k.size() * sizeof(u256));
  return out;
}

template <class C>
ec::Affine<C> times_generator(const ec::Affine<C>& g, const Fr& s) {
  return ec::Jacobian<C>::from_affine(g).mul_vartime(s.to_canonical()).to_affine();
}

}  // namespace

DevGroth16Secrets dev_groth16_secrets_from_seed(std::string_view seed) {
  DevGroth16Secrets s{dev_secret_from_seed("tau", seed), dev_secret_from_seed("alpha", seed),
                      dev_secret_from_seed("beta", seed), dev_secret_from_seed("gamma", seed),
                      dev_secret_from_seed("delta", seed)};
  if (s.alpha.is_zero() || s.beta.is_zero() || s.gamma.is_zero() || s.delta.is_zero()) {
    throw Error(Errc::invalid_argument,
                "dev setup: a secret derived from the seed is zero; pick another seed");
  }
  return s;
}

ProvingKey dev_groth16_setup(const r1cs::R1cs& r1cs, const DevGroth16Secrets& sec,
                             const ProgressFn& progress) {
  const std::uint32_t m = r1cs.n_constraints, n_public = r1cs.n_public();
  const std::uint64_t rows = std::uint64_t{m} + n_public + 1;
  unsigned log_n = 0;
  while ((std::uint64_t{1} << log_n) < rows) ++log_n;
  if (log_n > 27)
    throw Error(Errc::out_of_range, "dev setup: the circuit needs a domain of 2^" + std::to_string(log_n));
  const std::size_t n = std::size_t{1} << log_n;
  auto report = [&](std::string_view what, unsigned i) {
    if (progress) progress(what, i, 5);
  };

  ProvingKey pk;
  pk.n_vars = r1cs.n_wires;
  pk.n_public = n_public;
  pk.log_domain = log_n;

  report("Lagrange basis at tau", 1);
  std::vector<Fr> lag = lagrange_at(sec.tau, log_n, n, 1, 0);
  // a_i, b_i, c_i = the QAP polynomials of wire i at tau; coefficients in snarkjs's order:
  // per constraint its A then its B terms, then one A row per public signal (and wire 0).
  std::vector<Fr> a(pk.n_vars), b(pk.n_vars), c(pk.n_vars);
  std::vector<groth16::StoredCoefficient> coeffs;
  for (std::uint32_t row = 0; row < m; ++row) {
    for (int k = 0; k < 3; ++k) {
      std::vector<Fr>& acc = k == 0 ? a : (k == 1 ? b : c);
      for (const auto& t : r1cs.lc(row, k)) {
        acc[t.wire] += t.coeff * lag[row];
        if (k < 2)
          coeffs.push_back(
              groth16::StoredCoefficient::encode({static_cast<std::uint32_t>(k), row, t.wire, t.coeff}));
      }
    }
  }
  for (std::uint32_t s = 0; s <= n_public; ++s) {
    a[s] += lag[m + s];
    coeffs.push_back(groth16::StoredCoefficient::encode({0, m + s, s, Fr::one()}));
  }
  pk.coeffs = std::move(coeffs);

  report("A, B1, B2 points", 2);
  const auto& g1 = ec::g1_generator();
  const auto& g2 = ec::g2_generator();
  pk.a = times_generator(g1, a);
  pk.b1 = times_generator(g1, b);
  pk.b2 = times_generator(g2, b);

  report("IC and C points", 3);
  const Fr gamma_inv = sec.gamma.inverse(), delta_inv = sec.delta.inverse();
  std::vector<Fr> ic(n_public + 1), priv(pk.n_vars - n_public - 1);
  for (std::uint32_t i = 0; i < pk.n_vars; ++i) {
    Fr v = sec.beta * a[i] + sec.alpha * b[i] + c[i];
    if (i <= n_public) {
      ic[i] = v * gamma_inv;
    } else {
      priv[i - n_public - 1] = v * delta_inv;
    }
  }
  pk.ic = times_generator(g1, ic);
  pk.c = times_generator(g1, priv);

  report("H points (odd coset of the 2n domain)", 4);
  std::vector<Fr> h = lagrange_at(sec.tau, log_n + 1, n, 2, 1);
  for (auto& x : h) x *= delta_inv;
  pk.h = times_generator(g1, h);

  pk.alpha1 = times_generator(g1, sec.alpha);
  pk.beta1 = times_generator(g1, sec.beta);
  pk.beta2 = times_generator(g2, sec.beta);
  pk.gamma2 = times_generator(g2, sec.gamma);
  pk.delta1 = times_generator(g1, sec.delta);
  pk.delta2 = times_generator(g2, sec.delta);
  for (auto* v : {&lag, &a, &b, &c, &ic, &priv, &h}) explicit_bzero(v->data(), v->size() * sizeof(Fr));
  report("done", 5);
  return pk;
}

}  // namespace pm::setup
