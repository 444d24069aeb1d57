/* AMX bf16 for BF16 weights (backends/amx/amx.h), run on the software tile model where the CPU
 * has no AMX (tests/support/amx_model.h):
 * 1. rz_pack_rows lays bf16 rows out in tdpbf16ps's pairing (pairs[i][2 r + e] is element
 *    32 k + 2 i + e of row r) and refuses what it cannot pack;
 * 2. rz_amx_quantize_bf16 writes rz_f32_to_bf16's bits (nearest even, NaNs quieted) for any n;
 * 3. the model's tdpbf16ps is the SDM's: even and odd products summed apart, denormals flushed;
 * 4. the gemm body on the model gives each (row, token) exactly amx_model_bf16_dot block after
 *    block, for token counts around the 16-token tile (so a decode and a prompt agree), with no
 *    refusal, and lies within bf16 rounding of the scalar reference dot of f32 activations; on
 *    the tiles, where AMX-BF16 is usable, the kernel lies within f32 rounding of the model (the
 *    SDM's order, which no AMX hardware has checked here);
 * 5. the AVX-512 table offers packed bf16 only where AMX-BF16 is usable (test_llama_pack: a BF16
 *    model packs its projections there and nowhere else). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "backends/amx/amx.h"
#include "backends/backend.h"
#include "backends/pack.h"
#include "backends/scalar/vec_dot.h"
#include "backends/vec_dot.h"
#include "engine/core/lines.h"
#include "engine/types/half.h"
#include "tests/support/amx_model.h"
#include "tests/support/types_data.h"

/* rows x cols bf16 weights from the fixed generator. */
static uint16_t *bf16_rows(int64_t rows, int64_t cols, uint64_t seed) {
    float *f = malloc((size_t)(rows * cols) * sizeof *f);
    uint16_t *w = rz_alloc_lines((size_t)(rows * cols) * sizeof *w + 64);
    cr_assert(f && w);
    rzt_fill_weights(f, rows * cols, seed);
    rz_type_get(RZ_TYPE_BF16)->from_float(f, w, rows * cols);
    free(f);
    return w;
}

static void *packed(const uint16_t *w, int64_t rows, int64_t cols) {
    void *p = rz_alloc_lines((size_t)(rows * cols) * sizeof *w + 64);
    cr_assert(rz_pack_rows(RZ_TYPE_BF16, w, rows, cols, p));
    return p;
}

Test(amx_bf16, pack_layout_and_refusals) {
    enum { ROWS = 32, COLS = 96 };
    uint16_t *w = bf16_rows(ROWS, COLS, 3);
    const rz_block_bf16x16 *p = packed(w, ROWS, COLS);
    for (int g = 0; g < ROWS / 16; g++)
        for (int k = 0; k < COLS / 32; k++)
            for (int r = 0; r < 16; r++)
                for (int i = 0; i < 32; i++)
                    cr_assert_eq(p[g * COLS / 32 + k].pairs[i / 2][2 * r + i % 2],
                                 w[(16 * g + r) * COLS + 32 * k + i], "group %d block %d row %d", g,
                                 k, r);
    cr_expect_eq(rz_pack_type_of(RZ_TYPE_BF16), RZ_TYPE_BF16_X16);
    cr_expect_eq(rz_pack_source(RZ_TYPE_BF16_X16), RZ_TYPE_BF16);
    cr_expect_null(rz_type_get(RZ_TYPE_BF16_X16), "no file can name a packed type");
    size_t bytes = 0;
    cr_expect(rz_pack_row_bytes(RZ_TYPE_BF16_X16, COLS, &bytes) && bytes == 2 * COLS);
    uint8_t canary[4 * 48 * 2];
    memset(canary, 0xa5, sizeof canary);
    cr_expect_not(rz_pack_row_bytes(RZ_TYPE_BF16_X16, 48, &bytes), "48 columns: no whole block");
    cr_expect_not(rz_pack_rows(RZ_TYPE_BF16, w, 16, 48, canary), "48 columns");
    cr_expect_not(rz_pack_rows(RZ_TYPE_BF16, w, 4, 32, canary), "4 rows");
    for (size_t i = 0; i < sizeof canary; i++)
        cr_assert_eq(canary[i], 0xa5, "a refusal wrote byte %zu", i);
    free(w);
    free((void *)p);
}

Test(amx_bf16, quantizer_is_rz_f32_to_bf16) {
    if (!rz_cpu_supports(RZ_ISA_AVX512)) cr_skip_test("no AVX-512: the quantizer is AVX-512 code");
    static const uint32_t special[] = {
        0x00000000, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0x7f800001, /* signalling */
        0xffa12345, 0x00000001, 0x807fffff, 0x3f808000, /* tie, even below: down */
        0x3f818000,                                     /* tie, odd below: up */
        0x7f7fffff,                                     /* rounds to infinity */
        0x3f80ffff, 0xbf807fff};
    enum { N = 67 };
    float x[N];
    uint64_t seed = 5;
    for (int i = 0; i < N; i++) {
        const uint32_t bits = i < (int)(sizeof special / sizeof *special)
                                  ? special[i]
                                  : (uint32_t)((seed = seed * 6364136223846793005u + 1) >> 32);
        memcpy(&x[i], &bits, sizeof bits);
    }
    for (int n = 1; n <= N; n++) {
        uint16_t q[N + 1];
        q[n] = 0xbeef;
        rz_amx_quantize_bf16(x, q, n);
        for (int i = 0; i < n; i++)
            cr_assert_eq(q[i], rz_f32_to_bf16(x[i]), "n %d, element %d (0x%08x)", n, i,
                         (unsigned)rz_f32_bits(x[i]));
        cr_assert_eq(q[n], 0xbeef, "n %d: wrote past the end", n);
    }
}

