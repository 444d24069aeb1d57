/* AVX2 dots of the float weight types with float activations: 8 lanes, two accumulators, the
 * tail in scalar code. One loop serves f32, f16 and bf16; the type is a constant after inlining,
 * so each kernel keeps only its own loads. */
#include <immintrin.h>
#include <string.h>

#include "backends/avx2/vec_dot.h"
#include "backends/x86/hsum.h"

static inline uint16_t u16(const uint8_t *p) {
    uint16_t h;
    memcpy(&h, p, sizeof h);
    return h;
}

static inline float bf16(uint16_t h) {
    uint32_t u = (uint32_t)h << 16;
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

/* The 8 weights of the given type at p, widened to f32. */
static inline __m256 load8(const uint8_t *p, uint32_t type) {
    switch (type) {
    case RZ_TYPE_F16:
        return _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)p));
    case RZ_TYPE_BF16:
        return _mm256_castsi256_ps(
            _mm256_slli_epi32(_mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)p)), 16));
    default:
        return _mm256_loadu_ps((const float *)p);
    }
}

/* The one weight of the given type at p, widened to f32. */
static inline float load1(const uint8_t *p, uint32_t type) {
    switch (type) {
    case RZ_TYPE_F16:
        return _cvtsh_ss(u16(p));
    case RZ_TYPE_BF16:
        return bf16(u16(p));
    default: {
        float f;
        memcpy(&f, p, sizeof f);
        return f;
    }
    }
}

static inline float dot(const uint8_t *p, uint32_t type, const float *x, int64_t n) {
    const size_t width = type == RZ_TYPE_F32 ? 4 : 2;
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        acc0 = _mm256_fmadd_ps(load8(p + width * i, type), _mm256_loadu_ps(x + i), acc0);
        acc1 = _mm256_fmadd_ps(load8(p + width * (i + 8), type), _mm256_loadu_ps(x + i + 8), acc1);
    }
    for (; i + 8 <= n; i += 8)
        acc0 = _mm256_fmadd_ps(load8(p + width * i, type), _mm256_loadu_ps(x + i), acc0);
    float sum = rz_x86_hsum256(_mm256_add_ps(acc0, acc1));
    for (; i < n; i++)
        sum += load1(p + width * i, type) * x[i];
    return sum;
}

float rz_avx2_vec_dot_f32(const void *w, const void *xq, int64_t n) {
    return dot(w, RZ_TYPE_F32, xq, n);
}

float rz_avx2_vec_dot_f16(const void *w, const void *xq, int64_t n) {
    return dot(w, RZ_TYPE_F16, xq, n);
}

float rz_avx2_vec_dot_bf16(const void *w, const void *xq, int64_t n) {
    return dot(w, RZ_TYPE_BF16, xq, n);
}
