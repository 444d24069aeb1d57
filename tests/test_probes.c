/* The machine probes: FMA and int8 throughput per ISA and STREAM triad bandwidth give positive,
 * finite figures (which ISA is faster is claim A1's to measure, no timed test's), the kernels count
 * their operations and compute what they say, the int8 probe picks its kernel by CPUID (VNNI where
 * the CPU has it, never an ISA the CPU lacks), samplers run on a borrowed pool, and pool threads
 * land on CPUs of their own. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "harness/probe_bandwidth.h"
#include "harness/probe_fma.h"
#include "harness/probe_int8.h"
#include "harness/probe_threads.h"

static rzb_peak probe(rz_isa isa) {
    rzb_peak p;
    cr_assert(rzb_probe_fma(isa, 1, 3, 0.02, &p), "ISA %d", isa);
    cr_assert(isfinite(p.best_gops) && p.best_gops > 0, "%g GFLOP/s", p.best_gops);
    cr_assert(p.median_gops > 0 && p.median_gops <= p.best_gops);
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

Test(probe_fma, avx512_is_positive_and_finite) {
    if (!rz_cpu_supports(RZ_ISA_AVX512)) cr_skip_test("no AVX-512 on this CPU");
    probe(RZ_ISA_AVX512);
}

Test(probe_fma, two_threads_use_the_pool) {
    rzb_peak p;
    cr_assert(rzb_probe_fma(RZ_ISA_SCALAR, 2, 2, 0.01, &p));
    cr_assert_eq(p.threads, 2);
    cr_assert(p.placed >= 1 && p.placed <= 2);
    cr_assert(isfinite(p.best_gops) && p.best_gops > 0);
}

Test(probe_fma, rejects_bad_arguments) {
    rzb_peak p;
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

static bool has_vnni(void) {
    return rz_cpu_supports(RZ_ISA_AVX512) && __builtin_cpu_supports("avx512vnni");
}

static rzb_peak probe_int8(rz_isa isa) {
    rzb_peak p;
    cr_assert(rzb_probe_int8(isa, 1, 3, 0.02, &p), "ISA %d", isa);
    cr_assert(isfinite(p.best_gops) && p.best_gops > 0, "%g GOP/s", p.best_gops);
    cr_assert(p.median_gops > 0 && p.median_gops <= p.best_gops);
    cr_assert_eq(p.isa, isa);
    return p;
}

Test(probe_int8, every_isa_the_cpu_runs_is_positive_and_finite) {
    for (int isa = 0; isa < RZ_ISA_COUNT; isa++)
        if (rz_cpu_supports((rz_isa)isa)) probe_int8((rz_isa)isa);
}

/* The probe runs a kernel only where CPUID has its instructions (no SIGILL on a CPU without the
 * ISA): it answers exactly for the ISAs the CPU supports, VNNI included for AVX-512. */
Test(probe_int8, dispatch_follows_cpuid) {
    rzb_peak p;
    cr_assert_eq(rzb_probe_int8(RZ_ISA_AVX2, 1, 1, 0.001, &p), rz_cpu_supports(RZ_ISA_AVX2));
    cr_assert_eq(rzb_probe_int8(RZ_ISA_AVX512, 1, 1, 0.001, &p), has_vnni());
    cr_assert_not(rzb_probe_int8(RZ_ISA_COUNT, 1, 1, 0.001, &p));
    cr_assert_not(rzb_probe_int8((rz_isa)-1, 1, 1, 0.001, &p));
    cr_assert_not(rzb_probe_int8(RZ_ISA_SCALAR, 0, 1, 0.001, &p));
}

/* On a CPU with AVX-512 VNNI the widest ISA's int8 kernel is vpdpbusd. (Which is faster is a
 * speed figure: claim A1 measures it, a unit test does not.) */
Test(probe_int8, vnni_is_chosen_where_the_cpu_has_it) {
    if (!has_vnni()) cr_skip_test("no AVX-512 VNNI on this CPU");
    cr_assert_eq(rz_backend_best_isa(), RZ_ISA_AVX512);
    cr_assert(strstr(rzb_int8_method(rz_backend_best_isa()), "vpdpbusd"));
}

