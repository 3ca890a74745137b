#include "hash/poseidon.hpp"

#include <array>
#include <mutex>

#include "base/error.hpp"

namespace pm::hash {
namespace {

constexpr unsigned kFullRounds = 8;
constexpr unsigned kPartialRounds[kPoseidonMaxInputs] = {56, 57, 56, 60, 60, 63, 64, 63,
                                                         60, 66, 60, 65, 70, 60, 64, 68};

/// The Grain LFSR of the Poseidon paper (eprint 2019/458, appendix F): an 80-bit register
/// seeded with the parameters, clocked 160 times, then read in pairs (a first bit of 1 keeps
/// the second, 0 discards it).
class Grain {
 public:
  Grain(unsigned field_size, unsigned t, unsigned rf, unsigned rp) {
    unsigned k = 0;
    auto put = [&](unsigned value, unsigned bits) {
      for (unsigned i = bits; i-- > 0;) s_[k++] = static_cast<std::uint8_t>((value >> i) & 1);
    };
    put(1, 2);  // field: GF(p)
    put(0, 4);  // S-box: x^alpha
    put(field_size, 12);
    put(t, 12);
    put(rf, 10);
    put(rp, 10);
    while (k < 80) s_[k++] = 1;
    for (int i = 0; i < 160; ++i) (void)clock();
  }

  bool bit() {
    for (;;) {
      std::uint8_t keep = clock();
      std::uint8_t b = clock();
      if (keep) return b != 0;
    }
  }

  /// `n` bits, most significant first.
  ff::u256 bits(unsigned n) {
    ff::u256 v{};
    for (unsigned i = 0; i < n; ++i) {
      unsigned pos = n - 1 - i;
      if (bit()) v[pos / 64] |= std::uint64_t{1} << (pos % 64);
    }
    return v;
  }

 private:
  std::uint8_t clock() {
    std::uint8_t b = s_[(h_ + 62) % 80] ^ s_[(h_ + 51) % 80] ^ s_[(h_ + 38) % 80] ^ s_[(h_ + 23) % 80] ^
                     s_[(h_ + 13) % 80] ^ s_[h_];
    s_[h_] = b;  // the oldest bit leaves, the new one enters at the end
    h_ = (h_ + 1) % 80;
    return b;
  }
  std::array<std::uint8_t, 80> s_{};
  unsigned h_ = 0;
};

PoseidonParams generate(unsigned n_inputs) {
  PoseidonParams p;
  p.t = n_inputs + 1;
  p.full_rounds = kFullRounds;
  p.partial_rounds = kPartialRounds[n_inputs - 1];
  const unsigned n = ff::Fr::kBits;  // 254
  Grain g(n, p.t, p.full_rounds, p.partial_rounds);
  const unsigned count = (p.full_rounds + p.partial_rounds) * p.t;
  p.round_constants.reserve(count);
  while (p.round_constants.size() < count) {
    if (auto x = Fr::from_canonical(g.bits(n))) p.round_constants.push_back(*x);  // rejection sampling
  }
  // Cauchy matrix 1 / (x_i + y_j) from 2t further samples, reduced mod r (no rejection here).
  for (;;) {
    std::vector<Fr> xy;
    for (unsigned i = 0; i < 2 * p.t; ++i) xy.push_back(Fr::from_u256_reduce(g.bits(n)));
    bool ok = true;
    for (unsigned i = 0; i < xy.size() && ok; ++i) {
      for (unsigned j = i + 1; j < xy.size() && ok; ++j) ok = !(xy[i] == xy[j]);
    }
    p.mds.assign(std::size_t{p.t} * p.t, Fr::zero());
    for (unsigned i = 0; i < p.t && ok; ++i) {
      for (unsigned j = 0; j < p.t && ok; ++j) {
        Fr s = xy[i] + xy[p.t + j];
        ok = !s.is_zero();
        if (ok) p.mds[i * p.t + j] = s.inverse();
      }
    }
    if (ok) break;
  }
  return p;
}

}  // namespace

const PoseidonParams& poseidon_params(unsigned n_inputs) {
  poseidon_check_arity(n_inputs);
  static std::array<PoseidonParams, kPoseidonMaxInputs> cache;
  static std::array<std::once_flag, kPoseidonMaxInputs> once;
  std::call_once(once[n_inputs - 1], [&] { cache[n_inputs - 1] = generate(n_inputs); });
  return cache[n_inputs - 1];
}

std::vector<Fr> poseidon_ex(std::span<const Fr> inputs, const Fr& init_state, unsigned n_out) {
  poseidon_check_arity(inputs.size());
  const auto& p = poseidon_params(static_cast<unsigned>(inputs.size()));
  if (n_out == 0 || n_out > p.t) throw Error(Errc::invalid_argument, "Poseidon: n_out must be in 1..t");
  std::vector<Fr> state{init_state};
  state.insert(state.end(), inputs.begin(), inputs.end());
  poseidon_permute(
      p, state,
      [](const Fr& x) {
        Fr x2 = x * x;
        return x2 * x2 * x;
      },
      [](const Fr& x, const Fr& k) { return x * k; });
  state.resize(n_out);
  return state;
}

Fr poseidon(std::span<const Fr> inputs) { return poseidon_ex(inputs, Fr::zero(), 1)[0]; }

Fr poseidon_sponge_capacity(std::size_t n) {
  return Fr::from_canonical_reduced(ff::u256{0, static_cast<std::uint64_t>(n), 0, 0});
}

Fr poseidon_sponge(std::span<const Fr> inputs) {
  return poseidon_sponge_with(
      inputs, Fr::zero(), poseidon_sponge_capacity(inputs.size()),
      [](std::span<const Fr> rate, const Fr& cap) { return poseidon_ex(rate, cap, 17); });
}

void poseidon_check_arity(std::size_t n) {
  if (n == 0 || n > kPoseidonMaxInputs) {
    throw Error(Errc::invalid_argument,
                "Poseidon takes 1 to 16 inputs (circomlib's limit), got " + std::to_string(n));
  }
}

}  // namespace pm::hash
