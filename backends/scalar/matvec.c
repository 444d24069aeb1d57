/* Reference matrix-vector product: dequantize a slice of a row into a stack buffer, dot it with
 * the matching slice of x, sum the slices. Correct for every type; the fast kernels quantize x
 * instead and never materialise float weights. */
#include <assert.h>
#include <stdint.h>

#include "backends/backend.h"

/* A multiple of every block size (32 and 256), small enough for the stack. */
enum { SLICE = 1024 };

void rz_matvec_ref(const rz_backend *be, uint32_t type, const void *w, const float *x, float *y,
                   int64_t rows, int64_t cols) {
    const rz_type_traits *t = rz_type_get(type);
    rz_to_float_fn to_float = rz_backend_to_float(be, type);
    assert(t && to_float && SLICE % t->block_size == 0 && cols % t->block_size == 0);
    const uint64_t row_bytes = (uint64_t)(cols / t->block_size) * t->block_bytes;
    const uint64_t slice_bytes = (uint64_t)(SLICE / t->block_size) * t->block_bytes;
    float buf[SLICE];
    for (int64_t r = 0; r < rows; r++) {
        const uint8_t *row = (const uint8_t *)w + (uint64_t)r * row_bytes;
        float sum = 0.0f;
        for (int64_t c = 0; c < cols; c += SLICE) {
            int64_t n = cols - c < SLICE ? cols - c : SLICE;
            to_float(row + (uint64_t)(c / SLICE) * slice_bytes, buf, n);
            sum += be->dot_f32(buf, x + c, (size_t)n);
        }
        y[r] = sum;
    }
}
