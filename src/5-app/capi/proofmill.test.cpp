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
  size_t proof_len = 0, public_len = 0;
  EXPECT_EQ(pm_prover_prove(p, wtns.data(), wtns.size(), nullptr, 0, &proof_len, nullptr, 0, &public_len, err,
                            sizeof err),
            PM_ERROR_SHORT_BUFFER);
  size_t proof_cap = 0, public_cap = 0;
  ASSERT_EQ(pm_prover_buffer_sizes(p, &proof_cap, &public_cap), PM_OK);
  EXPECT_EQ(proof_len + 1, proof_cap);  // the short call's lengths are the bounds less the NUL
  EXPECT_EQ(public_len + 1, public_cap);
  std::string proof(proof_cap, '\0'), pub(public_cap, '\0');
  ASSERT_EQ(pm_prover_prove(p, wtns.data(), wtns.size(), proof.data(), proof_cap, &proof_len, pub.data(),
                            public_cap, &public_len, err, sizeof err),
            PM_OK)
      << err;
  // The capacities are passed by value: the same variables serve a second proof unchanged.
  std::string proof2(proof_cap, '\0'), pub2(public_cap, '\0');
  ASSERT_EQ(pm_prover_prove(p, wtns.data(), wtns.size(), proof2.data(), proof_cap, nullptr, pub2.data(),
                            public_cap, nullptr, err, sizeof err),
            PM_OK)
      << err;
  EXPECT_EQ(std::string(pub2.c_str()), std::string(pub.c_str()));
  proof.resize(proof_len);
  pub.resize(public_len);
  EXPECT_EQ(proof.find('\0'), std::string::npos);  // the length is the text's, without the NUL
  EXPECT_EQ(pub.back(), ']');
  EXPECT_EQ(pm_verify(vk.data(), pub.c_str(), proof.c_str(), err, sizeof err), PM_OK) << err;

  std::string wrong_pub = pub;
  wrong_pub[wrong_pub.find('"') + 1] = wrong_pub[wrong_pub.find('"') + 1] == '1' ? '2' : '1';
  EXPECT_EQ(pm_verify(vk.data(), wrong_pub.c_str(), proof.c_str(), err, sizeof err), PM_INVALID_PROOF);
  EXPECT_EQ(pm_verify(vk.data(), pub.c_str(), "{", err, sizeof err), PM_ERROR_FORMAT);

  auto short_wtns = wtns;
  short_wtns.resize(short_wtns.size() - 1);
  EXPECT_EQ(pm_prover_prove(p, short_wtns.data(), short_wtns.size(), proof2.data(), proof_cap, nullptr,
                            pub2.data(), public_cap, nullptr, err, sizeof err),
            PM_ERROR_FORMAT);
  EXPECT_NE(std::string(err).find("truncated"), std::string::npos) << err;
  pm_prover_free(p);
}

TEST(CApi, VersionMatchesTheHeader) {
  int major = -1, minor = -1, patch = -1;
  std::string v = pm_version(&major, &minor, &patch);
  EXPECT_EQ(major, PM_VERSION_MAJOR);
  EXPECT_EQ(minor, PM_VERSION_MINOR);
  EXPECT_EQ(patch, PM_VERSION_PATCH);
  EXPECT_EQ(v, std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch));
  EXPECT_STREQ(pm_version(nullptr, nullptr, nullptr), v.c_str());
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
