#include "setup/points.hpp"

#include <atomic>

#include "base/error.hpp"
#include "base/parallel.hpp"
#include "base/random.hpp"
#include "ec/consttime.hpp"
#include "ec/glv.hpp"
#include "msm/msm.hpp"
#include "poly/ntt.hpp"
#include "setup/ceremony.hpp"

namespace pm::setup {

using ec::G1Affine;
using ec::G2Affine;
using ff::Fr;
using ff::u256;

namespace {

template <class A>
using CurveOf = std::conditional_t<std::is_same_v<A, G1Affine>, ec::G1Config, ec::G2Config>;
template <class A>
using Jac = ec::Jacobian<CurveOf<A>>;

std::vector<u256> random_u256(std::size_t n, unsigned limbs) {
  std::vector<u256> r(n);
  for (auto& v : r) {
    os_random_bytes(v.data(), 8 * limbs);
  }
  return r;
}

template <class A>
Jac<A> msm(std::span<const A> bases, std::span<const u256> scalars) {
  if constexpr (std::is_same_v<A, G1Affine>) {
    return msm::msm_g1(bases, scalars);
  } else {
    return msm::msm_g2(bases, scalars);
  }
}

}  // namespace

template <class A>
void scale_points(std::span<const A> in, std::span<const Fr> k, std::span<A> out) {
  PM_ASSERT(in.size() == k.size() && out.size() == in.size());
  parallel_for(in.size(), 64, [&](std::size_t b, std::size_t e) {
    std::vector<Jac<A>> j(e - b);
    for (std::size_t i = b; i < e; ++i) {
      u256 kc = k[i].to_canonical();
      j[i - b] = ec::mul_consttime(Jac<A>::from_affine(in[i]), kc);  // the scalars are secrets
      wipe(kc);
    }
    ec::batch_to_affine<CurveOf<A>>(j, out.subspan(b, e - b));
  });
}

template <class A>
std::vector<A> lagrange_basis(std::span<const A> in, unsigned k) {
  using J = Jac<A>;
  const std::size_t m = std::size_t{1} << k;
  PM_ASSERT(in.size() == m);
  if (k == 0) return {in[0]};
  std::vector<J> a(m);
  for (std::size_t i = 0; i < m; ++i) a[poly::bit_reverse(i, k)] = J::from_affine(in[i]);
  const poly::Domain d(k);
  const Fr winv = d.generator().inverse();
  // Twiddles w^-j for j < m/2, canonical, shared by every stage (stage `len` uses stride m/len).
  std::vector<u256> tw(m / 2);
  {
    Fr x = Fr::one();
    for (auto& t : tw) {
      t = x.to_canonical();
      x *= winv;
    }
  }
  for (std::size_t len = 2; len <= m; len <<= 1) {
    const std::size_t half = len / 2, stride = m / len;
    parallel_for(m / 2, 32, [&](std::size_t b, std::size_t e) {
      for (std::size_t t = b; t < e; ++t) {
        std::size_t block = t / half, j = t % half;
        std::size_t lo = block * len + j, hi = lo + half;
        J v = j == 0 ? a[hi] : ec::glv_mul_vartime(a[hi], tw[j * stride]);
        J u = a[lo];
        a[lo] = u.add(v);
        a[hi] = u.add(v.neg());
      }
    });
  }
  std::vector<A> out(m);
  const u256 minv = Fr::from_u64(m).inverse().to_canonical();
  parallel_for(m, 64, [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) a[i] = ec::glv_mul_vartime(a[i], minv);
    ec::batch_to_affine<CurveOf<A>>(std::span<const J>(a).subspan(b, e - b),
                                    std::span<A>(out).subspan(b, e - b));
  });
  return out;
}

template <class A>
bool lagrange_level_matches(std::span<const A> powers, std::span<const A> lag, unsigned k) {
  const std::size_t m = std::size_t{1} << k;
  PM_ASSERT(lag.size() == m && powers.size() <= m);
  if (k == 0) return powers.empty() ? lag[0].is_infinity() : lag[0] == powers[0];
  auto r = random_u256(m, 1);
  std::vector<Fr> rho(m);
  for (std::size_t i = 0; i < m; ++i) rho[i] = Fr::from_canonical_reduced(r[i]);
  poly::Domain(k).fft(rho);
  std::vector<u256> rc(m);
  for (std::size_t i = 0; i < m; ++i) rc[i] = rho[i].to_canonical();
  auto lhs = msm<A>(powers, std::span<const u256>(r).first(powers.size()));
  auto rhs = msm<A>(lag, rc);
  return lhs == rhs;
}

bool g2_all_in_subgroup(std::span<const G2Affine> pts) {
  if (pts.size() <= 1024) {
    return !parallel_find_first(pts.size(), 16, [&](std::size_t i) { return !ec::g2_in_subgroup(pts[i]); });
  }
  for (int round = 0; round < 6; ++round) {
    auto r = random_u256(pts.size(), 2);
    if (!ec::g2_in_subgroup(msm::msm_g2(pts, r).to_affine())) return false;
  }
  return true;
}

template <class A>
void sparse_combinations(std::span<const A> bases, std::span<const SparseTerm> terms,
                         std::span<const std::uint64_t> row_begin, std::span<A> out) {
  using J = Jac<A>;
  PM_ASSERT(row_begin.size() == out.size() + 1);
  const Fr minus_one = -Fr::one();
  parallel_for(out.size(), 16, [&](std::size_t b, std::size_t e) {
    std::vector<J> acc(e - b, J::identity());
    for (std::size_t w = b; w < e; ++w) {
      J& r = acc[w - b];
      for (std::uint64_t t = row_begin[w]; t < row_begin[w + 1]; ++t) {
        const SparseTerm& term = terms[t];
        PM_ASSERT(term.index < bases.size());
        const A& p = bases[term.index];
        if (term.coeff.is_one()) {
          r = r.add_mixed(p);
        } else if (term.coeff == minus_one) {
          r = r.add_mixed(p.neg());
        } else if (!term.coeff.is_zero()) {
          r = r.add(ec::glv_mul_vartime(J::from_affine(p), term.coeff.to_canonical()));
        }
      }
    }
    ec::batch_to_affine<CurveOf<A>>(acc, out.subspan(b, e - b));
  });
}

template void sparse_combinations<G1Affine>(std::span<const G1Affine>, std::span<const SparseTerm>,
                                            std::span<const std::uint64_t>, std::span<G1Affine>);
template void sparse_combinations<G2Affine>(std::span<const G2Affine>, std::span<const SparseTerm>,
                                            std::span<const std::uint64_t>, std::span<G2Affine>);
template void scale_points<G1Affine>(std::span<const G1Affine>, std::span<const Fr>, std::span<G1Affine>);
template void scale_points<G2Affine>(std::span<const G2Affine>, std::span<const Fr>, std::span<G2Affine>);
template std::vector<G1Affine> lagrange_basis<G1Affine>(std::span<const G1Affine>, unsigned);
template std::vector<G2Affine> lagrange_basis<G2Affine>(std::span<const G2Affine>, unsigned);
template bool lagrange_level_matches<G1Affine>(std::span<const G1Affine>, std::span<const G1Affine>,
                                               unsigned);
template bool lagrange_level_matches<G2Affine>(std::span<const G2Affine>, std::span<const G2Affine>,
                                               unsigned);

}  // namespace pm::setup
