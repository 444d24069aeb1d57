/* rz_cuda_op_*: one kernel on host arrays, through a scratch set of device buffers. */
#include "backends/cuda/cuda_ops.h"

#include <stdio.h>

#include "backends/cuda/cuda_backend.h"
#include "backends/cuda/cuda_status.h"
#include "backends/cuda/device.h"
#include "engine/types/types.h"

enum { MAX_BUFS = 8 };

/* Device buffers of one call; the first failure sticks and later steps do nothing. */
typedef struct {
    void *p[MAX_BUFS];
    int n;
    const char *e;
    const char *what;
} scratch;

/* A device buffer of n bytes holding src (when non-NULL), or NULL after a failure. */
static void *dev(scratch *s, const void *src, size_t n) {
    if (s->e) return NULL;
    void *p = NULL;
    s->e = rzc_malloc(&p, n ? n : 1);
    s->what = "allocating";
    if (s->e) return NULL;
    s->p[s->n++] = p;
    if (src) {
        s->e = rzc_copy(p, src, n);
        s->what = "copying to the device";
    }
    return p;
}

static void run(scratch *s, const char *e) {
    if (s->e) return;
    s->e = e;
    s->what = "running the kernel";
    if (!e) {
        s->e = rzc_sync(NULL);
        s->what = "waiting for the kernel";
    }
}

static void back(scratch *s, void *dst, const void *d_src, size_t n) {
    if (s->e) return;
    s->e = rzc_copy(dst, d_src, n);
    s->what = "copying from the device";
}

static rz_status finish(scratch *s, rz_error *err) {
    for (int i = 0; i < s->n; i++)
        rzc_free(s->p[i]);
    return rzc_status(err, s->e, s->what);
}

static rz_status ready(uint32_t type, int64_t cols, rz_error *err) {
    if (rzc_need_device(err)) return RZ_EUNSUPPORTED;
    if (!rzc_type_supported(type))
        return rz_fail(err, RZ_EUNSUPPORTED, "type %s: no CUDA kernel", rz_type_ggml_name(type));
    uint64_t bytes;
    if (cols < 1 || !rz_type_row_bytes(type, (uint64_t)cols, &bytes))
        return rz_fail(err, RZ_EINVAL, "%lld columns of %s: not whole blocks", (long long)cols,
                       rz_type_ggml_name(type));
    return RZ_OK;
}

static uint64_t row_bytes(uint32_t type, int64_t cols) {
    uint64_t b = 0;
    rz_type_row_bytes(type, (uint64_t)cols, &b);
    return b;
}

rz_status rz_cuda_op_decode_host(uint32_t type, const void *row, int64_t cols, float *out,
                                 rz_error *err) {
    if (!rzc_type_supported(type))
        return rz_fail(err, RZ_EUNSUPPORTED, "type %s: no CUDA kernel", rz_type_ggml_name(type));
    uint64_t bytes;
    if (cols < 1 || !rz_type_row_bytes(type, (uint64_t)cols, &bytes))
        return rz_fail(err, RZ_EINVAL, "%lld columns of %s: not whole blocks", (long long)cols,
                       rz_type_ggml_name(type));
    if (!rzc_decode_host(type, row, cols, out))
        return rz_fail(err, RZ_EFORMAT, "%s: the block decoders break their coverage rules",
                       rz_type_ggml_name(type));
    return RZ_OK;
}

rz_status rz_cuda_op_matvec(uint32_t type, const void *w, const float *x, float *y, int64_t rows,
                            int64_t cols, rz_error *err) {
    rz_status st = ready(type, cols, err);
    if (st) return st;
    scratch s = {0};
    const void *dw = dev(&s, w, row_bytes(type, cols) * (uint64_t)rows);
    const float *dx = dev(&s, x, (size_t)cols * sizeof(float));
    float *dy = dev(&s, NULL, (size_t)rows * sizeof(float));
    if (!s.e) run(&s, rzc_matvec(NULL, type, dw, dx, dy, rows, cols));
    back(&s, y, dy, (size_t)rows * sizeof(float));
    return finish(&s, err);
}

rz_status rz_cuda_op_gemm(uint32_t type, const void *w, const float *x, float *y, int64_t rows,
                          int64_t cols, int n, rz_error *err) {
    rz_status st = ready(type, cols, err);
    if (st) return st;
    scratch s = {0};
    const void *dw = dev(&s, w, row_bytes(type, cols) * (uint64_t)rows);
    const float *dx = dev(&s, x, (size_t)cols * n * sizeof(float));
    float *dy = dev(&s, NULL, (size_t)rows * n * sizeof(float));
    if (!s.e) run(&s, rzc_gemm(NULL, type, dw, dx, dy, rows, cols, n));
    back(&s, y, dy, (size_t)rows * n * sizeof(float));
    return finish(&s, err);
}

