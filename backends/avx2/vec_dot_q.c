/* AVX2 dots of the 32-element block types with q8_0 activations: one 256-bit register per block
 * (nibbles split without a cross-lane shuffle); u8 x s8 products by maddubs (pairs stay far
 * below int16 saturation: |pair| <= 2*128*127), widened to int32 by madd. The f16 scales are
 * widened 8 blocks at a time; each block's int32 lanes are scaled in float and summed in two
 * accumulators. */
#include <immintrin.h>
#include <string.h>

#include "backends/avx2/vec_dot.h"
#include "engine/types/blocks.h"

/* u plus 16 in byte j where bit j of the little-endian u32 at qh is set. */
static inline __m256i add_fifth_bits(__m256i u, const uint8_t *qh) {
    uint32_t h;
    memcpy(&h, qh, sizeof h);
    const __m256i spread = _mm256_set_epi64x(0x0303030303030303, 0x0202020202020202,
                                             0x0101010101010101, 0x0000000000000000);
    __m256i bytes = _mm256_shuffle_epi8(_mm256_set1_epi32((int)h), spread);
    bytes = _mm256_or_si256(bytes, _mm256_set1_epi64x(0x7fbfdfeff7fbfdfe));
    return _mm256_or_si256(u, _mm256_and_si256(_mm256_cmpeq_epi8(bytes, _mm256_set1_epi64x(-1)),
                                               _mm256_set1_epi8(0x10)));
}

static inline __m256i dot_u8(__m256i u, __m256i s) {
    return _mm256_madd_epi16(_mm256_maddubs_epi16(u, s), _mm256_set1_epi16(1));
}

/* Defines rz_avx2_vec_dot_q4_0, rz_avx2_vec_tile_q4_0, rz_avx2_vec_dot_q4_1, rz_avx2_vec_tile_q4_1,
 * rz_avx2_vec_dot_q5_0, rz_avx2_vec_tile_q5_0, rz_avx2_vec_dot_q5_1, rz_avx2_vec_tile_q5_1,
 * rz_avx2_vec_dot_q8_0, rz_avx2_vec_tile_q8_0. */
#define RZ_X86_DOT(type) rz_avx2_vec_dot_##type
#define RZ_X86_TILE(type) rz_avx2_vec_tile_##type
#include "backends/x86/vec_dot_q_body.h"
