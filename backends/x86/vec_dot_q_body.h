/* The tile and dot kernels of the 32-element block types (Q4_0, Q4_1, Q5_0, Q5_1, Q8_0 weights
 * with Q8_0 activations) that AVX2 and AVX-512 share. Included once by backends/avx2/vec_dot_q.c
 * and once by backends/avx512/vec_dot_q.c, each compiled with its own ISA flags, after the file
 * has defined its ISA's add_fifth_bits and dot_u8, and RZ_X86_TILE(type) / RZ_X86_DOT(type)
 * naming its public functions (rz_avx512_vec_tile_q4_0, rz_avx512_vec_dot_q4_0, ...). The dot
 * of a type is its tile of one row and one token, so both give the same bits. */
#if !defined(RZ_X86_DOT) || !defined(RZ_X86_TILE)
#error "vec_dot_q_body.h: define RZ_X86_DOT(type) and RZ_X86_TILE(type) before including it"
#endif
#include <stddef.h>

#include "backends/x86/hsum.h"
#include "backends/x86/tile_shapes.h"
#include "engine/types/blocks.h"

/* tile_blocks walks blocks of any of the five types as bytes, sizeof apart, and reads their
 * scales d 8 at a time at the blocks' starts. */
_Static_assert(offsetof(rz_block_q4_0, d) == 0 && offsetof(rz_block_q4_1, d) == 0 &&
                   offsetof(rz_block_q5_0, d) == 0 && offsetof(rz_block_q5_1, d) == 0 &&
                   offsetof(rz_block_q8_0, d) == 0,
               "d opens every 32-element block");

static inline __m256i x_quants(const rz_block_q8_0 *y) {
    return _mm256_loadu_si256((const __m256i *)y->qs);
}

/* The 32 nibbles of 16 bytes, element j in byte j: low nibbles, then high nibbles. */
static inline __m256i nibbles(const uint8_t *qs) {
    const __m256i t = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)qs));
    const __m256i both = _mm256_blend_epi32(t, _mm256_srli_epi16(t, 4), 0xf0);
    return _mm256_and_si256(both, _mm256_set1_epi8(0x0f));
}

/* The 8 f16 values at p, p + stride, ... (the first cnt; zeros after), widened to f32: packed
 * in two integer registers, then one conversion (no store-to-load forwarding stall). Called
 * through widen8, which makes the usual cnt = 8 a constant so that the loop unrolls. */
static inline __m256 widen8_n(const uint8_t *p, size_t stride, int cnt) {
    uint64_t half[2] = {0, 0};
    for (int k = 0; k < cnt; k++) {
        uint16_t h;
        memcpy(&h, p + k * stride, sizeof h);
        half[k / 4] |= (uint64_t)h << (16 * (k % 4));
    }
    return _mm256_cvtph_ps(_mm_set_epi64x((long long)half[1], (long long)half[0]));
}

static inline __m256 widen8(const uint8_t *p, size_t stride, int cnt) {
    return cnt == 8 ? widen8_n(p, stride, 8) : widen8_n(p, stride, cnt);
}

/* Block b's weights as the unsigned operand of dot_u8: the levels (offsets and mins left to the
 * caller), or |w| for q8_0; `type` is a constant after inlining. */
static inline __m256i levels(const uint8_t *b, uint32_t type) {
    switch (type) {
    case RZ_TYPE_Q4_0:
        return nibbles(((const rz_block_q4_0 *)b)->qs);
    case RZ_TYPE_Q5_0: {
        const rz_block_q5_0 *q = (const rz_block_q5_0 *)b;
        return add_fifth_bits(nibbles(q->qs), q->qh);
    }
    case RZ_TYPE_Q4_1:
        return nibbles(((const rz_block_q4_1 *)b)->qs);
    case RZ_TYPE_Q5_1: {
        const rz_block_q5_1 *q = (const rz_block_q5_1 *)b;
        return add_fifth_bits(nibbles(q->qs), q->qh);
    }
    default:
        return _mm256_abs_epi8(x_quants((const rz_block_q8_0 *)b));
    }
}

