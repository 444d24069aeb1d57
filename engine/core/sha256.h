/* SHA-256 (FIPS 180-4), for checking data files against datasets/manifest.tsv. */
#ifndef RZ_CORE_SHA256_H
#define RZ_CORE_SHA256_H

#include <stddef.h>
#include <stdint.h>

#include "engine/core/status.h"

typedef struct {
    uint32_t h[8];
    uint64_t bytes;
    uint8_t block[64];
    size_t fill;
} rz_sha256_ctx;

void rz_sha256_init(rz_sha256_ctx *c);
void rz_sha256_update(rz_sha256_ctx *c, const void *data, size_t len);
void rz_sha256_final(rz_sha256_ctx *c, uint8_t digest[32]);

/* Hashes len bytes into 32 bytes. */
void rz_sha256(const void *data, size_t len, uint8_t digest[32]);

/* Streams a file and writes the digest as 64 lowercase hex characters plus NUL, failing with
 * RZ_EIO (path and reason). */
rz_status rz_sha256_file(const char *path, char hex[65], rz_error *err);
/* Compares a file's digest with an expected hex string and fails with RZ_EFORMAT naming the
 * path, the expected and the computed digests. */
rz_status rz_sha256_check(const char *path, const char *expected_hex, rz_error *err);

#endif
