// groth16 setup from a ptau and the phase-2 ceremony, end to end in process: a small R1CS written
// by hand (this tier sits under the circuit builder), a ptau from our own ceremony, contributions,
// verification, a proof with the final key; and tampered keys and ptau files rejected with the check that
// failed. (Byte-identity with snarkjs is in ceremony.test.cpp and tests/interop/setup.sh.)
#include "setup/zkey_mpc.hpp"

#include <gtest/gtest.h>

#include <cstring>

#include "base/error.hpp"
#include "base/mapped_file.hpp"
#include "base/scratch_dir.hpp"
#include "formats/r1cs.hpp"
#include "formats/zkey.hpp"
#include "groth16/prover.hpp"
#include "groth16/verifier.hpp"
#include "setup/ptau.hpp"

namespace pm::setup {
namespace {

// One directory per process: ctest runs this binary's tests side by side.
std::string tmp(const std::string& name) {
  static const ScratchDir dir("pm_zkey_mpc.");
  return dir.file(name);
}

std::vector<std::uint8_t> read(const std::string& path) {
  MappedFile m(path);
  return {m.bytes().begin(), m.bytes().end()};
}

// Offset of a section's body in a container file.
std::size_t section_at(const std::vector<std::uint8_t>& d, std::uint32_t type) {
  std::uint32_t n;
  std::memcpy(&n, d.data() + 8, 4);
  std::size_t p = 12;
  for (std::uint32_t i = 0; i < n; ++i) {
    std::uint32_t t;
    std::uint64_t s;
    std::memcpy(&t, d.data() + p, 4);
    std::memcpy(&s, d.data() + p + 4, 8);
    if (t == type) return p + 12;
    p += 12 + s;
  }
  ADD_FAILURE() << "no section " << type;
  return 0;
}

template <class F>
void expect_error(F f, const std::string& substring) {
  try {
    f();
    ADD_FAILURE() << "accepted; expected an error naming '" << substring << "'";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(substring), std::string::npos) << e.what();
  }
}

// out = x^3 + x + 5 over wires (1, out, x, t): t = x * x, then t * x = out - x - 5.
r1cs::R1cs cubic() {
  using ff::Fr;
  r1cs::R1cs r;
  r.n_wires = 4;
  r.n_pub_out = 1;
  r.n_prv_in = 1;
  r.n_labels = 4;
  r.n_constraints = 2;
  r.terms = {{2, Fr::one()}, {2, Fr::one()}, {3, Fr::one()},  // x * x = t
             {3, Fr::one()}, {2, Fr::one()}, {1, Fr::one()}, {2, -Fr::one()}, {0, -Fr::from_u64(5)}};
  r.lc_begin = {0, 1, 2, 3, 4, 5, 8};
  return r;
}

// Its witness at x: (1, out, x, x^2).
std::vector<ff::Fr> cubic_witness(std::uint64_t x) {
  return {ff::Fr::one(), ff::Fr::from_u64(x * x * x + x + 5), ff::Fr::from_u64(x), ff::Fr::from_u64(x * x)};
}

struct Fixture {
  std::string ptau = tmp("final.ptau"), r1cs = tmp("cubic.r1cs");

