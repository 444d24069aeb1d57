/* The part of the 32-element block dots (Q4_0, Q4_1, Q5_0, Q5_1, Q8_0 weights with Q8_0
 * activations) that AVX2 and AVX-512 share. Included once by backends/avx2/vec_dot_q.c and once by
 * backends/avx512/vec_dot_q.c, each compiled with its own ISA flags, after the file has defined its
 * ISA's add_fifth_bits and dot_u8, and RZ_X86_DOT(type) naming its public functions
 * (rz_avx2_vec_dot_q4_0, rz_avx512_vec_dot_q4_0, ...). */
#include "backends/x86/hsum.h"

static inline __m256i x_quants(const uint8_t *y) {
    return _mm256_loadu_si256((const __m256i *)(y + RZ_Q8_0_QS));
}

/* The 32 nibbles of 16 bytes, element j in byte j: low nibbles, then high nibbles. */
static inline __m256i nibbles(const uint8_t *qs) {
    const __m256i t = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)qs));
    const __m256i both = _mm256_blend_epi32(t, _mm256_srli_epi16(t, 4), 0xf0);
    return _mm256_and_si256(both, _mm256_set1_epi8(0x0f));
}

/* Signed x signed: |w| as the unsigned operand, y with w's sign as the signed one (|y| <= 127
 * for quantized activations, so the sign flip cannot overflow). */
static inline __m256i dot_i8(__m256i w, __m256i s) {
    return dot_u8(_mm256_abs_epi8(w), _mm256_sign_epi8(s, w));
}

/* The 8 f16 values at p, p + stride, ... (the first cnt; zeros after), widened to f32: packed
 * in two integer registers, then one conversion (no store-to-load forwarding stall). */
static inline __m256 widen8(const uint8_t *p, size_t stride, int cnt) {
    uint64_t half[2] = {0, 0};
    for (int k = 0; k < cnt; k++) {
        uint16_t h;
        memcpy(&h, p + k * stride, sizeof h);
        half[k / 4] |= (uint64_t)h << (16 * (k % 4));
    }
    return _mm256_cvtph_ps(_mm_set_epi64x((long long)half[1], (long long)half[0]));
}

/* acc plus one block's int32 lanes times its scale product *s; `type` is a constant after
 * inlining, so each kernel keeps only its own unpacking. q4_0 and q5_0 leave their offsets to
 * the caller (unsigned levels here). */
static inline __m256 block(const uint8_t *b, uint32_t type, const uint8_t *y, const float *s,
                           __m256 acc) {
    const __m256i x = x_quants(y);
    __m256i isum;
    switch (type) {
    case RZ_TYPE_Q4_0:
        isum = dot_u8(nibbles(b + RZ_Q4_0_QS), x);
        break;
    case RZ_TYPE_Q5_0:
        isum = dot_u8(add_fifth_bits(nibbles(b + RZ_Q5_0_QS), b + RZ_Q5_0_QH), x);
        break;
    case RZ_TYPE_Q4_1:
        isum = dot_u8(nibbles(b + RZ_Q4_1_QS), x);
        break;
    case RZ_TYPE_Q5_1:
        isum = dot_u8(add_fifth_bits(nibbles(b + RZ_Q5_1_QS), b + RZ_Q5_1_QH), x);
        break;
    default:
        isum = dot_i8(_mm256_loadu_si256((const __m256i *)(b + RZ_Q8_0_QS)), x);
        break;
    }
    return _mm256_fmadd_ps(_mm256_broadcast_ss(s), _mm256_cvtepi32_ps(isum), acc);
}

/* Chunks of 8 blocks. Per chunk: the scale products d_w * d_x (stored, read back per block by
 * broadcast loads), and the terms that need only the activation sums s_x = d_x * sum(q_x), as
 * 8-lane products: -offset * d_w * s_x for q4_0 / q5_0, m * s_x for q4_1 / q5_1. */
static inline float dot_blocks(const uint8_t *w, size_t bytes, uint32_t type, const uint8_t *xq,
                               int64_t n) {
    const int64_t nb = n / RZ_QK;
    const float *xd = (const float *)(xq + rz_vec_dot_q8_0_tail(n));
    const float *xs = xd + rz_vec_dot_q8_0_padded(n);
    const float offset = type == RZ_TYPE_Q4_0 ? -8.0f : type == RZ_TYPE_Q5_0 ? -16.0f : 0.0f;
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps(), accm = _mm256_setzero_ps();
    float s[8];
    for (int64_t i = 0; i < nb; i += 8) {
        const uint8_t *b = w + i * bytes, *y = xq + i * RZ_Q8_0_BYTES;
        const int cnt = nb - i < 8 ? (int)(nb - i) : 8;
        const __m256 dw = cnt == 8 ? widen8(b, bytes, 8) : widen8(b, bytes, cnt);
        _mm256_storeu_ps(s, _mm256_mul_ps(dw, _mm256_loadu_ps(xd + i)));
        if (offset != 0.0f)
            accm = _mm256_fmadd_ps(_mm256_mul_ps(dw, _mm256_set1_ps(offset)),
                                   _mm256_loadu_ps(xs + i), accm);
        if (type == RZ_TYPE_Q4_1 || type == RZ_TYPE_Q5_1) {
            const __m256 m = cnt == 8 ? widen8(b + 2, bytes, 8) : widen8(b + 2, bytes, cnt);
            accm = _mm256_fmadd_ps(m, _mm256_loadu_ps(xs + i), accm);
        }
        if (cnt == 8) {
            for (int k = 0; k < 8; k += 2) {
                acc0 = block(b + k * bytes, type, y + k * RZ_Q8_0_BYTES, s + k, acc0);
                acc1 =
                    block(b + (k + 1) * bytes, type, y + (k + 1) * RZ_Q8_0_BYTES, s + k + 1, acc1);
            }
        } else {
            for (int k = 0; k < cnt; k++)
                acc0 = block(b + k * bytes, type, y + k * RZ_Q8_0_BYTES, s + k, acc0);
        }
    }
    return rz_x86_hsum256(_mm256_add_ps(_mm256_add_ps(acc0, acc1), accm));
}
float RZ_X86_DOT(q4_0)(const void *w, const void *xq, int64_t n) {
    return dot_blocks(w, RZ_Q4_0_BYTES, RZ_TYPE_Q4_0, xq, n);
}

float RZ_X86_DOT(q5_0)(const void *w, const void *xq, int64_t n) {
    return dot_blocks(w, RZ_Q5_0_BYTES, RZ_TYPE_Q5_0, xq, n);
}

float RZ_X86_DOT(q4_1)(const void *w, const void *xq, int64_t n) {
    return dot_blocks(w, RZ_Q4_1_BYTES, RZ_TYPE_Q4_1, xq, n);
}

float RZ_X86_DOT(q5_1)(const void *w, const void *xq, int64_t n) {
    return dot_blocks(w, RZ_Q5_1_BYTES, RZ_TYPE_Q5_1, xq, n);
}

float RZ_X86_DOT(q8_0)(const void *w, const void *xq, int64_t n) {
    return dot_blocks(w, RZ_Q8_0_BYTES, RZ_TYPE_Q8_0, xq, n);
}
