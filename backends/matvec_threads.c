/* rz_matvec_mt, rz_matmul_mt and rz_matmul_shared (backends/matvec_threads.h): quantize once,
 * then the threads claim the rows: each starts on a part of its own, in shrinking runs, then
 * takes what is left of the others' (a thread that starts late or streams slower does less). */
#include "backends/matvec_threads.h"

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "backends/vec_dot.h"

enum { STACK_X = 32768, PARTS = 16 };

/* The next unclaimed row of a part, alone on its cache line. */
typedef struct {
    _Alignas(64) atomic_llong next;
} part_counter;

typedef struct {
    const rz_backend *be;
    uint32_t type;
    const rz_vec_kernel *k;
    const uint8_t *w;
    size_t row_bytes;
    const void *xq; /* n_tokens rows of xq_bytes each (the float x when there is no kernel) */
    size_t xq_bytes;
    const float *x;
    float *y;
    int64_t rows, cols, n_tokens;
    int parts;   /* min(threads, PARTS) */
    int64_t per; /* rows per part, whole chunks */
    part_counter part[PARTS];
} job;

/* Parts for n threads: part p starts at row p * per. */
static void share(job *j, int n) {
    const int64_t chunks = (j->rows + RZ_MATVEC_CHUNK - 1) / RZ_MATVEC_CHUNK;
    j->parts = n < PARTS ? n : PARTS;
    j->per = (chunks + j->parts - 1) / j->parts * RZ_MATVEC_CHUNK;
    for (int p = 0; p < j->parts; p++)
        atomic_init(&j->part[p].next, (long long)(j->per * p));
}

/* Claims rows [r0, r1) of part p: a quarter of what the part has left rounded up to whole
 * chunks, plus one chunk (so a run is never empty), cut at the part's end; false when it has
 * none. */
static bool claim(job *j, int p, int64_t *r0, int64_t *r1) {
    const int64_t end = j->per * (p + 1) < j->rows ? j->per * (p + 1) : j->rows;
    long long at = atomic_load_explicit(&j->part[p].next, memory_order_relaxed);
    for (;;) {
        if (at >= end) return false;
        const int64_t quarter = (end - at) / 4;
        const int64_t take =
            (quarter + RZ_MATVEC_CHUNK - 1) / RZ_MATVEC_CHUNK * RZ_MATVEC_CHUNK + RZ_MATVEC_CHUNK;
        if (atomic_compare_exchange_weak_explicit(&j->part[p].next, &at, at + take,
                                                  memory_order_relaxed, memory_order_relaxed)) {
            *r0 = at;
            *r1 = at + take < end ? at + take : end;
            return true;
        }
    }
}

typedef void (*rows_fn)(const job *j, int64_t r0, int64_t r1);

/* Thread i's rows: its own part first, then the others' in turn. */
static void claim_rows(job *j, int i, rows_fn fn) {
    int64_t r0, r1;
    for (int q = 0; q < j->parts; q++)
        while (claim(j, (i + q) % j->parts, &r0, &r1))
            fn(j, r0, r1);
}

static void matvec_rows(const job *j, int64_t r0, int64_t r1) {
    if (j->k->dot || j->k->gemm)
        rz_vec_dot_rows(j->k, j->w, j->row_bytes, j->xq, 0, 1, j->y + r0, 0, r0, r1, j->cols);
    else
        rz_matvec_ref(j->be, j->type, j->w + (size_t)r0 * j->row_bytes, j->x, j->y + r0, r1 - r0,
                      j->cols);
}

static void matvec_part(void *ctx, int i, int n) {
    (void)n;
    claim_rows(ctx, i, matvec_rows);
}

/* The job's kernel, row size (also for a type without a dot kernel, whose rows the threads still
 * split) and parts for the pool's threads; false when the type has no dot kernel. */
static bool plan(job *j, const rz_pool *pool) {
    share(j, rz_pool_size(pool));
    uint64_t rb = 0;
    size_t packed = 0;
    j->k = rz_vec_kernel_for(j->be, j->type);
    const bool sized = rz_type_row_bytes(j->type, (uint64_t)j->cols, &rb);
    bool ok = j->k->gemm ? rz_pack_row_bytes(j->type, j->cols, &packed) : j->k->dot && sized;
    j->row_bytes = j->k->gemm ? packed : (size_t)rb;
    j->xq_bytes = ok ? rz_vec_dot_x_bytes(j->k->vdt, j->cols) : 0;
    return ok;
}

void rz_matvec_mt(const rz_backend *be, rz_pool *pool, uint32_t type, const void *w, const float *x,
                  float *y, int64_t rows, int64_t cols) {
    job j = {.be = be, .type = type, .w = w, .x = x, .y = y, .rows = rows, .cols = cols};
    _Alignas(64) unsigned char stack[STACK_X];
    void *xq = NULL;
    bool dot = plan(&j, pool);
    if (dot && j.k->vdt != RZ_TYPE_F32) {
        xq = j.xq_bytes <= sizeof stack ? stack : malloc(j.xq_bytes);
        if (xq)
            rz_vec_dot_quantize(j.k, x, xq, cols);
        else
            dot = false;
    }
    if (!dot && rz_pack_source(type) != type) { /* no memory for a packed type's activations */
        for (int64_t r = 0; r < rows; r++)
            y[r] = NAN;
        return;
    }
    if (!dot) j.k = rz_vec_kernel_for(be, RZ_VEC_TYPE_LIMIT);
    j.xq = xq ? xq : x;
    rz_pool_run(pool, matvec_part, &j);
    if (xq != stack) free(xq);
}

