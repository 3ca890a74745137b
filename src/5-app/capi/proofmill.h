/* Proofmill C ABI: Groth16 over BN254 with circom/snarkjs files, in the spirit of rapidsnark's
 * prover.h. Create a prover once from a zkey (parsed and validated once), prove many times.
 * Shipped as libproofmill.so (and in the static pm_capi); `cmake --install` puts this header at
 * include/proofmill.h.
 *
 * Buffers: a function that writes text takes the buffer, its capacity in bytes (NUL included),
 * passed by value, and a pointer where it stores the text's length (NUL excluded; the pointer
 * may be NULL). The capacity is never written, so a variable holding it can be reused for every
 * call. If the capacity is too small the function writes no text, returns
 * PM_ERROR_SHORT_BUFFER and stores in the length the text's length, or a bound on it: a
 * capacity of length + 1 then suffices. Error messages (error_msg, error_msg_capacity) are
 * truncated to fit and always NUL-terminated.
 * A prover may be used from several threads at once; each call allocates its own scratch. */
#ifndef PROOFMILL_H
#define PROOFMILL_H

#include <stddef.h>

#if defined(PM_BUILDING_SHARED) && defined(__GNUC__)
#define PM_API __attribute__((visibility("default")))
#else
#define PM_API
#endif

/* The version of this header; pm_version() gives the library's, which must have the same major. */
#define PM_VERSION_MAJOR 0
#define PM_VERSION_MINOR 2
#define PM_VERSION_PATCH 0

#ifdef __cplusplus
extern "C" {
#endif

typedef enum pm_status {
  PM_OK = 0,
  PM_INVALID_PROOF = 1,          /* pm_verify: well-formed input, the proof does not verify */
  PM_ERROR_IO = 2,               /* a file could not be read */
  PM_ERROR_FORMAT = 3,           /* malformed or truncated zkey/wtns/JSON */
  PM_ERROR_OUT_OF_RANGE = 4,     /* a field element >= its modulus */
  PM_ERROR_INVALID_POINT = 5,    /* a point off the curve or outside its subgroup */
  PM_ERROR_MISMATCH = 6,         /* e.g. a witness whose length does not match the zkey */
  PM_ERROR_INVALID_ARGUMENT = 7, /* a NULL pointer where one is not allowed */
  PM_ERROR_SHORT_BUFFER = 8,     /* see the buffer convention above */
  PM_ERROR_INTERNAL = 9
} pm_status;

typedef struct pm_prover pm_prover;

/* The library's version, "MAJOR.MINOR.PATCH", and its numbers (any pointer may be NULL). */
PM_API const char* pm_version(int* major, int* minor, int* patch);

/* A short constant name for a status ("ok", "format", ...). */
PM_API const char* pm_status_name(pm_status status);

/* Parses and validates a Groth16 .zkey held in memory (copied: the caller may free it). */
PM_API pm_status pm_prover_create(pm_prover** out, const void* zkey, size_t zkey_size, char* error_msg,
                                  size_t error_msg_capacity);
/* Same, from a file (memory-mapped while parsing). */
PM_API pm_status pm_prover_create_from_file(pm_prover** out, const char* zkey_path, char* error_msg,
                                            size_t error_msg_capacity);
PM_API void pm_prover_free(pm_prover* prover);

/* Capacities (NUL included) that always suffice for pm_prover_prove's outputs. */
PM_API pm_status pm_prover_buffer_sizes(const pm_prover* prover, size_t* proof_json_capacity,
                                        size_t* public_json_capacity);
/* Number of public signals of the circuit. */
PM_API size_t pm_prover_public_count(const pm_prover* prover);

/* Proves a .wtns held in memory; writes snarkjs's proof.json and public.json texts. The
 * capacities are checked against pm_prover_buffer_sizes's before proving: if either is short,
 * nothing is proven and the lengths hold those bounds less one. */
PM_API pm_status pm_prover_prove(const pm_prover* prover, const void* wtns, size_t wtns_size,
                                 char* proof_json, size_t proof_json_capacity, size_t* proof_json_length,
                                 char* public_json, size_t public_json_capacity, size_t* public_json_length,
                                 char* error_msg, size_t error_msg_capacity);

/* Verifies snarkjs-format JSON texts (NUL-terminated). PM_OK: valid; PM_INVALID_PROOF: not
 * valid (reason in error_msg); any other status: the inputs could not be used. */
PM_API pm_status pm_verify(const char* verification_key_json, const char* public_json, const char* proof_json,
                           char* error_msg, size_t error_msg_capacity);

#ifdef __cplusplus
}
#endif

#endif /* PROOFMILL_H */
