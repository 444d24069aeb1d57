#include "harness/probe_bandwidth.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "engine/core/huge.h"
#include "engine/core/pool.h"
#include "harness/probe_threads.h"
#include "harness/stats.h"
#include "harness/timer.h"
#include "harness/why.h"

enum { MIN_ARRAY_BYTES = 16 << 20 };

typedef struct {
    double *a, *b, *c;
    size_t n;
    double scalar;
} triad_job;

/* This thread's share [lo, hi) of n elements. */
static void share(size_t n, int i, int threads, size_t *lo, size_t *hi) {
    *lo = n * (size_t)i / (size_t)threads;
    *hi = n * (size_t)(i + 1) / (size_t)threads;
}

static void touch_part(void *ctx, int i, int n) {
    triad_job *j = ctx;
    size_t lo, hi;
    share(j->n, i, n, &lo, &hi);
    for (size_t k = lo; k < hi; k++) {
        j->a[k] = 0.0;
        j->b[k] = 1.0;
        j->c[k] = 2.0;
    }
}

static void triad_part(void *ctx, int i, int n) {
    triad_job *j = ctx;
    size_t lo, hi;
    share(j->n, i, n, &lo, &hi);
    double *restrict a = j->a;
    const double *restrict b = j->b, *restrict c = j->c;
    const double s = j->scalar;
    for (size_t k = lo; k < hi; k++)
        a[k] = b[k] + s * c[k];
}

/* Allocates the three arrays, halving their size while memory refuses. */
static bool allocate(triad_job *j, size_t *bytes) {
    for (; *bytes >= MIN_ARRAY_BYTES; *bytes /= 2) {
        *bytes &= ~(size_t)63;
        j->a = rz_huge_alloc(*bytes);
        j->b = rz_huge_alloc(*bytes);
        j->c = rz_huge_alloc(*bytes);
        if (j->a && j->b && j->c) {
            j->n = *bytes / sizeof(double);
            return true;
        }
        free(j->a);
        free(j->b);
        free(j->c);
    }
    return false;
}

static size_t l3_size(void) {
    long l3 = sysconf(_SC_LEVEL3_CACHE_SIZE);
    return l3 > 0 ? (size_t)l3 : 0;
}

bool rzb_probe_bandwidth(int n_threads, size_t array_bytes, int reps, rzb_bandwidth *out, char *why,
                         size_t cap) {
    if (n_threads < 1 || reps < 1) {
        snprintf(why, cap, "%d threads, %d repetitions: expected >= 1 of each", n_threads, reps);
        return false;
    }
    triad_job j = {.scalar = 3.0};
    rz_pool *pool = NULL;
    rz_error err;
    if (n_threads > 1 && rz_pool_new(n_threads, &pool, &err))
        return rzb_why_rz(why, cap, &err, NULL);
    double *gbs = calloc((size_t)reps, sizeof *gbs);
    size_t bytes = array_bytes;
    if (!gbs || !allocate(&j, &bytes)) {
        snprintf(why, cap, "out of memory for three arrays of %zu MiB", array_bytes >> 20);
        free(gbs);
        rz_pool_free(pool);
        return false;
    }
    *out = (rzb_bandwidth){.threads = n_threads, .reps = reps, .array_bytes = bytes};
    out->placed = rzb_pool_pin(pool);
    out->l3_bytes = l3_size();
    out->cache_caveat = 3 * bytes < 4 * out->l3_bytes;
    rz_pool_run(pool, touch_part, &j);
    rz_pool_run(pool, triad_part, &j);
    for (int r = 0; r < reps; r++) {
        uint64_t t0 = rz_now_ns();
        rz_pool_run(pool, triad_part, &j);
        gbs[r] = 3.0 * (double)(j.n * sizeof(double)) / (double)(rz_now_ns() - t0);
        if (gbs[r] > out->best_gbs) out->best_gbs = gbs[r];
    }
    out->median_gbs = rzb_median(gbs, (size_t)reps);
    free(j.a);
    free(j.b);
    free(j.c);
    free(gbs);
    rz_pool_free(pool);
    return true;
}
