/* q8_0: 32 elements as int8 with one f16 scale (x = d*q). The quantizer is ggml's
 * quantize_row_q8_0_ref (d = amax/127, round half away from zero); byte-identical to gguf-py.
 * The block loops are shared with q8_1 (q8_block.h). */
#include "engine/types/kernels.h"
#include "engine/types/q8_block.h"

void rz_q8_0_to_float(const void *src, float *dst, int64_t n) {
    rz_q8_blocks_to_float(src, RZ_Q8_0_BYTES, RZ_Q8_0_QS, dst, n);
}

void rz_q8_0_from_float(const float *src, void *dst, int64_t n) {
    rz_q8_blocks_from_float(src, dst, RZ_Q8_0_BYTES, RZ_Q8_0_QS, 0, n);
}
