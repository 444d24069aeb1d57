/* AVX-512 dots of the float weight types with float activations: 16 lanes, two accumulators,
 * the tail as one masked load. */
#include <immintrin.h>

#include "backends/avx512/vec_dot.h"

static inline __m512 load_f32(const void *p, __mmask16 m) {
    return _mm512_maskz_loadu_ps(m, p);
}

static inline __m512 load_f16(const void *p, __mmask16 m) {
    return _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(m, p));
}

static inline __m512 load_bf16(const void *p, __mmask16 m) {
    __m512i h = _mm512_cvtepu16_epi32(_mm256_maskz_loadu_epi16(m, p));
    return _mm512_castsi512_ps(_mm512_slli_epi32(h, 16));
}

#define RZ_DOT(name, load, size)                                                                   \
    float name(const void *w, const void *xq, int64_t n) {                                         \
        const unsigned char *p = w;                                                                \
        const float *x = xq;                                                                       \
        __m512 acc0 = _mm512_setzero_ps(), acc1 = _mm512_setzero_ps();                             \
        int64_t i = 0;                                                                             \
        for (; i + 32 <= n; i += 32) {                                                             \
            acc0 = _mm512_fmadd_ps(load(p + size * i, 0xffff), _mm512_loadu_ps(x + i), acc0);      \
            acc1 = _mm512_fmadd_ps(load(p + size * (i + 16), 0xffff), _mm512_loadu_ps(x + i + 16), \
                                   acc1);                                                          \
        }                                                                                          \
        for (; i < n; i += 16) {                                                                   \
            __mmask16 m = n - i >= 16 ? 0xffff : (__mmask16)((1u << (n - i)) - 1u);                \
            acc0 = _mm512_fmadd_ps(load(p + size * i, m), _mm512_maskz_loadu_ps(m, x + i), acc0);  \
        }                                                                                          \
        return _mm512_reduce_add_ps(_mm512_add_ps(acc0, acc1));                                    \
    }

RZ_DOT(rz_avx512_vec_dot_f32, load_f32, 4)
RZ_DOT(rz_avx512_vec_dot_f16, load_f16, 2)
RZ_DOT(rz_avx512_vec_dot_bf16, load_bf16, 2)
