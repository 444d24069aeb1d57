/* The AMX bf16 gemm of packed bf16 rows (rz_block_bf16x16, backends/pack.h), written once over
 * tile hooks so that backends/amx/gemm_bf16.c runs it on AMX and tests/test_amx_bf16.c on a
 * software model of the tiles (tests/support/amx_model.h) where the CPU has none.
 *
 * Per 16-row group and up to 16 tokens: C (tile 0, tokens x rows, f32) starts at zero; per block
 * of 32 elements, A (tile 1: each token's 32 bf16 activations, tokens x_bytes apart, as
 * rz_amx_quantize_bf16 writes them) times B (tile 2: the packed block as it is) by tdpbf16ps; C
 * is then stored into y (token t's row at y + t ldy). So each (row, token) is C's arithmetic
 * alone, block after block in element order (tdpbf16ps: per block its even and its odd
 * elements' products summed apart, then added to C), whatever the token count and whichever rows
 * a call gets: a decode and a prompt, and every thread count, give the same bits.
 *
 * The tile configurations are constants (one per token count, read-only data): GCC 12 deletes
 * stores to a tile configuration it cannot see ldtilecfg read, and a constant needs no store.
 *
 * Hooks (defined by the includer, #undef'd at the end): AMX_NAME(x) the prefix of the function
 * defined, AMX_LOADCONFIG(cfg), AMX_ZERO(t), AMX_LOAD(t, base, stride), AMX_DPBF16PS(c, a, b),
 * AMX_STORE(t, base, stride), AMX_RELEASE(), and optionally AMX_SCOPE (static, or nothing).
 * Defines AMX_NAME(gemm_bf16x16) with the gemm contract of backends/vec_dot.h (any nt >= 1, n a
 * multiple of 32) but bf16 activations. */
#if !defined(AMX_NAME) || !defined(AMX_LOADCONFIG) || !defined(AMX_ZERO) || !defined(AMX_LOAD) ||  \
    !defined(AMX_DPBF16PS) || !defined(AMX_STORE) || !defined(AMX_RELEASE)
#error                                                                                             \
    "amx_bf16_gemm_body.h needs AMX_NAME, AMX_LOADCONFIG, AMX_ZERO, AMX_LOAD, AMX_DPBF16PS, AMX_STORE, AMX_RELEASE"
#endif

#ifndef AMX_SCOPE
#define AMX_SCOPE
#endif

#include <stddef.h>
#include <stdint.h>

#include "backends/amx/tile_config.h"
#include "backends/pack.h"

/* Tile 0: C, m tokens x 16 f32; 1: A, m tokens x 32 bf16; 2: B, 16 pairs x 16 rows. */
#define AMX_BF16_CONFIG(m)                                                                         \
    {                                                                                              \
        .palette = 1, .colsb = {64, 64, 64}, .rows = { m, m, 16 }                                  \
    }
static const rz_amx_tile_config AMX_NAME(bf16_configs)[RZ_PACK_ROWS] = {
    AMX_BF16_CONFIG(1),  AMX_BF16_CONFIG(2),  AMX_BF16_CONFIG(3),  AMX_BF16_CONFIG(4),
    AMX_BF16_CONFIG(5),  AMX_BF16_CONFIG(6),  AMX_BF16_CONFIG(7),  AMX_BF16_CONFIG(8),
    AMX_BF16_CONFIG(9),  AMX_BF16_CONFIG(10), AMX_BF16_CONFIG(11), AMX_BF16_CONFIG(12),
    AMX_BF16_CONFIG(13), AMX_BF16_CONFIG(14), AMX_BF16_CONFIG(15), AMX_BF16_CONFIG(16)};
#undef AMX_BF16_CONFIG

AMX_SCOPE void AMX_NAME(gemm_bf16x16)(const void *w, size_t row_bytes, int nr, const void *xq,
                                      size_t x_bytes, int nt, float *y, size_t ldy, int64_t n) {
    for (int t = 0; t < nt; t += RZ_PACK_ROWS) {
        const int m = nt - t < RZ_PACK_ROWS ? nt - t : RZ_PACK_ROWS;
        const uint8_t *x = (const uint8_t *)xq + (size_t)t * x_bytes;
        AMX_LOADCONFIG(&AMX_NAME(bf16_configs)[m - 1]);
        for (int g = 0; g < nr / RZ_PACK_ROWS; g++) {
            const rz_block_bf16x16 *b =
                (const rz_block_bf16x16 *)((const uint8_t *)w +
                                           (size_t)g * RZ_PACK_ROWS * row_bytes);
            AMX_ZERO(0);
            for (int64_t k = 0; k < n / 32; k++) {
                AMX_LOAD(1, x + 64 * k, x_bytes);
                AMX_LOAD(2, b[k].pairs, sizeof b[k].pairs[0]);
                AMX_DPBF16PS(0, 1, 2);
            }
            AMX_STORE(0, y + (size_t)t * ldy + (size_t)g * RZ_PACK_ROWS, ldy * sizeof(float));
        }
    }
    AMX_RELEASE();
}

#undef AMX_SCOPE
#undef AMX_NAME
#undef AMX_LOADCONFIG
#undef AMX_ZERO
#undef AMX_LOAD
#undef AMX_DPBF16PS
#undef AMX_STORE
#undef AMX_RELEASE
