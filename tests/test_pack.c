/* Packed weights (backends/pack.h) and their gemm kernels.
 * 1. rz_pack_rows refuses what it cannot pack and writes nothing then; its output holds every
 *    block's bytes where the layout says (row r's scale in d[r], its qs bytes 4 j..4 j + 3 at
 *    qs[j][4 r..4 r + 3]).
 * 2. Every ISA's gemm gives each (row, token) exactly the bits of the scalar reference dot of the
 *    source type on the unpacked rows: alone, through rz_vec_dot_rows, rz_matvec_mt and
 *    rz_matmul_mt (token counts around the 16-token chunk, pools of 1 to 3 threads), for block
 *    counts from 1 to 70 and random blocks and quantized floats alike. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "backends/avx2/vec_dot.h"
#include "backends/avx512/vec_dot.h"
#include "backends/matvec_threads.h"
#include "backends/pack.h"
#include "backends/scalar/vec_dot.h"
#include "engine/core/pool.h"
#include "engine/types/kernels.h"
#include "tests/support/types_data.h"

/* rows x cols of q4_0: random blocks (odd seeds) or quantized floats, 64-byte aligned. */
static rz_block_q4_0 *q4_0_rows(int64_t rows, int64_t cols, uint64_t seed) {
    const int64_t n = rows * cols;
    rz_block_q4_0 *w = aligned_alloc(64, (size_t)(n / RZ_QK) * sizeof *w + 64);
    if (seed % 2) {
        rzt_fill_blocks(RZ_TYPE_Q4_0, w, n / RZ_QK, seed);
    } else {
        float *f = malloc((size_t)n * sizeof *f);
        rzt_fill_weights(f, n, seed);
        rz_q4_0_from_float(f, w, n);
        free(f);
    }
    return w;
}

static void *packed(const rz_block_q4_0 *w, int64_t rows, int64_t cols) {
    void *p = aligned_alloc(64, (size_t)(rows * cols / RZ_QK) * sizeof *w + 64);
    cr_assert(rz_pack_rows(RZ_TYPE_Q4_0, w, rows, cols, p));
    return p;
}

/* n_tokens activations of cols elements, quantized by the scalar quantizer. */
static uint8_t *activations(int64_t cols, int n_tokens, uint64_t seed, float **x_out) {
    const size_t xb = rz_vec_dot_x_bytes(RZ_TYPE_Q8_0, cols);
    float *x = malloc((size_t)(cols * n_tokens) * sizeof *x);
    uint8_t *xq = aligned_alloc(64, xb * (size_t)n_tokens);
    rzt_fill_weights(x, cols * n_tokens, seed);
    for (int t = 0; t < n_tokens; t++)
        rz_scalar_quantize_q8_0(x + t * cols, xq + t * xb, cols);
    *x_out = x;
    return xq;
}

Test(pack, ids_and_refusals) {
    cr_expect_eq(rz_pack_type_of(RZ_TYPE_Q4_0), RZ_TYPE_Q4_0_X16);
    cr_expect_eq(rz_pack_type_of(RZ_TYPE_Q8_0), -1);
    cr_expect_eq(rz_pack_source(RZ_TYPE_Q4_0_X16), RZ_TYPE_Q4_0);
    cr_expect_eq(rz_pack_source(RZ_TYPE_Q6_K), RZ_TYPE_Q6_K);
    cr_expect_null(rz_type_get(RZ_TYPE_Q4_0_X16), "no file can name a packed type");
    rz_block_q4_0 *w = q4_0_rows(32, 64, 1);
    uint8_t dst[32 * 2 * sizeof *w];
    memset(dst, 0x5a, sizeof dst);
    cr_expect(!rz_pack_rows(RZ_TYPE_Q4_0, w, 24, 64, dst), "24 rows: no whole group");
    cr_expect(!rz_pack_rows(RZ_TYPE_Q4_0, w, 16, 48, dst), "48 columns: no whole block");
    cr_expect(!rz_pack_rows(RZ_TYPE_Q4_0, w, 16, 0, dst));
    cr_expect(!rz_pack_rows(RZ_TYPE_Q8_0, w, 16, 64, dst));
    for (size_t i = 0; i < sizeof dst; i++)
        cr_assert_eq(dst[i], 0x5a, "byte %zu written by a refused pack", i);
    free(w);
}

Test(pack, layout_holds_every_block) {
    const int64_t rows = 48, cols = 96, nb = cols / RZ_QK;
    rz_block_q4_0 *w = q4_0_rows(rows, cols, 3);
    const rz_block_q4_0x16 *p = packed(w, rows, cols);
    for (int64_t r = 0; r < rows; r++)
        for (int64_t k = 0; k < nb; k++) {
            const rz_block_q4_0 *b = &w[r * nb + k];
            const rz_block_q4_0x16 *g = &p[(r / RZ_PACK_ROWS) * nb + k];
            const int lane = (int)(r % RZ_PACK_ROWS);
            cr_assert_eq(g->d[lane], b->d, "row %lld block %lld: scale", (long long)r,
                         (long long)k);
            for (int j = 0; j < 4; j++)
                cr_assert(!memcmp(&g->qs[j][4 * lane], b->qs + 4 * j, 4),
                          "row %lld block %lld: quants %d", (long long)r, (long long)k, j);
        }
    free(w);
    free((void *)p);
}

