/* The inner loop of the AVX-512 q6_K gemm (backends/avx512/vec_gemm_k.c) for 8 tokens, written
 * in assembly so that its schedule is the one measured: q6_k_isum8(lv, sc, to_minus32, x, isum)
 * adds to isum[t] (lane r: row r of the 16 packed rows) the exact int32
 *     sum over 16-element groups g of sc[g][r] * (minus32_t[g] + sum of level * quant)
 * for one super-block, where lv is its unpacked levels (group g's 4 registers at lv + 256 g, lane
 * r holding row r's 4 levels that pair with quants 4 c..4 c + 3 of the group in register c),
 * sc[g] the 16 rows' int8 scales of group g, x[t] token t's 256 quants and minus32_t, the int32s
 * at x[t] + to_minus32 bytes, -32 times the sums of its 16-quant groups. These are the integers
 * the intrinsics loop of vec_gemm_k.c computes for other token counts: every batching gets the
 * same bits.
 * Why assembly: GCC 12 compiled the same loop from intrinsics with each broadcast a separate
 * instruction, a move after every add and GPRs spilled to vector registers; on one Emerald Rapids
 * core (packed 2048 x 2048, 128 tokens) it ran at 135 GMAC/s against 151-155 for this block.
 * The schedule: each group's 8 chains (one per token: a broadcast of minus32, then 4 vpdpbusd
 * with the token's quants as embedded broadcasts) go to one of two register sets, and the
 * previous group's vpmulld and vpaddd come after the first vpdpbusd round of the next group. */
#ifndef RZ_BACKENDS_AVX512_Q6_K_ISUM8_H
#define RZ_BACKENDS_AVX512_Q6_K_ISUM8_H

#include <immintrin.h>
#include <stddef.h>
#include <stdint.h>

/* clang-format off */
#define Q6_LEVELS(G)                                                                               \
    "vmovdqa64 " #G "*256(%[lv]), %%zmm0\n\t"                                                      \
    "vmovdqa64 " #G "*256+64(%[lv]), %%zmm1\n\t"                                                   \
    "vmovdqa64 " #G "*256+128(%[lv]), %%zmm2\n\t"                                                  \
    "vmovdqa64 " #G "*256+192(%[lv]), %%zmm3\n\t"
#define Q6_SCALE(G, R) "vpmovsxbd " #G "*16(%[sc]), %%zmm" R "\n\t"
/* Chain S of token T in group G starts at its minus32_T[G]; round C adds quants 4 C..4 C + 3. */
#define Q6_START(G, T, S) "vpbroadcastd " #G "*4(%[x" #T "],%[m32],1), %%zmm" S "\n\t"
#define Q6_ROUND(G, C, T, S)                                                                       \
    "vpdpbusd " #G "*16+" #C "*4(%[x" #T "])%{1to16%}, %%zmm" #C ", %%zmm" S "\n\t"
/* isum[T] += chain S times the scales in register R. */
#define Q6_SUM(S, R, T)                                                                            \
    "vpmulld %%zmm" R ", %%zmm" S ", %%zmm" S "\n\t"                                               \
    "vpaddd %%zmm" S ", %[i" #T "], %[i" #T "]\n\t"
/* The two register sets: chains in zmm8-15 with scales in zmm4 (even groups), chains in
 * zmm24-31 with scales in zmm5 (odd groups). */
#define Q6_EACH_A(M, ...)                                                                          \
    M(__VA_ARGS__, 0, "8") M(__VA_ARGS__, 1, "9") M(__VA_ARGS__, 2, "10") M(__VA_ARGS__, 3, "11")  \
    M(__VA_ARGS__, 4, "12") M(__VA_ARGS__, 5, "13") M(__VA_ARGS__, 6, "14") M(__VA_ARGS__, 7, "15")
#define Q6_EACH_B(M, ...)                                                                          \
    M(__VA_ARGS__, 0, "24") M(__VA_ARGS__, 1, "25") M(__VA_ARGS__, 2, "26") M(__VA_ARGS__, 3, "27")\
    M(__VA_ARGS__, 4, "28") M(__VA_ARGS__, 5, "29") M(__VA_ARGS__, 6, "30") M(__VA_ARGS__, 7, "31")
