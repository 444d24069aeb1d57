/* AVX2 attention over an F16 cache (rz_backend.dot_f16_heads and axpy_f16_heads,
 * backends/backend.h): up to 8 query heads at a time (GROUP), each cache row widened once, 8
 * elements at a time, for all of them; a tail under 8 elements goes through zero-padded copies.
 * The dot keeps one accumulator per head over the row's chunks and sums the 8 accumulators'
 * lanes together (sum8); the axpy keeps an 8-element chunk of each head's output in a register
 * over all the rows (per element the fused multiply-adds of axpy_f16, whose tail is fmaf). */
#include <immintrin.h>
#include <string.h>

#include "backends/avx2/vec_dot.h"

enum { GROUP = 8 };

/* Lane h of the result is the sum of v[h]'s 8 lanes, h < 8, in an order that depends on v[h]
 * alone: ((0 + 1) + (2 + 3)) + ((4 + 5) + (6 + 7)). */
static inline __m256 sum8(const __m256 v[GROUP]) {
    const __m256 t0 = _mm256_hadd_ps(v[0], v[1]), t1 = _mm256_hadd_ps(v[2], v[3]);
    const __m256 t2 = _mm256_hadd_ps(v[4], v[5]), t3 = _mm256_hadd_ps(v[6], v[7]);
    const __m256 u0 = _mm256_hadd_ps(t0, t1), u1 = _mm256_hadd_ps(t2, t3);
    return _mm256_add_ps(_mm256_permute2f128_ps(u0, u1, 0x20),
                         _mm256_permute2f128_ps(u0, u1, 0x31));
}

/* Elements at..at + 7 of an f16 row and of a float vector, zero past n. */
static inline __m256 row_chunk(const uint16_t *row, size_t n, size_t at) {
    if (n - at >= 8) return _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(row + at)));
    uint16_t pad[8] = {0};
    memcpy(pad, row + at, (n - at) * sizeof *pad);
    return _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)pad));
}

static inline __m256 float_chunk(const float *x, size_t n, size_t at) {
    if (n - at >= 8) return _mm256_loadu_ps(x + at);
    float pad[8] = {0};
    memcpy(pad, x + at, (n - at) * sizeof *pad);
    return _mm256_loadu_ps(pad);
}

/* G heads (a constant after inlining) of dot_f16_heads. */
static inline __attribute__((always_inline)) void dot_group(const uint16_t *a, size_t stride,
                                                            int rows, const float *q, size_t n,
                                                            float *out, size_t ld, const int G) {
    for (int i = 0; i < rows; i++) {
        const uint16_t *row = a + (size_t)i * stride;
        __m256 acc[GROUP];
        for (int h = 0; h < GROUP; h++)
            acc[h] = _mm256_setzero_ps();
        for (size_t at = 0; at < n; at += 8) {
            const __m256 w = row_chunk(row, n, at);
            for (int h = 0; h < G; h++)
                acc[h] = _mm256_fmadd_ps(w, float_chunk(q + (size_t)h * n, n, at), acc[h]);
        }
        float s[GROUP];
        _mm256_storeu_ps(s, sum8(acc));
        for (int h = 0; h < G; h++)
            out[(size_t)h * ld + (size_t)i] = s[h];
    }
}

/* G heads (a constant after inlining) of axpy_f16_heads. */
static inline __attribute__((always_inline)) void axpy_group(const float *a, size_t ld,
                                                             const uint16_t *x, size_t stride,
                                                             int rows, float *y, size_t n,
                                                             const int G) {
    for (size_t at = 0; at < n; at += 8) {
        __m256 acc[GROUP];
        for (int h = 0; h < G; h++)
            acc[h] = float_chunk(y + (size_t)h * n, n, at);
        for (int i = 0; i < rows; i++) {
            const __m256 w = row_chunk(x + (size_t)i * stride, n, at);
            for (int h = 0; h < G; h++)
                acc[h] = _mm256_fmadd_ps(_mm256_set1_ps(a[(size_t)h * ld + (size_t)i]), w, acc[h]);
        }
        for (int h = 0; h < G; h++) {
            float *yh = y + (size_t)h * n + at;
            if (n - at >= 8) {
                _mm256_storeu_ps(yh, acc[h]);
                continue;
            }
            float part[8];
            _mm256_storeu_ps(part, acc[h]);
            memcpy(yh, part, (n - at) * sizeof *part);
        }
    }
}

/* Defines rz_avx2_dot_f16_heads and rz_avx2_axpy_f16_heads. */
#define RZ_X86_ATTENTION(name) rz_avx2_##name
#include "backends/x86/attention_f16_body.h"
