// Decoding of the ggml blocks (engine/types/blocks.h), one "part" of 8 elements at a time: a
// block of QK elements is PARTS = QK / 8 parts, and part p of a row's block b decodes into
// v[0..7], the elements at b * QK + index(p, k). A row of cols elements takes row_bytes(cols)
// bytes. The parts of any 128 consecutive elements of a row (starting at a multiple of 128) cover
// exactly those elements, which the GEMM tiles rely on. F32 and F16 rows may end inside a block
// of 8 (TAIL): load then reads only the lim elements left in the row and zeroes the rest, and
// callers skip elements at or past cols. Loads are 16-bit where blocks are only 2-byte aligned
// (q4_0, q8_0, q6_K, f16). Everything here compiles for the host too, so the decoding can be
// checked against the CPU's to_float on a machine without a GPU.
#pragma once

#include <cuda_fp16.h>
#include <stdint.h>

namespace rzc {

__host__ __device__ __forceinline__ float ld_f16(const uint8_t *p) {
    return __half2float(*reinterpret_cast<const __half *>(p));
}

__host__ __device__ __forceinline__ uint32_t ld_u32_b2(const uint8_t *p) {
    const uint16_t *h = reinterpret_cast<const uint16_t *>(p);
    return (uint32_t)h[0] | ((uint32_t)h[1] << 16);
}

__host__ __device__ __forceinline__ void kq_scale_min(const uint8_t *s, int j, int *sc, int *m) {
    if (j < 4) {
        *sc = s[j] & 63;
        *m = s[j + 4] & 63;
    } else {
        *sc = (s[j + 4] & 0xf) | ((s[j - 4] >> 6) << 4);
        *m = (s[j + 4] >> 4) | ((s[j] >> 6) << 4);
    }
}

// The quantized types: whole blocks, row_bytes = cols / QK * BYTES.
template <int QK_, int BYTES_> struct Blocks {
    static constexpr int QK = QK_, BYTES = BYTES_, PARTS = QK_ / 8;
    static constexpr bool TAIL = false;
    __host__ __device__ static int64_t row_bytes(int64_t cols) {
        return cols / QK * BYTES;
    }
};

struct F32 {
    static constexpr int QK = 8, BYTES = 32, PARTS = 1;
    static constexpr bool TAIL = true;
    __host__ __device__ static int64_t row_bytes(int64_t cols) {
        return cols * 4;
    }
    __host__ __device__ static void load(const uint8_t *b, int, float v[8], int64_t lim) {
        const float *f = reinterpret_cast<const float *>(b);
        for (int k = 0; k < 8; k++)
            v[k] = k < lim ? f[k] : 0.0f;
    }
    __host__ __device__ static int index(int, int k) {
        return k;
    }
};

struct F16 {
    static constexpr int QK = 8, BYTES = 16, PARTS = 1;
    static constexpr bool TAIL = true;
    __host__ __device__ static int64_t row_bytes(int64_t cols) {
        return cols * 2;
    }
    __host__ __device__ static void load(const uint8_t *b, int, float v[8], int64_t lim) {
        for (int k = 0; k < 8; k++)
            v[k] = k < lim ? ld_f16(b + 2 * k) : 0.0f;
    }
    __host__ __device__ static int index(int, int k) {
        return k;
    }
};

// part p: bytes qs[4p..4p+3]; low nibbles are elements 4p+k, high nibbles 16+4p+k
struct Q4_0 : Blocks<32, 18> {
    __host__ __device__ static void load(const uint8_t *b, int p, float v[8], int64_t) {
        const float d = ld_f16(b);
        const uint32_t q = ld_u32_b2(b + 2 + 4 * p);
        for (int k = 0; k < 4; k++) {
            v[k] = d * (float)((int)((q >> (8 * k)) & 0xf) - 8);
            v[k + 4] = d * (float)((int)((q >> (8 * k + 4)) & 0xf) - 8);
        }
    }
    __host__ __device__ static int index(int p, int k) {
        return k < 4 ? 4 * p + k : 16 + 4 * p + k - 4;
    }
};

// part p: int8 qs[8p..8p+7]
struct Q8_0 : Blocks<32, 34> {
    __host__ __device__ static void load(const uint8_t *b, int p, float v[8], int64_t) {
        const float d = ld_f16(b);
        const uint32_t lo = ld_u32_b2(b + 2 + 8 * p), hi = ld_u32_b2(b + 6 + 8 * p);
        for (int k = 0; k < 4; k++) {
            v[k] = d * (float)(int8_t)(lo >> (8 * k));
            v[k + 4] = d * (float)(int8_t)(hi >> (8 * k));
        }
    }
    __host__ __device__ static int index(int p, int k) {
        return 8 * p + k;
    }
};

// part p: group j = p / 8 of 64 elements, bytes qs[32j + 4(p%8) ..+3]: low nibbles are
// elements 64j + 4(p%8) + k (scale 2j), high nibbles the same + 32 (scale 2j+1)
struct Q4_K : Blocks<256, 144> {
    __host__ __device__ static void load(const uint8_t *b, int p, float v[8], int64_t) {
        const int j = p / 8, o = 4 * (p % 8);
        const float d = ld_f16(b), dmin = ld_f16(b + 2);
        int sc, m;
        kq_scale_min(b + 4, 2 * j, &sc, &m);
        const float d1 = d * sc, m1 = dmin * m;
        kq_scale_min(b + 4, 2 * j + 1, &sc, &m);
        const float d2 = d * sc, m2 = dmin * m;
        const uint32_t q = *reinterpret_cast<const uint32_t *>(b + 16 + 32 * j + o);
        for (int k = 0; k < 4; k++) {
            v[k] = d1 * (float)((q >> (8 * k)) & 0xf) - m1;
            v[k + 4] = d2 * (float)((q >> (8 * k + 4)) & 0xf) - m2;
        }
    }
    __host__ __device__ static int index(int p, int k) {
        return 64 * (p / 8) + 4 * (p % 8) + (k < 4 ? k : 28 + k);
    }
};

// as Q4_K, bit 4 of element 64j + l from qh[l] bit 2j (low nibble) or 2j+1 (high nibble)
struct Q5_K : Blocks<256, 176> {
    __host__ __device__ static void load(const uint8_t *b, int p, float v[8], int64_t) {
        const int j = p / 8, o = 4 * (p % 8);
        const float d = ld_f16(b), dmin = ld_f16(b + 2);
        int sc, m;
        kq_scale_min(b + 4, 2 * j, &sc, &m);
        const float d1 = d * sc, m1 = dmin * m;
        kq_scale_min(b + 4, 2 * j + 1, &sc, &m);
        const float d2 = d * sc, m2 = dmin * m;
        const uint32_t q = *reinterpret_cast<const uint32_t *>(b + 48 + 32 * j + o);
        const uint32_t h = *reinterpret_cast<const uint32_t *>(b + 16 + o);
        for (int k = 0; k < 4; k++) {
            const uint32_t hb = h >> (8 * k);
            const int lo = (int)((q >> (8 * k)) & 0xf) | (int)(((hb >> (2 * j)) & 1) << 4);
            const int hi = (int)((q >> (8 * k + 4)) & 0xf) | (int)(((hb >> (2 * j + 1)) & 1) << 4);
            v[k] = d1 * (float)lo - m1;
            v[k + 4] = d2 * (float)hi - m2;
        }
    }
    __host__ __device__ static int index(int p, int k) {
        return Q4_K::index(p, k);
    }
};

// part p: half h = p / 16 of 128 elements, l = 2(p%16) + (k&1): element 128h + l + 32(k>>1)
// from ql[64h + l] / ql[64h + l + 32] (low or high nibble) and qh[32h + l] bits 2(k>>1)
struct Q6_K : Blocks<256, 210> {
    __host__ __device__ static void load(const uint8_t *b, int p, float v[8], int64_t) {
        const int h = p / 16, l = 2 * (p % 16);
        const float d = ld_f16(b + 208);
        const int8_t *sc = reinterpret_cast<const int8_t *>(b + 192) + 8 * h + l / 16;
        const uint16_t *ql = reinterpret_cast<const uint16_t *>(b + 64 * h + l);
        const uint32_t qa = ql[0], qb = ql[16];
        const uint32_t qh = *reinterpret_cast<const uint16_t *>(b + 128 + 32 * h + l);
        for (int e = 0; e < 2; e++) {
            const uint32_t a = qa >> (8 * e), c = qb >> (8 * e), hh = qh >> (8 * e);
            const int q1 = (int)((a & 0xf) | ((hh & 3) << 4)) - 32;
            const int q2 = (int)((c & 0xf) | (((hh >> 2) & 3) << 4)) - 32;
            const int q3 = (int)(((a >> 4) & 0xf) | (((hh >> 4) & 3) << 4)) - 32;
            const int q4 = (int)(((c >> 4) & 0xf) | (((hh >> 6) & 3) << 4)) - 32;
            v[0 + e] = d * sc[0] * (float)q1;
            v[2 + e] = d * sc[2] * (float)q2;
            v[4 + e] = d * sc[4] * (float)q3;
            v[6 + e] = d * sc[6] * (float)q4;
        }
    }
    __host__ __device__ static int index(int p, int k) {
        return 128 * (p / 16) + 2 * (p % 16) + (k & 1) + 32 * (k >> 1);
    }
};

} // namespace rzc
