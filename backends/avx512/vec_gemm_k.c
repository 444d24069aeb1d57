/* AVX-512 gemms of packed q4_K and q6_K (backends/pack.h) with q8_K activations. q4_K: per
 * super-block and group g of 32 elements, 8 registers hold the group's nibbles of 16 rows (lane =
 * row), each token's matching 4 activation quants are broadcast and VNNI (vpdpbusd) sums the
 * products into s_g per row; isum += sc_g * s_g (vpmulld); the mins' msum = sum of m_g times the
 * token's group sums (vpdpwssd on int16 pairs). Then, as the scalar code does, acc += (d_x * d) *
 * isum - (d_x * dmin) * msum: the reference's bits (integer parts exact). q6_K likewise over
 * 16-element groups of 6-bit levels, with the -32 folded in as -32 times the group's quant sum,
 * the start of each group's chain (from the activations' tail, backends/vec_dot.h). Tokens go
 * TOKENS at a time. */
#include <immintrin.h>
#include <string.h>

#include "backends/avx512/q6_k_isum8.h"
#include "backends/avx512/vec_dot.h"
#include "backends/x86/gemm_k_groups.h"
#include "backends/x86/tile_shapes.h"

/* TOKENS: q4_K's tokens per pass over a group's super-blocks (16 halves the unpacking per token
 * against 8). q6_K unpacks each super-block once for SPAN tokens, then runs them Q6_TOKENS at a
 * time, their sums in registers (one Zen 4 core, 2048 x 5632, 64 tokens: 16 tokens per unpack
 * 125 GMAC/s, 64 per unpack in runs of 16 with the next super-block prefetched 141, in runs of 8
 * 145; a prompt's batch of 128 tokens, SPAN 128 against 64: +4%). AHEAD: the one-token kernels
 * prefetch the super-block that many ahead (q6_K decode on Zen 4, weights on huge pages: 55 t/s
 * with 1, 57 with 2, 52 with 4). */
enum { TOKENS = 16, Q6_TOKENS = 8, SPAN = 128, AHEAD = 2 };
_Static_assert(Q6_TOKENS == 8, "span_q6 switches by RZ_X86_BY_8_TOKENS; q6_k_isum8 takes 8");

static inline __m512i quad(const int8_t *q) {
    int32_t v;
    memcpy(&v, q, sizeof v);
    return _mm512_set1_epi32(v);
}

/* The 16 rows' scales of group g widened to int32 lanes. */
static inline __m512i scale_q4(const rz_block_q4_kx16 *b, int g) {
    return _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)b->sc[g]));
}

/* The 16 rows' mins of groups 2 i and 2 i + 1 as int16 pairs. */
static inline __m512i min_pair(const rz_block_q4_kx16 *b, int i) {
    const __m512i lo = _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)b->m[2 * i]));
    const __m512i hi = _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)b->m[2 * i + 1]));
    return _mm512_or_si512(lo, _mm512_slli_epi32(hi, 16));
}

