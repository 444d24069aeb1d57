/* The part of the K-quant kernels with q8_K activations that AVX2 and AVX-512 share: the q4_K and
 * q5_K dot and tile kernels whole (the dot is the tile of one row and one token), and for each
 * file's own q6_K the helpers scale_pair and load256. Included once by backends/avx2/vec_dot_k.c
 * and once by backends/avx512/vec_dot_k.c, each compiled with its own ISA flags, after the file
 * has defined its ISA's step(acc, u, y, sb, g) (acc plus the int32 lanes of sum over 32 elements
 * of sc_g * u * y[0..32), sc_g being byte g of sb's lanes) and RZ_X86_DOT(type) / RZ_X86_TILE(type)
 * naming its public functions (rz_avx2_vec_dot_q4_k, rz_avx2_vec_tile_q4_k, ...). */
#if !defined(RZ_X86_DOT) || !defined(RZ_X86_TILE)
#error "vec_dot_k_body.h: define RZ_X86_DOT(type) and RZ_X86_TILE(type) before including it"
#endif
#include <string.h>

#include "backends/x86/hsum.h"
#include "backends/x86/tile_shapes.h"
#include "engine/types/blocks.h"

/* out[0..count) = d_x * the count (1 or 2) f16 at p (a block's d, or its d and dmin); the caller
 * broadcasts them from memory. */
static inline void scale_pair(const uint16_t *p, int count, const rz_block_q8_k *y, float out[2]) {
    uint16_t h[2] = {0, 0};
    memcpy(h, p, 2 * (size_t)count);
    const __m128 d = _mm_cvtph_ps(_mm_cvtsi32_si128((int)(h[0] | (uint32_t)h[1] << 16)));
    _mm_storel_pi((__m64 *)out, _mm_mul_ps(d, _mm_broadcast_ss(&y->d)));
}

static inline __m256i load256(const void *p) {
    return _mm256_loadu_si256((const __m256i *)p);
}

/* q4_K and q5_K blocks (q5 a constant after inlining): their d and dmin (adjacent), scales, qs,
 * and qh (q5_K's). */
static inline const uint16_t *affine_d(const uint8_t *b, int q5) {
    return q5 ? &((const rz_block_q5_k *)b)->d : &((const rz_block_q4_k *)b)->d;
}

static inline const uint8_t *affine_scales(const uint8_t *b, int q5) {
    return q5 ? ((const rz_block_q5_k *)b)->scales : ((const rz_block_q4_k *)b)->scales;
}

static inline const uint8_t *affine_qs(const uint8_t *b, int q5) {
    return q5 ? ((const rz_block_q5_k *)b)->qs : ((const rz_block_q4_k *)b)->qs;
}

static inline const uint8_t *affine_qh(const uint8_t *b) {
    return ((const rz_block_q5_k *)b)->qh;
}

/* The 8 scales then 8 mins of the 12-byte q4_K / q5_K table at s, as rz_kq_scale_min reads
 * them, computed in a vector register from a 16-byte load (the 4 bytes after the table belong
 * to the block): sc[0..4) = s[0..4] & 63, sc[4..8) = (s[8..12] & 15) | (s[0..4] >> 6) << 4,
 * m[0..4) = s[4..8] & 63, m[4..8) = (s[8..12] >> 4) | (s[4..8] >> 6) << 4. */
static inline __m128i unpack_scales(const uint8_t *s) {
    const __m128i v = _mm_loadu_si128((const __m128i *)s);
    const __m128i a =
        _mm_shuffle_epi8(v, _mm_setr_epi8(0, 1, 2, 3, 8, 9, 10, 11, 4, 5, 6, 7, 8, 9, 10, 11));
    const __m128i b =
        _mm_shuffle_epi8(v, _mm_setr_epi8(-1, -1, -1, -1, 0, 1, 2, 3, -1, -1, -1, -1, 4, 5, 6, 7));
    const __m128i t = _mm_blend_epi32(a, _mm_srli_epi16(a, 4), 0x8);
    const __m128i low =
        _mm_and_si128(t, _mm_setr_epi32(0x3f3f3f3f, 0x0f0f0f0f, 0x3f3f3f3f, 0x0f0f0f0f));
    return _mm_or_si128(low, _mm_and_si128(_mm_srli_epi16(b, 2), _mm_set1_epi8(0x30)));
}

/* q4_K (q5 0) and q5_K (q5 1), a tile of NR rows x NT tokens (constants after inlining). Per
 * super-block and pair: the int32 lanes isum of sum over groups of sc_g * q * y (step 2k / 2k+1
 * takes the low / high nibbles of qs[32k..32k+32), plus 16 where bit 2k / 2k+1 of qh[l] is set;
 * integer, so exact in any order) and msum of the mins times the bsums; then acc += d * d_x *
 * isum and accm += dmin * d_x * msum in float; the result is hsum(acc) - hsum(accm). Each row's
 * 32 weights of a step are unpacked once for the NT tokens. */
