/* The C ABI through the shared libproofmill.so: prove a .wtns with a .zkey, verify the proof
 * against verification_key.json, and check that a changed public signal is rejected.
 *   usage: prove_c circuit.zkey witness.wtns verification_key.json */
#include <proofmill.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char* read_file(const char* path, size_t* size) {
  FILE* f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char* data = malloc((size_t)n + 1);
  if (data && fread(data, 1, (size_t)n, f) != (size_t)n) {
    free(data);
    data = NULL;
  }
  fclose(f);
  if (data) data[n] = '\0';
  *size = (size_t)n;
  return data;
}

int main(int argc, char** argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s circuit.zkey witness.wtns verification_key.json\n", argv[0]);
    return 2;
  }
  int major = 0;
  const char* version = pm_version(&major, NULL, NULL);
  if (major != PM_VERSION_MAJOR) {
    fprintf(stderr, "libproofmill %s does not match proofmill.h %d.x\n", version, PM_VERSION_MAJOR);
    return 2;
  }
  char err[512];
  pm_prover* prover = NULL;
  if (pm_prover_create_from_file(&prover, argv[1], err, sizeof err) != PM_OK) {
    fprintf(stderr, "zkey: %s\n", err);
    return 2;
  }
  size_t wtns_size = 0, vk_size = 0;
  char* wtns = read_file(argv[2], &wtns_size);
  char* vk = read_file(argv[3], &vk_size);
  size_t proof_cap = 0, public_cap = 0, proof_len = 0, public_len = 0;
  pm_prover_buffer_sizes(prover, &proof_cap, &public_cap);
  char* proof = malloc(proof_cap);
  char* pub = malloc(public_cap);
  int rc = 1;
  if (!wtns || !vk || !proof || !pub) {
    fprintf(stderr, "cannot read the witness or the key\n");
  } else if (pm_prover_prove(prover, wtns, wtns_size, proof, proof_cap, &proof_len, pub, public_cap,
                             &public_len, err, sizeof err) != PM_OK) {
    fprintf(stderr, "prove: %s\n", err);
  } else {
    pm_status ok = pm_verify(vk, pub, proof, err, sizeof err);
    char* digit = strpbrk(pub, "0123456789");
    *digit = *digit == '1' ? '2' : '1';
    pm_status changed = pm_verify(vk, pub, proof, err, sizeof err);
    printf("prove_c: libproofmill %s, proof of %zu bytes %s, changed public signal %s\n", version, proof_len,
           ok == PM_OK ? "valid" : "INVALID", changed == PM_INVALID_PROOF ? "rejected" : "ACCEPTED");
    rc = ok == PM_OK && changed == PM_INVALID_PROOF ? 0 : 1;
  }
  free(proof);
  free(pub);
  free(wtns);
  free(vk);
  pm_prover_free(prover);
  return rc;
}
