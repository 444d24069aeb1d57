/* The activation quantizers (q8_0 with its f32 scales and sums, q8_K) that AVX2 and AVX-512
 * share: the block loops and the layouts of backends/vec_dot.h. Included once by
 * backends/avx2/quantize_x.c and once by backends/avx512/quantize_x.c, each compiled with its own
 * ISA flags, after the file has defined its ISA's abs_max, first_with_abs, q8_0_quants and
 * q8_k_quants, and RZ_X86_QUANTIZE(type) naming its public functions (rz_avx2_quantize_q8_0,
 * ...). The scalar arithmetic here is the scalar quantizers', in their order. */
#if !defined(RZ_X86_QUANTIZE)
#error "quantize_x_body.h: define RZ_X86_QUANTIZE(type) before including it"
#endif
#include <string.h>

#include "engine/types/blocks.h"

void RZ_X86_QUANTIZE(q8_0)(const float *x, void *xq, int64_t n) {
    const int64_t nb = n / RZ_QK, padded = rz_vec_dot_q8_0_padded(n);
    const size_t tail = rz_vec_dot_q8_0_tail(n);
    rz_block_q8_0 *q = xq;
    float *d = (float *)((uint8_t *)xq + tail), *s = d + padded;
    int32_t *qsum = (int32_t *)(s + padded);
    for (int64_t i = 0; i < nb; i++, x += RZ_QK) {
        const float amax = abs_max(x, RZ_QK), di = amax / 127, id = di != 0 ? 1.0f / di : 0.0f;
        const int32_t sum = q8_0_quants(x, id, q[i].qs);
        q[i].d = _cvtss_sh(di, _MM_FROUND_TO_NEAREST_INT);
        d[i] = _cvtsh_ss(q[i].d);
        s[i] = d[i] * (float)sum;
        qsum[i] = sum;
    }
    memset(q + nb, 0, tail - (size_t)nb * sizeof *q);
    for (int64_t i = nb; i < padded; i++) {
        d[i] = s[i] = 0.0f;
        qsum[i] = 0;
    }
}

/* d = 1 / (-127 / max), max the first element of largest magnitude; an all-zero block stays
 * zero. */
void RZ_X86_QUANTIZE(q8_k)(const float *x, void *xq, int64_t n) {
    rz_block_q8_k *b = xq;
    for (int64_t i = 0; i < n / RZ_QK_K; i++, b++, x += RZ_QK_K) {
        const float amax = abs_max(x, RZ_QK_K);
        memset(b, 0, sizeof *b);
        if (amax == 0) continue;
        const float iscale = -127.f / first_with_abs(x, RZ_QK_K, amax);
        q8_k_quants(x, iscale, b);
        b->d = 1 / iscale;
    }
    rz_vec_dot_q8_k_finish(xq, n);
}

#undef RZ_X86_QUANTIZE