static inline __attribute__((always_inline)) void
tile_affine(const uint8_t *w, size_t rb, const uint8_t *xq, size_t xb, float *y, size_t ldy,
            int64_t n, size_t bytes, const int q5, const int NR, const int NT) {
    const __m256i mask = _mm256_set1_epi8(0x0f), bit = _mm256_set1_epi8(0x10);
    __m256 acc[RZ_TILE_ROWS][RZ_TILE_TOKENS], accm[RZ_TILE_ROWS][RZ_TILE_TOKENS];
    for (int r = 0; r < NR; r++)
        for (int t = 0; t < NT; t++)
            acc[r][t] = accm[r][t] = _mm256_setzero_ps();
    for (int64_t i = 0; i < n / RZ_QK_K; i++) {
        const uint8_t *b[RZ_TILE_ROWS];
        const rz_block_q8_k *yb[RZ_TILE_TOKENS];
        __m128i sm[RZ_TILE_ROWS];
        __m256i sb[RZ_TILE_ROWS], hb[RZ_TILE_ROWS], isum[RZ_TILE_ROWS][RZ_TILE_TOKENS];
        for (int r = 0; r < NR; r++) {
            b[r] = w + r * rb + i * bytes;
            sm[r] = unpack_scales(affine_scales(b[r], q5));
            sb[r] = _mm256_broadcastsi128_si256(sm[r]);
            hb[r] = q5 ? load256(affine_qh(b[r])) : _mm256_setzero_si256();
            for (int t = 0; t < NT; t++)
                isum[r][t] = _mm256_setzero_si256();
        }
        for (int t = 0; t < NT; t++)
            yb[t] = (const rz_block_q8_k *)(xq + t * xb) + i;
        for (int k = 0; k < 4; k++) {
            __m256i lo[RZ_TILE_ROWS], hi[RZ_TILE_ROWS];
            for (int r = 0; r < NR; r++) {
                const __m256i q = load256(affine_qs(b[r], q5) + 32 * k);
                lo[r] = _mm256_and_si256(q, mask);
                hi[r] = _mm256_and_si256(_mm256_srli_epi16(q, 4), mask);
                if (q5) { /* hb holds qh >> 2k: bit 0 goes to the low nibbles, bit 1 to the high */
                    lo[r] =
                        _mm256_or_si256(lo[r], _mm256_and_si256(_mm256_slli_epi16(hb[r], 4), bit));
                    hi[r] =
                        _mm256_or_si256(hi[r], _mm256_and_si256(_mm256_slli_epi16(hb[r], 3), bit));
                    hb[r] = _mm256_srli_epi16(hb[r], 2);
                }
            }
            for (int t = 0; t < NT; t++)
                for (int r = 0; r < NR; r++) {
                    const int8_t *yq = yb[t]->qs + 64 * k;
                    isum[r][t] = step(isum[r][t], lo[r], yq, sb[r], 2 * k);
                    isum[r][t] = step(isum[r][t], hi[r], yq + 32, sb[r], 2 * k + 1);
                }
        }
        for (int r = 0; r < NR; r++) {
            const __m256i mdup = _mm256_cvtepu8_epi16(_mm_shuffle_epi8(
                sm[r], _mm_setr_epi8(8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13, 14, 14, 15, 15)));
            for (int t = 0; t < NT; t++) {
                const __m256i msum = _mm256_madd_epi16(load256(yb[t]->bsums), mdup);
                float dd[2];
                scale_pair(affine_d(b[r], q5), 2, yb[t], dd);
                acc[r][t] = _mm256_fmadd_ps(_mm256_broadcast_ss(dd), _mm256_cvtepi32_ps(isum[r][t]),
                                            acc[r][t]);
                accm[r][t] = _mm256_fmadd_ps(_mm256_broadcast_ss(dd + 1), _mm256_cvtepi32_ps(msum),
                                             accm[r][t]);
            }
        }
    }
    for (int r = 0; r < NR; r++)
        for (int t = 0; t < NT; t++)
            y[t * ldy + r] = rz_x86_hsum256(acc[r][t]) - rz_x86_hsum256(accm[r][t]);
}

#define RUN_AFFINE(r, NR, NT)                                                                      \
    tile_affine(wb + (r)*rb, rb, xq, xb, y + (r), ldy, n, bytes, q5, NR, NT)

#define RZ_X86_AFFINE_KERNELS(name, Q5)                                                            \
    void RZ_X86_TILE(name)(const void *w, size_t rb, int nr, const void *xq, size_t xb, int nt,    \
                           float *y, size_t ldy, int64_t n) {                                      \
        const uint8_t *wb = w;                                                                     \
        const size_t bytes = sizeof(rz_block_##name);                                              \
        const int q5 = Q5;                                                                         \
        RZ_X86_TILE_SHAPES(nr, nt, RUN_AFFINE)                                                     \
    }                                                                                              \
    float RZ_X86_DOT(name)(const void *w, const void *xq, int64_t n) {                             \
        float y;                                                                                   \
        tile_affine(w, 0, xq, 0, &y, 1, n, sizeof(rz_block_##name), Q5, 1, 1);                     \
        return y;                                                                                  \
    }

RZ_X86_AFFINE_KERNELS(q4_k, 0)
RZ_X86_AFFINE_KERNELS(q5_k, 1)

#undef RZ_X86_DOT
#undef RZ_X86_TILE
#undef RUN_AFFINE
#undef RZ_X86_AFFINE_KERNELS