/* q4_K: NT tokens (a constant after inlining) over 16 packed rows. */
static inline __attribute__((always_inline)) void gemm(const rz_block_q4_kx16 *b, int64_t nb,
                                                       const uint8_t *xq, size_t x_bytes, float *y,
                                                       size_t ldy, const int NT) {
    const __m512i low = _mm512_set1_epi8(0x0f);
    __m512 acc[TOKENS];
    for (int t = 0; t < NT; t++)
        acc[t] = _mm512_setzero_ps();
    for (int64_t k = 0; k < nb; k++, b++) {
        __m512i isum[TOKENS];
        for (int t = 0; t < NT; t++)
            isum[t] = _mm512_setzero_si512();
        for (int g = 0; g < 8; g++) {
            __m512i u[8];
            for (int c = 0; c < 8; c++) {
                const __m512i v = _mm512_loadu_si512(b->qs[g / 2][c]);
                u[c] = _mm512_and_si512(g & 1 ? _mm512_srli_epi16(v, 4) : v, low);
            }
            const __m512i sc = scale_q4(b, g);
            for (int t = 0; t < NT; t++) {
                const int8_t *q = ((const rz_block_q8_k *)(xq + (size_t)t * x_bytes))[k].qs;
                __m512i s0 = _mm512_setzero_si512(), s1 = _mm512_setzero_si512();
                for (int c = 0; c < 8; c += 2) {
                    s0 = _mm512_dpbusd_epi32(s0, u[c], quad(q + 32 * g + 4 * c));
                    s1 = _mm512_dpbusd_epi32(s1, u[c + 1], quad(q + 32 * g + 4 * c + 4));
                }
                isum[t] =
                    _mm512_add_epi32(isum[t], _mm512_mullo_epi32(_mm512_add_epi32(s0, s1), sc));
            }
        }
        const __m512 dw = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)b->d));
        const __m512 dm = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)b->dmin));
        const __m512i mp[4] = {min_pair(b, 0), min_pair(b, 1), min_pair(b, 2), min_pair(b, 3)};
        for (int t = 0; t < NT; t++) {
            const uint8_t *xt = xq + (size_t)t * x_bytes;
            const int16_t *gs = rz_vec_dot_q8_k_group_sums((void *)xt, nb * RZ_QK_K) + 8 * k;
            __m512i msum = _mm512_setzero_si512();
            for (int i = 0; i < 4; i++)
                msum = _mm512_dpwssd_epi32(msum, mp[i], quad((const int8_t *)(gs + 2 * i)));
            const __m512 dx = _mm512_set1_ps(((const rz_block_q8_k *)xt)[k].d);
            const __m512 a = _mm512_mul_ps(_mm512_mul_ps(dx, dw), _mm512_cvtepi32_ps(isum[t]));
            const __m512 m = _mm512_mul_ps(_mm512_mul_ps(dx, dm), _mm512_cvtepi32_ps(msum));
            acc[t] = _mm512_add_ps(acc[t], _mm512_sub_ps(a, m));
        }
    }
    for (int t = 0; t < NT; t++)
        _mm512_storeu_ps(y + (size_t)t * ldy, acc[t]);
}

/* The 6-bit levels of the 32-element group 4 h + k held by the bytes l (its low 4 bits, nibble
 * k / 2) and hb (its high 2, bits 2 k and 2 k + 1); k a constant after inlining. */
static inline __attribute__((always_inline)) __m512i q6_level(__m512i l, __m512i hb, const int k) {
    const __m512i l4 =
        _mm512_and_si512(k / 2 ? _mm512_srli_epi16(l, 4) : l, _mm512_set1_epi8(0x0f));
    const __m512i h2 = _mm512_and_si512(_mm512_srli_epi16(hb, 2 * k), _mm512_set1_epi8(3));
    return _mm512_or_si512(l4, _mm512_slli_epi16(h2, 4));
}

/* Super-block b's levels, once for all the tokens of a gemm: lv[G][c][4 r + e] is element
 * 4 c + e of 32-element group G of row r (unpacked inside the group loop, with a variable shift
 * and its address arithmetic, the q6_K prompt ran 6.8% slower on Zen 4). */
static inline void q6_unpack(const rz_block_q6_kx16 *b, uint8_t lv[8][8][4 * RZ_PACK_ROWS]) {
    for (int h = 0; h < 2; h++)
        for (int c = 0; c < 8; c++) {
            const __m512i l0 = _mm512_loadu_si512(b->ql[2 * h][c]);
            const __m512i l1 = _mm512_loadu_si512(b->ql[2 * h + 1][c]);
            const __m512i hb = _mm512_loadu_si512(b->qh[h][c]);
            _mm512_store_si512(lv[4 * h][c], q6_level(l0, hb, 0));
            _mm512_store_si512(lv[4 * h + 1][c], q6_level(l1, hb, 1));
            _mm512_store_si512(lv[4 * h + 2][c], q6_level(l0, hb, 2));
            _mm512_store_si512(lv[4 * h + 3][c], q6_level(l1, hb, 3));
        }
}

static inline __m512i scale(const rz_block_q6_kx16 *b, int g) {
    return _mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *)b->sc[g]));
}

