/* Proofmill C ABI: Groth16 over BN254 with circom/snarkjs files, in the spirit of rapidsnark's
 * prover.h. Create a prover once from a zkey (parsed and validated once), prove many times.
 *
 * Buffers: functions that write text take the buffer and a pointer to its size; on entry the
 * size is the buffer's capacity, on return the number of bytes written (without the NUL,
 * which is always written). If the buffer is too small they return PM_ERROR_SHORT_BUFFER and
 * set the size to the capacity needed (NUL included). Error messages are truncated to fit.
 * A prover may be used from several threads at once; each call allocates its own scratch. */
#ifndef PROOFMILL_H
#define PROOFMILL_H

#include <stddef.h>

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

/* A short constant name for a status ("ok", "format", ...). */
const char* pm_status_name(pm_status status);

/* Parses and validates a Groth16 .zkey held in memory (copied: the caller may free it). */
pm_status pm_prover_create(pm_prover** out, const void* zkey, size_t zkey_size, char* error_msg,
                           size_t error_msg_size);
/* Same, from a file (memory-mapped while parsing). */
pm_status pm_prover_create_from_file(pm_prover** out, const char* zkey_path, char* error_msg,
                                     size_t error_msg_size);
void pm_prover_free(pm_prover* prover);

/* Capacities (NUL included) that always suffice for pm_prover_prove's outputs. */
pm_status pm_prover_buffer_sizes(const pm_prover* prover, size_t* proof_json_size, size_t* public_json_size);
/* Number of public signals of the circuit. */
size_t pm_prover_public_count(const pm_prover* prover);

/* Proves a .wtns held in memory; writes snarkjs's proof.json and public.json texts. */
pm_status pm_prover_prove(const pm_prover* prover, const void* wtns, size_t wtns_size, char* proof_json,
                          size_t* proof_json_size, char* public_json, size_t* public_json_size,
                          char* error_msg, size_t error_msg_size);

/* Verifies snarkjs-format JSON texts (NUL-terminated). PM_OK: valid; PM_INVALID_PROOF: not
 * valid (reason in error_msg); any other status: the inputs could not be used. */
pm_status pm_verify(const char* verification_key_json, const char* public_json, const char* proof_json,
                    char* error_msg, size_t error_msg_size);

#ifdef __cplusplus
}
#endif

#endif /* PROOFMILL_H */