/* The int32 lanes of one block's dot: u the levels, x the activation quants; q8_0 moves its
 * weights' signs onto x (|x| <= 127, so the flip cannot overflow). */
static inline __m256i block_dot(__m256i u, const uint8_t *b, uint32_t type, __m256i x) {
    if (type == RZ_TYPE_Q8_0) x = _mm256_sign_epi8(x, x_quants((const rz_block_q8_0 *)b));
    return dot_u8(u, x);
}

/* The factor of the activation sums s_x = d_x * sum(q_x) in the offset terms of 8 blocks at
 * heads (d_w their scales): offset * d_w for q4_0 / q5_0 (offsets -8 / -16), the mins m for q4_1
 * / q5_1; none for q8_0. */
static inline __m256 offset_factor(const uint8_t *heads, size_t bytes, int cnt, __m256 d,
                                   uint32_t type) {
    switch (type) {
    case RZ_TYPE_Q4_0:
        return _mm256_mul_ps(d, _mm256_set1_ps(-8.0f));
    case RZ_TYPE_Q5_0:
        return _mm256_mul_ps(d, _mm256_set1_ps(-16.0f));
    case RZ_TYPE_Q4_1:
        return widen8(heads + offsetof(rz_block_q4_1, m), bytes, cnt);
    case RZ_TYPE_Q5_1:
        return widen8(heads + offsetof(rz_block_q5_1, m), bytes, cnt);
    default:
        return _mm256_setzero_ps();
    }
}

/* Block k of a chunk (w and xq at the chunk's first blocks) for every pair of the tile:
 * acc[r][t][a] += s[r][t][k] * (int32 lanes of the dot); a is a constant after inlining. */
static inline __attribute__((always_inline)) void
block_step(const uint8_t *w, size_t rb, const uint8_t *xq, size_t xb, size_t bytes, uint32_t type,
           int k, float s[RZ_TILE_ROWS][RZ_TILE_TOKENS][8],
           __m256 acc[RZ_TILE_ROWS][RZ_TILE_TOKENS][2], const int a, const int NR, const int NT) {
    __m256i u[RZ_TILE_ROWS];
    for (int r = 0; r < NR; r++)
        u[r] = levels(w + r * rb + k * bytes, type);
    for (int t = 0; t < NT; t++) {
        const __m256i x = x_quants((const rz_block_q8_0 *)(xq + t * xb) + k);
        for (int r = 0; r < NR; r++) {
            const __m256i isum = block_dot(u[r], w + r * rb + k * bytes, type, x);
            acc[r][t][a] = _mm256_fmadd_ps(_mm256_broadcast_ss(&s[r][t][k]),
                                           _mm256_cvtepi32_ps(isum), acc[r][t][a]);
        }
    }
}

/* A tile of NR rows x NT tokens (constants after inlining). Per pair, in chunks of 8 blocks:
 * the scale products d_w * d_x stored per chunk and read back by broadcast loads; acc[k & 1] +=
 * (d_w * d_x) * (int32 lanes of block k's dot) in a full chunk (acc[0] alone in a shorter last
 * one); off += (offset factor) * s_x once per chunk; the result is the horizontal sum of
 * (acc[0] + acc[1]) + off. Each row's scales are widened once per chunk, each block's weights
 * unpacked once for the NT tokens, each token's quants loaded once for the NR rows. */
