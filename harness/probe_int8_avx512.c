/* AVX-512 VNNI int8 kernel for rzb_probe_int8: 24 chains of 16 int32 lanes, each round one
 * vpdpbusd (64 byte lanes: unsigned a times signed b, 4 products added into each int32 lane);
 * 24 + 2 of the 32 zmm registers. Each step is one asm statement: with the intrinsic, GCC copies
 * the chains between registers and stores them to the stack every round. Chain i starts at i in
 * every lane: chains that start equal and see the same operands are merged into one by the
 * compiler. Compiled with -mavx512vnni (the intrinsics around the loop); called only where CPUID
 * has it. */
#include <immintrin.h>

#include "harness/probe_int8.h"

#define LOW(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11)
#define HIGH(X) X(12) X(13) X(14) X(15) X(16) X(17) X(18) X(19) X(20) X(21) X(22) X(23)
#define CHAINS(X) LOW(X) HIGH(X)
#define DECLARE(i) __m512i c##i = _mm512_set1_epi32(i);
#define STEP(i) __asm__("vpdpbusd %[b], %[a], %[c]" : [c] "+v"(c##i) : [a] "v"(va), [b] "v"(vb));
#define ADD(i) sum = _mm512_add_epi32(sum, c##i);

uint64_t rzb_int8_kernel_avx512(uint64_t iters, uint8_t a, int8_t b, int64_t *sink) {
    const __m512i va = _mm512_set1_epi8((char)a), vb = _mm512_set1_epi8(b);
    CHAINS(DECLARE)
    for (uint64_t i = 0; i < iters; i++) {
        CHAINS(STEP)
    }
    __m512i sum = _mm512_setzero_si512();
    CHAINS(ADD)
    int32_t lanes[16];
    _mm512_storeu_si512(lanes, sum);
    int64_t total = 0;
    for (int l = 0; l < 16; l++)
        total += lanes[l];
    *sink = total;
    return iters * 24 * 64 * 2;
}