static const rz_vec_tile_fn gemms[] = {rz_scalar_vec_gemm_q4_0x16, rz_avx2_vec_gemm_q4_0x16,
                                       rz_avx512_vec_gemm_q4_0x16};

/* want[t * rows + r]: the scalar reference dot of unpacked row r with token t. */
static float *reference(const rz_block_q4_0 *w, int64_t rows, int64_t cols, const uint8_t *xq,
                        int n_tokens) {
    const size_t xb = rz_vec_dot_x_bytes(RZ_TYPE_Q8_0, cols);
    float *want = malloc((size_t)(rows * n_tokens) * sizeof *want);
    for (int t = 0; t < n_tokens; t++)
        for (int64_t r = 0; r < rows; r++)
            want[t * rows + r] = rz_scalar_vec_dot_q4_0(w + r * cols / RZ_QK, xq + t * xb, cols);
    return want;
}

static void expect_bits(const float *got, const float *want, size_t n, const char *what, int isa,
                        long long cols) {
    for (size_t i = 0; i < n; i++)
        cr_assert(!memcmp(&got[i], &want[i], sizeof *got),
                  "%s, isa %d, cols %lld: element %zu is %.9g, the reference %.9g", what, isa, cols,
                  i, got[i], want[i]);
}

Test(pack, every_gemm_gives_the_scalar_bits) {
    static const int64_t cols_of[] = {32, 64, 96, 256, 288, 2240};
    const int64_t rows = 32;
    for (size_t c = 0; c < sizeof cols_of / sizeof *cols_of; c++) {
        const int64_t cols = cols_of[c];
        const size_t xb = rz_vec_dot_x_bytes(RZ_TYPE_Q8_0, cols);
        rz_block_q4_0 *w = q4_0_rows(rows, cols, 5 + c);
        void *p = packed(w, rows, cols);
        float *x;
        uint8_t *xq = activations(cols, RZ_PACK_TOKENS, 100 + c, &x);
        float *want = reference(w, rows, cols, xq, RZ_PACK_TOKENS);
        for (int isa = 0; isa < RZ_ISA_COUNT; isa++) {
            if (!rz_backend_for((rz_isa)isa)) continue;
            for (int nt = 1; nt <= RZ_PACK_TOKENS; nt++) {
                float got[32 * RZ_PACK_TOKENS];
                memset(got, 0xff, sizeof got);
                gemms[isa](p, cols / RZ_QK * sizeof *w, (int)rows, xq, xb, nt, got, rows, cols);
                expect_bits(got, want, (size_t)(nt * rows), "gemm", isa, (long long)cols);
            }
        }
        free(w);
        free(p);
        free(x);
        free(xq);
        free(want);
    }
}

Test(pack, matvec_and_matmul_give_the_scalar_bits) {
    static const int64_t cols_of[] = {32, 352, 2048};
    static const int tokens_of[] = {2, 15, 16, 17, 33};
    const int64_t rows = 80;
    rz_pool *pools[3] = {NULL};
    for (int i = 1; i < 3; i++)
        cr_assert_eq(rz_pool_new(i + 1, &pools[i], NULL), RZ_OK);
    for (size_t c = 0; c < sizeof cols_of / sizeof *cols_of; c++) {
        const int64_t cols = cols_of[c];
        rz_block_q4_0 *w = q4_0_rows(rows, cols, 8 + c);
        void *p = packed(w, rows, cols);
        float *x;
        uint8_t *xq = activations(cols, 33, 200 + c, &x);
        float *want = reference(w, rows, cols, xq, 33);
        float *got = malloc((size_t)(rows * 33) * sizeof *got);
        for (int isa = 0; isa < RZ_ISA_COUNT; isa++) {
            const rz_backend *be = rz_backend_for((rz_isa)isa);
            if (!be) continue;
            for (int pi = 0; pi < 3; pi++) {
                rz_matvec_mt(be, pools[pi], RZ_TYPE_Q4_0_X16, p, x, got, rows, cols);
                expect_bits(got, want, (size_t)rows, "matvec", isa, (long long)cols);
                for (size_t ti = 0; ti < sizeof tokens_of / sizeof *tokens_of; ti++) {
                    const int nt = tokens_of[ti];
                    rz_matmul_mt(be, pools[pi], RZ_TYPE_Q4_0_X16, p, x, got, rows, cols, nt, NULL);
                    expect_bits(got, want, (size_t)(nt * rows), "matmul", isa, (long long)cols);
                }
            }
        }
        free(w);
        free(p);
        free(x);
        free(xq);
        free(want);
        free(got);
    }
    for (int i = 1; i < 3; i++)
        rz_pool_free(pools[i]);
}
