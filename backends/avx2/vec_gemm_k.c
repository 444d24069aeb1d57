/* AVX2 gemms of packed q4_K and q6_K (backends/pack.h) with q8_K activations: each 16-row group is
 * worked as two halves of 8 rows (lane = row); per super-block and group g of 32 elements each
 * token's matching 4 activation quants are broadcast and the nibble x quant products summed in
 * 16-bit pairs per row (maddubs); isum += sc_g * s_g (s_g the group's sum) by one madd of those
 * pairs with sc_g in both halves of each lane (exact, no vpmulld); the mins' msum = sum of m_g
 * times the token's group sums (madd on int16 pairs). Then, as the scalar code does,
 * acc += (d_x * d) * isum - (d_x * dmin) * msum: the reference's bits (integer parts exact). q6_K
 * likewise over 16-element groups of 6-bit levels, less 32 times the scales dotted with the bsums,
 * each super-block's levels unpacked once for SPAN tokens (TinyLlama-shape Q6_K prompt on Zen 4:
 * +11% against once per 4 tokens, SPAN 128 against 64 +1.5%; runs of 8 tokens instead of 4 were
 * 2% slower). Tokens go 4 at a time. */
#include <immintrin.h>
#include <string.h>

#include "backends/avx2/vec_dot.h"
#include "backends/x86/gemm_k_groups.h"
#include "backends/x86/tile_shapes.h"

/* AHEAD: the one-token kernels prefetch the super-block that many ahead (as on AVX-512). */
enum { TOKENS = 4, SPAN = 128, AHEAD = 2 };

static inline __m256i quad(const void *q) {
    int32_t v;
    memcpy(&v, q, sizeof v);
    return _mm256_set1_epi32(v);
}

/* 8 bytes at p widened to the 8 int32 lanes. */
static inline __m256i widen(const uint8_t *p) {
    return _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)p));
}

/* Each int32 lane's low 16 bits in both of its halves: madd of 16-bit pair sums with it is the
 * scale times the pair's sum, exact in int32 (no vpmulld). */
static inline __m256i pair16(__m256i v) {
    return _mm256_blend_epi16(v, _mm256_slli_epi32(v, 16), 0xaa);
}

/* q4_K: NT tokens (a constant after inlining) over half h of a group's packed rows. */
static inline __attribute__((always_inline)) void gemm_half(const rz_block_q4_kx16 *b, int h,
                                                            int64_t nb, const uint8_t *xq,
                                                            size_t x_bytes, float *y, size_t ldy,
                                                            const int NT) {
    const __m256i low = _mm256_set1_epi8(0x0f);
    __m256 acc[TOKENS];
    for (int t = 0; t < NT; t++)
        acc[t] = _mm256_setzero_ps();
    for (int64_t k = 0; k < nb; k++, b++) {
        __m256i isum[TOKENS];
        for (int t = 0; t < NT; t++)
            isum[t] = _mm256_setzero_si256();
        for (int g = 0; g < 8; g++) {
            __m256i s[TOKENS]; /* 16-bit: 8 pair sums of at most 2 * 15 * 127 */
            for (int t = 0; t < NT; t++)
                s[t] = _mm256_setzero_si256();
            for (int c = 0; c < 8; c++) {
                const __m256i v = _mm256_loadu_si256((const __m256i *)(b->qs[g / 2][c] + 32 * h));
                const __m256i u = _mm256_and_si256(g & 1 ? _mm256_srli_epi16(v, 4) : v, low);
                for (int t = 0; t < NT; t++) {
                    const int8_t *q = ((const rz_block_q8_k *)(xq + (size_t)t * x_bytes))[k].qs;
                    s[t] =
                        _mm256_add_epi16(s[t], _mm256_maddubs_epi16(u, quad(q + 32 * g + 4 * c)));
                }
            }
            const __m256i sc = pair16(widen(b->sc[g] + 8 * h));
            for (int t = 0; t < NT; t++)
                isum[t] = _mm256_add_epi32(isum[t], _mm256_madd_epi16(s[t], sc));
        }
        const __m256 dw = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)b->d + h));
        const __m256 dm = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)b->dmin + h));
        for (int t = 0; t < NT; t++) {
            const uint8_t *xt = xq + (size_t)t * x_bytes;
            const int16_t *gs = rz_vec_dot_q8_k_group_sums((void *)xt, nb * RZ_QK_K) + 8 * k;
            __m256i msum = _mm256_setzero_si256();
            for (int i = 0; i < 4; i++) {
                const __m256i mp =
                    _mm256_or_si256(widen(b->m[2 * i] + 8 * h),
                                    _mm256_slli_epi32(widen(b->m[2 * i + 1] + 8 * h), 16));
                msum = _mm256_add_epi32(msum, _mm256_madd_epi16(mp, quad(gs + 2 * i)));
            }
            const __m256 dx = _mm256_set1_ps(((const rz_block_q8_k *)xt)[k].d);
            const __m256 a = _mm256_mul_ps(_mm256_mul_ps(dx, dw), _mm256_cvtepi32_ps(isum[t]));
            const __m256 m = _mm256_mul_ps(_mm256_mul_ps(dx, dm), _mm256_cvtepi32_ps(msum));
            acc[t] = _mm256_add_ps(acc[t], _mm256_sub_ps(a, m));
        }
    }
    for (int t = 0; t < NT; t++)
        _mm256_storeu_ps(y + (size_t)t * ldy, acc[t]);
}

