/* q8_0: 32 elements as int8 with one f16 scale (x = d*q). The quantizer is ggml's
 * quantize_row_q8_0_ref (d = amax/127, round half away from zero); byte-identical to gguf-py.
 * The per-block arithmetic is shared with q8_1 (q8_block.h). */
#include "engine/types/half.h"
#include "engine/types/kernels.h"
#include "engine/types/q8_block.h"

void rz_q8_0_to_float(const void *src, float *dst, int64_t n) {
    const rz_block_q8_0 *b = src;
    for (int64_t i = 0; i < n / RZ_QK; i++, b++, dst += RZ_QK)
        rz_q8_quants_to_float(rz_f16_to_f32(b->d), b->qs, dst);
}

void rz_q8_0_from_float(const float *src, void *dst, int64_t n) {
    rz_block_q8_0 *b = dst;
    for (int64_t i = 0; i < n / RZ_QK; i++, b++, src += RZ_QK) {
        int sum;
        b->d = rz_f32_to_f16(rz_q8_quants_from_float(src, b->qs, &sum));
    }
}