Test(amx_bf16, model_tdpbf16ps_is_the_sdms) {
    /* bf16 of 2^24, 1, -2^24 and the smallest normal's neighbour below (a denormal). */
    const uint16_t big = 0x4b80, one = 0x3f80, minus_big = 0xcb80, denormal = 0x0040;
    const uint16_t a[4] = {big, minus_big, one, 0}, b[4] = {one, one, one, one};
    /* Even: 2^24 + 1 rounds to 2^24; odd: -2^24; so 0, where element order would give 1. */
    cr_expect_eq(amx_model_bf16_dot(0.0f, a, b, 2), 0.0f);
    const uint16_t d[2] = {denormal, one}, e[2] = {0x7f00 /* 2^127 */, 0};
    cr_expect_eq(amx_model_bf16_dot(1.0f, d, e, 1), 1.0f, "a denormal input reads as zero");
    const uint16_t s[2] = {0x0080 /* 2^-126 */, 0}, h[2] = {0x3f00 /* 0.5 */, 0};
    const float got = amx_model_bf16_dot(0.0f, s, h, 1);
    cr_expect(got == 0.0f && !signbit(got), "a denormal result is flushed: %g", got);
}

/* The model's element (row, token): amx_model_bf16_dot over the blocks from zero. */
static float tile_dot(const uint16_t *w, const uint16_t *x, int64_t cols) {
    float c = 0.0f;
    for (int64_t k = 0; k < cols / 32; k++)
        c = amx_model_bf16_dot(c, x + 32 * k, w + 32 * k, 16);
    return c;
}

Test(amx_bf16, model_gemm_is_tdpbf16ps_per_element) {
    if (!rz_cpu_supports(RZ_ISA_AVX512)) cr_skip_test("no AVX-512: the body is AVX-512 code");
    static const int64_t cols_list[] = {32, 96, 288};
    static const int tokens[] = {1, 2, 3, 15, 16, 17, 33};
    enum { ROWS = 48, MAX_T = 33 };
    for (size_t c = 0; c < sizeof cols_list / sizeof *cols_list; c++) {
        const int64_t cols = cols_list[c];
        uint16_t *w = bf16_rows(ROWS, cols, 17 + c);
        void *p = packed(w, ROWS, cols);
        float *x = malloc((size_t)(MAX_T * cols) * sizeof *x);
        uint16_t *xq = rz_alloc_lines((size_t)(MAX_T * cols) * sizeof *xq + 64);
        cr_assert(x && xq);
        rzt_fill_weights(x, MAX_T * cols, 29 + c);
        for (int t = 0; t < MAX_T; t++)
            rz_amx_quantize_bf16(x + t * cols, xq + t * cols, cols);
        for (size_t k = 0; k < sizeof tokens / sizeof *tokens; k++) {
            const int nt = tokens[k];
            static float y[MAX_T * ROWS];
            for (int i = 0; i < MAX_T * ROWS; i++)
                y[i] = NAN;
            amx_model_gemm_bf16x16(p, 2 * (size_t)cols, ROWS, xq, 2 * (size_t)cols, nt, y, ROWS,
                                   cols);
            char why[160];
            cr_assert_eq(amx_model_refusals(why, sizeof why), 0, "%s", why);
            static float tiles[MAX_T * ROWS];
            if (rz_amx_bf16_usable())
                rz_amx_vec_bf16x16.gemm(p, 2 * (size_t)cols, ROWS, xq, 2 * (size_t)cols, nt, tiles,
                                        ROWS, cols);
            for (int t = 0; t < nt; t++)
                for (int r = 0; r < ROWS; r++) {
                    const float want = tile_dot(w + r * cols, xq + t * cols, cols);
                    const float got = y[t * ROWS + r];
                    cr_assert(!memcmp(&got, &want, sizeof got),
                              "cols %ld, %d tokens: row %d token %d: %.9g, expected %.9g",
                              (long)cols, nt, r, t, got, want);
                    const float ref = rz_scalar_vec_dot_bf16(w + r * cols, x + t * cols, cols);
                    double mag = 0;
                    for (int64_t i = 0; i < cols; i++)
                        mag += fabs(rz_bf16_to_f32(w[r * cols + i]) * x[t * cols + i]);
                    cr_assert_leq(fabs(got - ref), 0x1p-8 * mag + 1e-30,
                                  "row %d token %d: %g against the f32 dot %g", r, t, got, ref);
                    if (rz_amx_bf16_usable())
                        cr_assert_leq(fabs(tiles[t * ROWS + r] - got), 0x1p-20 * mag + 1e-30,
                                      "row %d token %d: the tiles %.9g, the model %.9g", r, t,
                                      tiles[t * ROWS + r], got);
                }
        }
        free(w);
        free(p);
        free(x);
        free(xq);
    }
}

Test(amx_bf16, packed_bf16_only_where_amx_bf16) {
    const bool amx = rz_amx_bf16_usable();
    const rz_vec_kernel *k = rz_vec_kernel_for(&rz_backend_avx512, RZ_TYPE_BF16_X16);
    cr_expect_eq(k->gemm != NULL, amx);
    if (amx) cr_expect_eq(k, &rz_amx_vec_bf16x16);
    cr_expect_null(rz_vec_kernel_for(&rz_backend_scalar, RZ_TYPE_BF16_X16)->gemm);
    cr_expect_null(rz_vec_kernel_for(&rz_backend_avx2, RZ_TYPE_BF16_X16)->gemm);
    if (amx) cr_expect(rz_amx_usable(), "AMX-BF16 without AMX-INT8 and the tile state");
}
