/* Row-parallel conversion into any tensor type: a caller-supplied source produces float rows,
 * rz_rows_convert encodes them with the type's from_float on several threads. */
#ifndef RZ_QUANTIZE_ROWS_H
#define RZ_QUANTIZE_ROWS_H

#include <stdint.h>

#include "engine/core/status.h"

/* Called once per row, concurrently from up to n_threads threads; must depend only on the row
 * index (so the output does not depend on the thread count). */
typedef void (*rz_rows_source)(void *ctx, uint64_t row, float *out);

/* dst holds n_rows * (row bytes of type) bytes. Fails with RZ_EINVAL when the type is unknown,
 * has no from_float, or row_len is not a whole number of its blocks; RZ_ENOMEM when a row buffer
 * cannot be allocated. n_threads < 1 means every CPU this process may run on (rz_allowed_cpus). */
rz_status rz_rows_convert(uint32_t type, uint64_t n_rows, uint64_t row_len, rz_rows_source src,
                          void *ctx, int n_threads, void *dst, rz_error *err);

#endif
