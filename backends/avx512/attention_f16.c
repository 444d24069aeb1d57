/* AVX-512 attention over an F16 cache (rz_backend.dot_f16_heads and axpy_f16_heads,
 * backends/backend.h): up to 8 query heads at a time (GROUP), each cache row widened once, 16
 * elements at a time, for all of them. The dot keeps one accumulator per head and row over the
 * row's chunks, three rows at a time, and sums each row's 8 accumulators' lanes together (sum8);
 * the axpy keeps two 16-element chunks of each head's output in registers over all the rows. */
#include <immintrin.h>

#include "backends/avx512/vec_dot.h"

enum { GROUP = 8 };

static inline __mmask16 mask_at(size_t n, size_t at) {
    return n - at >= 16 ? 0xffff : (__mmask16)((1u << (n - at)) - 1u);
}

/* Lane h of the result is the sum of v[h]'s 16 lanes, h < 8, in an order that depends on v[h]
 * alone: with lane 4 j + e in quarter j, the quarters 0 + 2 and 1 + 3, then those two sums; then
 * of the 4 lanes left, 0 + 2 and 1 + 3, then those two. */
static inline __m256 sum8(const __m512 v[GROUP]) {
    __m512 w[4], x[2];
    for (int k = 0; k < 4; k++) /* quarters: a0 + a2, a1 + a3, b0 + b2, b1 + b3 */
        w[k] = _mm512_add_ps(_mm512_shuffle_f32x4(v[2 * k], v[2 * k + 1], _MM_SHUFFLE(1, 0, 1, 0)),
                             _mm512_shuffle_f32x4(v[2 * k], v[2 * k + 1], _MM_SHUFFLE(3, 2, 3, 2)));
    for (int k = 0; k < 2; k++) /* quarter j: the 4 partial sums of v[4 k + j] */
        x[k] = _mm512_add_ps(_mm512_shuffle_f32x4(w[2 * k], w[2 * k + 1], _MM_SHUFFLE(2, 0, 2, 0)),
                             _mm512_shuffle_f32x4(w[2 * k], w[2 * k + 1], _MM_SHUFFLE(3, 1, 3, 1)));
    /* quarter j: v[j] lanes 0 + 2, v[j + 4] lanes 0 + 2, v[j] 1 + 3, v[j + 4] 1 + 3 */
    const __m512 y = _mm512_add_ps(_mm512_unpacklo_ps(x[0], x[1]), _mm512_unpackhi_ps(x[0], x[1]));
    const __m512 z = _mm512_add_ps(y, _mm512_shuffle_ps(y, y, _MM_SHUFFLE(1, 0, 3, 2)));
    const __m512i order = _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 0, 0, 0, 0, 0, 0, 0, 0);
    return _mm512_castps512_ps256(_mm512_permutexvar_ps(order, z));
}

/* R rows (1 or 3) from row i on of G heads' dot_group: each row's K chunk widened once for the
 * G heads, each q chunk loaded once for the R rows. */
static inline __attribute__((always_inline)) void dot_rows(const uint16_t *a, size_t stride, int i,
                                                           const float *q, size_t n, float *out,
                                                           size_t ld, const int G, const int R) {
    __m512 acc[3][GROUP];
    for (int r = 0; r < R; r++)
        for (int h = 0; h < GROUP; h++)
            acc[r][h] = _mm512_setzero_ps();
    for (size_t at = 0; at < n; at += 16) {
        const __mmask16 m = mask_at(n, at);
        __m512 w[3];
        for (int r = 0; r < R; r++)
            w[r] = _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(m, a + (size_t)(i + r) * stride + at));
        for (int h = 0; h < G; h++) {
            const __m512 qh = _mm512_maskz_loadu_ps(m, q + (size_t)h * n + at);
            for (int r = 0; r < R; r++)
                acc[r][h] = _mm512_fmadd_ps(w[r], qh, acc[r][h]);
        }
    }
    for (int r = 0; r < R; r++) {
        float s[GROUP];
        _mm256_storeu_ps(s, sum8(acc[r]));
        for (int h = 0; h < G; h++)
            out[(size_t)h * ld + (size_t)(i + r)] = s[h];
    }
}

/* G heads (a constant after inlining) of dot_f16_heads, three rows at a time (448 rows of 64, 8
 * heads, one Emerald Rapids core: 9.4 us a row at a time, 7.1 two at a time, 6.6 three; four
 * would need more than 32 registers). */
static inline __attribute__((always_inline)) void dot_group(const uint16_t *a, size_t stride,
                                                            int rows, const float *q, size_t n,
                                                            float *out, size_t ld, const int G) {
    int i = 0;
    for (; i + 3 <= rows; i += 3)
        dot_rows(a, stride, i, q, n, out, ld, G, 3);
    for (; i < rows; i++)
        dot_rows(a, stride, i, q, n, out, ld, G, 1);
}

/* C chunks (1 or 2) of 16 elements from element at on of G heads' axpy_group: each head's
 * chunks in registers over all the rows, each row's weight broadcast once for the C chunks. */
static inline __attribute__((always_inline)) void axpy_chunks(const float *a, size_t ld,
                                                              const uint16_t *x, size_t stride,
                                                              int rows, float *y, size_t n,
                                                              size_t at, const int G, const int C) {
    __mmask16 m[2];
    __m512 acc[2][GROUP];
    for (int c = 0; c < C; c++) {
        m[c] = mask_at(n, at + 16 * (size_t)c);
        for (int h = 0; h < G; h++)
            acc[c][h] = _mm512_maskz_loadu_ps(m[c], y + (size_t)h * n + at + 16 * (size_t)c);
    }
    for (int i = 0; i < rows; i++) {
        __m512 w[2];
        for (int c = 0; c < C; c++)
            w[c] = _mm512_cvtph_ps(
                _mm256_maskz_loadu_epi16(m[c], x + (size_t)i * stride + at + 16 * (size_t)c));
        for (int h = 0; h < G; h++) {
            const __m512 ah = _mm512_set1_ps(a[(size_t)h * ld + (size_t)i]);
            for (int c = 0; c < C; c++)
                acc[c][h] = _mm512_fmadd_ps(ah, w[c], acc[c][h]);
        }
    }
    for (int c = 0; c < C; c++)
        for (int h = 0; h < G; h++)
            _mm512_mask_storeu_ps(y + (size_t)h * n + at + 16 * (size_t)c, m[c], acc[c][h]);
}

/* G heads (a constant after inlining) of axpy_f16_heads, two chunks at a time (448 rows of 64, 8
 * heads, one Emerald Rapids core: 3.7 us a chunk at a time, 3.4 two at a time). */
static inline __attribute__((always_inline)) void axpy_group(const float *a, size_t ld,
                                                             const uint16_t *x, size_t stride,
                                                             int rows, float *y, size_t n,
                                                             const int G) {
    size_t at = 0;
    for (; at + 16 < n; at += 32)
        axpy_chunks(a, ld, x, stride, rows, y, n, at, G, 2);
    if (at < n) axpy_chunks(a, ld, x, stride, rows, y, n, at, G, 1);
}

/* Defines rz_avx512_dot_f16_heads and rz_avx512_axpy_f16_heads. */
#define RZ_X86_ATTENTION(name) rz_avx512_##name
#include "backends/x86/attention_f16_body.h"
