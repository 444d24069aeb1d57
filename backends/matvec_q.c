/* rz_matvec_quantized (backends/backend.h): the `matvec` of every backend table. x is quantized
 * once into a stack buffer (the heap only for rows longer than STACK_X bytes of activations), so
 * decode allocates nothing; float weight types dot with x itself. */
#include <stdlib.h>

#include "backends/backend.h"
#include "backends/vec_dot.h"

enum { STACK_X = 32768 };

void rz_matvec_quantized(const rz_backend *be, uint32_t type, const void *w, const float *x,
                         float *y, int64_t rows, int64_t cols) {
    const int vdt = rz_vec_dot_type(type);
    const rz_vec_kernel k = vdt < 0 ? (rz_vec_kernel){NULL, NULL} : rz_vec_kernel_of(be->isa, type);
    uint64_t row_bytes;
    if (!k.dot || !rz_type_row_bytes(type, (uint64_t)cols, &row_bytes)) {
        rz_matvec_ref(be, type, w, x, y, rows, cols);
        return;
    }
    if (vdt == RZ_TYPE_F32) {
        rz_vec_dot_rows(&k, w, (size_t)row_bytes, x, 0, 1, y, 0, 0, rows, cols);
        return;
    }
    _Alignas(64) unsigned char stack[STACK_X];
    const size_t xb = rz_vec_dot_x_bytes(vdt, cols);
    void *xq = xb <= sizeof stack ? stack : malloc(xb);
    if (!xq) {
        rz_matvec_ref(be, type, w, x, y, rows, cols);
        return;
    }
    rz_vec_dot_quantize(be->isa, vdt, x, xq, cols);
    rz_vec_dot_rows(&k, w, (size_t)row_bytes, xq, 0, 1, y, 0, 0, rows, cols);
    if (xq != stack) free(xq);
}
