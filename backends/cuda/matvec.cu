// Weight kernels: the decode matvec (one warp per row, each lane decoding 8-element parts, so a
// row's bytes are read once and coalesced), a tiled GEMM for prompts that dequantizes 64x128
// weight tiles into shared memory, and get_rows for embeddings.
#include "backends/cuda/device.h"
#include "backends/cuda/quant.cuh"
#include "engine/types/types.h"

namespace {

using namespace rzc;

constexpr int MV_WARPS = 4;

// y[r] = W[r] . x, or with ADD y[r] += W[r] . x (the residual add fused into the projection).
template <typename T, bool ADD>
__global__ void matvec_kernel(const uint8_t *__restrict__ w, const float *__restrict__ x,
                              float *__restrict__ y, int64_t rows, int64_t cols) {
    const int lane = threadIdx.x & 31;
    const int64_t r = (int64_t)blockIdx.x * MV_WARPS + threadIdx.x / 32;
    if (r >= rows) return;
    const int64_t parts = (cols + T::QK - 1) / T::QK * T::PARTS;
    const uint8_t *row = w + r * T::row_bytes(cols);
    float sum = 0.0f;
    for (int64_t g = lane; g < parts; g += 32) {
        const int64_t b = g / T::PARTS;
        const int p = (int)(g % T::PARTS);
        float v[8];
        T::load(row + b * T::BYTES, p, v, cols - b * T::QK);
#pragma unroll
        for (int k = 0; k < 8; k++) {
            const int64_t e = b * T::QK + T::index(p, k);
            if (!T::TAIL || e < cols) sum = fmaf(v[k], __ldg(x + e), sum);
        }
    }
#pragma unroll
    for (int o = 16; o > 0; o >>= 1)
        sum += __shfl_xor_sync(0xffffffffu, sum, o);
    if (lane == 0) y[r] = ADD ? y[r] + sum : sum;
}

constexpr int TM = 64, TN = 16, KS = 128, GEMM_THREADS = 256;

template <typename T>
__global__ void gemm_kernel(const uint8_t *__restrict__ w, const float *__restrict__ x,
                            float *__restrict__ y, int64_t rows, int64_t cols, int n) {
    __shared__ float ws[TM][KS + 1];
    __shared__ float xs[TN][KS];
    const int tid = threadIdx.x;
    const int64_t r0 = (int64_t)blockIdx.x * TM;
    const int t0 = blockIdx.y * TN;
    const int64_t rb = T::row_bytes(cols);
    const int my_r = tid % TM, my_t = (tid / TM) * (TN * TM / GEMM_THREADS);
    float acc[TN * TM / GEMM_THREADS] = {};
    for (int64_t k0 = 0; k0 < cols; k0 += KS) {
        for (int i = tid; i < TM * (KS / 8); i += GEMM_THREADS) {
            const int lr = i / (KS / 8), lp = i % (KS / 8);
            const int64_t g = k0 / 8 + lp, r = r0 + lr;
            float v[8] = {};
            const int64_t b = g / T::PARTS;
            const int p = (int)(g % T::PARTS);
            if (r < rows && g * 8 < cols)
                T::load(w + r * rb + b * T::BYTES, p, v, cols - b * T::QK);
            const int base = (int)(b * T::QK - k0);
#pragma unroll
            for (int k = 0; k < 8; k++) {
                const int e = base + T::index(p, k);
                if (e >= 0 && e < KS) ws[lr][e] = v[k];
            }
        }
        for (int i = tid; i < TN * KS; i += GEMM_THREADS) {
            const int lt = i / KS, lk = i % KS;
            const int64_t c = k0 + lk;
            xs[lt][lk] = (t0 + lt < n && c < cols) ? x[(int64_t)(t0 + lt) * cols + c] : 0.0f;
        }
        __syncthreads();
        for (int k = 0; k < KS; k++) {
            const float wv = ws[my_r][k];
#pragma unroll
            for (int j = 0; j < TN * TM / GEMM_THREADS; j++)
                acc[j] = fmaf(wv, xs[my_t + j][k], acc[j]);
        }
        __syncthreads();
    }
    const int64_t r = r0 + my_r;
    if (r >= rows) return;
#pragma unroll
    for (int j = 0; j < TN * TM / GEMM_THREADS; j++)
        if (t0 + my_t + j < n) y[(int64_t)(t0 + my_t + j) * rows + r] = acc[j];
}

template <typename T>
__global__ void get_rows_kernel(const uint8_t *__restrict__ w, const int32_t *__restrict__ ids,
                                float *__restrict__ out, int64_t cols, float scale) {
    const int t = blockIdx.y;
    const int64_t parts = (cols + T::QK - 1) / T::QK * T::PARTS;
    const uint8_t *row = w + (int64_t)ids[t] * T::row_bytes(cols);
    float *o = out + (int64_t)t * cols;
    for (int64_t g = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; g < parts;
         g += (int64_t)gridDim.x * blockDim.x) {
        const int64_t b = g / T::PARTS;
        const int p = (int)(g % T::PARTS);
        float v[8];
        T::load(row + b * T::BYTES, p, v, cols - b * T::QK);
        for (int k = 0; k < 8; k++) {
            const int64_t e = b * T::QK + T::index(p, k);
            if (!T::TAIL || e < cols) o[e] = v[k] * scale;
        }
    }
}

template <typename T>
void launch_matvec(cudaStream_t s, const void *w, const float *x, float *y, int64_t rows,
                   int64_t cols, bool add) {
    const unsigned grid = (unsigned)((rows + MV_WARPS - 1) / MV_WARPS);
    if (add)
        matvec_kernel<T, true><<<grid, 32 * MV_WARPS, 0, s>>>((const uint8_t *)w, x, y, rows, cols);
    else
        matvec_kernel<T, false>
            <<<grid, 32 * MV_WARPS, 0, s>>>((const uint8_t *)w, x, y, rows, cols);
}

template <typename T>
void launch_gemm(cudaStream_t s, const void *w, const float *x, float *y, int64_t rows,
                 int64_t cols, int n) {
    const dim3 grid((unsigned)((rows + TM - 1) / TM), (unsigned)((n + TN - 1) / TN));
    gemm_kernel<T><<<grid, GEMM_THREADS, 0, s>>>((const uint8_t *)w, x, y, rows, cols, n);
}

template <typename T>
void launch_get_rows(cudaStream_t s, const void *w, const int32_t *ids, float *out, int64_t cols,
                     int n, float scale) {
    const int64_t parts = (cols + T::QK - 1) / T::QK * T::PARTS;
    const dim3 grid((unsigned)((parts + 127) / 128), (unsigned)n);
    get_rows_kernel<T><<<grid, 128, 0, s>>>((const uint8_t *)w, ids, out, cols, scale);
}

// Expands call(T) for the block decoder T of a rz_type id; other types return a message.
#define RZC_DISPATCH(type, call)                                                                   \
    switch (type) {                                                                                \
    case RZ_TYPE_F32:                                                                              \
        call(F32);                                                                                 \
        break;                                                                                     \
    case RZ_TYPE_F16:                                                                              \
        call(F16);                                                                                 \
        break;                                                                                     \
    case RZ_TYPE_Q4_0:                                                                             \
        call(Q4_0);                                                                                \
        break;                                                                                     \
    case RZ_TYPE_Q8_0:                                                                             \
        call(Q8_0);                                                                                \
        break;                                                                                     \
    case RZ_TYPE_Q4_K:                                                                             \
        call(Q4_K);                                                                                \
        break;                                                                                     \
    case RZ_TYPE_Q5_K:                                                                             \
        call(Q5_K);                                                                                \
        break;                                                                                     \
    case RZ_TYPE_Q6_K:                                                                             \
        call(Q6_K);                                                                                \
        break;                                                                                     \
    default:                                                                                       \
        return "weight type not supported by the CUDA kernels";                                    \
    }

const char *last_error() {
    const cudaError_t e = cudaGetLastError();
    return e == cudaSuccess ? nullptr : cudaGetErrorString(e);
}

} // namespace

