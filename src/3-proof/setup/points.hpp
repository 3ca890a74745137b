#pragma once
/// \file Bulk point operations of the ceremonies: scaling many points by many scalars, the group
/// inverse FFT that turns powers of tau into a Lagrange basis, its randomised check, and a batch
/// G2 subgroup test. All multithreaded.

#include <span>
#include <vector>

#include "ec/bn254.hpp"
#include "ff/bn254.hpp"

namespace pm::setup {

/// out[i] = k[i] * in[i] (k in any form; points of prime order r). GLV-split, variable time.
template <class A>
void scale_points(std::span<const A> in, std::span<const ff::Fr> k, std::span<A> out);

/// The Lagrange basis of level k from the first 2^k powers: out[j] = 2^-k sum_i in[i] w^(-ij),
/// w = the 2^k-th root of unity of snarkjs (Fr.w[k]); a group inverse FFT. in.size() = 2^k.
template <class A>
std::vector<A> lagrange_basis(std::span<const A> in, unsigned k);

/// Whether `lag` (2^k points) is the Lagrange basis of `powers` (at most 2^k points, the missing
/// ones taken as the identity), checked with one random linear combination: sum r_i P_i ==
/// sum FFT(r)_j L_j.
template <class A>
bool lagrange_level_matches(std::span<const A> powers, std::span<const A> lag, unsigned k);

/// Every point in the order-r subgroup. Small sets are checked point by point; large ones by six
/// random 128-bit combinations (the MSM splits each scalar a + b*lambda, so the cofactor-group
/// part of the sum is a random combination too; a point outside survives a round with
/// probability about 1/10069, the smallest prime factor of the cofactor).
bool g2_all_in_subgroup(std::span<const ec::G2Affine> pts);

}  // namespace pm::setup

namespace pm::setup {

/// One term of a sparse linear combination: coeff * bases[index].
struct SparseTerm {
  std::uint32_t index;
  ff::Fr coeff;
};

/// out[w] = sum of coeff * bases[index] over terms[row_begin[w] .. row_begin[w+1]), for every
/// w < out.size(); coefficients 1 and -1 cost one addition. Multithreaded over w.
template <class A>
void sparse_combinations(std::span<const A> bases, std::span<const SparseTerm> terms,
                         std::span<const std::uint64_t> row_begin, std::span<A> out);

}  // namespace pm::setup
