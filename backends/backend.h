/* rz_backend: the table of kernels the engine calls; the model code never names an ISA.
 * Contract: one table per ISA (scalar reference, AVX2, AVX-512; the AVX-512 table's packed gemm
 * slots run AMX tiles where usable, backends/amx/amx.h). rz_backend_select picks one
 * once at start, from a name, from RZ_BACKEND=scalar|avx2|avx512, or from CPUID (the widest ISA
 * the CPU and OS support). It is the only mutable global state in librz beside whether AMX is
 * usable, decided once (backends/amx/enable.c). Every fast kernel must agree with the scalar one
 * within the tolerance its test states; the to_float kernels are bit-identical to the scalar
 * reference (no FMA, the same operation order per element). */
#ifndef RZ_BACKENDS_BACKEND_H
#define RZ_BACKENDS_BACKEND_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/core/status.h"
#include "engine/types/types.h"

typedef enum { RZ_ISA_SCALAR, RZ_ISA_AVX2, RZ_ISA_AVX512, RZ_ISA_COUNT } rz_isa;

typedef struct rz_backend rz_backend;

/* The kernel signatures of backends/vec_dot.h, where their contracts are. */
typedef float (*rz_vec_dot_fn)(const void *w, const void *xq, int64_t n);
typedef void (*rz_vec_tile_fn)(const void *w, size_t row_bytes, int nr, const void *xq,
                               size_t x_bytes, int nt, float *y, size_t ldy, int64_t n);
typedef void (*rz_vec_quantize_fn)(const float *x, void *xq, int64_t n);

/* An ISA's traits for one weight type, as ggml's type traits: dot and tile kernels (dot NULL
 * where the ISA cannot dot the type, tile NULL where it has no tile kernel), the partner type
 * vdt the activations are quantized to (RZ_TYPE_Q8_0, RZ_TYPE_Q8_K, or RZ_TYPE_F32 for float
 * weights, which dot x itself; RZ_TYPE_BF16 for AMX's packed bf16), this ISA's quantizer to it
 * (NULL for RZ_TYPE_F32) and, for the packed types of backends/pack.h only, gemm (then dot and
 * tile are NULL). */
typedef struct {
    rz_vec_dot_fn dot;
    rz_vec_tile_fn tile;
    int vdt;
    rz_vec_quantize_fn quantize;
    rz_vec_tile_fn gemm;
} rz_vec_kernel;

struct rz_backend {
    const char *name;
    rz_isa isa;
    /* sum over i < n of a[i] * b[i]; any alignment, any n */
    float (*dot_f32)(const float *a, const float *b, size_t n);
    /* y[i] += a * x[i] for i < n; any alignment, any n (SIMD: one fused multiply-add per element,
     * the scalar reference a product then a sum) */
    void (*axpy_f32)(float a, const float *x, float *y, size_t n);
    /* the same two with one operand in f16 (an F16 KV cache): the dot is the ISA's F16 weight
     * dot (backends/vec_dot.h); axpy widens each x[i] exactly, then as axpy_f32 */
    float (*dot_f16)(const uint16_t *a, const float *b, size_t n);
    void (*axpy_f16)(float a, const uint16_t *x, float *y, size_t n);
    /* attention over an F16 cache for `heads` query heads that share one KV head: row i of
     * the cache at a + i * stride (x + i * stride), head h's query at q + h * n, its scores
     * (weights) at out + h * ld (a + h * ld), its output at y + h * n. dot_f16_heads:
     * out[h * ld + i] = the dot of row i with head h's query, for i < rows and h < heads, each
     * in one fixed order of operations whatever rows and heads are (a decode and a prompt get
     * the same bits); axpy_f16_heads: head h's output += a[h * ld + i] * row i for i < rows in
     * order, the bits of axpy_f16 called row after row. One call converts each row once for
     * all the heads. */
    void (*dot_f16_heads)(const uint16_t *a, size_t stride, int rows, const float *q, int heads,
                          size_t n, float *out, size_t ld);
    void (*axpy_f16_heads)(const float *a, size_t ld, const uint16_t *x, size_t stride, int rows,
                           int heads, float *y, size_t n);
    /* softmax of x[i] * scale over i < n, in place (attention's scores): each score scaled
     * first, then exp(s - max) / sum with the sum in double, as ggml. The scalar reference
     * calls expf; the SIMD kernels their own exp (avx2/softmax.c, avx512/softmax.c), within a
     * few ulp of it. n >= 1. */
    void (*softmax)(float *x, int n, float scale);
    /* gate[i] = gate[i] / (1 + exp(-gate[i])) * up[i] for i < n (SwiGLU's SiLU, ggml's formula);
     * exp as in softmax */
    void (*silu_mul)(float *gate, const float *up, size_t n);
    /* dequantize n elements (a multiple of the type's block size), indexed by rz_type; NULL
     * where this ISA has no kernel of its own (rz_backend_to_float then falls back to scalar) */
    void (*to_float[RZ_TYPE_ID_LIMIT])(const void *src, float *dst, int64_t n);
    /* the matrix-product kernels, indexed by weight type, packed types included (the one path
     * from the model's projections, backends/matvec_threads.h, to the ISA's kernels) */
    const rz_vec_kernel *vec;
};

typedef void (*rz_to_float_fn)(const void *src, float *dst, int64_t n);

extern const rz_backend rz_backend_scalar;
extern const rz_backend rz_backend_avx2;
extern const rz_backend rz_backend_avx512;

/* True when this CPU and OS can run the ISA. */
bool rz_cpu_supports(rz_isa isa);

/* The table for an ISA, or NULL when the CPU cannot run it. */
const rz_backend *rz_backend_for(rz_isa isa);

/* The widest ISA this CPU supports. */
rz_isa rz_backend_best_isa(void);

/* Selects the active table: `name` if non-NULL, else $RZ_BACKEND if set, else the best ISA.
 * Fails with RZ_EINVAL for an unknown name and RZ_EUNSUPPORTED for an ISA the CPU lacks, and
 * for "cuda" (the CUDA backend runs whole models: backends/cuda/cuda_backend.h). */
rz_status rz_backend_select(const char *name, rz_error *err);

/* The active table; the best ISA when rz_backend_select was never called. */
const rz_backend *rz_backend_active(void);

/* be's dequantization kernel for type, else the scalar reference; NULL when rz cannot
 * dequantize the type (unknown id). */
rz_to_float_fn rz_backend_to_float(const rz_backend *be, uint32_t type);

/* The reference matvec (backends/scalar/matvec.c): each row dequantized with be's to_float and
 * dotted with x by be->dot_f32. The type must be one rz_backend_to_float knows. */
void rz_matvec_ref(const rz_backend *be, uint32_t type, const void *w, const float *x, float *y,
                   int64_t rows, int64_t cols);

#endif
