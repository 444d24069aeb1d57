/* The device layer of the CUDA backend: plain C entry points implemented in the .cu files, so
 * that the orchestration (the C files beside them) stays C11. Every function returns NULL on
 * success or the CUDA runtime's message (a static string) on failure. Pointers named d_* are device
 * memory. Kernel launchers enqueue on stream s and never synchronize; values read through `pos0` (a
 * device int) are read when the kernel runs, so a captured CUDA graph can be replayed at another
 * position by rewriting that int. Types: rz_type ids F32, F16, Q4_0, Q8_0, Q4_K, Q5_K, Q6_K
 * (rzc_type_supported); cols is a whole number of the type's blocks (any for F32/F16). */
#ifndef RZ_BACKENDS_CUDA_DEVICE_H
#define RZ_BACKENDS_CUDA_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct CUstream_st *rzc_stream;
typedef struct rzc_graph rzc_graph;

bool rzc_type_supported(uint32_t type);

/* Decodes one row of cols elements with the device's block decoders, run on the host; false for
 * an unsupported type or when the decoders' coverage rules break (see quant.cuh). */
bool rzc_decode_host(uint32_t type, const void *row, int64_t cols, float *out);

/* The number of CUDA devices; the driver's message when it cannot say (no driver, no device). */
const char *rzc_device_count(int *n);

const char *rzc_malloc(void **d_p, size_t n);
void rzc_free(void *d_p);
const char *rzc_host_alloc(void **p, size_t n); /* pinned */
void rzc_host_free(void *p);
const char *rzc_memset(void *d_p, int value, size_t n);
const char *rzc_copy(void *dst, const void *src, size_t n); /* any direction, synchronous */
const char *rzc_copy_async(rzc_stream s, void *dst, const void *src, size_t n);
const char *rzc_stream_new(rzc_stream *s);
void rzc_stream_free(rzc_stream s);
const char *rzc_sync(rzc_stream s);

/* Stream capture into a graph, its replay, its release. */
const char *rzc_capture_begin(rzc_stream s);
const char *rzc_capture_end(rzc_stream s, rzc_graph **g);
const char *rzc_graph_launch(rzc_graph *g, rzc_stream s);
void rzc_graph_free(rzc_graph *g);

/* y[r] = W[r] . x for r < rows: one warp per row, each weight byte read once. */
const char *rzc_matvec(rzc_stream s, uint32_t type, const void *d_w, const float *d_x, float *d_y,
                       int64_t rows, int64_t cols);

/* y[r] += W[r] . x for r < rows (a projection and its residual add in one launch). */
const char *rzc_matvec_add(rzc_stream s, uint32_t type, const void *d_w, const float *d_x,
                           float *d_y, int64_t rows, int64_t cols);

/* Y[t][r] = W[r] . X[t] for t < n (X: n x cols, Y: n x rows), tiles dequantized on the fly. */
const char *rzc_gemm(rzc_stream s, uint32_t type, const void *d_w, const float *d_x, float *d_y,
                     int64_t rows, int64_t cols, int n);

/* out[t] = scale * row ids[t] of W dequantized, for t < n (out: n x cols). */
const char *rzc_get_rows(rzc_stream s, uint32_t type, const void *d_w, const int32_t *d_ids,
                         float *d_out, int64_t cols, int n, float scale);

/* Each of n rows of dim floats: out = x / sqrt(mean(x^2) + eps) * w; out may alias x. */
const char *rzc_rmsnorm(rzc_stream s, float *d_out, const float *d_x, const float *d_w, int dim,
                        int n, float eps);

/* Token t of n (n_heads vectors of head_dim floats each, tokens back to back) is at position
 * *d_pos0 + t; the first rope_dims of each head turn as rz_rope does (neox: split halves). */
const char *rzc_rope(rzc_stream s, float *d_x, int n, int n_heads, int head_dim, int rope_dims,
                     const int *d_pos0, float base, float scale, bool neox);

/* Each of n rows of len floats: x = exp(x - max) / sum. */
const char *rzc_softmax(rzc_stream s, float *d_x, int len, int n);

/* Writes token t's k (kv_dim floats) and v (v_dim) at position *d_pos0 + t of the caches. */
const char *rzc_kv_store(rzc_stream s, const float *d_k, const float *d_v, float *d_kc, float *d_vc,
                         int n, int kv_dim, int v_dim, const int *d_pos0);

/* Causal attention: query head h of token t (at position p = *d_pos0 + t) over cache positions
 * 0..p, kv head h / (n_heads / n_kv_heads); out[t][h] holds head_dim_v floats. head_dim and
 * head_dim_v at most 256. */
const char *rzc_attention(rzc_stream s, const float *d_q, const float *d_kc, const float *d_vc,
                          float *d_out, int n, int n_heads, int n_kv_heads, int head_dim,
                          int head_dim_v, const int *d_pos0, float scale);

/* gate[i] = act(gate[i]) * up[i], act silu or (geglu) gelu_tanh. */
const char *rzc_glu(rzc_stream s, float *d_gate, const float *d_up, int64_t n, bool geglu);

/* x[i] += y[i]. */
const char *rzc_add(rzc_stream s, float *d_x, const float *d_y, int64_t n);

/* The device's name, compute capability, memory, and its nominal memory bandwidth in GB/s
 * (bus width x memory clock x 2); the driver and runtime versions. */
const char *rzc_device_props(char *name, size_t cap, int *cc_major, int *cc_minor,
                             size_t *mem_bytes, double *nominal_gbps, int *driver, int *runtime);

/* Device-to-device copy bandwidth in GB/s (bytes read + written per second), best of reps. */
const char *rzc_measure_bandwidth(size_t bytes, int reps, double *gbps);

#ifdef __cplusplus
}
#endif

#endif
