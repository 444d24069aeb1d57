/* AVX-512 dots of the 32-element block types with q8_0 activations: one 256-bit register per
 * block (nibbles split without a cross-lane shuffle), u8 x s8 products summed straight into
 * int32 lanes by VNNI (vpdpbusd); the fifth bits of q5_0 / q5_1 are added under a byte mask. The
 * f16 scales are widened 8 blocks at a time; each block's int32 lanes are scaled in float and
 * summed in two accumulators. */
#include <immintrin.h>
#include <string.h>

#include "backends/avx512/vec_dot.h"
#include "engine/types/blocks.h"

/* u plus 16 in byte j where bit j of the little-endian u32 at qh is set. */
static inline __m256i add_fifth_bits(__m256i u, const uint8_t *qh) {
    uint32_t h;
    memcpy(&h, qh, sizeof h);
    return _mm256_mask_add_epi8(u, (__mmask32)h, u, _mm256_set1_epi8(0x10));
}

static inline __m256i dot_u8(__m256i u, __m256i s) {
    return _mm256_dpbusd_epi32(_mm256_setzero_si256(), u, s);
}

/* Defines rz_avx512_vec_dot_q4_0, rz_avx512_vec_tile_q4_0, rz_avx512_vec_dot_q4_1,
 * rz_avx512_vec_tile_q4_1, rz_avx512_vec_dot_q5_0, rz_avx512_vec_tile_q5_0, rz_avx512_vec_dot_q5_1,
 * rz_avx512_vec_tile_q5_1, rz_avx512_vec_dot_q8_0, rz_avx512_vec_tile_q8_0. */
#define RZ_X86_DOT(type) rz_avx512_vec_dot_##type
#define RZ_X86_TILE(type) rz_avx512_vec_tile_##type
#include "backends/x86/vec_dot_q_body.h"
