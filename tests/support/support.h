/* Test helpers: where shared data and built binaries are, running a CLI, building APR images. */
#ifndef RZ_TESTS_SUPPORT_H
#define RZ_TESTS_SUPPORT_H

#include <stddef.h>
#include <stdint.h>

/* Path of a file under ../shared (RZ_SHARED_DIR), or NULL when it is absent. Static buffer. */
const char *rzt_shared(const char *relpath);

/* Path of a built binary (RZ_BUILD_DIR/name). Static buffer. */
const char *rzt_bin(const char *name);

/* Runs argv[0] with argv, captures stdout and stderr (each truncated to cap-1 bytes, NUL
 * terminated) and returns the exit status, or -1 when the process died on a signal. */
int rzt_run(char *const argv[], char *out, size_t out_cap, char *err, size_t err_cap);

/* A valid APR v1 logistic-regression image with n weights w[i] = (i % 7 - 3) / 10, intercept b.
 * Returns a malloc'd buffer and its length. */
uint8_t *rzt_apr_image(size_t n, float b, size_t *len);

/* The 3-feature APR model of rzt_apr_image (weights -0.3 -0.2 -0.1, intercept 0) written to a
 * temporary file; its path (a static buffer). */
const char *rzt_apr_file(void);

/* Recomputes the trailing CRC32 of an APR image after a test edited it. */
void rzt_apr_fix_crc(uint8_t *buf, size_t len);

/* Writes `bytes` bytes of value `byte` to RZ_BUILD_DIR/name ("build" without it: a file system
 * with a page cache, where /tmp may be a tmpfs); returns its path (static buffer), NULL when the
 * write failed. */
const char *rzt_write_build_file(const char *name, size_t bytes, int byte);

#endif
