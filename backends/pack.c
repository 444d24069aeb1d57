/* rz_pack_rows and the packed types' ids (backends/pack.h). */
#include "backends/pack.h"

#include <string.h>

int rz_pack_type_of(uint32_t type) {
    return type == RZ_TYPE_Q4_0 ? RZ_TYPE_Q4_0_X16 : -1;
}

uint32_t rz_pack_source(uint32_t type) {
    return type == RZ_TYPE_Q4_0_X16 ? RZ_TYPE_Q4_0 : type;
}

/* Group g of 16 rows (nb blocks each) into nb packed blocks. */
static void pack_q4_0(const rz_block_q4_0 *src, int64_t nb, rz_block_q4_0x16 *dst) {
    for (int64_t k = 0; k < nb; k++, dst++)
        for (int r = 0; r < RZ_PACK_ROWS; r++) {
            const rz_block_q4_0 *b = src + r * nb + k;
            dst->d[r] = b->d;
            for (int j = 0; j < 4; j++)
                memcpy(&dst->qs[j][4 * r], b->qs + 4 * j, 4);
        }
}

bool rz_pack_rows(uint32_t type, const void *src, int64_t rows, int64_t cols, void *dst) {
    if (rz_pack_type_of(type) < 0 || rows % RZ_PACK_ROWS || cols <= 0 || cols % RZ_QK) return false;
    const int64_t nb = cols / RZ_QK;
    for (int64_t g = 0; g < rows / RZ_PACK_ROWS; g++)
        pack_q4_0((const rz_block_q4_0 *)src + g * RZ_PACK_ROWS * nb, nb,
                  (rz_block_q4_0x16 *)dst + g * nb);
    return true;
}
