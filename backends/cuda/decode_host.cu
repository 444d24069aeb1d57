// The device block decoders (quant.cuh) run on the host, so tests can compare them with the CPU's
// to_float on a machine without a GPU.
#include "backends/cuda/device.h"
#include "backends/cuda/quant.cuh"
#include "engine/types/types.h"

namespace {

using namespace rzc;

// Every part of the row, its elements scattered as the kernels do; false when a part leaves its
// 128-element chunk (the GEMM tiles rely on it) or an element is written twice or never.
template <typename T> bool decode(const uint8_t *row, int64_t cols, float *out) {
    const int64_t parts = (cols + T::QK - 1) / T::QK * T::PARTS;
    int64_t written = 0;
    for (int64_t g = 0; g < parts; g++) {
        const int64_t b = g / T::PARTS;
        const int p = (int)(g % T::PARTS);
        float v[8];
        T::load(row + b * T::BYTES, p, v, cols - b * T::QK);
        for (int k = 0; k < 8; k++) {
            const int64_t e = b * T::QK + T::index(p, k);
            if (T::TAIL && e >= cols) continue;
            if (e / 128 != g * 8 / 128) return false;
            out[e] = v[k];
            written++;
        }
    }
    return written == cols;
}

} // namespace

extern "C" bool rzc_decode_host(uint32_t type, const void *row, int64_t cols, float *out) {
    const uint8_t *r = static_cast<const uint8_t *>(row);
    switch (type) {
    case RZ_TYPE_F32:
        return decode<F32>(r, cols, out);
    case RZ_TYPE_F16:
        return decode<F16>(r, cols, out);
    case RZ_TYPE_Q4_0:
        return decode<Q4_0>(r, cols, out);
    case RZ_TYPE_Q8_0:
        return decode<Q8_0>(r, cols, out);
    case RZ_TYPE_Q4_K:
        return decode<Q4_K>(r, cols, out);
    case RZ_TYPE_Q5_K:
        return decode<Q5_K>(r, cols, out);
    case RZ_TYPE_Q6_K:
        return decode<Q6_K>(r, cols, out);
    default:
        return false;
    }
}