extern "C" bool rzc_type_supported(uint32_t type) {
    return type == RZ_TYPE_F32 || type == RZ_TYPE_F16 || type == RZ_TYPE_Q4_0 ||
           type == RZ_TYPE_Q8_0 || type == RZ_TYPE_Q4_K || type == RZ_TYPE_Q5_K ||
           type == RZ_TYPE_Q6_K;
}

extern "C" const char *rzc_matvec(rzc_stream s, uint32_t type, const void *d_w, const float *d_x,
                                  float *d_y, int64_t rows, int64_t cols) {
#define RZC_MV(T) launch_matvec<T>(s, d_w, d_x, d_y, rows, cols, false)
    RZC_DISPATCH(type, RZC_MV)
    return last_error();
}

extern "C" const char *rzc_matvec_add(rzc_stream s, uint32_t type, const void *d_w,
                                      const float *d_x, float *d_y, int64_t rows, int64_t cols) {
#define RZC_MV_ADD(T) launch_matvec<T>(s, d_w, d_x, d_y, rows, cols, true)
    RZC_DISPATCH(type, RZC_MV_ADD)
    return last_error();
}

extern "C" const char *rzc_gemm(rzc_stream s, uint32_t type, const void *d_w, const float *d_x,
                                float *d_y, int64_t rows, int64_t cols, int n) {
#define RZC_GEMM(T) launch_gemm<T>(s, d_w, d_x, d_y, rows, cols, n)
    RZC_DISPATCH(type, RZC_GEMM)
    return last_error();
}

extern "C" const char *rzc_get_rows(rzc_stream s, uint32_t type, const void *d_w,
                                    const int32_t *d_ids, float *d_out, int64_t cols, int n,
                                    float scale) {
#define RZC_ROWS(T) launch_get_rows<T>(s, d_w, d_ids, d_out, cols, n, scale)
    RZC_DISPATCH(type, RZC_ROWS)
    return last_error();
}