/* Every token over each tile of rows r0..r1 (rz_vec_dot_rows). */
static void matmul_rows(const job *j, int64_t r0, int64_t r1) {
    rz_vec_dot_rows(j->k, j->w, j->row_bytes, j->xq, j->xq_bytes, j->n_tokens, j->y + r0,
                    (size_t)j->rows, r0, r1, j->cols);
}

static void matmul_part(void *ctx, int i, int n) {
    (void)n;
    claim_rows(ctx, i, matmul_rows);
}

/* This thread's share of the tokens, quantized into their rows of xq. */
static void quantize_part(void *ctx, int i, int n) {
    const job *j = ctx;
    for (int64_t t = j->n_tokens * i / n; t < j->n_tokens * (i + 1) / n; t++)
        rz_vec_dot_quantize(j->k, j->x + t * j->cols, (uint8_t *)j->xq + t * j->xq_bytes, j->cols);
}

size_t rz_matmul_scratch_bytes(int64_t cols, int64_t n_tokens) {
    static const int partners[] = {RZ_TYPE_Q8_0, RZ_TYPE_Q8_K, RZ_TYPE_BF16}; /* quantized ones */
    size_t most = 0;
    for (size_t i = 0; i < sizeof partners / sizeof *partners; i++) {
        const size_t bytes = rz_vec_dot_x_bytes(partners[i], cols);
        most = bytes > most ? bytes : most;
    }
    return most * (size_t)(n_tokens > 0 ? n_tokens : 0);
}

void rz_matmul_mt(const rz_backend *be, rz_pool *pool, uint32_t type, const void *w, const float *X,
                  float *Y, int64_t rows, int64_t cols, int64_t n_tokens, void *scratch) {
    job j = {
        .be = be, .type = type, .w = w, .y = Y, .rows = rows, .cols = cols, .n_tokens = n_tokens};
    const bool dot = plan(&j, pool) && n_tokens > 0;
    if (dot && j.k->vdt == RZ_TYPE_F32) { /* float weights dot the rows of X themselves */
        j.xq = X;
        rz_pool_run(pool, matmul_part, &j);
        return;
    }
    void *xq = !dot ? NULL : scratch ? scratch : malloc(j.xq_bytes * (size_t)n_tokens);
    if (!xq) {
        for (int64_t t = 0; t < n_tokens; t++)
            rz_matvec_mt(be, pool, type, w, X + t * cols, Y + t * rows, rows, cols);
        return;
    }
    j.xq = xq, j.x = X;
    rz_pool_run(pool, quantize_part, &j);
    rz_pool_run(pool, matmul_part, &j);
    if (xq != scratch) free(xq);
}

/* A run of rz_matmul_shared: projections with the same partner type over the same xq. */
typedef struct {
    job *jobs;
    int count;
} shared_run;

static void shared_part(void *ctx, int i, int n) {
    const shared_run *r = ctx;
    for (int p = 0; p < r->count; p++)
        matmul_part(&r->jobs[p], i, n);
}

/* Projection p alone, through the paths that handle a missing kernel or memory. */
static void project_alone(const rz_backend *be, rz_pool *pool, const float *X, int64_t cols,
                          int64_t n_tokens, const rz_projection *p) {
    if (n_tokens == 1)
        rz_matvec_mt(be, pool, p->type, p->w, X, p->y, p->rows, cols);
    else
        rz_matmul_mt(be, pool, p->type, p->w, X, p->y, p->rows, cols, n_tokens, NULL);
}

enum { SHARED_MAX = 8 }; /* projections in one run */

void rz_matmul_shared(const rz_backend *be, rz_pool *pool, const float *X, int64_t cols,
                      int64_t n_tokens, const rz_projection *p, int count, void *scratch) {
    _Alignas(64) unsigned char stack[STACK_X];
    void *own = NULL, *xq = scratch;
    job jobs[SHARED_MAX];
    for (int i = 0; i < count;) {
        int m = 0;
        for (; i + m < count && m < SHARED_MAX; m++) {
            const rz_projection *q = &p[i + m];
            jobs[m] = (job){.be = be,
                            .type = q->type,
                            .w = q->w,
                            .x = X,
                            .y = q->y,
                            .rows = q->rows,
                            .cols = cols,
                            .n_tokens = n_tokens};
            if (!plan(&jobs[m], pool) || (m > 0 && jobs[m].k->vdt != jobs[0].k->vdt)) break;
        }
        if (m == 0) {
            project_alone(be, pool, X, cols, n_tokens, &p[i++]);
            continue;
        }
        const bool floats = jobs[0].k->vdt == RZ_TYPE_F32;
        if (!floats && !xq) {
            const size_t need = rz_matmul_scratch_bytes(cols, n_tokens);
            xq = need <= sizeof stack ? (void *)stack : (own = malloc(need));
        }
        if (!floats && !xq) {
            for (int k = 0; k < m; k++)
                project_alone(be, pool, X, cols, n_tokens, &p[i + k]);
            i += m;
            continue;
        }
        if (!floats && n_tokens == 1)
            rz_vec_dot_quantize(jobs[0].k, X, xq, cols);
        else if (!floats) {
            jobs[0].xq = xq;
            rz_pool_run(pool, quantize_part, &jobs[0]);
        }
        for (int k = 0; k < m; k++)
            jobs[k].xq = floats ? (const void *)X : xq;
        shared_run r = {.jobs = jobs, .count = m};
        rz_pool_run(pool, shared_part, &r);
        i += m;
    }
    free(own);
}