rz_status rz_cuda_op_get_rows(uint32_t type, const void *w, int64_t rows, int64_t cols,
                              const int32_t *ids, int n, float *out, rz_error *err) {
    rz_status st = ready(type, cols, err);
    if (st) return st;
    for (int i = 0; i < n; i++)
        if (ids[i] < 0 || ids[i] >= rows)
            return rz_fail(err, RZ_EINVAL, "row %d: expected 0..%lld", ids[i], (long long)rows - 1);
    scratch s = {0};
    const void *dw = dev(&s, w, row_bytes(type, cols) * (uint64_t)rows);
    const int32_t *di = dev(&s, ids, (size_t)n * sizeof(int32_t));
    float *dout = dev(&s, NULL, (size_t)cols * n * sizeof(float));
    if (!s.e) run(&s, rzc_get_rows(NULL, type, dw, di, dout, cols, n, 1.0f));
    back(&s, out, dout, (size_t)cols * n * sizeof(float));
    return finish(&s, err);
}

rz_status rz_cuda_op_rmsnorm(float *out, const float *x, const float *w, int dim, int n, float eps,
                             rz_error *err) {
    rz_status st = rzc_need_device(err);
    if (st) return st;
    scratch s = {0};
    float *dx = dev(&s, x, (size_t)dim * n * sizeof(float));
    const float *dw = dev(&s, w, (size_t)dim * sizeof(float));
    if (!s.e) run(&s, rzc_rmsnorm(NULL, dx, dx, dw, dim, n, eps));
    back(&s, out, dx, (size_t)dim * n * sizeof(float));
    return finish(&s, err);
}

rz_status rz_cuda_op_rope(float *x, int n_heads, int head_dim, int rope_dims, int pos, float base,
                          float scale, rz_rope_mode mode, rz_error *err) {
    rz_status st = rzc_need_device(err);
    if (st) return st;
    scratch s = {0};
    const size_t bytes = (size_t)n_heads * head_dim * sizeof(float);
    float *dx = dev(&s, x, bytes);
    const int *dpos = dev(&s, &pos, sizeof pos);
    if (!s.e)
        run(&s, rzc_rope(NULL, dx, 1, n_heads, head_dim, rope_dims, dpos, base, scale,
                         mode == RZ_ROPE_NEOX));
    back(&s, x, dx, bytes);
    return finish(&s, err);
}

rz_status rz_cuda_op_softmax(float *x, int len, int n, rz_error *err) {
    rz_status st = rzc_need_device(err);
    if (st) return st;
    scratch s = {0};
    float *dx = dev(&s, x, (size_t)len * n * sizeof(float));
    if (!s.e) run(&s, rzc_softmax(NULL, dx, len, n));
    back(&s, x, dx, (size_t)len * n * sizeof(float));
    return finish(&s, err);
}

rz_status rz_cuda_op_glu(float *gate, const float *up, int n, rz_ffn_act act, rz_error *err) {
    rz_status st = rzc_need_device(err);
    if (st) return st;
    scratch s = {0};
    float *dg = dev(&s, gate, (size_t)n * sizeof(float));
    const float *du = dev(&s, up, (size_t)n * sizeof(float));
    if (!s.e) run(&s, rzc_glu(NULL, dg, du, n, act == RZ_FFN_GEGLU));
    back(&s, gate, dg, (size_t)n * sizeof(float));
    return finish(&s, err);
}

rz_status rz_cuda_op_attention(const float *q, const float *k, const float *v, float *out,
                               int n_pos, int n_heads, int n_kv_heads, int head_dim, int head_dim_v,
                               float scale, rz_error *err) {
    rz_status st = rzc_need_device(err);
    if (st) return st;
    if (n_pos < 1 || n_kv_heads < 1 || n_heads % n_kv_heads)
        return rz_fail(err, RZ_EINVAL, "attention of %d heads over %d kv heads, %d positions",
                       n_heads, n_kv_heads, n_pos);
    scratch s = {0};
    const int pos = n_pos - 1;
    const float *dq = dev(&s, q, (size_t)n_heads * head_dim * sizeof(float));
    const float *dk = dev(&s, k, (size_t)n_pos * n_kv_heads * head_dim * sizeof(float));
    const float *dv = dev(&s, v, (size_t)n_pos * n_kv_heads * head_dim_v * sizeof(float));
    float *dout = dev(&s, NULL, (size_t)n_heads * head_dim_v * sizeof(float));
    const int *dpos = dev(&s, &pos, sizeof pos);
    if (!s.e)
        run(&s, rzc_attention(NULL, dq, dk, dv, dout, 1, n_heads, n_kv_heads, head_dim, head_dim_v,
                              dpos, scale));
    back(&s, out, dout, (size_t)n_heads * head_dim_v * sizeof(float));
    return finish(&s, err);
}
