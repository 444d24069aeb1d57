/* q8_1: q8_0 plus s, the scale times the sum of the quants, which dot kernels use to fold in an
 * offset (x = d*q; s plays no part in dequantization). The quantizer is ggml's
 * quantize_row_q8_1_ref (d = amax/127, round half away from zero, s = d*sum rounded to f16). The
 * block loops are shared with q8_0 (q8_block.h). */
#include "engine/types/kernels.h"
#include "engine/types/q8_block.h"

void rz_q8_1_to_float(const void *src, float *dst, int64_t n) {
    rz_q8_blocks_to_float(src, RZ_Q8_1_BYTES, RZ_Q8_1_QS, dst, n);
}

void rz_q8_1_from_float(const float *src, void *dst, int64_t n) {
    rz_q8_blocks_from_float(src, dst, RZ_Q8_1_BYTES, RZ_Q8_1_QS, RZ_Q8_1_S, n);
}
