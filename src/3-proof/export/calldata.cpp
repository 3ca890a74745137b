#include "export/calldata.hpp"

#include "base/error.hpp"

namespace pm::evm {
namespace {

std::string word(const ff::Fq& x) { return "\"" + hex_word(x.to_canonical()) + "\""; }

std::string pair(const std::string& a, const std::string& b) { return "[" + a + ", " + b + "]"; }

std::string list(std::span<const ff::u256> values) {
  std::string s = "[";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) s += ",";
    s += "\"" + hex_word(values[i]) + "\"";
  }
  return s + "]";
}

// The eight words of a proof in the contract's order.
void append_proof_words(std::vector<ff::u256>& out, const groth16::Proof& p) {
  for (const ff::Fq* x : {&p.a.x, &p.a.y, &p.b.x.c1, &p.b.x.c0, &p.b.y.c1, &p.b.y.c0, &p.c.x, &p.c.y}) {
    out.push_back(x->to_canonical());
  }
}

}  // namespace

std::string hex_word(const ff::u256& v) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s = "0x";
  for (int limb = 3; limb >= 0; --limb) {
    for (int shift = 60; shift >= 0; shift -= 4) s += kDigits[(v[limb] >> shift) & 0xf];
  }
  return s;
}

std::string solidity_calldata(const groth16::Proof& p, std::span<const ff::u256> public_signals) {
  return pair(word(p.a.x), word(p.a.y)) + "," + "[" + pair(word(p.b.x.c1), word(p.b.x.c0)) + "," +
         pair(word(p.b.y.c1), word(p.b.y.c0)) + "]," + pair(word(p.c.x), word(p.c.y)) + "," +
         list(public_signals);
}

std::string solidity_batch_calldata(std::span<const groth16::Proof> proofs,
                                    std::span<const std::vector<ff::u256>> public_signals) {
  if (proofs.size() != public_signals.size()) {
    throw Error(Errc::mismatch, std::to_string(proofs.size()) + " proofs but " +
                                    std::to_string(public_signals.size()) + " lists of public signals");
  }
  std::vector<ff::u256> words, signals;
  for (std::size_t i = 0; i < proofs.size(); ++i) {
    append_proof_words(words, proofs[i]);
    if (public_signals[i].size() != public_signals[0].size()) {
      throw Error(Errc::mismatch,
                  "proof " + std::to_string(i) + " has " + std::to_string(public_signals[i].size()) +
                      " public signals, proof 0 has " + std::to_string(public_signals[0].size()));
    }
    signals.insert(signals.end(), public_signals[i].begin(), public_signals[i].end());
  }
  return list(words) + "," + list(signals);
}

}  // namespace pm::evm
