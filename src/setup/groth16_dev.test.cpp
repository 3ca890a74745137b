// The dev setup end to end without any external tool: a small R1CS, a key from known
// secrets, proofs that verify, and wrong witnesses or statements that do not.
#include "setup/groth16_dev.hpp"

#include <gtest/gtest.h>

#include "formats/zkey.hpp"
#include "groth16/prover.hpp"
#include "groth16/verifier.hpp"

namespace pm::setup {
namespace {

using ff::Fr;

// out = x^3 + x + 5 (public out, private x): wires 0:one 1:out 2:x 3:x2 4:x3.
formats::R1cs cubic() {
  formats::R1cs r;
  r.n_wires = 5;
  r.n_pub_out = 1;
  r.n_constraints = 3;
  auto add = [&](std::vector<formats::R1csTerm> lc) {
    r.lc_begin.push_back(r.terms.size());
    r.terms.insert(r.terms.end(), lc.begin(), lc.end());
  };
  const Fr one = Fr::one();
  add({{2, one}}), add({{2, one}}), add({{3, one}});                                  // x * x = x2
  add({{3, one}}), add({{2, one}}), add({{4, one}});                                  // x2 * x = x3
  add({{4, one}, {2, one}, {0, Fr::from_u64(5)}}), add({{0, one}}), add({{1, one}});  // (x3+x+5)*1 = out
  r.lc_begin.push_back(r.terms.size());
  return r;
}

std::vector<Fr> witness(std::uint64_t x) {
  Fr fx = Fr::from_u64(x);
  return {Fr::one(), fx * fx * fx + fx + Fr::from_u64(5), fx, fx * fx, fx * fx * fx};
}

TEST(DevGroth16Setup, ProvesVerifiesAndRejects) {
  auto r1cs = cubic();
  auto pk = std::make_shared<const groth16::ProvingKey>(
      dev_groth16_setup(r1cs, dev_groth16_secrets_from_seed("unit test")));
  EXPECT_EQ(pk->log_domain, 3u);  // 3 constraints + 1 public + 1 -> 8
  EXPECT_EQ(groth16::check_verifying_key(pk->verifying_key()), "");
  groth16::Prover prover(pk);
  auto w = witness(3);
  ASSERT_EQ(formats::first_unsatisfied(r1cs, w), -1);
  auto proof = prover.prove(w);
  std::vector<ff::u256> pub = {w[1].to_canonical()};
  EXPECT_TRUE(groth16::verify(pk->verifying_key(), pub, proof).valid);

  // A different statement with the same proof.
  std::vector<ff::u256> other = {(w[1] + Fr::one()).to_canonical()};
  EXPECT_FALSE(groth16::verify(pk->verifying_key(), other, proof).valid);
  // A witness that breaks a constraint gives a proof that does not verify.
  auto bad = w;
  bad[4] += Fr::one();
  EXPECT_EQ(formats::first_unsatisfied(r1cs, bad), 1);
  EXPECT_FALSE(groth16::verify(pk->verifying_key(), pub, prover.prove(bad)).valid);
  // A tampered proof.
  auto t = proof;
  t.a = ec::G1::from_affine(t.a).dbl().to_affine();
  EXPECT_FALSE(groth16::verify(pk->verifying_key(), pub, t).valid);

  // The key survives the zkey round trip byte for byte.
  auto bytes = formats::write_zkey(*pk);
  auto back = formats::parse_zkey(bytes, "mem");
  EXPECT_EQ(formats::write_zkey(back), bytes);
  EXPECT_TRUE(groth16::verify(back.verifying_key(), pub,
                              groth16::Prover(std::make_shared<const groth16::ProvingKey>(back)).prove(w))
                  .valid);
}

}  // namespace
}  // namespace pm::setup