/* The 6-bit levels of group 4 p + kk from the chunk's low bytes l (ql[2 p + kk % 2][c]) and high
 * bytes hb (qh[p][c]). */
static inline __m256i q6_unpack(__m256i l, __m256i hb, int kk) {
    const __m256i l4 =
        _mm256_and_si256(kk / 2 ? _mm256_srli_epi16(l, 4) : l, _mm256_set1_epi8(0x0f));
    const __m256i h2 = _mm256_and_si256(_mm256_srli_epi16(hb, 2 * kk), _mm256_set1_epi8(3));
    return _mm256_or_si256(l4, _mm256_slli_epi16(h2, 4));
}

/* The 6-bit levels of elements 4 c..4 c + 3 of 32-element group G of half h's 8 rows. */
static inline __m256i q6_levels(const rz_block_q6_kx16 *b, int h, int G, int c) {
    const int p = G / 4, k = G % 4;
    return q6_unpack(_mm256_loadu_si256((const __m256i *)(b->ql[2 * p + k % 2][c] + 32 * h)),
                     _mm256_loadu_si256((const __m256i *)(b->qh[p][c] + 32 * h)), k);
}

/* Half h's 8 int8 scales of group g widened to int32 lanes. */
static inline __m256i scale(const rz_block_q6_kx16 *b, int h, int g) {
    return _mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(b->sc[g] + 8 * h)));
}

/* q6_K, half h of super-block b (its levels in lv) for NT tokens (a constant after inlining) from
 * xq, the super-block's index k: per 16-element group the int32 dots times the group's scales;
 * then less 32 times the scales dotted with the bsums (madd on int16 pairs); acc[t] += (d_x * d)
 * * isum. */
