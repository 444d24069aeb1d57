#include "harness/runner.h"

#include <stdlib.h>

#include "harness/timer.h"

void rzb_sample_run(const rzb_sampling *s, rzb_body_fn body, void *ctx, int run, rzb_series *out) {
    for (int i = 0; i < s->warmup; i++)
        body(ctx, 1);
    for (int i = 0; i < s->iterations; i++) {
        uint64_t t0 = rz_now_ns();
        body(ctx, s->batch);
        uint64_t t1 = rz_now_ns();
        rzb_series_push(out, run, (double)(t1 - t0) / (double)s->batch);
    }
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

double rzb_timer_overhead_ns(void) {
    enum { N = 2001 };
    static uint64_t d[N];
    for (int i = 0; i < N; i++) {
        uint64_t t0 = rz_now_ns();
        uint64_t t1 = rz_now_ns();
        d[i] = t1 - t0;
    }
    qsort(d, N, sizeof d[0], cmp_u64);
    return (double)d[N / 2];
}