Test(probe_int8, methods_name_the_instructions) {
    cr_assert(strstr(rzb_int8_method(RZ_ISA_AVX2), "vpmaddubsw"));
    cr_assert(strstr(rzb_int8_method(RZ_ISA_SCALAR), "scalar"));
    cr_assert_str_eq(rzb_int8_method(RZ_ISA_COUNT), "none");
}

/* Every int32 lane starts at its chain's index and gains 4 a b per round (scalar: one lane per
 * chain, a b per round); 2 ops per byte lane. */
static int64_t lane_sum(int64_t rounds, int chains, int lanes, int64_t per_round) {
    return lanes * (chains * (chains - 1) / 2 + rounds * chains * per_round);
}

Test(probe_int8, kernels_count_ops_and_sum_products) {
    int64_t sink = 0;
    cr_assert_eq(rzb_int8_kernel_scalar(100, 3, -2, &sink), 100u * 10 * 2);
    cr_assert_eq(sink, lane_sum(100, 10, 1, -6), "%lld", (long long)sink);
    if (rz_cpu_supports(RZ_ISA_AVX2)) {
        cr_assert_eq(rzb_int8_kernel_avx2(100, 3, -2, &sink), 100u * 12 * 32 * 2);
        cr_assert_eq(sink, lane_sum(100, 12, 8, 4 * -6), "%lld", (long long)sink);
    }
    if (has_vnni()) {
        cr_assert_eq(rzb_int8_kernel_avx512(100, 3, -2, &sink), 100u * 24 * 64 * 2);
        cr_assert_eq(sink, lane_sum(100, 24, 16, 4 * -6), "%lld", (long long)sink);
    }
}

/* A sampler borrows the caller's pool: every thread runs its share, ops count all of them. */
Test(probe_sampler, samples_on_a_borrowed_pool) {
    rz_pool *pool;
    rz_error err;
    cr_assert_eq(rz_pool_new(2, &pool, &err), RZ_OK, "%s", err.msg);
    static rzb_peak_sampler s;
    cr_assert(rzb_fma_sampler(&s, RZ_ISA_SCALAR, pool, 0.005));
    cr_assert_eq(s.threads, 2);
    cr_assert(rzb_peak_sample(&s) > 0);
    cr_assert_eq(s.ops, s.iters * 12 * 2 * 2);
    cr_assert(rzb_int8_sampler(&s, RZ_ISA_SCALAR, pool, 0.005));
    cr_assert(rzb_peak_sample(&s) > 0 && s.seconds > 0);
    cr_assert_eq(s.ops, s.iters * 10 * 2 * 2);
    rz_pool_free(pool);
}

/* rzb_probe_peak takes any sampler: the int8 one on two pool threads. */
Test(probe_sampler, probe_peak_runs_a_given_sampler_on_a_pool) {
    rzb_peak p;
    cr_assert(rzb_probe_peak(rzb_int8_sampler, RZ_ISA_SCALAR, 2, 2, 0.01, &p));
    cr_assert_eq(p.threads, 2);
    cr_assert(p.placed >= 1 && p.placed <= 2);
    cr_assert(isfinite(p.best_gops) && p.best_gops > 0 && p.seconds > 0);
    cr_assert_not(rzb_probe_peak(rzb_int8_sampler, RZ_ISA_SCALAR, 1, 0, 0.01, &p));
}

static uint64_t counting_part(rz_isa isa, uint64_t iters, double *sink) {
    *sink = (double)isa;
    return iters * 3;
}

/* The sampler's calibration doubles from 4096 rounds until one share lasts min_seconds; a
 * part that takes no time stops at once only for min_seconds <= 0. */
Test(probe_sampler, init_calibrates_a_custom_part) {
    static rzb_peak_sampler s;
    cr_assert(rzb_peak_sampler_init(&s, counting_part, RZ_ISA_SCALAR, NULL, 0));
    cr_assert_eq(s.iters, 4096u);
    cr_assert_eq(s.threads, 1);
    rzb_peak_sample(&s);
    cr_assert_eq(s.ops, 4096u * 3);
    cr_assert_not(rzb_peak_sampler_init(&s, counting_part, RZ_ISA_COUNT, NULL, 0));
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