static inline __attribute__((always_inline)) void q6_tokens(const rz_block_q6_kx16 *b, int h,
                                                            const __m256i lv[8][8], int64_t k,
                                                            const uint8_t *xq, size_t x_bytes,
                                                            __m256 *acc, const int NT) {
    __m256i isum[TOKENS];
    for (int t = 0; t < NT; t++)
        isum[t] = _mm256_setzero_si256();
#pragma GCC unroll 16
    for (int g = 0; g < 16; g++) {
        const __m256i sc = pair16(scale(b, h, g));
        for (int c = 4 * (g % 2); c < 4 * (g % 2) + 4; c += 2) {
            const __m256i u0 = _mm256_load_si256(&lv[g / 2][c]),
                          u1 = _mm256_load_si256(&lv[g / 2][c + 1]);
            for (int t = 0; t < NT; t++) {
                const int8_t *q =
                    ((const rz_block_q8_k *)(xq + (size_t)t * x_bytes))[k].qs + 32 * (g / 2);
                const __m256i pairs = /* 16-bit: 4 pair sums of at most 2 * 63 * 127 */
                    _mm256_add_epi16(_mm256_maddubs_epi16(u0, quad(q + 4 * c)),
                                     _mm256_maddubs_epi16(u1, quad(q + 4 * c + 4)));
                isum[t] = _mm256_add_epi32(isum[t], _mm256_madd_epi16(pairs, sc));
            }
        }
    }
    const __m256 dw = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)b->d + h));
    for (int t = 0; t < NT; t++) {
        const rz_block_q8_k *x = (const rz_block_q8_k *)(xq + (size_t)t * x_bytes) + k;
        __m256i off = _mm256_setzero_si256();
        for (int i = 0; i < 8; i++) {
            const __m256i sp = _mm256_blend_epi16(
                scale(b, h, 2 * i), _mm256_slli_epi32(scale(b, h, 2 * i + 1), 16), 0xaa);
            off = _mm256_add_epi32(off, _mm256_madd_epi16(sp, quad(x->bsums + 2 * i)));
        }
        const __m256i exact = _mm256_sub_epi32(isum[t], _mm256_slli_epi32(off, 5));
        const __m256 dx = _mm256_set1_ps(x->d);
        acc[t] =
            _mm256_add_ps(acc[t], _mm256_mul_ps(_mm256_mul_ps(dx, dw), _mm256_cvtepi32_ps(exact)));
    }
}

/* q6_K, half h of 16 packed rows for nt <= SPAN tokens: each super-block's levels unpacked once
 * for all of them while the next one is fetched, then TOKENS at a time; the accumulators in
 * memory. */
static void span_q6(const rz_block_q6_kx16 *b, int h, int64_t nb, const uint8_t *xq, size_t x_bytes,
                    float *y, size_t ldy, int nt) {
    __m256 acc[SPAN];
    for (int t = 0; t < nt; t++)
        acc[t] = _mm256_setzero_ps();
    for (int64_t k = 0; k < nb; k++, b++) {
        __m256i lv[8][8];
        for (int G = 0; G < 8; G++)
            for (int c = 0; c < 8; c++)
                lv[G][c] = q6_levels(b, h, G, c);
        for (size_t l = 0; l < sizeof *b; l += 64)
            _mm_prefetch((const char *)(b + 1) + l, _MM_HINT_T0);
        for (int t = 0; t < nt; t += TOKENS) {
            const uint8_t *x = xq + (size_t)t * x_bytes;
#define RUN_Q6(N) q6_tokens(b, h, lv, k, x, x_bytes, acc + t, N)
            RZ_X86_BY_4_TOKENS(nt - t, RUN_Q6)
#undef RUN_Q6
        }
    }
    for (int t = 0; t < nt; t++)
        _mm256_storeu_ps(y + (size_t)t * ldy, acc[t]);
}

/* q6_K, any nt tokens over 16 packed rows: each half, SPAN tokens at a time. */
static void gemm_q6(const rz_block_q6_kx16 *b, int64_t nb, const uint8_t *xq, size_t x_bytes,
                    float *y, size_t ldy, int nt) {
    for (int h = 0; h < 2; h++)
        for (int t = 0; t < nt; t += SPAN)
            span_q6(b, h, nb, xq + (size_t)t * x_bytes, x_bytes, y + (size_t)t * ldy + 8 * h, ldy,
                    nt - t < SPAN ? nt - t : SPAN);
}

/* Prefetches part i of `parts` of the packed super-block AHEAD after b (bytes long) into L1. */
static inline void prefetch_part(const void *b, size_t bytes, int i, int parts) {
    const char *p = (const char *)b + AHEAD * bytes;
    const size_t lines = (bytes + 63) / 64, from = lines * (size_t)i / (size_t)parts,
                 to = lines * (size_t)(i + 1) / (size_t)parts;
    for (size_t l = from; l < to; l++)
        _mm_prefetch(p + 64 * l, _MM_HINT_T0);
}

