// Element-wise and per-head kernels of the decoder: RMSNorm, RoPE, softmax, the GLU
// activations, the residual add, KV-cache writes and causal attention (online softmax, one block
// per query head and token, its warps splitting the cache positions).
#include <math.h>

#include "backends/cuda/device.h"

namespace {

const char *last_error() {
    const cudaError_t e = cudaGetLastError();
    return e == cudaSuccess ? nullptr : cudaGetErrorString(e);
}

constexpr int RED_THREADS = 256;

// Sum (or max) over the block; every thread gets the result. blockDim.x == RED_THREADS.
template <bool MAX> __device__ float block_reduce(float v) {
    __shared__ float part[RED_THREADS / 32];
    for (int o = 16; o > 0; o >>= 1) {
        const float u = __shfl_xor_sync(0xffffffffu, v, o);
        v = MAX ? fmaxf(v, u) : v + u;
    }
    __syncthreads();
    if ((threadIdx.x & 31) == 0) part[threadIdx.x / 32] = v;
    __syncthreads();
    v = part[0];
    for (int i = 1; i < RED_THREADS / 32; i++)
        v = MAX ? fmaxf(v, part[i]) : v + part[i];
    return v;
}

__global__ void rmsnorm_kernel(float *out, const float *x, const float *w, int dim, float eps) {
    const float *xr = x + (int64_t)blockIdx.x * dim;
    float *o = out + (int64_t)blockIdx.x * dim;
    float ss = 0.0f;
    for (int i = threadIdx.x; i < dim; i += blockDim.x)
        ss = fmaf(xr[i], xr[i], ss);
    const float scale = rsqrtf(block_reduce<false>(ss) / (float)dim + eps);
    for (int i = threadIdx.x; i < dim; i += blockDim.x)
        o[i] = xr[i] * scale * w[i];
}

__global__ void rope_kernel(float *x, int n_heads, int head_dim, int rope_dims, const int *pos0,
                            float theta_scale, float scale, bool neox) {
    const int half = rope_dims / 2, t = blockIdx.y;
    const int idx = blockIdx.x * blockDim.x + threadIdx.x;
    if (idx >= n_heads * half) return;
    const int h = idx / half, i = idx % half;
    float theta = (float)(*pos0 + t);
    for (int j = 0; j < i; j++)
        theta *= theta_scale;
    float s, c;
    sincosf(theta * scale, &s, &c);
    float *v = x + ((int64_t)t * n_heads + h) * head_dim;
    const int a = neox ? i : 2 * i, b = neox ? i + half : 2 * i + 1;
    const float x0 = v[a], x1 = v[b];
    v[a] = x0 * c - x1 * s;
    v[b] = x0 * s + x1 * c;
}

__global__ void softmax_kernel(float *x, int len) {
    float *r = x + (int64_t)blockIdx.x * len;
    float m = -INFINITY;
    for (int i = threadIdx.x; i < len; i += blockDim.x)
        m = fmaxf(m, r[i]);
    m = block_reduce<true>(m);
    float sum = 0.0f;
    for (int i = threadIdx.x; i < len; i += blockDim.x) {
        const float e = expf(r[i] - m);
        r[i] = e;
        sum += e;
    }
    const float inv = 1.0f / block_reduce<false>(sum);
    for (int i = threadIdx.x; i < len; i += blockDim.x)
        r[i] *= inv;
}

__global__ void kv_store_kernel(const float *k, const float *v, float *kc, float *vc, int kv_dim,
                                int v_dim, const int *pos0) {
    const int t = blockIdx.y, p = *pos0 + t;
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < kv_dim || i < v_dim;
         i += gridDim.x * blockDim.x) {
        if (i < kv_dim) kc[(int64_t)p * kv_dim + i] = k[(int64_t)t * kv_dim + i];
        if (i < v_dim) vc[(int64_t)p * v_dim + i] = v[(int64_t)t * v_dim + i];
    }
}

constexpr int ATT_WARPS = 8, ATT_MAX = 8; // head dims up to 32 * ATT_MAX