/* q6_K, super-block b (levels lv) for NT tokens (a constant after inlining) from xq, the
 * super-block's index k: per 16-element group the int32 dots, each a chain of 4 vpdpbusd that
 * starts at the token's -32 times the group's quant sum (its minus32, to_minus32 bytes past its
 * quants), times the group's scales; then acc[t] += (d_x * d) * isum. Runs of 8 tokens take the
 * scheduled assembly of q6_k_isum8, the same integers. */
static inline __attribute__((always_inline)) void
q6_tokens(const rz_block_q6_kx16 *b, const uint8_t lv[8][8][4 * RZ_PACK_ROWS], int64_t k,
          const uint8_t *xq, size_t x_bytes, ptrdiff_t to_minus32, __m512 *acc, const int NT) {
    __m512i isum[Q6_TOKENS];
    const int8_t *x[Q6_TOKENS];
    for (int t = 0; t < NT; t++) {
        isum[t] = _mm512_setzero_si512();
        x[t] = ((const rz_block_q8_k *)(xq + (size_t)t * x_bytes))[k].qs;
    }
    if (NT == Q6_TOKENS)
        q6_k_isum8(lv[0][0], b->sc[0], to_minus32, x, isum);
    else
        for (int g = 0; g < 16; g++) { /* 16-element groups: 4 registers of levels each */
            __m512i u[4];
            for (int c = 0; c < 4; c++)
                u[c] = _mm512_load_si512(lv[g / 2][4 * (g % 2) + c]);
            const __m512i sc = scale(b, g);
            for (int t = 0; t < NT; t++) {
                const int8_t *q = x[t] + 16 * g;
                const int32_t *minus32 = (const int32_t *)((const char *)x[t] + to_minus32);
                __m512i s = _mm512_dpbusd_epi32(_mm512_set1_epi32(minus32[g]), u[0], quad(q));
                s = _mm512_dpbusd_epi32(s, u[1], quad(q + 4));
                s = _mm512_dpbusd_epi32(s, u[2], quad(q + 8));
                s = _mm512_dpbusd_epi32(s, u[3], quad(q + 12));
                isum[t] = _mm512_add_epi32(isum[t], _mm512_mullo_epi32(s, sc));
            }
        }
    const __m512 dw = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)b->d));
    for (int t = 0; t < NT; t++) {
        const __m512 dx = _mm512_set1_ps(((const rz_block_q8_k *)(xq + (size_t)t * x_bytes))[k].d);
        acc[t] = _mm512_add_ps(acc[t],
                               _mm512_mul_ps(_mm512_mul_ps(dx, dw), _mm512_cvtepi32_ps(isum[t])));
    }
}

/* Prefetches packed super-block b (bytes long) into L1, spread over `parts` calls: part i of
 * them. */
static inline void prefetch_part(const void *b, size_t bytes, int i, int parts) {
    const size_t lines = (bytes + 63) / 64, from = lines * (size_t)i / (size_t)parts,
                 to = lines * (size_t)(i + 1) / (size_t)parts;
    for (size_t l = from; l < to; l++)
        _mm_prefetch((const char *)b + 64 * l, _MM_HINT_T0);
}

/* q6_K, nt <= SPAN tokens over 16 packed rows: each super-block's levels unpacked once for all
 * of them (q6_unpack), then Q6_TOKENS at a time, each run prefetching its part of the next
 * super-block; the accumulators in memory, each run's stored to y after the last super-block
 * (prefetching the whole block at once and storing all of y at the end: 2% slower on one Emerald
 * Rapids core). */