static inline __attribute__((always_inline)) void
tile_blocks(const uint8_t *w, size_t rb, const uint8_t *xq, size_t xb, float *y, size_t ldy,
            int64_t n, size_t bytes, uint32_t type, const int NR, const int NT) {
    const int64_t nb = n / RZ_QK;
    const size_t tail = rz_vec_dot_q8_0_tail(n);
    const int64_t padded = rz_vec_dot_q8_0_padded(n);
    __m256 acc[RZ_TILE_ROWS][RZ_TILE_TOKENS][2], off[RZ_TILE_ROWS][RZ_TILE_TOKENS];
    _Alignas(32) float s[RZ_TILE_ROWS][RZ_TILE_TOKENS][8];
    for (int r = 0; r < NR; r++)
        for (int t = 0; t < NT; t++)
            acc[r][t][0] = acc[r][t][1] = off[r][t] = _mm256_setzero_ps();
    for (int64_t i = 0; i < nb; i += 8) {
        const int cnt = nb - i < 8 ? (int)(nb - i) : 8;
        for (int r = 0; r < NR; r++) {
            const uint8_t *heads = w + r * rb + i * bytes;
            const __m256 d = widen8(heads, bytes, cnt);
            const __m256 f = offset_factor(heads, bytes, cnt, d, type);
            for (int t = 0; t < NT; t++) {
                const float *xd = (const float *)(xq + t * xb + tail) + i;
                _mm256_store_ps(s[r][t], _mm256_mul_ps(d, _mm256_loadu_ps(xd)));
                if (type != RZ_TYPE_Q8_0)
                    off[r][t] = _mm256_fmadd_ps(f, _mm256_loadu_ps(xd + padded), off[r][t]);
            }
        }
        if (cnt == 8) {
            for (int k = 0; k < 8; k += 2) {
                block_step(w + i * bytes, rb, xq + i * sizeof(rz_block_q8_0), xb, bytes, type, k, s,
                           acc, 0, NR, NT);
                block_step(w + i * bytes, rb, xq + i * sizeof(rz_block_q8_0), xb, bytes, type,
                           k + 1, s, acc, 1, NR, NT);
            }
        } else {
            for (int k = 0; k < cnt; k++)
                block_step(w + i * bytes, rb, xq + i * sizeof(rz_block_q8_0), xb, bytes, type, k, s,
                           acc, 0, NR, NT);
        }
    }
    for (int r = 0; r < NR; r++)
        for (int t = 0; t < NT; t++)
            y[t * ldy + r] =
                rz_x86_hsum256(_mm256_add_ps(_mm256_add_ps(acc[r][t][0], acc[r][t][1]), off[r][t]));
}

#define RUN_BLOCKS(r, NR, NT)                                                                      \
    tile_blocks(wb + (r)*rb, rb, xq, xb, y + (r), ldy, n, bytes, type, NR, NT)

#define RZ_X86_BLOCK_KERNELS(name, TYPE)                                                           \
    void RZ_X86_TILE(name)(const void *w, size_t rb, int nr, const void *xq, size_t xb, int nt,    \
                           float *y, size_t ldy, int64_t n) {                                      \
        const uint8_t *wb = w;                                                                     \
        const size_t bytes = sizeof(rz_block_##name);                                              \
        const uint32_t type = RZ_TYPE_##TYPE;                                                      \
        RZ_X86_TILE_SHAPES(nr, nt, RUN_BLOCKS)                                                     \
    }                                                                                              \
    float RZ_X86_DOT(name)(const void *w, const void *xq, int64_t n) {                             \
        float y;                                                                                   \
        tile_blocks(w, 0, xq, 0, &y, 1, n, sizeof(rz_block_##name), RZ_TYPE_##TYPE, 1, 1);         \
        return y;                                                                                  \
    }

RZ_X86_BLOCK_KERNELS(q4_0, Q4_0)
RZ_X86_BLOCK_KERNELS(q4_1, Q4_1)
RZ_X86_BLOCK_KERNELS(q5_0, Q5_0)
RZ_X86_BLOCK_KERNELS(q5_1, Q5_1)
RZ_X86_BLOCK_KERNELS(q8_0, Q8_0)

#undef RZ_X86_DOT
#undef RZ_X86_TILE
#undef RUN_BLOCKS
#undef RZ_X86_BLOCK_KERNELS
