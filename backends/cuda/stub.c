/* rz_cuda when built without CUDA (RZ_CUDA=OFF): every entry point answers "built without CUDA",
 * so callers and tests link the same way in both builds. */
#include <stdio.h>

#include "backends/cuda/cuda_backend.h"
#include "backends/cuda/cuda_ops.h"

static rz_status off(rz_error *err) {
    return rz_fail(err, RZ_EUNSUPPORTED, "built without CUDA (RZ_CUDA=OFF)");
}

bool rz_cuda_available(char *why, size_t cap) {
    if (why && cap) snprintf(why, cap, "built without CUDA (RZ_CUDA=OFF)");
    return false;
}

rz_status rz_cuda_device_info(rz_cuda_device *d, rz_error *err) {
    (void)d;
    return off(err);
}

rz_status rz_cuda_bandwidth(size_t bytes, int reps, double *gbps, rz_error *err) {
    (void)bytes, (void)reps, (void)gbps;
    return off(err);
}

rz_status rz_cuda_llama_new(const rz_llama_model *m, int n_ctx, int n_batch, rz_cuda_llama **out,
                            rz_error *err) {
    (void)m, (void)n_ctx, (void)n_batch;
    *out = NULL;
    return off(err);
}

void rz_cuda_llama_free(rz_cuda_llama *g) {
    (void)g;
}

rz_status rz_cuda_llama_forward(rz_cuda_llama *g, int32_t token, int pos, rz_error *err) {
    (void)g, (void)token, (void)pos;
    return off(err);
}

rz_status rz_cuda_llama_forward_prompt(rz_cuda_llama *g, const int32_t *tokens, int n, int pos0,
                                       rz_error *err) {
    (void)g, (void)tokens, (void)n, (void)pos0;
    return off(err);
}

const float *rz_cuda_llama_logits(const rz_cuda_llama *g) {
    (void)g;
    return NULL;
}

uint64_t rz_cuda_llama_weight_bytes(const rz_cuda_llama *g) {
    (void)g;
    return 0;
}

rz_status rz_cuda_op_decode_host(uint32_t type, const void *row, int64_t cols, float *out,
                                 rz_error *err) {
    (void)type, (void)row, (void)cols, (void)out;
    return off(err);
}

rz_status rz_cuda_op_matvec(uint32_t type, const void *w, const float *x, float *y, int64_t rows,
                            int64_t cols, rz_error *err) {
    (void)type, (void)w, (void)x, (void)y, (void)rows, (void)cols;
    return off(err);
}

rz_status rz_cuda_op_gemm(uint32_t type, const void *w, const float *x, float *y, int64_t rows,
                          int64_t cols, int n, rz_error *err) {
    (void)type, (void)w, (void)x, (void)y, (void)rows, (void)cols, (void)n;
    return off(err);
}

rz_status rz_cuda_op_get_rows(uint32_t type, const void *w, int64_t rows, int64_t cols,
                              const int32_t *ids, int n, float *out, rz_error *err) {
    (void)type, (void)w, (void)rows, (void)cols, (void)ids, (void)n, (void)out;
    return off(err);
}

rz_status rz_cuda_op_rmsnorm(float *out, const float *x, const float *w, int dim, int n, float eps,
                             rz_error *err) {
    (void)out, (void)x, (void)w, (void)dim, (void)n, (void)eps;
    return off(err);
}

rz_status rz_cuda_op_rope(float *x, int n_heads, int head_dim, int rope_dims, int pos, float base,
                          float scale, rz_rope_mode mode, rz_error *err) {
    (void)x, (void)n_heads, (void)head_dim, (void)rope_dims, (void)pos, (void)base, (void)scale,
        (void)mode;
    return off(err);
}

rz_status rz_cuda_op_softmax(float *x, int len, int n, rz_error *err) {
    (void)x, (void)len, (void)n;
    return off(err);
}

rz_status rz_cuda_op_glu(float *gate, const float *up, int n, rz_ffn_act act, rz_error *err) {
    (void)gate, (void)up, (void)n, (void)act;
    return off(err);
}

rz_status rz_cuda_op_attention(const float *q, const float *k, const float *v, float *out,
                               int n_pos, int n_heads, int n_kv_heads, int head_dim, int head_dim_v,
                               float scale, rz_error *err) {
    (void)q, (void)k, (void)v, (void)out, (void)n_pos, (void)n_heads, (void)n_kv_heads,
        (void)head_dim, (void)head_dim_v, (void)scale;
    return off(err);
}
