/* Helpers shared by the K-quant reference quantizers (q4_K, q5_K, q6_K, q8_K): the same
 * algorithms as llama.cpp's reference quantizers, so files rz writes quantize no worse; and the
 * q4_K / q5_K super-block dequantizer. Contract: inputs are finite; n <= 32; L receives one level
 * per element. */
#ifndef RZ_TYPES_KQUANT_H
#define RZ_TYPES_KQUANT_H

#include <stdint.h>
#include <string.h>

/* Nearest integer, ties to even, for |x| < 2^22 (adding 1.5 * 2^23 leaves the integer in the
 * low mantissa bits). Defined, if meaningless, for any other input. */
static inline int rz_nearest_int(float x) {
    float v = x + 12582912.0f;
    int32_t i;
    memcpy(&i, &v, sizeof i);
    return (i & 0x007fffff) - 0x00400000;
}

/* Fits x[i] ~ scale*(L[i] - nmax) with L[i] in [0, 2*nmax-1], weights x[i]^2, trying 19 grids
 * around nmax levels. Returns the signed scale (0 and L all 0 when x is all ~zero). */
float rz_kq_fit_symmetric(int n, int nmax, const float *x, int8_t *L);

/* Scale and min j (0..7) of the 12-byte packed 6-bit table of q4_K / q5_K. */
static inline void rz_kq_scale_min(const uint8_t *s, int j, uint8_t *sc, uint8_t *m) {
    if (j < 4) {
        *sc = s[j] & 63;
        *m = s[j + 4] & 63;
    } else {
        *sc = (uint8_t)((s[j + 4] & 0xf) | ((s[j - 4] >> 6) << 4));
        *m = (uint8_t)((s[j + 4] >> 4) | ((s[j] >> 6) << 4));
    }
}

/* One q4_K / q5_K super-block to dst[0..256): its f16 d and dmin, its packed scales, 32 bytes
 * of nibbles per 64 elements at ql (group g in the low nibbles, g + 1 in the high) and, for q5_K,
 * the fifth bit of element l of group g as bit g of qh[l] (qh NULL for q4_K).
 * Element = d*sc_g*q - dmin*m_g. */
void rz_kq_affine_to_float(uint16_t d, uint16_t dmin, const uint8_t scales[12], const uint8_t *ql,
                           const uint8_t *qh, float *dst);

/* The q4_K / q5_K super-block quantizer: fits each 32-element group as x ~ scale*L - min with L
 * in [0, nmax] and min >= 0, minimizing the squared error weighted by rms + |x| (the min/max grid,
 * then nstep+1 grids of nmax + rmin + rdelta*k levels, each refined by weighted least squares),
 * stores the f16 d and dmin and the packed 6-bit scales
 * (a q4_K / q5_K block's fields), and writes the final levels (0..nmax, requantized against the
 * stored f16 scales) to L[256]. */
void rz_kq_quantize_affine(const float *x, int nmax, float rmin, float rdelta, int nstep,
                           uint16_t *d, uint16_t *dmin, uint8_t scales[12], uint8_t L[256]);

#endif
