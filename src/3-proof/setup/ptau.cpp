// powersoftau new: the first challenge and an empty ceremony file (setup/ptau.hpp).
#include "setup/ptau.hpp"

#include <cstring>

#include "base/error.hpp"
#include "base/parallel.hpp"
#include "base/random.hpp"
#include "msm/msm.hpp"
#include "poly/ntt.hpp"
#include "setup/points.hpp"
#include "setup/ptau_io.hpp"

namespace pm::setup {

using namespace ptau_io;  // the shared helpers and the usual names (G1Affine, Fr, ...)

Hash64 first_challenge(unsigned power) {
  const std::uint64_t n = std::uint64_t{1} << power;
  Blake2b h;
  h.update(blake2b({}));
  auto repeat = [&h](auto point, std::uint64_t count) {
    std::vector<std::uint8_t> one, buf;
    append_u(one, point);
    const std::uint64_t per = 4096;
    for (std::uint64_t i = 0; i < per; ++i) buf.insert(buf.end(), one.begin(), one.end());
    for (std::uint64_t done = 0; done < count; done += per) {
      std::uint64_t k = std::min(per, count - done);
      h.update(std::span<const std::uint8_t>(buf.data(), k * one.size()));
    }
  };
  repeat(ec::g1_generator(), 2 * n - 1);
  repeat(ec::g2_generator(), n);
  repeat(ec::g1_generator(), n);
  repeat(ec::g1_generator(), n);
  repeat(ec::g2_generator(), 1);
  return h.digest();
}

Hash64 ptau_new(unsigned power, const std::string& out, const ProgressFn& progress) {
  if (power < 1 || power > kMaxPtauPower) {
    throw Error(Errc::invalid_argument,
                "powersoftau new: power must be in 1.." + std::to_string(kMaxPtauPower));
  }
  const std::uint64_t n = std::uint64_t{1} << power;
  if (progress) progress("writing the generators", 1, 2);
  formats::BinWriter w("ptau", 1, 7);
  write_header(w, power, power);
  auto fill = [&w](std::uint32_t type, auto point, std::uint64_t count) {
    w.begin_section(type);
    for (std::uint64_t i = 0; i < count; ++i) {
      if constexpr (std::is_same_v<decltype(point), G1Affine>) {
        w.g1_mont(point);
      } else {
        w.g2_mont(point);
      }
    }
    w.end_section();
  };
  fill(kTauG1, ec::g1_generator(), 2 * n - 1);
  fill(kTauG2, ec::g2_generator(), n);
  fill(kAlphaTauG1, ec::g1_generator(), n);
  fill(kBetaTauG1, ec::g1_generator(), n);
  fill(kBetaG2, ec::g2_generator(), 1);
  write_contributions(w, {});
  save(out, w);
  if (progress) progress("first challenge hash", 2, 2);
  return first_challenge(power);
}

}  // namespace pm::setup
