/* AVX2 int8 kernel for rzb_probe_int8: 12 chains of 8 int32 lanes, each round adding
 * vpmaddwd(vpmaddubsw(a, b), ones) (32 byte lanes); 12 + 4 of the 16 ymm registers. Each step is
 * one asm statement of the three instructions: with intrinsics the compiler hoists the
 * loop-invariant products, or computes them all first and spills the chains to memory. Chain i
 * starts at i in every lane. */
#include <immintrin.h>

#include "harness/probe_int8.h"

#define CHAINS(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11)
#define DECLARE(i) __m256i c##i = _mm256_set1_epi32(i);
#define STEP(i)                                                                                    \
    __asm__(                                                                                       \
        "vpmaddubsw %[b], %[a], %[t]\n\tvpmaddwd %[one], %[t], %[t]\n\tvpaddd %[t], %[c], %[c]"    \
        : [c] "+x"(c##i), [t] "=&x"(t)                                                             \
        : [a] "x"(va), [b] "x"(vb), [one] "x"(ones));
#define ADD(i) sum = _mm256_add_epi32(sum, c##i);

uint64_t rzb_int8_kernel_avx2(uint64_t iters, uint8_t a, int8_t b, int64_t *sink) {
    const __m256i va = _mm256_set1_epi8((char)a), vb = _mm256_set1_epi8(b),
                  ones = _mm256_set1_epi16(1);
    __m256i t;
    CHAINS(DECLARE)
    for (uint64_t i = 0; i < iters; i++) {
        CHAINS(STEP)
    }
    __m256i sum = _mm256_setzero_si256();
    CHAINS(ADD)
    int32_t lanes[8];
    _mm256_storeu_si256((__m256i *)lanes, sum);
    int64_t total = 0;
    for (int l = 0; l < 8; l++)
        total += lanes[l];
    *sink = total;
    return iters * 12 * 32 * 2;
}