/* q4_K for one token (decode): a super-block at a time, both 8-row halves (the second reads the
 * super-block from L1), the next super-blocks prefetched; the arithmetic of gemm_half. */
static inline void gemv_q4_k(const rz_block_q4_kx16 *b, int64_t nb, const uint8_t *xq, float *y) {
    const __m256i low = _mm256_set1_epi8(0x0f);
    const int16_t *gs = rz_vec_dot_q8_k_group_sums((void *)xq, nb * RZ_QK_K);
    __m256 acc[2] = {_mm256_setzero_ps(), _mm256_setzero_ps()};
    for (int64_t k = 0; k < nb; k++, b++) {
        const int8_t *q = ((const rz_block_q8_k *)xq)[k].qs;
        const __m256 dx = _mm256_set1_ps(((const rz_block_q8_k *)xq)[k].d);
        for (int h = 0; h < 2; h++) {
            __m256i isum = _mm256_setzero_si256(), msum = _mm256_setzero_si256();
            for (int p = 0; p < 4; p++) {
                prefetch_part(b, sizeof *b, 4 * h + p, 8);
                __m256i s0 = _mm256_setzero_si256(), s1 = _mm256_setzero_si256(); /* 16-bit */
                for (int c = 0; c < 8; c++) {
                    const __m256i v = _mm256_loadu_si256((const __m256i *)(b->qs[p][c] + 32 * h));
                    s0 = _mm256_add_epi16(s0, _mm256_maddubs_epi16(_mm256_and_si256(v, low),
                                                                   quad(q + 64 * p + 4 * c)));
                    s1 = _mm256_add_epi16(
                        s1, _mm256_maddubs_epi16(_mm256_and_si256(_mm256_srli_epi16(v, 4), low),
                                                 quad(q + 64 * p + 32 + 4 * c)));
                }
                isum = _mm256_add_epi32(
                    isum, _mm256_add_epi32(
                              _mm256_madd_epi16(s0, pair16(widen(b->sc[2 * p] + 8 * h))),
                              _mm256_madd_epi16(s1, pair16(widen(b->sc[2 * p + 1] + 8 * h)))));
            }
            for (int i = 0; i < 4; i++) {
                const __m256i mp =
                    _mm256_or_si256(widen(b->m[2 * i] + 8 * h),
                                    _mm256_slli_epi32(widen(b->m[2 * i + 1] + 8 * h), 16));
                msum = _mm256_add_epi32(msum, _mm256_madd_epi16(mp, quad(gs + 8 * k + 2 * i)));
            }
            const __m256 dw = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)b->d + h));
            const __m256 dm = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)b->dmin + h));
            const __m256 a = _mm256_mul_ps(_mm256_mul_ps(dx, dw), _mm256_cvtepi32_ps(isum));
            const __m256 m = _mm256_mul_ps(_mm256_mul_ps(dx, dm), _mm256_cvtepi32_ps(msum));
            acc[h] = _mm256_add_ps(acc[h], _mm256_sub_ps(a, m));
        }
    }
    _mm256_storeu_ps(y, acc[0]);
    _mm256_storeu_ps(y + 8, acc[1]);
}

/* q6_K for one token (decode): per 8-row half, the 16 scales as 16-bit pairs first; then each
 * chunk's ql and qh bytes loaded once for the four 32-element groups they hold, two chunks' pair
 * sums (16-bit) times their group's scale by one madd; the next super-blocks prefetched. The
 * arithmetic of gemm_q6. */