  Fixture() {
    auto p0 = tmp("p0.ptau"), p1 = tmp("p1.ptau"), p2 = tmp("p2.ptau");
    ptau_new(4, p0);
    ptau_contribute(p0, p1, {"first", std::nullopt}, "entropy");
    ptau_contribute(p1, p2, {"beacon", parse_beacon("aabbcc", 10)}, "");
    ptau_prepare_phase2(p2, ptau);
    EXPECT_EQ(r1cs::first_unsatisfied(cubic(), cubic_witness(3)), -1);
    write_file(r1cs, formats::write_r1cs(cubic()));
  }
};

const Fixture& fixture() {
  static Fixture f;
  return f;
}

TEST(ZkeyMpc, SetupContributeVerifyAndProve) {
  const auto& f = fixture();
  auto z0 = tmp("z0.zkey"), z1 = tmp("z1.zkey"), z2 = tmp("z2.zkey");
  Hash64 cs = groth16_setup(f.r1cs, f.ptau, z0);
  EXPECT_EQ(zkey_verify(f.r1cs, f.ptau, z0).contributions.size(), 0u);
  Hash64 h1 = zkey_contribute(z0, z1, {"alice", std::nullopt}, "alice's entropy");
  Hash64 h2 = zkey_contribute(z1, z2, {"final", parse_beacon("0a0b0c0d", 10)}, "");
  auto rep = zkey_verify(f.r1cs, f.ptau, z2);
  EXPECT_EQ(rep.cs_hash, cs);
  ASSERT_EQ(rep.contributions.size(), 2u);
  EXPECT_EQ(rep.contributions[0].contribution_hash(), h1);
  EXPECT_EQ(rep.contributions[1].contribution_hash(), h2);
  EXPECT_EQ(rep.contributions[1].params.name, "final");

  // A beacon is deterministic: the same input, hash and exponent give the same file.
  auto z2b = tmp("z2b.zkey");
  zkey_contribute(z1, z2b, {"final", parse_beacon("0a0b0c0d", 10)}, "");
  EXPECT_EQ(read(z2), read(z2b));

  // The final key proves; the proof verifies for the right public output only.
  auto pk = std::make_shared<const groth16::ProvingKey>(formats::load_zkey(z2));
  auto proof = groth16::Prover(pk).prove(cubic_witness(3));
  std::vector<ff::u256> pub = {ff::Fr::from_u64(35).to_canonical()};
  EXPECT_TRUE(groth16::verify(pk->verifying_key(), pub, proof));
  pub[0] = ff::Fr::from_u64(36).to_canonical();
  EXPECT_FALSE(groth16::verify(pk->verifying_key(), pub, proof));
  // A proof with the key before the contributions does not verify with the final key.
  auto pk0 = std::make_shared<const groth16::ProvingKey>(formats::load_zkey(z0));
  auto proof0 = groth16::Prover(pk0).prove(cubic_witness(3));
  pub[0] = ff::Fr::from_u64(35).to_canonical();
  EXPECT_FALSE(groth16::verify(pk->verifying_key(), pub, proof0));
}

TEST(ZkeyMpc, TamperedKeysAreRejected) {
  const auto& f = fixture();
  auto z0 = tmp("t0.zkey"), z1 = tmp("t1.zkey"), bad = tmp("bad.zkey");
  groth16_setup(f.r1cs, f.ptau, z0);
  zkey_contribute(z0, z1, {"c", std::nullopt}, "");
  const auto good = read(z1);

  // An H point replaced by another valid point.
  auto d = good;
  std::size_t h = section_at(d, 9);
  std::memcpy(&d[h], &d[h + 64], 64);
  write_file(bad, d);
  expect_error([&] { zkey_verify(f.r1cs, f.ptau, bad); }, "divided by delta");

  // delta_1 in the header swapped for the generator's multiple from another point: use beta_1.
  d = good;
  std::size_t g = section_at(d, 2);
  const std::size_t beta1 = g + 4 + 32 + 4 + 32 + 12 + 64, delta1 = beta1 + 64 + 128 + 128;
  std::memcpy(&d[delta1], &d[beta1], 64);
  write_file(bad, d);
  expect_error([&] { zkey_verify(f.r1cs, f.ptau, bad); }, "delta_1");

  // A contribution's transcript altered.
  d = good;
  std::size_t m = section_at(d, 10);
  d[m + 64 + 4 + 64 * 3 + 128] ^= 1;
  write_file(bad, d);
  expect_error([&] { zkey_verify(f.r1cs, f.ptau, bad); }, "transcript");

  // A coefficient changed: the key belongs to another circuit.
  d = good;
  std::size_t c = section_at(d, 4);
  d[c + 4 + 12] ^= 1;
  write_file(bad, d);
  expect_error([&] { zkey_verify(f.r1cs, f.ptau, bad); }, "coefficients");

  // Truncated.
  d = good;
  d.resize(d.size() - 10);
  write_file(bad, d);
  expect_error([&] { zkey_verify(f.r1cs, f.ptau, bad); }, "truncated");
}

TEST(ZkeyMpc, SetupNeedsAPreparedPtauOfEnoughPower) {
  const auto& f = fixture();
  auto small = tmp("small.ptau"), small1 = tmp("small1.ptau"), smallf = tmp("smallf.ptau");
  ptau_new(1, small);
  ptau_contribute(small, small1, {}, "");
  expect_error([&] { groth16_setup(f.r1cs, small1, tmp("x.zkey")); }, "not prepared");
  ptau_prepare_phase2(small1, smallf);
  expect_error([&] { groth16_setup(f.r1cs, smallf, tmp("x.zkey")); }, "needs a ptau of power 2");
}

// A circuit with no constraints and no public signals has one row; snarkjs still gives it a
// domain of 2 (log2(rows - 1) + 1).
TEST(ZkeyMpc, OneRowCircuitGetsADomainOfTwo) {
  const auto& f = fixture();
  r1cs::R1cs empty;  // one private input, no constraint
  empty.n_wires = 2;
  empty.n_prv_in = 1;
  empty.n_labels = 2;
  empty.lc_begin = {0};
  auto r1cs = tmp("empty.r1cs"), z = tmp("empty.zkey");
  write_file(r1cs, formats::write_r1cs(empty));
  groth16_setup(r1cs, f.ptau, z);
  EXPECT_EQ(formats::load_zkey(z).domain_size(), 2u);
  EXPECT_NO_THROW(zkey_verify(r1cs, f.ptau, z));
}

TEST(Ptau, TamperedContributionsAreRejected) {
  auto p0 = tmp("q0.ptau"), p1 = tmp("q1.ptau"), bad = tmp("qbad.ptau");
  ptau_new(2, p0);
  auto r = ptau_contribute(p0, p1, {"one", std::nullopt}, "x");
  auto rep = ptau_verify(p1);
  ASSERT_EQ(rep.contributions.size(), 1u);
  EXPECT_EQ(rep.contributions[0].response_hash, r.response_hash);
  EXPECT_EQ(rep.contributions[0].challenge, first_challenge(2));
  EXPECT_FALSE(rep.lagrange_checked);
  const auto good = read(p1);

  // tau.g1_sx replaced by tau.g1_s: the proof of knowledge of tau fails.
  auto d = good;
  std::size_t rec = section_at(d, 7) + 4;
  std::memcpy(&d[rec + 512], &d[rec + 448], 64);
  write_file(bad, d);
  expect_error([&] { ptau_verify(bad); }, "proof of knowledge of tau");

  // The next challenge altered: the points no longer hash to it.
  d = good;
  d[rec + 1504 - 8 - 64] ^= 1;
  write_file(bad, d);
  expect_error([&] { ptau_verify(bad); }, "next challenge");

  // alphaTauG1[1] replaced by alphaTauG1[0].
  d = good;
  std::size_t a = section_at(d, 4);
  std::memcpy(&d[a + 64], &d[a], 64);
  write_file(bad, d);
  expect_error([&] { ptau_verify(bad); }, "alphaTauG1");

  // Contributing to a truncated file is refused; so is a point off the curve.
  d = good;
  std::size_t t = section_at(d, 2);
  d[t + 64 * 2] ^= 1;
  write_file(bad, d);
  expect_error([&] { ptau_verify(bad); }, "not on the curve");
}

}  // namespace
}  // namespace pm::setup
