/* rz_matvec_mt and rz_matmul_mt (backends/matvec_threads.h): quantize once, then split rows. */
#include "backends/matvec_threads.h"

#include <stdlib.h>

#include "backends/vec_dot.h"

enum { STACK_X = 32768, L1_BLOCK = 16384 };

typedef struct {
    const rz_backend *be;
    uint32_t type;
    rz_vec_dot_fn dot;
    const uint8_t *w;
    size_t row_bytes;
    const void *xq; /* n_tokens rows of xq_bytes each (the float x when there is no kernel) */
    size_t xq_bytes;
    const float *x;
    float *y;
    int64_t rows, cols, n_tokens;
} job;

/* Thread i of n gets rows [r0, r1): whole chunks, the remainder to the last thread. */
static void share(int64_t rows, int i, int n, int64_t *r0, int64_t *r1) {
    const int64_t chunks = (rows + RZ_MATVEC_CHUNK - 1) / RZ_MATVEC_CHUNK;
    const int64_t per = (chunks + n - 1) / n * RZ_MATVEC_CHUNK;
    *r0 = per * i < rows ? per * i : rows;
    *r1 = per * (i + 1) < rows ? per * (i + 1) : rows;
}

static void matvec_part(void *ctx, int i, int n) {
    const job *j = ctx;
    int64_t r0, r1;
    share(j->rows, i, n, &r0, &r1);
    if (r1 <= r0) return;
    if (j->dot)
        rz_vec_dot_rows(j->dot, j->w, j->row_bytes, j->xq, j->y + r0, r0, r1, j->cols);
    else
        rz_matvec_ref(j->be, j->type, j->w + (size_t)r0 * j->row_bytes, j->x, j->y + r0, r1 - r0,
                      j->cols);
}

static void run(rz_pool *pool, rz_pool_fn fn, job *j) {
    if (pool)
        rz_pool_run(pool, fn, j);
    else
        fn(j, 0, 1);
}

/* The job's kernel, row size and partner type; false when the type has no dot kernel. */
static bool plan(job *j, int *vdt) {
    uint64_t rb = 0;
    *vdt = rz_vec_dot_type(j->type);
    j->dot = *vdt < 0 ? NULL : rz_vec_dot_table(j->be->isa)[j->type];
    if (!rz_type_row_bytes(j->type, (uint64_t)j->cols, &rb)) j->dot = NULL;
    j->row_bytes = (size_t)rb;
    j->xq_bytes = j->dot ? rz_vec_dot_x_bytes(*vdt, j->cols) : 0;
    return j->dot != NULL;
}

void rz_matvec_mt(const rz_backend *be, rz_pool *pool, uint32_t type, const void *w, const float *x,
                  float *y, int64_t rows, int64_t cols) {
    job j = {.be = be, .type = type, .w = w, .x = x, .y = y, .rows = rows, .cols = cols};
    int vdt;
    _Alignas(64) unsigned char stack[STACK_X];
    void *xq = NULL;
    if (plan(&j, &vdt) && vdt != RZ_TYPE_F32) {
        xq = j.xq_bytes <= sizeof stack ? stack : malloc(j.xq_bytes);
        if (xq)
            rz_vec_dot_quantize(be->isa, vdt, x, xq, cols);
        else
            j.dot = NULL;
    }
    j.xq = xq ? xq : x;
    run(pool, matvec_part, &j);
    if (xq != stack) free(xq);
}

/* Weight rows in blocks of about L1_BLOCK bytes; every token runs over a block before the next. */
static void matmul_part(void *ctx, int i, int n) {
    const job *j = ctx;
    int64_t r0, r1;
    share(j->rows, i, n, &r0, &r1);
    int64_t block = (int64_t)(L1_BLOCK / (j->row_bytes ? j->row_bytes : 1));
    block = block < 1 ? 1 : block;
    for (int64_t b0 = r0; b0 < r1; b0 += block) {
        const int64_t b1 = b0 + block < r1 ? b0 + block : r1;
        for (int64_t t = 0; t < j->n_tokens; t++)
            rz_vec_dot_rows(j->dot, j->w, j->row_bytes, (const uint8_t *)j->xq + t * j->xq_bytes,
                            j->y + t * j->rows + b0, b0, b1, j->cols);
    }
}

void rz_matmul_mt(const rz_backend *be, rz_pool *pool, uint32_t type, const void *w, const float *X,
                  float *Y, int64_t rows, int64_t cols, int64_t n_tokens) {
    job j = {
        .be = be, .type = type, .w = w, .y = Y, .rows = rows, .cols = cols, .n_tokens = n_tokens};
    int vdt;
    void *xq = plan(&j, &vdt) && n_tokens > 0 ? malloc(j.xq_bytes * (size_t)n_tokens) : NULL;
    if (!xq) {
        for (int64_t t = 0; t < n_tokens; t++)
            rz_matvec_mt(be, pool, type, w, X + t * cols, Y + t * rows, rows, cols);
        return;
    }
    for (int64_t t = 0; t < n_tokens; t++)
        rz_vec_dot_quantize(be->isa, vdt, X + t * cols, (uint8_t *)xq + t * j.xq_bytes, cols);
    j.xq = xq;
    run(pool, matmul_part, &j);
    free(xq);
}
