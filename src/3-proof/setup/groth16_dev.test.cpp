// The dev setup end to end without any external tool: a small R1CS, a key from known
// secrets, proofs that verify, and wrong witnesses or statements that do not.
#include "setup/groth16_dev.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>

#include "base/error.hpp"
#include "base/mapped_file.hpp"
#include "base/scratch_dir.hpp"
#include "formats/zkey.hpp"
#include "groth16/prover.hpp"
#include "groth16/verifier.hpp"

namespace pm::setup {
namespace {

using ff::Fr;

// out = x^3 + x + 5 (public out, private x): wires 0:one 1:out 2:x 3:x2 4:x3.
r1cs::R1cs cubic() {
  r1cs::R1cs r;
  r.n_wires = 5;
  r.n_pub_out = 1;
  r.n_constraints = 3;
  auto add = [&](std::vector<r1cs::R1csTerm> lc) {
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

// out = x^(2^300) by 300 squarings (public out, private x): wires 0:one 1:out 2:x 3..301: the
// squares. Big enough that every table of its key spans several pages.
r1cs::R1cs squarings() {
  r1cs::R1cs r;
  r.n_wires = 302;
  r.n_pub_out = 1;
  r.n_constraints = 300;
  const Fr one = Fr::one();
  for (std::uint32_t i = 0; i < 300; ++i) {
    const std::uint32_t in = 2 + i, out = i + 1 < 300 ? 3 + i : 1;
    for (std::uint32_t wire : {in, in, out}) {
      r.lc_begin.push_back(r.terms.size());
      r.terms.push_back({wire, one});
    }
  }
  r.lc_begin.push_back(r.terms.size());
  return r;
}

std::vector<Fr> squarings_witness(std::uint64_t x) {
  std::vector<Fr> w(302);
  w[0] = Fr::one();
  w[2] = Fr::from_u64(x);
  for (std::uint32_t i = 0; i < 300; ++i) w[i + 1 < 300 ? 3 + i : 1] = w[2 + i].square();
  return w;
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
  ASSERT_EQ(r1cs::first_unsatisfied(r1cs, w), -1);
  auto proof = prover.prove(w);
  std::vector<ff::u256> pub = {w[1].to_canonical()};
  EXPECT_TRUE(groth16::verify(pk->verifying_key(), pub, proof).valid);
  // The prepared key (e(alpha, beta) computed once) answers the same in every case below.
  const groth16::PreparedVerifyingKey pvk(pk->verifying_key());
  EXPECT_TRUE(groth16::verify(pvk, pub, proof).valid);

  // A different statement with the same proof.
  std::vector<ff::u256> other = {(w[1] + Fr::one()).to_canonical()};
  EXPECT_FALSE(groth16::verify(pk->verifying_key(), other, proof).valid);
  EXPECT_FALSE(groth16::verify(pvk, other, proof).valid);
  // A witness that breaks a constraint gives a proof that does not verify.
  auto bad = w;
  bad[4] += Fr::one();
  EXPECT_EQ(r1cs::first_unsatisfied(r1cs, bad), 1);
  const auto bad_proof = prover.prove(bad);
  EXPECT_FALSE(groth16::verify(pk->verifying_key(), pub, bad_proof).valid);
  EXPECT_FALSE(groth16::verify(pvk, pub, bad_proof).valid);
  // A tampered proof.
  auto t = proof;
  t.a = ec::G1::from_affine(t.a).dbl().to_affine();
  EXPECT_FALSE(groth16::verify(pk->verifying_key(), pub, t).valid);
  EXPECT_FALSE(groth16::verify(pvk, pub, t).valid);
  t = proof;
  t.c = ec::G1::from_affine(t.c).add_mixed(ec::g1_generator()).to_affine();
  EXPECT_FALSE(groth16::verify(pvk, pub, t).valid);
  EXPECT_EQ(groth16::verify(pvk, std::vector<ff::u256>{}, proof).reason, "expected 1 public inputs, got 0");

  // The key survives the zkey round trip byte for byte.
  auto bytes = formats::write_zkey(*pk);
  auto back = formats::parse_zkey(bytes, "mem");
  EXPECT_EQ(formats::write_zkey(back), bytes);
  EXPECT_TRUE(groth16::verify(back.verifying_key(), pub,
                              groth16::Prover(std::make_shared<const groth16::ProvingKey>(back)).prove(w))
                  .valid);
}

// Offset of section `type`'s body in a .zkey image.
std::size_t section_body(const std::vector<std::uint8_t>& z, std::uint32_t type) {
  std::size_t at = 12;
  for (;;) {
    std::uint32_t t;
    std::uint64_t size;
    std::memcpy(&t, &z.at(at), 4);
    std::memcpy(&size, &z.at(at + 4), 8);
    if (t == type) return at + 12;
    at += 12 + size;
  }
}

// load_zkey's tables view the mapped file, whose point sections need not be aligned; the prover
// reads them there and proves exactly what it proves from an in-memory key, also after its
// pages were dropped. Bad records and points are named at load.
TEST(DevGroth16Setup, MappedKeyProvesLikeTheInMemoryOne) {
  const ScratchDir dir("pm_dev_groth16.");
  auto pk = std::make_shared<const groth16::ProvingKey>(
      dev_groth16_setup(cubic(), dev_groth16_secrets_from_seed("mapped")));
  const auto bytes = formats::write_zkey(*pk);
  const std::string path = dir.file("cubic.zkey");
  write_file(path, bytes);
  auto mapped = std::make_shared<const groth16::ProvingKey>(formats::load_zkey(path));
  ASSERT_TRUE(mapped->a.is_mapped());
  ASSERT_EQ(pk->coeffs.size(), 10u);  // 4 + 10 * 44 bytes: the next sections sit 4 bytes off
  EXPECT_NE(reinterpret_cast<std::uintptr_t>(mapped->a.view().bytes().data()) % 8, 0u);

  const groth16::Blinding blinding{Fr::from_u64(7), Fr::from_u64(11)};
  {
    // A key whose tables span several pages, so that releasing them really drops pages.
    const r1cs::R1cs r1cs = squarings();
    const auto w = squarings_witness(3);
    ASSERT_EQ(r1cs::first_unsatisfied(r1cs, w), -1);
    auto big = std::make_shared<const groth16::ProvingKey>(
        dev_groth16_setup(r1cs, dev_groth16_secrets_from_seed("mapped, pages")));
    const std::string big_path = dir.file("squarings.zkey");
    write_file(big_path, formats::write_zkey(*big));
    auto big_mapped = std::make_shared<const groth16::ProvingKey>(formats::load_zkey(big_path));
    ASSERT_GT(big_mapped->a.view().bytes().size(), 4u * 4096);
    groth16::Prover from_file(big_mapped);
    from_file.set_release_pages(true);
    const auto want = groth16::Prover(big).prove(w, blinding);
    for (int round = 0; round < 2; ++round) {  // the second one re-reads released pages
      const auto got = from_file.prove(w, blinding);
      EXPECT_EQ(got.a, want.a);
      EXPECT_EQ(got.b, want.b);
      EXPECT_EQ(got.c, want.c);
    }
    std::vector<ff::u256> pub = {w[1].to_canonical()};
    EXPECT_TRUE(groth16::verify(big_mapped->verifying_key(), pub, want).valid);
    pub[0] = w[2].to_canonical();
    EXPECT_FALSE(groth16::verify(big_mapped->verifying_key(), pub, want).valid);
  }
  {
    const auto w = witness(3);
    const auto got = groth16::Prover(mapped).prove(w, blinding),
               want = groth16::Prover(pk).prove(w, blinding);
    EXPECT_EQ(got.a, want.a);
    EXPECT_EQ(got.b, want.b);
    EXPECT_EQ(got.c, want.c);
  }

  auto expect_refused = [&](std::vector<std::uint8_t> z, const std::string& what) {
    write_file(path, z);
    try {
      formats::load_zkey(path);
      ADD_FAILURE() << "accepted: " << what;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
    }
  };
  const std::size_t coeffs = section_body(bytes, formats::zkey_section::kCoeffs) + 4;
  auto z = bytes;
  z[coeffs + 8] = 5;  // coefficient 0's signal: n_vars
  expect_refused(z, "coefficient 0 names signal 5 >= 5");
  z = bytes;
  std::memcpy(&z[coeffs + 44 + 12], ff::FrParams::kModulus.data(), 32);
  expect_refused(z, "coefficient 1: field element >= r");
  z = bytes;
  z[coeffs + 2 * 44] = 2;
  expect_refused(z, "coefficient 2 names matrix 2");
  z = bytes;
  z[section_body(bytes, formats::zkey_section::kA) + 2 * 64 + 40] ^= 1;
  expect_refused(z, "G1 point 2 is not on the curve");
  z = bytes;
  std::memset(&z[section_body(bytes, formats::zkey_section::kB2) + 128], 0xff, 32);
  expect_refused(z, "G2 point 1: coordinate >= q");
}

// A key whose delta is gamma (or the generator: what `groth16 setup` leaves) lets anyone forge
// proofs: it is recognised, and refused unless declared a development key.
TEST(DevGroth16Setup, UncontributedKeysAreRecognised) {
  auto pk = dev_groth16_setup(cubic(), dev_groth16_secrets_from_seed("unit test"));
  auto vk = pk.verifying_key();
  EXPECT_FALSE(groth16::is_uncontributed(vk));
  EXPECT_NO_THROW(groth16::require_contributed(vk, "key", false));
  auto same = vk;
  same.delta2 = same.gamma2;
  EXPECT_TRUE(groth16::is_uncontributed(same));
  auto gen = vk;
  gen.delta2 = ec::g2_generator();
  EXPECT_TRUE(groth16::is_uncontributed(gen));
  try {
    groth16::require_contributed(gen, "zkey 'x.zkey'", false);
    ADD_FAILURE() << "accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("zkey 'x.zkey' has no phase-2 contribution"), std::string::npos)
        << e.what();
  }
  EXPECT_NO_THROW(groth16::require_contributed(gen, "key", true));
}

}  // namespace
}  // namespace pm::setup
