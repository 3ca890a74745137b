#include "groth16/keys.hpp"

#include "base/error.hpp"

namespace pm::groth16 {

bool is_uncontributed(const VerifyingKey& vk) {
  return vk.delta2 == vk.gamma2 || vk.delta2 == ec::g2_generator();
}

void require_contributed(const VerifyingKey& vk, const std::string& what, bool allow_dev_key) {
  if (allow_dev_key || !is_uncontributed(vk)) return;
  throw Error(Errc::invalid_argument,
              what + " has no phase-2 contribution (its delta is " +
                  (vk.delta2 == vk.gamma2 ? "gamma" : "the generator") +
                  "): anyone can forge proofs for it. Contribute to it first (proofmill zkey contribute, "
                  "or zkey beacon), or pass --allow-dev-key if it is a development key");
}

Coefficient StoredCoefficient::decode() const {
  // The limbs read as a Montgomery element are value * R; one more reduction gives value.
  return {matrix(), constraint(), signal(),
          ff::Fr::from_mont_unchecked(ff::Fr::from_mont_unchecked(limbs()).to_canonical())};
}

StoredCoefficient StoredCoefficient::encode(const Coefficient& c) {
  // value -> limbs value * R^2: the Montgomery limbs of the element whose canonical form is value * R.
  const ff::u256 limbs = ff::Fr::from_canonical_reduced(c.value.mont()).mont();
  StoredCoefficient s;
  std::memcpy(s.raw.data(), &c.matrix, 4);
  std::memcpy(s.raw.data() + 4, &c.constraint, 4);
  std::memcpy(s.raw.data() + 8, &c.signal, 4);
  std::memcpy(s.raw.data() + 12, limbs.data(), 32);
  return s;
}

void ProvingKey::release_pages() const noexcept {
  coeffs.release();
  a.release();
  b1.release();
  b2.release();
  c.release();
  h.release();
}

}  // namespace pm::groth16
