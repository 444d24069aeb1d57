/* AVX2 FMA kernel for rzb_probe_fma: 12 chains of 8 lanes, each its own variable so that all stay
 * in registers (12 + 2 of the 16 ymm registers). */
#include <immintrin.h>

#include "harness/probe_fma.h"

#define CHAINS(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11)
#define DECLARE(i) __m256 c##i = _mm256_set1_ps((float)(i));
#define STEP(i) c##i = _mm256_fmadd_ps(c##i, va, vb);
#define ADD(i) sum = _mm256_add_ps(sum, c##i);

uint64_t rzb_fma_kernel_avx2(uint64_t iters, float a, float b, float *sink) {
    const __m256 va = _mm256_set1_ps(a), vb = _mm256_set1_ps(b);
    CHAINS(DECLARE)
    for (uint64_t i = 0; i < iters; i++) {
        CHAINS(STEP)
    }
    __m256 sum = _mm256_setzero_ps();
    CHAINS(ADD)
    float lanes[8];
    _mm256_storeu_ps(lanes, sum);
    *sink = lanes[0] + lanes[7];
    return iters * 12 * 8 * 2;
}
