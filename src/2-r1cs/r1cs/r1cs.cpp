#include "r1cs/r1cs.hpp"

#include "base/error.hpp"
#include "base/parallel.hpp"

namespace pm::r1cs {

ff::Fr eval_lc(std::span<const R1csTerm> lc, std::span<const ff::Fr> witness) {
  ff::Fr acc = ff::Fr::zero();
  for (const auto& t : lc) acc += t.coeff * witness[t.wire];
  return acc;
}

std::int64_t first_unsatisfied(const R1cs& r1cs, std::span<const ff::Fr> witness) {
  PM_ASSERT(witness.size() >= r1cs.n_wires);
  auto bad = parallel_find_first(r1cs.n_constraints, 1024, [&](std::size_t i) {
    auto ci = static_cast<std::uint32_t>(i);
    return !(eval_lc(r1cs.lc(ci, 0), witness) * eval_lc(r1cs.lc(ci, 1), witness) ==
             eval_lc(r1cs.lc(ci, 2), witness));
  });
  return bad ? static_cast<std::int64_t>(*bad) : -1;
}

}  // namespace pm::r1cs
