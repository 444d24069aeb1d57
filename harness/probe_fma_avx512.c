/* AVX-512 FMA kernel for rzb_probe_fma: 24 chains of 16 lanes, each its own variable so that all
 * stay in registers (24 + 2 of the 32 zmm registers). */
#include <immintrin.h>

#include "harness/probe_fma.h"

#define LOW(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11)
#define HIGH(X) X(12) X(13) X(14) X(15) X(16) X(17) X(18) X(19) X(20) X(21) X(22) X(23)
#define CHAINS(X) LOW(X) HIGH(X)
#define DECLARE(i) __m512 c##i = _mm512_set1_ps((float)(i));
#define STEP(i) c##i = _mm512_fmadd_ps(c##i, va, vb);
#define ADD(i) sum = _mm512_add_ps(sum, c##i);

uint64_t rzb_fma_kernel_avx512(uint64_t iters, float a, float b, float *sink) {
    const __m512 va = _mm512_set1_ps(a), vb = _mm512_set1_ps(b);
    CHAINS(DECLARE)
    for (uint64_t i = 0; i < iters; i++) {
        CHAINS(STEP)
    }
    __m512 sum = _mm512_setzero_ps();
    CHAINS(ADD)
    *sink = _mm512_reduce_add_ps(sum);
    return iters * 24 * 16 * 2;
}
