#include "capi/proofmill.h"

#include <cstring>
#include <memory>
#include <new>
#include <nlohmann/json.hpp>
#include <string>

#include "base/error.hpp"
#include "base/mapped_file.hpp"
#include "formats/json.hpp"
#include "formats/wtns.hpp"
#include "formats/zkey.hpp"
#include "groth16/prover.hpp"
#include "groth16/verifier.hpp"

struct pm_prover {
  std::unique_ptr<pm::groth16::Prover> prover;
};

namespace {

using pm::Errc;

pm_status status_of(Errc c) {
  switch (c) {
    case Errc::io:
      return PM_ERROR_IO;
    case Errc::format:
      return PM_ERROR_FORMAT;
    case Errc::out_of_range:
      return PM_ERROR_OUT_OF_RANGE;
    case Errc::invalid_point:
      return PM_ERROR_INVALID_POINT;
    case Errc::mismatch:
      return PM_ERROR_MISMATCH;
    case Errc::unsatisfied:
      return PM_ERROR_MISMATCH;
    case Errc::invalid_argument:
      return PM_ERROR_INVALID_ARGUMENT;
  }
  return PM_ERROR_INTERNAL;
}

void write_message(char* buf, size_t size, const std::string& msg) {
  if (buf == nullptr || size == 0) return;
  size_t n = std::min(size - 1, msg.size());
  std::memcpy(buf, msg.data(), n);
  buf[n] = '\0';
}

// Runs f, mapping exceptions to statuses and messages; nothing escapes the C boundary.
template <class F>
pm_status guarded(char* err, size_t err_size, F&& f) {
  try {
    return f();
  } catch (const pm::Error& e) {
    write_message(err, err_size, e.what());
    return status_of(e.code());
  } catch (const std::bad_alloc&) {
    write_message(err, err_size, "out of memory");
    return PM_ERROR_INTERNAL;
  } catch (const std::exception& e) {
    write_message(err, err_size, e.what());
    return PM_ERROR_INTERNAL;
  }
}

// The buffer convention of proofmill.h: capacity in, length out (NUL excluded), text only if it fits.
pm_status copy_out(const std::string& text, char* buf, size_t capacity, size_t* length) {
  if (length != nullptr) *length = text.size();
  if (buf == nullptr || capacity < text.size() + 1) return PM_ERROR_SHORT_BUFFER;
  std::memcpy(buf, text.c_str(), text.size() + 1);
  return PM_OK;
}

pm_status make(pm_prover** out, pm::groth16::ProvingKey pk) {
  auto p = std::make_unique<pm_prover>();
  p->prover =
      std::make_unique<pm::groth16::Prover>(std::make_shared<const pm::groth16::ProvingKey>(std::move(pk)));
  *out = p.release();
  return PM_OK;
}

// Generous bounds: a decimal coordinate has at most 77 digits.
constexpr size_t kMaxDecimal = 80;

}  // namespace

