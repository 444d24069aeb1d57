/* Multithreaded matvec (decode) and matmul (prompt processing) over a rz_pool, with be's dot
 * kernels (backends/vec_dot.h).
 * Contract: W holds `rows` rows of `cols` elements of ggml type `type` (cols a multiple of its
 * block size), rows back to back, or a packed matrix of a packed type (backends/pack.h: rows a
 * multiple of RZ_PACK_ROWS). Activations are quantized once per call to the type's partner
 * type (rz_matvec_mt: on the calling thread); the pool's threads claim the rows in runs of whole
 * chunks of RZ_MATVEC_CHUNK rows, each from a part of its own first, then from the others' (so a
 * thread that starts late or streams slower does less). pool may be NULL (the caller's
 * thread does all the work). Types without a dot kernel fall back to rz_matvec_ref per chunk; a
 * packed type whose activations find no memory (a row too long for the stack buffer, then malloc
 * failing) gives NaN. Results are the same bits whatever the thread count and pool. */
#ifndef RZ_BACKENDS_MATVEC_THREADS_H
#define RZ_BACKENDS_MATVEC_THREADS_H

#include <stdint.h>

#include "backends/backend.h"
#include "backends/pack.h"
#include "engine/core/pool.h"

enum { RZ_MATVEC_CHUNK = 16 };
_Static_assert(RZ_MATVEC_CHUNK % RZ_PACK_ROWS == 0, "threads split packed matrices by groups");

/* y[r] = sum over c of W[r][c] * x[c] for r < rows. */
void rz_matvec_mt(const rz_backend *be, rz_pool *pool, uint32_t type, const void *w, const float *x,
                  float *y, int64_t rows, int64_t cols);

/* Y = X W^T: Y[t][r] = sum over c of W[r][c] * X[t][c] for t < n_tokens, X and Y row-major
 * (n_tokens x cols and n_tokens x rows). Each thread runs every token over each tile of its
 * weight rows (rz_vec_dot_rows, tile kernels where the ISA has them), so each weight byte comes
 * from memory once for all tokens; the tokens are quantized first, split over the threads too,
 * into scratch: rz_matmul_scratch_bytes(cols, n_tokens) bytes, 64-byte aligned, that the caller
 * allocated at set-up (then nothing is allocated here), or NULL (allocated for the call; when
 * that fails, rz_matvec_mt per token). */
void rz_matmul_mt(const rz_backend *be, rz_pool *pool, uint32_t type, const void *w, const float *X,
                  float *Y, int64_t rows, int64_t cols, int64_t n_tokens, void *scratch);

/* One weight matrix of rz_matmul_shared: rows x cols of `type` at w, its output Y (n_tokens rows
 * of `rows` floats). */
typedef struct {
    uint32_t type;
    const void *w;
    float *y;
    int64_t rows;
} rz_projection;

/* Y_i = X W_i^T for count projections of the same X (n_tokens x cols, n_tokens >= 1), as
 * rz_matvec_mt (one token) or rz_matmul_mt would give each of them, bit for bit: X quantized once
 * for each run of projections with the same partner type, and each run's rows split over the pool
 * in one job. Scratch as rz_matmul_mt's (NULL: allocated for the call; a single token uses the
 * stack). Types without a dot kernel go through rz_matvec_mt or rz_matmul_mt one by one. */
void rz_matmul_shared(const rz_backend *be, rz_pool *pool, const float *X, int64_t cols,
                      int64_t n_tokens, const rz_projection *p, int count, void *scratch);

/* The scratch rz_matmul_mt needs for n_tokens rows of cols activations, whatever the type. */
size_t rz_matmul_scratch_bytes(int64_t cols, int64_t n_tokens);

#endif
