/* Scalar conversions between f32 and the 16-bit float formats, inline so every kernel can use
 * them. Contract: rz_f16_to_f32 is exact (NaNs come back quiet, payload kept, as F16C does);
 * rz_f32_to_f16 rounds to nearest even with subnormals, overflow to inf and quiet NaNs, like
 * F16C and numpy; rz_bf16_to_f32 is exact; rz_f32_to_bf16 rounds to nearest even and quiets
 * NaNs exactly as ggml_compute_fp32_to_bf16 does. */
#ifndef RZ_TYPES_HALF_H
#define RZ_TYPES_HALF_H

#include <stdint.h>
#include <string.h>

static inline uint32_t rz_f32_bits(float f) {
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

static inline float rz_bits_f32(uint32_t u) {
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

static inline float rz_f16_to_f32(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000) << 16;
    uint32_t exp = (h >> 10) & 0x1f, man = h & 0x3ff;
    if (exp == 0x1f) return rz_bits_f32(sign | 0x7f800000 | (man << 13) | (man ? 0x400000 : 0));
    if (exp == 0) {
        float sub = (float)man * 0x1p-24f; /* exact: man < 2^10 */
        return sign ? -sub : sub;
    }
    return rz_bits_f32(sign | ((exp + 112) << 23) | (man << 13));
}

static inline uint16_t rz_f32_to_f16(float f) {
    uint32_t x = rz_f32_bits(f);
    uint16_t sign = (uint16_t)((x >> 16) & 0x8000);
    uint32_t ax = x & 0x7fffffff;
    if (ax > 0x7f800000) return sign | 0x7e00 | ((ax >> 13) & 0x3ff);
    if (ax >= 0x477ff000) return sign | 0x7c00; /* 65520 and up round to inf */
    uint32_t h, rem, half;
    if (ax >= 0x38800000) { /* normal in f16: rebias the exponent, drop 13 mantissa bits */
        h = (ax - 0x38000000) >> 13;
        rem = ax & 0x1fff;
        half = 0x1000;
    } else { /* subnormal in f16: units of 2^-24 */
        uint32_t e = ax >> 23;
        if (e < 102) return sign; /* below 2^-25: rounds to zero */
        uint32_t m = (ax & 0x7fffff) | 0x800000, shift = 126 - e;
        h = m >> shift;
        rem = m & ((1u << shift) - 1);
        half = 1u << (shift - 1);
    }
    h += rem > half || (rem == half && (h & 1));
    return (uint16_t)(sign | h);
}

static inline float rz_bf16_to_f32(uint16_t h) {
    return rz_bits_f32((uint32_t)h << 16);
}

static inline uint16_t rz_f32_to_bf16(float f) {
    uint32_t x = rz_f32_bits(f);
    if ((x & 0x7fffffff) > 0x7f800000) return (uint16_t)((x >> 16) | 64);
    return (uint16_t)(((uint64_t)x + 0x7fff + ((x >> 16) & 1)) >> 16);
}

/* An f16 stored little-endian at p (any alignment), as f32; and the reverse. */
static inline float rz_load_f16(const uint8_t *p) {
    return rz_f16_to_f32((uint16_t)(p[0] | p[1] << 8));
}

static inline void rz_store_f16(uint8_t *p, float f) {
    uint16_t h = rz_f32_to_f16(f);
    p[0] = (uint8_t)h;
    p[1] = (uint8_t)(h >> 8);
}

#endif