static inline void gemv_q6_k(const rz_block_q6_kx16 *b, int64_t nb, const uint8_t *xq, float *y) {
    __m256 acc[2] = {_mm256_setzero_ps(), _mm256_setzero_ps()};
    for (int64_t k = 0; k < nb; k++, b++) {
        const rz_block_q8_k *x = (const rz_block_q8_k *)xq + k;
        const __m256 dx = _mm256_set1_ps(x->d);
        for (int h = 0; h < 2; h++) {
            __m256i sc[16], isum = _mm256_setzero_si256(), off = _mm256_setzero_si256();
            for (int g = 0; g < 16; g++)
                sc[g] = pair16(scale(b, h, g));
            for (int p = 0; p < 2; p++)
                for (int half = 0; half < 2; half++) {
                    prefetch_part(b, sizeof *b, 4 * h + 2 * p + half, 8);
                    for (int c = 4 * half; c < 4 * half + 4; c += 2) {
                        const __m256i *l[2][2], *hb[2];
                        for (int i = 0; i < 2; i++) {
                            l[i][0] = (const __m256i *)(b->ql[2 * p][c + i] + 32 * h);
                            l[i][1] = (const __m256i *)(b->ql[2 * p + 1][c + i] + 32 * h);
                            hb[i] = (const __m256i *)(b->qh[p][c + i] + 32 * h);
                        }
                        for (int kk = 0; kk < 4; kk++) {
                            const int8_t *q = x->qs + 32 * (4 * p + kk) + 4 * c;
                            const __m256i u0 = q6_unpack(_mm256_loadu_si256(l[0][kk % 2]),
                                                         _mm256_loadu_si256(hb[0]), kk);
                            const __m256i u1 = q6_unpack(_mm256_loadu_si256(l[1][kk % 2]),
                                                         _mm256_loadu_si256(hb[1]), kk);
                            const __m256i pairs = /* 16-bit: at most 4 * 63 * 127 */
                                _mm256_add_epi16(_mm256_maddubs_epi16(u0, quad(q)),
                                                 _mm256_maddubs_epi16(u1, quad(q + 4)));
                            isum = _mm256_add_epi32(
                                isum, _mm256_madd_epi16(pairs, sc[2 * (4 * p + kk) + half]));
                        }
                    }
                }
            for (int i = 0; i < 8; i++) {
                const __m256i sp = _mm256_blend_epi16(
                    scale(b, h, 2 * i), _mm256_slli_epi32(scale(b, h, 2 * i + 1), 16), 0xaa);
                off = _mm256_add_epi32(off, _mm256_madd_epi16(sp, quad(x->bsums + 2 * i)));
            }
            const __m256i exact = _mm256_sub_epi32(isum, _mm256_slli_epi32(off, 5));
            const __m256 dw = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)b->d + h));
            acc[h] = _mm256_add_ps(acc[h],
                                   _mm256_mul_ps(_mm256_mul_ps(dx, dw), _mm256_cvtepi32_ps(exact)));
        }
    }
    _mm256_storeu_ps(y, acc[0]);
    _mm256_storeu_ps(y + 8, acc[1]);
}

/* q4_K, any nt tokens over 16 packed rows: each half, TOKENS tokens at a time. */
static void gemm_q4(const rz_block_q4_kx16 *b, int64_t nb, const uint8_t *xq, size_t x_bytes,
                    float *y, size_t ldy, int nt) {
    for (int h = 0; h < 2; h++)
        for (int t = 0; t < nt; t += TOKENS) {
            const uint8_t *x = xq + (size_t)t * x_bytes;
            float *out = y + (size_t)t * ldy + 8 * h;
#define RUN_Q4(N) gemm_half(b, h, nb, x, x_bytes, out, ldy, N)
            RZ_X86_BY_4_TOKENS(nt - t, RUN_Q4)
#undef RUN_Q4
        }
}

/* Defines rz_avx2_vec_gemm_q4_kx16 and rz_avx2_vec_gemm_q6_kx16. */
RZ_X86_GEMM_K(avx2, q4_kx16, gemv_q4_k, gemm_q4)
RZ_X86_GEMM_K(avx2, q6_kx16, gemv_q6_k, gemm_q6)
