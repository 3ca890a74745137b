// powersoftau prepare phase2: the Lagrange bases of every domain (setup/ptau.hpp).
#include <cstring>

#include "base/error.hpp"
#include "base/parallel.hpp"
#include "base/random.hpp"
#include "msm/msm.hpp"
#include "poly/ntt.hpp"
#include "setup/points.hpp"
#include "setup/ptau.hpp"
#include "setup/ptau_io.hpp"

namespace pm::setup {

using namespace ptau_io;  // the shared helpers and the usual names (G1Affine, Fr, ...)

void ptau_prepare_phase2(const std::string& in, const std::string& out, const ProgressFn& progress) {
  PtauFile f(in);
  if (f.power() > kMaxPreparePower) {
    throw Error(Errc::invalid_argument, "prepare phase2: power " + std::to_string(f.power()) +
                                            " is above the supported " + std::to_string(kMaxPreparePower));
  }
  const unsigned p = f.power();
  formats::BinWriter w("ptau", 1, 11);
  write_header(w, p, p);
  for (std::uint32_t t : {kTauG1, kTauG2, kAlphaTauG1, kBetaTauG1, kBetaG2, kContributions}) {
    w.begin_section(t);
    w.bytes(f.section_body(t));
    w.end_section();
  }
  auto levels = [&](std::uint32_t out_type, std::uint32_t src, unsigned top, unsigned step) {
    if (progress) progress(section_name(out_type), step, 4);
    w.begin_section(out_type);
    if (is_g2_section(src)) {
      auto pts = f.g2_points(src, 0, section_count(src, p));
      for (unsigned k = 0; k <= top; ++k) {
        std::vector<G2Affine> in_k(std::uint64_t{1} << k);
        for (std::size_t i = 0; i < in_k.size(); ++i)
          in_k[i] = i < pts.size() ? pts[i] : G2Affine::identity();
        for (const auto& q : lagrange_basis<G2Affine>(in_k, k)) w.g2_mont(q);
      }
    } else {
      auto pts = f.g1_points(src, 0, section_count(src, p));
      for (unsigned k = 0; k <= top; ++k) {
        std::vector<G1Affine> in_k(std::uint64_t{1} << k);
        for (std::size_t i = 0; i < in_k.size(); ++i)
          in_k[i] = i < pts.size() ? pts[i] : G1Affine::identity();
        for (const auto& q : lagrange_basis<G1Affine>(in_k, k)) w.g1_mont(q);
      }
    }
    w.end_section();
  };
  levels(kLagTauG1, kTauG1, p + 1, 1);
  levels(kLagTauG2, kTauG2, p, 2);
  levels(kLagAlphaG1, kAlphaTauG1, p, 3);
  levels(kLagBetaG1, kBetaTauG1, p, 4);
  save(out, w);
}

}  // namespace pm::setup