static void span_q6(const rz_block_q6_kx16 *b, int64_t nb, const uint8_t *xq, size_t x_bytes,
                    float *y, size_t ldy, int nt) {
    const ptrdiff_t to_minus32 = (const char *)rz_vec_dot_q8_k_minus32((void *)xq, nb * RZ_QK_K) -
                                 (const char *)((const rz_block_q8_k *)xq)->qs;
    __m512 acc[SPAN];
    for (int t = 0; t < nt; t++)
        acc[t] = _mm512_setzero_ps();
    for (int64_t k = 0; k < nb; k++, b++) {
        _Alignas(64) uint8_t lv[8][8][4 * RZ_PACK_ROWS];
        q6_unpack(b, lv);
        /* from block k's quants to its minus32 (64 bytes a block there, 292 in the blocks) */
        const ptrdiff_t at = to_minus32 + (ptrdiff_t)k * (64 - (ptrdiff_t)sizeof(rz_block_q8_k));
        for (int t = 0; t < nt; t += Q6_TOKENS) {
            const uint8_t *x = xq + (size_t)t * x_bytes;
            prefetch_part(b + 1, sizeof *b, t / Q6_TOKENS, (nt + Q6_TOKENS - 1) / Q6_TOKENS);
#define RUN_Q6(N) q6_tokens(b, lv, k, x, x_bytes, at, acc + t, N)
            RZ_X86_BY_8_TOKENS(nt - t, RUN_Q6)
#undef RUN_Q6
            if (k == nb - 1)
                for (int i = t; i < nt && i < t + Q6_TOKENS; i++)
                    _mm512_storeu_ps(y + (size_t)i * ldy, acc[i]);
        }
    }
}

/* q6_K, any nt tokens over 16 packed rows, SPAN at a time. */
static void gemm_q6(const rz_block_q6_kx16 *b, int64_t nb, const uint8_t *xq, size_t x_bytes,
                    float *y, size_t ldy, int nt) {
    for (int t = 0; t < nt; t += SPAN)
        span_q6(b, nb, xq + (size_t)t * x_bytes, x_bytes, y + (size_t)t * ldy, ldy,
                nt - t < SPAN ? nt - t : SPAN);
}

/* q4_K for one token (decode): each byte of quants loaded once, both nibbles into the sums of
 * their groups; the next super-blocks prefetched (a decode streams the weights once). */
static inline void gemv_q4_k(const rz_block_q4_kx16 *b, int64_t nb, const uint8_t *xq, float *y) {
    const __m512i low = _mm512_set1_epi8(0x0f);
    const int16_t *gs = rz_vec_dot_q8_k_group_sums((void *)xq, nb * RZ_QK_K);
    __m512 acc = _mm512_setzero_ps();
    for (int64_t k = 0; k < nb; k++, b++) {
        const int8_t *q = ((const rz_block_q8_k *)xq)[k].qs;
        __m512i isum = _mm512_setzero_si512(), msum = _mm512_setzero_si512();
        for (int p = 0; p < 4; p++) {
            prefetch_part(b + AHEAD, sizeof *b, p, 4);
            __m512i s0 = _mm512_setzero_si512(), s1 = _mm512_setzero_si512();
            for (int c = 0; c < 8; c++) {
                const __m512i v = _mm512_loadu_si512(b->qs[p][c]);
                s0 = _mm512_dpbusd_epi32(s0, _mm512_and_si512(v, low), quad(q + 64 * p + 4 * c));
                s1 = _mm512_dpbusd_epi32(s1, _mm512_and_si512(_mm512_srli_epi16(v, 4), low),
                                         quad(q + 64 * p + 32 + 4 * c));
            }
            isum = _mm512_add_epi32(
                isum, _mm512_add_epi32(_mm512_mullo_epi32(s0, scale_q4(b, 2 * p)),
                                       _mm512_mullo_epi32(s1, scale_q4(b, 2 * p + 1))));
        }
        for (int i = 0; i < 4; i++)
            msum = _mm512_dpwssd_epi32(msum, min_pair(b, i),
                                       quad((const int8_t *)(gs + 8 * k + 2 * i)));
        const __m512 dx = _mm512_set1_ps(((const rz_block_q8_k *)xq)[k].d);
        const __m512 dw = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)b->d));
        const __m512 dm = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)b->dmin));
        const __m512 a = _mm512_mul_ps(_mm512_mul_ps(dx, dw), _mm512_cvtepi32_ps(isum));
        const __m512 m = _mm512_mul_ps(_mm512_mul_ps(dx, dm), _mm512_cvtepi32_ps(msum));
        acc = _mm512_add_ps(acc, _mm512_sub_ps(a, m));
    }
    _mm512_storeu_ps(y, acc);
}