extern "C" {

static_assert(PM_VERSION_MAJOR == PROOFMILL_VERSION_MAJOR && PM_VERSION_MINOR == PROOFMILL_VERSION_MINOR &&
                  PM_VERSION_PATCH == PROOFMILL_VERSION_PATCH,
              "proofmill.h's version differs from the project's (CMakeLists.txt)");

const char* pm_version(int* major, int* minor, int* patch) {
  if (major != nullptr) *major = PM_VERSION_MAJOR;
  if (minor != nullptr) *minor = PM_VERSION_MINOR;
  if (patch != nullptr) *patch = PM_VERSION_PATCH;
  return PROOFMILL_VERSION_STRING;
}

const char* pm_status_name(pm_status s) {
  switch (s) {
    case PM_OK:
      return "ok";
    case PM_INVALID_PROOF:
      return "invalid_proof";
    case PM_ERROR_IO:
      return "io";
    case PM_ERROR_FORMAT:
      return "format";
    case PM_ERROR_OUT_OF_RANGE:
      return "out_of_range";
    case PM_ERROR_INVALID_POINT:
      return "invalid_point";
    case PM_ERROR_MISMATCH:
      return "mismatch";
    case PM_ERROR_INVALID_ARGUMENT:
      return "invalid_argument";
    case PM_ERROR_SHORT_BUFFER:
      return "short_buffer";
    case PM_ERROR_INTERNAL:
      return "internal";
  }
  return "unknown";
}

pm_status pm_prover_create(pm_prover** out, const void* zkey, size_t zkey_size, char* err, size_t err_size) {
  return guarded(err, err_size, [&] {
    if (out == nullptr || (zkey == nullptr && zkey_size > 0))
      throw pm::Error(Errc::invalid_argument, "NULL argument");
    *out = nullptr;
    std::span<const std::uint8_t> bytes(static_cast<const std::uint8_t*>(zkey), zkey_size);
    return make(out, pm::formats::parse_zkey(bytes, "<memory>"));
  });
}

pm_status pm_prover_create_from_file(pm_prover** out, const char* path, char* err, size_t err_size) {
  return guarded(err, err_size, [&] {
    if (out == nullptr || path == nullptr) throw pm::Error(Errc::invalid_argument, "NULL argument");
    *out = nullptr;
    return make(out, pm::formats::load_zkey(path));
  });
}

void pm_prover_free(pm_prover* prover) { delete prover; }

size_t pm_prover_public_count(const pm_prover* prover) {
  return prover == nullptr ? 0 : prover->prover->key().n_public;
}

pm_status pm_prover_buffer_sizes(const pm_prover* prover, size_t* proof_size, size_t* public_size) {
  if (prover == nullptr || proof_size == nullptr || public_size == nullptr) return PM_ERROR_INVALID_ARGUMENT;
  *proof_size = 8 * kMaxDecimal + 256;
  *public_size = pm_prover_public_count(prover) * (kMaxDecimal + 4) + 8;
  return PM_OK;
}

pm_status pm_prover_prove(const pm_prover* prover, const void* wtns, size_t wtns_size, char* proof_json,
                          size_t proof_capacity, size_t* proof_length, char* public_json,
                          size_t public_capacity, size_t* public_length, char* err, size_t err_size) {
  return guarded(err, err_size, [&] {
    if (prover == nullptr || (wtns == nullptr && wtns_size > 0)) {
      throw pm::Error(Errc::invalid_argument, "NULL argument");
    }
    size_t need_proof, need_public;
    pm_prover_buffer_sizes(prover, &need_proof, &need_public);
    if (proof_json == nullptr || proof_capacity < need_proof || public_json == nullptr ||
        public_capacity < need_public) {
      if (proof_length != nullptr) *proof_length = need_proof - 1;
      if (public_length != nullptr) *public_length = need_public - 1;
      write_message(err, err_size,
                    "output buffers too small: proof_json needs " + std::to_string(need_proof) +
                        " bytes, public_json " + std::to_string(need_public) + " (pm_prover_buffer_sizes)");
      return PM_ERROR_SHORT_BUFFER;
    }
    auto w = pm::formats::parse_wtns({static_cast<const std::uint8_t*>(wtns), wtns_size}, "<memory>");
    const auto& pk = prover->prover->key();
    auto proof = prover->prover->prove(w.values);
    std::span<const pm::ff::Fr> pub(w.values.data() + 1, pk.n_public);
    pm_status s = copy_out(pm::formats::dump_snarkjs(pm::formats::proof_to_json(proof)), proof_json,
                           proof_capacity, proof_length);
    if (s != PM_OK) return s;
    return copy_out(pm::formats::dump_snarkjs(pm::formats::public_to_json(pub)), public_json, public_capacity,
                    public_length);
  });
}

pm_status pm_verify(const char* vk_json, const char* public_json, const char* proof_json, char* err,
                    size_t err_size) {
  return guarded(err, err_size, [&] {
    if (vk_json == nullptr || public_json == nullptr || proof_json == nullptr) {
      throw pm::Error(Errc::invalid_argument, "NULL argument");
    }
    auto parse = [](const char* text, const char* what) { return pm::formats::parse_json(text, what); };
    auto vk = pm::formats::vk_from_json(parse(vk_json, "verification key"), "verification key");
    if (std::string bad = pm::groth16::check_verifying_key(vk); !bad.empty())
      throw pm::Error(Errc::invalid_point, bad);
    auto pub = pm::formats::public_from_json(parse(public_json, "public signals"), "public signals");
    pm::groth16::VerifyResult res;
    try {
      res = pm::groth16::verify(vk, pub, pm::formats::proof_from_json(parse(proof_json, "proof"), "proof"));
    } catch (const pm::Error& e) {
      if (e.code() != Errc::invalid_point) throw;
      res = {false, e.what()};
    }
    if (res.valid) return PM_OK;
    write_message(err, err_size, res.reason);
    return PM_INVALID_PROOF;
  });
}

}  // extern "C"