#define Q6_SUM_A                                                                                   \
    Q6_SUM("8", "4", 0) Q6_SUM("9", "4", 1) Q6_SUM("10", "4", 2) Q6_SUM("11", "4", 3)              \
    Q6_SUM("12", "4", 4) Q6_SUM("13", "4", 5) Q6_SUM("14", "4", 6) Q6_SUM("15", "4", 7)
#define Q6_SUM_B                                                                                   \
    Q6_SUM("24", "5", 0) Q6_SUM("25", "5", 1) Q6_SUM("26", "5", 2) Q6_SUM("27", "5", 3)            \
    Q6_SUM("28", "5", 4) Q6_SUM("29", "5", 5) Q6_SUM("30", "5", 6) Q6_SUM("31", "5", 7)
/* Group G in set A (B), the previous group's sums (PREV) after its first round. */
#define Q6_GROUP_A(G, PREV)                                                                        \
    Q6_LEVELS(G) Q6_SCALE(G, "4") Q6_EACH_A(Q6_START, G) Q6_EACH_A(Q6_ROUND, G, 0) PREV            \
    Q6_EACH_A(Q6_ROUND, G, 1) Q6_EACH_A(Q6_ROUND, G, 2) Q6_EACH_A(Q6_ROUND, G, 3)
#define Q6_GROUP_B(G)                                                                              \
    Q6_LEVELS(G) Q6_SCALE(G, "5") Q6_EACH_B(Q6_START, G) Q6_EACH_B(Q6_ROUND, G, 0) Q6_SUM_A        \
    Q6_EACH_B(Q6_ROUND, G, 1) Q6_EACH_B(Q6_ROUND, G, 2) Q6_EACH_B(Q6_ROUND, G, 3)
/* clang-format on */

static inline __attribute__((always_inline)) void q6_k_isum8(const uint8_t *lv, const int8_t *sc,
                                                             ptrdiff_t to_minus32,
                                                             const int8_t *const x[8],
                                                             __m512i isum[8]) {
    /* clang-format off */
    __asm__(Q6_GROUP_A(0, "") Q6_GROUP_B(1) Q6_GROUP_A(2, Q6_SUM_B) Q6_GROUP_B(3)
            Q6_GROUP_A(4, Q6_SUM_B) Q6_GROUP_B(5) Q6_GROUP_A(6, Q6_SUM_B) Q6_GROUP_B(7)
            Q6_GROUP_A(8, Q6_SUM_B) Q6_GROUP_B(9) Q6_GROUP_A(10, Q6_SUM_B) Q6_GROUP_B(11)
            Q6_GROUP_A(12, Q6_SUM_B) Q6_GROUP_B(13) Q6_GROUP_A(14, Q6_SUM_B) Q6_GROUP_B(15)
            Q6_SUM_B
            : [i0] "+v"(isum[0]), [i1] "+v"(isum[1]), [i2] "+v"(isum[2]), [i3] "+v"(isum[3]),
              [i4] "+v"(isum[4]), [i5] "+v"(isum[5]), [i6] "+v"(isum[6]), [i7] "+v"(isum[7])
            : [lv] "r"(lv), [sc] "r"(sc), [m32] "r"(to_minus32), [x0] "r"(x[0]), [x1] "r"(x[1]),
              [x2] "r"(x[2]), [x3] "r"(x[3]), [x4] "r"(x[4]), [x5] "r"(x[5]), [x6] "r"(x[6]),
              [x7] "r"(x[7])
            : "memory", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm8", "xmm9", "xmm10",
              "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "xmm24", "xmm25", "xmm26", "xmm27",
              "xmm28", "xmm29", "xmm30", "xmm31");
    /* clang-format on */
}

#undef Q6_LEVELS
#undef Q6_SCALE
#undef Q6_START
#undef Q6_ROUND
#undef Q6_SUM
#undef Q6_EACH_A
#undef Q6_EACH_B
#undef Q6_SUM_A
#undef Q6_SUM_B
#undef Q6_GROUP_A
#undef Q6_GROUP_B

#endif