__global__ void attention_kernel(const float *q, const float *kc, const float *vc, float *out,
                                 int n_heads, int n_kv_heads, int head_dim, int head_dim_v,
                                 const int *pos0, float scale) {
    __shared__ float sm[ATT_WARPS], sl[ATT_WARPS], sacc[ATT_WARPS][32 * ATT_MAX];
    const int h = blockIdx.x, t = blockIdx.y, lane = threadIdx.x & 31, wid = threadIdx.x / 32;
    const int kvh = h / (n_heads / n_kv_heads), n = *pos0 + t + 1;
    const int kv_dim = n_kv_heads * head_dim, v_dim = n_kv_heads * head_dim_v;
    const float *qh = q + ((int64_t)t * n_heads + h) * head_dim;
    float qr[ATT_MAX], acc[ATT_MAX];
#pragma unroll
    for (int j = 0; j < ATT_MAX; j++) {
        const int i = lane + 32 * j;
        qr[j] = i < head_dim ? qh[i] * scale : 0.0f;
        acc[j] = 0.0f;
    }
    float m = -INFINITY, l = 0.0f;
    for (int p = wid; p < n; p += ATT_WARPS) {
        const float *k = kc + (int64_t)p * kv_dim + (int64_t)kvh * head_dim;
        float s = 0.0f;
#pragma unroll
        for (int j = 0; j < ATT_MAX; j++)
            if (lane + 32 * j < head_dim) s = fmaf(qr[j], k[lane + 32 * j], s);
        for (int o = 16; o > 0; o >>= 1)
            s += __shfl_xor_sync(0xffffffffu, s, o);
        const float m_new = fmaxf(m, s), corr = expf(m - m_new), e = expf(s - m_new);
        const float *v = vc + (int64_t)p * v_dim + (int64_t)kvh * head_dim_v;
        l = l * corr + e;
#pragma unroll
        for (int j = 0; j < ATT_MAX; j++)
            if (lane + 32 * j < head_dim_v) acc[j] = acc[j] * corr + e * v[lane + 32 * j];
        m = m_new;
    }
    if (lane == 0) {
        sm[wid] = m;
        sl[wid] = l;
    }
#pragma unroll
    for (int j = 0; j < ATT_MAX; j++)
        sacc[wid][lane + 32 * j] = acc[j];
    __syncthreads();
    float mx = -INFINITY;
    for (int w = 0; w < ATT_WARPS; w++)
        mx = fmaxf(mx, sm[w]);
    float total = 0.0f, f[ATT_WARPS];
    for (int w = 0; w < ATT_WARPS; w++) {
        f[w] = sl[w] > 0.0f ? expf(sm[w] - mx) : 0.0f;
        total += sl[w] * f[w];
    }
    float *o = out + ((int64_t)t * n_heads + h) * head_dim_v;
    for (int i = threadIdx.x; i < head_dim_v; i += blockDim.x) {
        float sum = 0.0f;
        for (int w = 0; w < ATT_WARPS; w++)
            sum += sacc[w][i] * f[w];
        o[i] = sum / total;
    }
}

__global__ void glu_kernel(float *gate, const float *up, int64_t n, bool geglu) {
    const int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    const float g = gate[i];
    const float a =
        geglu ? 0.5f * g * (1.0f + tanhf(0.79788456080286535588f * g * (1.0f + 0.044715f * g * g)))
              : g / (1.0f + expf(-g));
    gate[i] = a * up[i];
}

__global__ void add_kernel(float *x, const float *y, int64_t n) {
    const int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) x[i] += y[i];
}

unsigned blocks_for(int64_t n, int per) {
    return (unsigned)((n + per - 1) / per);
}

} // namespace

extern "C" const char *rzc_rmsnorm(rzc_stream s, float *d_out, const float *d_x, const float *d_w,
                                   int dim, int n, float eps) {
    rmsnorm_kernel<<<n, RED_THREADS, 0, s>>>(d_out, d_x, d_w, dim, eps);
    return last_error();
}

extern "C" const char *rzc_rope(rzc_stream s, float *d_x, int n, int n_heads, int head_dim,
                                int rope_dims, const int *d_pos0, float base, float scale,
                                bool neox) {
    const float theta_scale = powf(base, -2.0f / (float)rope_dims);
    const dim3 grid(blocks_for((int64_t)n_heads * (rope_dims / 2), 128), (unsigned)n);
    rope_kernel<<<grid, 128, 0, s>>>(d_x, n_heads, head_dim, rope_dims, d_pos0, theta_scale, scale,
                                     neox);
    return last_error();
}

extern "C" const char *rzc_softmax(rzc_stream s, float *d_x, int len, int n) {
    softmax_kernel<<<n, RED_THREADS, 0, s>>>(d_x, len);
    return last_error();
}

extern "C" const char *rzc_kv_store(rzc_stream s, const float *d_k, const float *d_v, float *d_kc,
                                    float *d_vc, int n, int kv_dim, int v_dim, const int *d_pos0) {
    const dim3 grid(blocks_for(kv_dim > v_dim ? kv_dim : v_dim, 256), (unsigned)n);
    kv_store_kernel<<<grid, 256, 0, s>>>(d_k, d_v, d_kc, d_vc, kv_dim, v_dim, d_pos0);
    return last_error();
}

extern "C" const char *rzc_attention(rzc_stream s, const float *d_q, const float *d_kc,
                                     const float *d_vc, float *d_out, int n, int n_heads,
                                     int n_kv_heads, int head_dim, int head_dim_v,
                                     const int *d_pos0, float scale) {
    if (head_dim > 32 * ATT_MAX || head_dim_v > 32 * ATT_MAX) return "head size above 256";
    const dim3 grid((unsigned)n_heads, (unsigned)n);
    attention_kernel<<<grid, 32 * ATT_WARPS, 0, s>>>(d_q, d_kc, d_vc, d_out, n_heads, n_kv_heads,
                                                     head_dim, head_dim_v, d_pos0, scale);
    return last_error();
}

extern "C" const char *rzc_glu(rzc_stream s, float *d_gate, const float *d_up, int64_t n,
                               bool geglu) {
    glu_kernel<<<blocks_for(n, 256), 256, 0, s>>>(d_gate, d_up, n, geglu);
    return last_error();
}

extern "C" const char *rzc_add(rzc_stream s, float *d_x, const float *d_y, int64_t n) {
    add_kernel<<<blocks_for(n, 256), 256, 0, s>>>(d_x, d_y, n);
    return last_error();
}
