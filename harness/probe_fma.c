#include "harness/probe_fma.h"

#include <stdlib.h>

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

typedef uint64_t (*fma_kernel)(uint64_t iters, float a, float b, float *sink);

static const fma_kernel fma_kernels[RZ_ISA_COUNT] = {
    [RZ_ISA_SCALAR] = rzb_fma_kernel_scalar,
    [RZ_ISA_AVX2] = rzb_fma_kernel_avx2,
    [RZ_ISA_AVX512] = rzb_fma_kernel_avx512,
};

/* a and b are read from volatile storage so the compiler cannot fold the chains. */
static uint64_t fma_part(rz_isa isa, uint64_t iters, double *sink) {
    volatile float a = 0.999999f, b = 1e-6f;
    float sum;
    uint64_t flops = fma_kernels[isa](iters, a, b, &sum);
    *sink = sum;
    return flops;
}

static void sampler_part(void *ctx, int i, int n) {
    (void)n;
    rzb_peak_sampler *s = ctx;
    uint64_t ops = s->part(s->isa, s->iters, &s->sinks[i]);
    if (i == 0) s->ops = ops * (uint64_t)s->threads;
}

/* Doubles the rounds until one share on the calling thread lasts min_seconds. */
static void calibrate(rzb_peak_sampler *s, double min_seconds) {
    for (s->iters = 1 << 12;; s->iters *= 2) {
        uint64_t t0 = rz_now_ns();
        s->part(s->isa, s->iters, &s->sinks[0]);
        if ((double)(rz_now_ns() - t0) * 1e-9 >= min_seconds) return;
    }
}

bool rzb_peak_sampler_init(rzb_peak_sampler *s, rzb_peak_part part, rz_isa isa, rz_pool *pool,
                           double min_seconds) {
    if (isa < 0 || isa >= RZ_ISA_COUNT || !rz_cpu_supports(isa)) return false;
    if (rz_pool_size(pool) > RZB_PEAK_MAX_THREADS) return false;
    *s = (rzb_peak_sampler){.isa = isa, .part = part, .pool = pool, .threads = rz_pool_size(pool)};
    calibrate(s, min_seconds);
    return true;
}

bool rzb_fma_sampler(rzb_peak_sampler *s, rz_isa isa, rz_pool *pool, double min_seconds) {
    return rzb_peak_sampler_init(s, fma_part, isa, pool, min_seconds);
}

double rzb_peak_sample(rzb_peak_sampler *s) {
    uint64_t t0 = rz_now_ns();
    rz_pool_run(s->pool, sampler_part, s);
    s->seconds = (double)(rz_now_ns() - t0) * 1e-9;
    return (double)s->ops / s->seconds * 1e-9;
}

/* Times reps samples into out; false when out of memory. */
static bool sample_reps(rzb_peak_sampler *s, int reps, rzb_peak *out) {
    double *gops = calloc((size_t)reps, sizeof *gops);
    if (!gops) return false;
    for (int r = 0; r < reps; r++) {
        gops[r] = rzb_peak_sample(s);
        if (gops[r] > out->best_gops) out->best_gops = gops[r], out->seconds = s->seconds;
    }
    out->median_gops = rzb_median(gops, (size_t)reps);
    free(gops);
    return true;
}

bool rzb_probe_peak(rzb_sampler_maker make, rz_isa isa, int n_threads, int reps, double min_seconds,
                    rzb_peak *out) {
    if (n_threads < 1 || reps < 1 || isa < 0 || isa >= RZ_ISA_COUNT || !rz_cpu_supports(isa))
        return false;
    rz_pool *pool = NULL;
    rz_error err;
    if (n_threads > 1 && rz_pool_new(n_threads, &pool, &err)) return false;
    *out = (rzb_peak){.isa = isa, .threads = n_threads, .reps = reps};
    out->placed = rzb_pool_pin(pool);
    rzb_peak_sampler *s = malloc(sizeof *s);
    bool ok = s && make(s, isa, pool, min_seconds) && sample_reps(s, reps, out);
    free(s);
    rz_pool_free(pool);
    return ok;
}

bool rzb_probe_fma(rz_isa isa, int n_threads, int reps, double min_seconds, rzb_peak *out) {
    return rzb_probe_peak(rzb_fma_sampler, isa, n_threads, reps, min_seconds, out);
}
