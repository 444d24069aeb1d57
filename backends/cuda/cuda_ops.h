/* The CUDA kernels one at a time on host arrays, for tests and benchmarks: each call copies its
 * inputs to the device, runs one kernel, copies the result back and frees what it allocated.
 * Except rz_cuda_op_decode_host, each needs a device. Shapes and types follow
 * backends/cuda/device.h; the reference for each is the CPU function of the same name
 * (rz_matvec_mt, rz_rmsnorm, rz_rope, rz_softmax, rz_glu). Failures as in cuda_backend.h. */
#ifndef RZ_BACKENDS_CUDA_CUDA_OPS_H
#define RZ_BACKENDS_CUDA_CUDA_OPS_H

#include <stdint.h>

#include "engine/core/status.h"
#include "engine/models/llama_config.h"

/* out = one row of cols elements of `type` decoded by the kernels' block decoders compiled for
 * the host: needs the CUDA build, not a device. The reference is the type's to_float. */
rz_status rz_cuda_op_decode_host(uint32_t type, const void *row, int64_t cols, float *out,
                                 rz_error *err);

/* y[r] = W[r] . x; W is rows x cols of `type`, rows back to back. */
rz_status rz_cuda_op_matvec(uint32_t type, const void *w, const float *x, float *y, int64_t rows,
                            int64_t cols, rz_error *err);

/* Y[t][r] = W[r] . X[t] for t < n (the prompt GEMM). */
rz_status rz_cuda_op_gemm(uint32_t type, const void *w, const float *x, float *y, int64_t rows,
                          int64_t cols, int n, rz_error *err);

/* out[t] = row ids[t] of W (rows x cols) dequantized, for t < n. */
rz_status rz_cuda_op_get_rows(uint32_t type, const void *w, int64_t rows, int64_t cols,
                              const int32_t *ids, int n, float *out, rz_error *err);

/* n rows of dim floats, each normalized as rz_rmsnorm. */
rz_status rz_cuda_op_rmsnorm(float *out, const float *x, const float *w, int dim, int n, float eps,
                             rz_error *err);

/* In place, as rz_rope. */
rz_status rz_cuda_op_rope(float *x, int n_heads, int head_dim, int rope_dims, int pos, float base,
                          float scale, rz_rope_mode mode, rz_error *err);

/* n rows of len floats, each in place as rz_softmax. */
rz_status rz_cuda_op_softmax(float *x, int len, int n, rz_error *err);

/* In place, as rz_glu. */
rz_status rz_cuda_op_glu(float *gate, const float *up, int n, rz_ffn_act act, rz_error *err);

/* One query token (n_heads x head_dim) at position n_pos - 1 over caches of n_pos positions
 * (k: n_pos x n_kv_heads x head_dim, v: n_pos x n_kv_heads x head_dim_v): out[h] is the
 * softmax(scale * q_h . k)-weighted sum of the values of kv head h / (n_heads / n_kv_heads). */
rz_status rz_cuda_op_attention(const float *q, const float *k, const float *v, float *out,
                               int n_pos, int n_heads, int n_kv_heads, int head_dim, int head_dim_v,
                               float scale, rz_error *err);

#endif
