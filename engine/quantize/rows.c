/* Row-parallel conversion (see rows.h): workers take chunks of rows from a shared counter. */
#include "engine/quantize/rows.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "engine/core/pool_pin.h"
#include "engine/types/types.h"

enum { CHUNK_ROWS = 8, MAX_THREADS = 256 };

typedef struct {
    const rz_type_traits *t;
    uint64_t n_rows, row_len, row_bytes;
    rz_rows_source src;
    void *ctx;
    uint8_t *dst;
    atomic_uint_fast64_t next;
    atomic_int failed;
} job;

static void *work(void *arg) {
    job *j = arg;
    float *row = malloc(j->row_len * sizeof *row);
    if (!row) {
        atomic_store(&j->failed, 1);
        return NULL;
    }
    for (;;) {
        uint64_t first = atomic_fetch_add(&j->next, CHUNK_ROWS);
        if (first >= j->n_rows) break;
        uint64_t end = first + CHUNK_ROWS < j->n_rows ? first + CHUNK_ROWS : j->n_rows;
        for (uint64_t r = first; r < end; r++) {
            j->src(j->ctx, r, row);
            j->t->from_float(row, j->dst + r * j->row_bytes, (int64_t)j->row_len);
        }
    }
    free(row);
    return NULL;
}

rz_status rz_rows_convert(uint32_t type, uint64_t n_rows, uint64_t row_len, rz_rows_source src,
                          void *ctx, int n_threads, void *dst, rz_error *err) {
    const rz_type_traits *t = rz_type_get(type);
    uint64_t row_bytes;
    if (!t || !t->from_float)
        return rz_fail(err, RZ_EINVAL, "rows: type %s: rz cannot encode it",
                       rz_type_ggml_name(type));
    if (!row_len || !rz_type_row_bytes(type, row_len, &row_bytes))
        return rz_fail(err, RZ_EINVAL, "rows: row length %llu: expected a multiple of %u (%s)",
                       (unsigned long long)row_len, t->block_size, t->name);
    job j = {t, n_rows, row_len, row_bytes, src, ctx, dst, 0, 0};
    if (n_threads < 1) n_threads = rz_allowed_cpus();
    if (n_threads > MAX_THREADS) n_threads = MAX_THREADS;
    if ((uint64_t)n_threads > (n_rows + CHUNK_ROWS - 1) / CHUNK_ROWS)
        n_threads = (int)((n_rows + CHUNK_ROWS - 1) / CHUNK_ROWS);
    pthread_t tid[MAX_THREADS];
    int started = 0; /* a thread that cannot start leaves its rows to the others */
    for (; started + 1 < n_threads; started++)
        if (pthread_create(&tid[started], NULL, work, &j)) break;
    work(&j);
    for (int i = 0; i < started; i++)
        pthread_join(tid[i], NULL);
    if (atomic_load(&j.failed))
        return rz_fail(err, RZ_ENOMEM, "rows: cannot allocate a row of %llu floats",
                       (unsigned long long)row_len);
    return RZ_OK;
}
