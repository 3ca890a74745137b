#include "capi/proofmill.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" const char* pm_c_header_check(void);

namespace {

std::vector<char> read(const std::string& rel) {
  std::ifstream in(std::string(PROOFMILL_SOURCE_DIR) + "/" + rel, std::ios::binary);
  EXPECT_TRUE(in.good()) << rel;
  return {std::istreambuf_iterator<char>(in), {}};
}

const std::string kDir = "examples/poseidon_chain/";

TEST(CApi, ProveThenVerifyAndRejectTampering) {
  EXPECT_STREQ(pm_c_header_check(), "ok");
  auto zkey = read(kDir + "circuit.zkey");
  auto wtns = read(kDir + "witness.wtns");
  auto vk = read(kDir + "verification_key.json");
  vk.push_back('\0');
  char err[512];
  pm_prover* p = nullptr;
  ASSERT_EQ(pm_prover_create(&p, zkey.data(), zkey.size(), err, sizeof err), PM_OK) << err;
  EXPECT_EQ(pm_prover_public_count(p), 2u);

  // Size query by a short buffer, then the real call.
  size_t proof_size = 0, public_size = 0;
  EXPECT_EQ(pm_prover_prove(p, wtns.data(), wtns.size(), nullptr, &proof_size, nullptr, &public_size, err,
                            sizeof err),
            PM_ERROR_SHORT_BUFFER);
  std::string proof(proof_size, '\0'), pub(public_size, '\0');
  ASSERT_EQ(pm_prover_prove(p, wtns.data(), wtns.size(), proof.data(), &proof_size, pub.data(), &public_size,
                            err, sizeof err),
            PM_OK)
      << err;
  proof.resize(proof_size);
  pub.resize(public_size);
  EXPECT_EQ(pm_verify(vk.data(), pub.c_str(), proof.c_str(), err, sizeof err), PM_OK) << err;

  std::string wrong_pub = pub;
  wrong_pub[wrong_pub.find('"') + 1] = wrong_pub[wrong_pub.find('"') + 1] == '1' ? '2' : '1';
  EXPECT_EQ(pm_verify(vk.data(), wrong_pub.c_str(), proof.c_str(), err, sizeof err), PM_INVALID_PROOF);
  EXPECT_EQ(pm_verify(vk.data(), pub.c_str(), "{", err, sizeof err), PM_ERROR_FORMAT);

  auto short_wtns = wtns;
  short_wtns.resize(short_wtns.size() - 1);
  EXPECT_EQ(pm_prover_prove(p, short_wtns.data(), short_wtns.size(), proof.data(), &proof_size, pub.data(),
                            &public_size, err, sizeof err),
            PM_ERROR_SHORT_BUFFER);  // the buffers were shrunk to the last proof: asks again
  size_t ps = 4096, us = 4096;
  std::string pb(ps, '\0'), ub(us, '\0');
  EXPECT_EQ(pm_prover_prove(p, short_wtns.data(), short_wtns.size(), pb.data(), &ps, ub.data(), &us, err,
                            sizeof err),
            PM_ERROR_FORMAT);
  EXPECT_NE(std::string(err).find("truncated"), std::string::npos) << err;
  pm_prover_free(p);
}

TEST(CApi, BadZkeyIsAnErrorNotACrash) {
  auto zkey = read(kDir + "circuit.zkey");
  char err[256];
  pm_prover* p = reinterpret_cast<pm_prover*>(0x1);
  EXPECT_EQ(pm_prover_create(&p, zkey.data(), zkey.size() / 3, err, sizeof err), PM_ERROR_FORMAT);
  EXPECT_EQ(p, nullptr);
  EXPECT_EQ(pm_prover_create(nullptr, zkey.data(), zkey.size(), err, sizeof err), PM_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(pm_prover_create_from_file(&p, "/nonexistent.zkey", err, sizeof err), PM_ERROR_IO);
  char tiny[8];
  EXPECT_EQ(pm_prover_create(&p, zkey.data(), 5, tiny, sizeof tiny), PM_ERROR_FORMAT);
  EXPECT_EQ(std::string(tiny).size(), 7u);  // truncated to fit, NUL-terminated
}

}  // namespace
