/* The machine probes: FMA throughput per ISA and STREAM triad bandwidth give positive, finite
 * figures, the widest ISA is not slower than the scalar kernel, the kernels count their FLOPs and
 * compute what they say, and pool threads land on CPUs of their own. */
#include <criterion/criterion.h>
#include <math.h>

#include "harness/probe_bandwidth.h"
#include "harness/probe_fma.h"
#include "harness/probe_threads.h"

static rzb_fma_peak probe(rz_isa isa) {
    rzb_fma_peak p;
    cr_assert(rzb_probe_fma(isa, 1, 3, 0.02, &p), "ISA %d", isa);
    cr_assert(isfinite(p.best_gflops) && p.best_gflops > 0, "%g GFLOP/s", p.best_gflops);
    cr_assert(p.median_gflops > 0 && p.median_gflops <= p.best_gflops);
    cr_assert_eq(p.threads, 1);
    return p;
}

Test(probe_fma, scalar_is_positive_and_finite) {
    probe(RZ_ISA_SCALAR);
}

Test(probe_fma, avx2_is_positive_and_finite) {
    if (!rz_cpu_supports(RZ_ISA_AVX2)) cr_skip_test("no AVX2 on this CPU");
    probe(RZ_ISA_AVX2);
}

Test(probe_fma, avx512_reaches_at_least_the_scalar_rate) {
    if (!rz_cpu_supports(RZ_ISA_AVX512)) cr_skip_test("no AVX-512 on this CPU");
    rzb_fma_peak wide = probe(RZ_ISA_AVX512), scalar = probe(RZ_ISA_SCALAR);
    cr_assert_geq(wide.best_gflops, scalar.best_gflops, "AVX-512 %g < scalar %g GFLOP/s",
                  wide.best_gflops, scalar.best_gflops);
}

Test(probe_fma, two_threads_use_the_pool) {
    rzb_fma_peak p;
    cr_assert(rzb_probe_fma(RZ_ISA_SCALAR, 2, 2, 0.01, &p));
    cr_assert_eq(p.threads, 2);
    cr_assert(p.placed >= 1 && p.placed <= 2);
    cr_assert(isfinite(p.best_gflops) && p.best_gflops > 0);
}

Test(probe_fma, rejects_bad_arguments) {
    rzb_fma_peak p;
    cr_assert_not(rzb_probe_fma(RZ_ISA_SCALAR, 0, 1, 0.01, &p));
    cr_assert_not(rzb_probe_fma(RZ_ISA_COUNT, 1, 1, 0.01, &p));
}

Test(probe_bandwidth, triad_is_positive_and_finite) {
    for (int threads = 1; threads <= 2; threads++) {
        rzb_bandwidth bw;
        char why[256];
        cr_assert(rzb_probe_bandwidth(threads, 16 << 20, 3, &bw, why, sizeof why), "%s", why);
        cr_assert(isfinite(bw.best_gbs) && bw.best_gbs > 0, "%g GB/s", bw.best_gbs);
        cr_assert(bw.median_gbs > 0 && bw.median_gbs <= bw.best_gbs);
        cr_assert_eq(bw.array_bytes, (size_t)16 << 20);
        cr_assert_eq(bw.threads, threads);
    }
}

Test(probe_bandwidth, small_arrays_carry_the_cache_caveat) {
    rzb_bandwidth bw;
    char why[256];
    cr_assert(rzb_probe_bandwidth(1, 16 << 20, 1, &bw, why, sizeof why), "%s", why);
    cr_assert_eq(bw.cache_caveat, bw.l3_bytes > 0 && 3 * bw.array_bytes < 4 * bw.l3_bytes);
}

Test(probe_bandwidth, rejects_bad_arguments) {
    rzb_bandwidth bw;
    char why[256] = "";
    cr_assert_not(rzb_probe_bandwidth(0, 16 << 20, 1, &bw, why, sizeof why));
    cr_assert(why[0]);
}

/* acc = acc * 0.5 + 1 converges to 2 from any start, exactly in float after 100 rounds. */
Test(probe_fma, kernels_count_flops_and_converge) {
    float sink = 0;
    cr_assert_eq(rzb_fma_kernel_scalar(100, 0.5f, 1.0f, &sink), 100u * 12 * 2);
    cr_assert_float_eq(sink, 12 * 2.0f, 0, "%g", sink);
    if (rz_cpu_supports(RZ_ISA_AVX2)) {
        cr_assert_eq(rzb_fma_kernel_avx2(100, 0.5f, 1.0f, &sink), 100u * 12 * 8 * 2);
        cr_assert_float_eq(sink, 2 * 12 * 2.0f, 0, "%g", sink); /* lanes 0 and 7 of the sum */
    }
    if (rz_cpu_supports(RZ_ISA_AVX512)) {
        cr_assert_eq(rzb_fma_kernel_avx512(100, 0.5f, 1.0f, &sink), 100u * 24 * 16 * 2);
        cr_assert_float_eq(sink, 16 * 24 * 2.0f, 0, "%g", sink);
    }
}

Test(probe_threads, pool_threads_get_cpus_of_their_own) {
    const int cpus = rzb_online_cpus();
    cr_assert_geq(cpus, 1);
    cr_assert_eq(rzb_pool_pin(NULL), 1);
    rz_pool *pool;
    rz_error err;
    cr_assert_eq(rz_pool_new(2, &pool, &err), RZ_OK, "%s", err.msg);
    cr_assert_eq(rzb_pool_pin(pool), cpus >= 2 ? 2 : 1);
    rz_pool_free(pool);
}