/* q6_K for one token (decode): each byte of ql and qh loaded once, the four 32-element groups
 * they hold summed into the sums of their 16-element groups, each sum starting at the group's
 * minus32 as in a gemm; the next super-blocks prefetched. */
static inline void gemv_q6_k(const rz_block_q6_kx16 *b, int64_t nb, const uint8_t *xq, float *y) {
    const __m512i low = _mm512_set1_epi8(0x0f), two = _mm512_set1_epi8(3);
    const int32_t *minus32 = rz_vec_dot_q8_k_minus32((void *)xq, nb * RZ_QK_K);
    __m512 acc = _mm512_setzero_ps();
    for (int64_t k = 0; k < nb; k++, b++, minus32 += 16) {
        const rz_block_q8_k *x = (const rz_block_q8_k *)xq + k;
        __m512i isum = _mm512_setzero_si512();
        for (int h = 0; h < 2; h++)
            for (int half = 0; half < 2; half++) {
                prefetch_part(b + AHEAD, sizeof *b, 2 * h + half, 4);
                __m512i s[4]; /* 16-element group 2 (4 h + kk) + half */
                for (int kk = 0; kk < 4; kk++)
                    s[kk] = _mm512_set1_epi32(minus32[2 * (4 * h + kk) + half]);
                for (int c = 4 * half; c < 4 * half + 4; c++) {
                    const __m512i l0 = _mm512_loadu_si512(b->ql[2 * h][c]);
                    const __m512i l1 = _mm512_loadu_si512(b->ql[2 * h + 1][c]);
                    const __m512i hb = _mm512_loadu_si512(b->qh[h][c]);
                    for (int kk = 0; kk < 4; kk++) {
                        const __m512i l = kk % 2 ? l1 : l0;
                        const __m512i l4 =
                            _mm512_and_si512(kk / 2 ? _mm512_srli_epi16(l, 4) : l, low);
                        const __m512i h2 = _mm512_and_si512(_mm512_srli_epi16(hb, 2 * kk), two);
                        const __m512i u = _mm512_or_si512(l4, _mm512_slli_epi16(h2, 4));
                        s[kk] =
                            _mm512_dpbusd_epi32(s[kk], u, quad(x->qs + 32 * (4 * h + kk) + 4 * c));
                    }
                }
                for (int kk = 0; kk < 4; kk++)
                    isum = _mm512_add_epi32(
                        isum, _mm512_mullo_epi32(s[kk], scale(b, 2 * (4 * h + kk) + half)));
            }
        const __m512 dw = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)b->d));
        acc = _mm512_add_ps(
            acc, _mm512_mul_ps(_mm512_mul_ps(_mm512_set1_ps(x->d), dw), _mm512_cvtepi32_ps(isum)));
    }
    _mm512_storeu_ps(y, acc);
}

/* q4_K, any nt tokens over 16 packed rows, TOKENS at a time. */
static void gemm_q4(const rz_block_q4_kx16 *b, int64_t nb, const uint8_t *xq, size_t x_bytes,
                    float *y, size_t ldy, int nt) {
    for (int t = 0; t < nt; t += TOKENS) {
        const uint8_t *x = xq + (size_t)t * x_bytes;
        float *out = y + (size_t)t * ldy;
#define RUN_Q4(N) gemm(b, nb, x, x_bytes, out, ldy, N)
        RZ_X86_BY_16_TOKENS(nt - t, RUN_Q4)
#undef RUN_Q4
    }
}

/* Defines rz_avx512_vec_gemm_q4_kx16 and rz_avx512_vec_gemm_q6_kx16. */
RZ_X86_GEMM_K(avx512, q4_kx16, gemv_q4_k, gemm_q4)
RZ_X86_GEMM_K(avx512, q6_kx16, gemv_q6_k, gemm_q6)
