#include "engine/types/kquant.h"

#include <math.h>

#include "engine/types/half.h"

static int clampi(int v, int lo, int hi) {
    return v < lo ? lo : v > hi ? hi : v;
}

/* L[i] = the level of x[i] on the grid lo + k/iscale, k in [0, nmax]. */
static void affine_levels(int n, int nmax, const float *x, float lo, float iscale, uint8_t *L) {
    for (int i = 0; i < n; i++)
        L[i] = (uint8_t)clampi(rz_nearest_int(iscale * (x[i] - lo)), 0, nmax);
}

static float affine_error(int n, const float *x, const float *w, const uint8_t *L, float scale,
                          float lo) {
    float err = 0;
    for (int i = 0; i < n; i++) {
        float diff = scale * L[i] + lo - x[i];
        err += w[i] * (diff * diff);
    }
    return err;
}

/* Fits x[i] ~ scale*L[i] - min with L[i] in [0, nmax] and min >= 0, minimizing the weighted
 * squared error: starts from the min/max grid, then tries nstep+1 grids of (nmax + rmin +
 * rdelta*k) levels, each refined by weighted least squares. Returns scale, writes min. */
static float fit_affine(int n, int nmax, const float *x, const float *w, uint8_t *L, float *min,
                        float rmin, float rdelta, int nstep) {
    float lo = x[0], hi = x[0], sum_w = w[0], sum_x = w[0] * x[0];
    for (int i = 1; i < n; i++) {
        if (x[i] < lo) lo = x[i];
        if (x[i] > hi) hi = x[i];
        sum_w += w[i];
        sum_x += w[i] * x[i];
    }
    if (lo > 0) lo = 0;
    if (hi == lo) {
        memset(L, 0, (size_t)n);
        *min = -lo;
        return 0.0f;
    }
    float iscale = nmax / (hi - lo), scale = 1 / iscale;
    affine_levels(n, nmax, x, lo, iscale, L);
    float best = affine_error(n, x, w, L, scale, lo);
    uint8_t trial[32];
    for (int k = 0; k <= nstep; k++) {
        /* lo may have moved to the best fit so far; the grid follows it, as in llama.cpp */
        affine_levels(n, nmax, x, lo, (rmin + rdelta * k + nmax) / (hi - lo), trial);
        float sum_l = 0, sum_l2 = 0, sum_xl = 0;
        for (int i = 0; i < n; i++) {
            float wl = w[i] * trial[i];
            sum_l += wl;
            sum_l2 += wl * trial[i];
            sum_xl += wl * x[i];
        }
        float det = sum_w * sum_l2 - sum_l * sum_l;
        if (det <= 0) continue;
        float s = (sum_w * sum_xl - sum_x * sum_l) / det;
        float m = (sum_l2 * sum_x - sum_l * sum_xl) / det;
        if (m > 0) {
            m = 0;
            s = sum_xl / sum_l2;
        }
        float err = affine_error(n, x, w, trial, s, m);
        if (err < best) {
            memcpy(L, trial, (size_t)n);
            best = err;
            scale = s;
            lo = m;
        }
    }
    *min = -lo;
    return scale;
}

/* Weighted (x^2) sums of x*l and l*l for levels l = round(iscale*x) in [-nmax, nmax-1]. */
static void symmetric_sums(int n, int nmax, const float *x, float iscale, int8_t *L, float *sumlx,
                           float *suml2) {
    *sumlx = *suml2 = 0;
    for (int i = 0; i < n; i++) {
        int l = clampi(rz_nearest_int(iscale * x[i]), -nmax, nmax - 1);
        float w = x[i] * x[i];
        L[i] = (int8_t)(l + nmax);
        *sumlx += w * x[i] * l;
        *suml2 += w * l * l;
    }
}

float rz_kq_fit_symmetric(int n, int nmax, const float *x, int8_t *L) {
    float amax = 0, max = 0;
    for (int i = 0; i < n; i++) {
        if (fabsf(x[i]) > amax) {
            amax = fabsf(x[i]);
            max = x[i];
        }
    }
    if (amax < 1e-15f) {
        memset(L, 0, (size_t)n);
        return 0.0f;
    }
    float sumlx, suml2;
    symmetric_sums(n, nmax, x, -nmax / max, L, &sumlx, &suml2);
    float scale = suml2 != 0 ? sumlx / suml2 : 0.0f, best = scale * sumlx;
    int8_t trial[32];
    for (int k = -9; k <= 9; k++) {
        if (k == 0) continue;
        symmetric_sums(n, nmax, x, -(nmax + 0.1f * k) / max, trial, &sumlx, &suml2);
        if (suml2 > 0 && sumlx * sumlx > best * suml2) {
            memcpy(L, trial, (size_t)n);
            scale = sumlx / suml2;
            best = scale * sumlx;
        }
    }
    return scale;
}

