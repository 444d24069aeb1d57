/* rz_pack_rows and the packed types' ids (backends/pack.h). */
#include "backends/pack.h"

#include <string.h>

int rz_pack_type_of(uint32_t type) {
    switch (type) {
    case RZ_TYPE_Q4_0:
        return RZ_TYPE_Q4_0_X16;
    case RZ_TYPE_Q4_1:
        return RZ_TYPE_Q4_1_X16;
    case RZ_TYPE_Q8_0:
        return RZ_TYPE_Q8_0_X16;
    default:
        return -1;
    }
}

uint32_t rz_pack_source(uint32_t type) {
    switch (type) {
    case RZ_TYPE_Q4_0_X16:
        return RZ_TYPE_Q4_0;
    case RZ_TYPE_Q4_1_X16:
        return RZ_TYPE_Q4_1;
    case RZ_TYPE_Q8_0_X16:
        return RZ_TYPE_Q8_0;
    default:
        return type;
    }
}

/* Each qs chunk of the 16 rows' block k (rows nb blocks apart, `bytes` each, quants at qs_at):
 * chunk i of row r to dst_qs[i][4 r]. */
static void pack_quants(const uint8_t *src, size_t bytes, int64_t nb, size_t qs_at, int chunks,
                        uint8_t *dst_qs) {
    for (int r = 0; r < RZ_PACK_ROWS; r++)
        for (int i = 0; i < chunks; i++)
            memcpy(dst_qs + i * 4 * RZ_PACK_ROWS + 4 * r,
                   src + (size_t)r * nb * bytes + qs_at + 4 * i, 4);
}

bool rz_pack_rows(uint32_t type, const void *src, int64_t rows, int64_t cols, void *dst) {
    if (rz_pack_type_of(type) < 0 || rows % RZ_PACK_ROWS || cols <= 0 || cols % RZ_QK) return false;
    const int64_t nb = cols / RZ_QK;
    const size_t bytes = rz_type_get(type)->block_bytes;
    const uint8_t *s = src;
    for (int64_t g = 0; g < rows / RZ_PACK_ROWS; g++)
        for (int64_t k = 0; k < nb; k++) {
            const uint8_t *b = s + ((size_t)g * RZ_PACK_ROWS * nb + (size_t)k) * bytes;
            uint8_t *out = (uint8_t *)dst + ((size_t)g * nb + (size_t)k) * RZ_PACK_ROWS * bytes;
            uint16_t *d = (uint16_t *)out;
            for (int r = 0; r < RZ_PACK_ROWS; r++)
                memcpy(&d[r], b + (size_t)r * nb * bytes, sizeof *d);
            if (type == RZ_TYPE_Q4_1) {
                for (int r = 0; r < RZ_PACK_ROWS; r++)
                    memcpy(&d[RZ_PACK_ROWS + r],
                           b + (size_t)r * nb * bytes + offsetof(rz_block_q4_1, m), sizeof *d);
                pack_quants(b, bytes, nb, offsetof(rz_block_q4_1, qs), 4,
                            out + offsetof(rz_block_q4_1x16, qs));
            } else if (type == RZ_TYPE_Q4_0) {
                pack_quants(b, bytes, nb, offsetof(rz_block_q4_0, qs), 4,
                            out + offsetof(rz_block_q4_0x16, qs));
            } else {
                pack_quants(b, bytes, nb, offsetof(rz_block_q8_0, qs), 8,
                            out + offsetof(rz_block_q8_0x16, qs));
            }
        }
    return true;
}
