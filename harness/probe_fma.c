#include "harness/probe_fma.h"

#include <stdlib.h>

#include "engine/core/pool.h"
#include "harness/probe_threads.h"
#include "harness/stats.h"
#include "harness/timer.h"

/* The scalar chains: 12 variables, each kept in an xmm register as an opaque value (the empty
 * asm emits no instruction) so that the compiler can neither spill them nor merge them into
 * vector instructions. */
#define CHAINS(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11)
#define DECLARE(i) float c##i = (float)(i);
#define STEP(i)                                                                                    \
    c##i = c##i * a + b;                                                                           \
    __asm__("" : "+x"(c##i));
#define ADD(i) sum += c##i;

uint64_t rzb_fma_kernel_scalar(uint64_t iters, float a, float b, float *sink) {
    CHAINS(DECLARE)
    for (uint64_t i = 0; i < iters; i++) {
        CHAINS(STEP)
    }
    float sum = 0;
    CHAINS(ADD)
    *sink = sum;
    return iters * 12 * 2;
}

typedef uint64_t (*kernel_fn)(uint64_t iters, float a, float b, float *sink);

typedef struct {
    kernel_fn kernel;
    uint64_t iters, flops_per_thread;
    float a, b;
    float *sinks; /* one per thread */
} fma_job;

static void fma_part(void *ctx, int i, int n) {
    (void)n;
    fma_job *j = ctx;
    uint64_t flops = j->kernel(j->iters, j->a, j->b, &j->sinks[i]);
    if (i == 0) j->flops_per_thread = flops;
}

static kernel_fn kernel_for(rz_isa isa) {
    if (!rz_cpu_supports(isa)) return NULL;
    switch (isa) {
    case RZ_ISA_SCALAR:
        return rzb_fma_kernel_scalar;
    case RZ_ISA_AVX2:
        return rzb_fma_kernel_avx2;
    case RZ_ISA_AVX512:
        return rzb_fma_kernel_avx512;
    default:
        return NULL;
    }
}

/* Doubles the repetition count until one call on this thread lasts min_seconds. */
static uint64_t calibrate(fma_job *j, double min_seconds) {
    for (j->iters = 1 << 12;; j->iters *= 2) {
        uint64_t t0 = rzb_now_ns();
        fma_part(j, 0, 1);
        if ((double)(rzb_now_ns() - t0) * 1e-9 >= min_seconds) return j->iters;
    }
}

bool rzb_probe_fma(rz_isa isa, int n_threads, int reps, double min_seconds, rzb_fma_peak *out) {
    kernel_fn kernel = kernel_for(isa);
    if (!kernel || n_threads < 1 || reps < 1) return false;
    volatile float a = 0.999999f, b = 1e-6f;
    fma_job j = {.kernel = kernel, .a = a, .b = b, .sinks = calloc((size_t)n_threads, 4)};
    double *gflops = calloc((size_t)reps, sizeof *gflops);
    rz_pool *pool = NULL;
    rz_error err;
    bool ok = j.sinks && gflops && (n_threads == 1 || !rz_pool_new(n_threads, &pool, &err));
    if (ok) {
        *out = (rzb_fma_peak){.isa = isa, .threads = n_threads, .reps = reps};
        out->placed = rzb_pool_pin(pool);
        calibrate(&j, min_seconds);
        for (int r = 0; r < reps; r++) {
            uint64_t t0 = rzb_now_ns();
            rz_pool_run(pool, fma_part, &j);
            double s = (double)(rzb_now_ns() - t0) * 1e-9;
            gflops[r] = (double)j.flops_per_thread * n_threads / s * 1e-9;
            if (gflops[r] > out->best_gflops) out->best_gflops = gflops[r], out->seconds = s;
        }
        out->median_gflops = rzb_median(gflops, (size_t)reps);
    }
    rz_pool_free(pool);
    free(gflops);
    free(j.sinks);
    return ok;
}