/* Packs eight 6-bit scales and mins into the 12-byte table rz_kq_scale_min reads. */
static void pack_scales(const uint8_t sc[8], const uint8_t m[8], uint8_t s[12]) {
    for (int j = 0; j < 4; j++) {
        s[j] = (uint8_t)((sc[j] & 63) | ((sc[j + 4] >> 4) << 6));
        s[j + 4] = (uint8_t)((m[j] & 63) | ((m[j + 4] >> 4) << 6));
        s[j + 8] = (uint8_t)((sc[j + 4] & 0xf) | ((m[j + 4] & 0xf) << 4));
    }
}

/* 16 when bit g of qh[l] is set (q5_K's fifth bit), else 0; 0 for q4_K (qh NULL). */
static int fifth_bit(const uint8_t *qh, int l, int g) {
    return qh ? ((qh[l] >> g) & 1) << 4 : 0;
}

void rz_kq_affine_to_float(uint16_t d16, uint16_t dmin16, const uint8_t scales[12],
                           const uint8_t *ql, const uint8_t *qh, float *dst) {
    const float d = rz_f16_to_f32(d16), dmin = rz_f16_to_f32(dmin16);
    for (int g = 0; g < 8; g += 2, ql += 32) {
        uint8_t sc, m;
        rz_kq_scale_min(scales, g, &sc, &m);
        const float d1 = d * sc, m1 = dmin * m;
        rz_kq_scale_min(scales, g + 1, &sc, &m);
        const float d2 = d * sc, m2 = dmin * m;
        for (int l = 0; l < 32; l++)
            *dst++ = d1 * ((ql[l] & 0xf) | fifth_bit(qh, l, g)) - m1;
        for (int l = 0; l < 32; l++)
            *dst++ = d2 * ((ql[l] >> 4) | fifth_bit(qh, l, g + 1)) - m2;
    }
}

void rz_kq_quantize_affine(const float *x, int nmax, float rmin, float rdelta, int nstep,
                           uint16_t *d16, uint16_t *dmin16, uint8_t packed[12], uint8_t L[256]) {
    float scales[8], mins[8], w[32], max_scale = 0, max_min = 0;
    for (int j = 0; j < 8; j++) {
        const float *xj = x + 32 * j;
        float sum_x2 = 0;
        for (int l = 0; l < 32; l++)
            sum_x2 += xj[l] * xj[l];
        float av_x = sqrtf(sum_x2 / 32);
        for (int l = 0; l < 32; l++)
            w[l] = av_x + fabsf(xj[l]);
        scales[j] = fit_affine(32, nmax, xj, w, L + 32 * j, &mins[j], rmin, rdelta, nstep);
        if (scales[j] > max_scale) max_scale = scales[j];
        if (mins[j] > max_min) max_min = mins[j];
    }
    float inv_scale = max_scale > 0 ? 63.f / max_scale : 0.0f;
    float inv_min = max_min > 0 ? 63.f / max_min : 0.0f;
    uint8_t ls[8], lm[8];
    for (int j = 0; j < 8; j++) {
        ls[j] = (uint8_t)clampi(rz_nearest_int(inv_scale * scales[j]), 0, 63);
        lm[j] = (uint8_t)clampi(rz_nearest_int(inv_min * mins[j]), 0, 63);
    }
    *d16 = rz_f32_to_f16(max_scale / 63.f);
    *dmin16 = rz_f32_to_f16(max_min / 63.f);
    pack_scales(ls, lm, packed);
    float d = rz_f16_to_f32(*d16);
    float dmin = rz_f16_to_f32(*dmin16);
    for (int j = 0; j < 8; j++) {
        float dj = d * ls[j];
        if (dj == 0) continue;
        float mj = dmin * lm[j];
        for (int l = 0; l < 32; l++)
            L[32 * j + l] = (uint8_t)clampi(rz_nearest_int((x[32 * j + l] + mj) / dj), 0, nmax);
    }
}
