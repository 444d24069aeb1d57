#include "harness/probe_int8.h"

/* The scalar chains: 10 int32 accumulators (unsigned, so that wrapping is defined; 10 so that
 * none is spilled to memory), each starting at its index; `a` passes
 * through an empty asm before every step, so the compiler recomputes a * b each time instead of
 * hoisting it: one multiply and one add per step, as a scalar dot kernel does per lane. */
#define CHAINS(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9)
#define DECLARE(i) uint32_t c##i = i;
#define STEP(i)                                                                                    \
    __asm__("" : "+r"(ai));                                                                        \
    c##i += (uint32_t)(ai * bi);
#define ADD(i) sum += (int32_t)c##i;

uint64_t rzb_int8_kernel_scalar(uint64_t iters, uint8_t a, int8_t b, int64_t *sink) {
    int32_t ai = a, bi = b;
    CHAINS(DECLARE)
    for (uint64_t i = 0; i < iters; i++) {
        CHAINS(STEP)
    }
    int64_t sum = 0;
    CHAINS(ADD)
    *sink = sum;
    return iters * 10 * 2;
}

typedef uint64_t (*int8_kernel)(uint64_t iters, uint8_t a, int8_t b, int64_t *sink);

static const int8_kernel int8_kernels[RZ_ISA_COUNT] = {
    [RZ_ISA_SCALAR] = rzb_int8_kernel_scalar,
    [RZ_ISA_AVX2] = rzb_int8_kernel_avx2,
    [RZ_ISA_AVX512] = rzb_int8_kernel_avx512,
};

static const char *const methods[RZ_ISA_COUNT] = {
    [RZ_ISA_SCALAR] = "scalar imul + add, 1 byte lane per pair",
    [RZ_ISA_AVX2] = "AVX2 vpmaddubsw + vpmaddwd + vpaddd, 32 byte lanes per triple",
    [RZ_ISA_AVX512] = "AVX-512 VNNI vpdpbusd, 64 byte lanes per instruction",
};

const char *rzb_int8_method(rz_isa isa) {
    return isa >= 0 && isa < RZ_ISA_COUNT ? methods[isa] : "none";
}

/* a and b are read from volatile storage so the compiler cannot fold the chains; 1 x 1 keeps
 * vpmaddubsw's int16 pair sums far from saturation. */
static uint64_t int8_part(rz_isa isa, uint64_t iters, double *sink) {
    volatile uint8_t a = 1;
    volatile int8_t b = 1;
    int64_t sum;
    uint64_t ops = int8_kernels[isa](iters, a, b, &sum);
    *sink = (double)sum;
    return ops;
}

/* The AVX-512 kernel needs VNNI on top of what rz_cpu_supports asks for any ISA; asked here
 * too, so that the probe never depends on the backend's definition to avoid SIGILL. */
static bool int8_supported(rz_isa isa) {
    if (isa == RZ_ISA_AVX512 && !__builtin_cpu_supports("avx512vnni")) return false;
    return isa >= 0 && isa < RZ_ISA_COUNT && rz_cpu_supports(isa);
}

bool rzb_int8_sampler(rzb_peak_sampler *s, rz_isa isa, rz_pool *pool, double min_seconds) {
    return int8_supported(isa) && rzb_peak_sampler_init(s, int8_part, isa, pool, min_seconds);
}

bool rzb_probe_int8(rz_isa isa, int n_threads, int reps, double min_seconds, rzb_peak *out) {
    return rzb_probe_peak(rzb_int8_sampler, isa, n_threads, reps, min_seconds, out);
}
