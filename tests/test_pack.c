/* Packed weights (backends/pack.h) and their gemm kernels (AMX's on a model of the tiles too).
 * 1. rz_pack_rows refuses what it cannot pack and writes nothing then; its output holds every
 *    block's bytes where the layout says (row r's scale in d[r], its qs bytes 4 j..4 j + 3 at
 *    qs[j][4 r..4 r + 3]).
 *    That for q4_0, q4_1, q5_0, q8_0, q4_K (148 bytes a row and super-block) and q6_K.
 * 2. Every ISA's gemm gives each (row, token) exactly the bits of the scalar reference dot of the
 *    source type on the unpacked rows: alone, through rz_vec_dot_rows, rz_matvec_mt and
 *    rz_matmul_mt (token counts around the 16-token chunk, pools of 1 to 3 threads), for block
 *    counts from 1 to 70 and random blocks and quantized floats alike. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "backends/amx/amx.h"
#include "backends/avx2/vec_dot.h"
#include "backends/avx512/vec_dot.h"
#include "backends/matvec_threads.h"
#include "backends/pack.h"
#include "backends/scalar/vec_dot.h"
#include "engine/core/lines.h"
#include "engine/core/pool.h"
#include "engine/types/kernels.h"
#include "engine/types/kquant.h"
#include "tests/support/amx_model.h"
#include "tests/support/types_data.h"

/* The file types with a packed form, their packed types, scalar dots and gemms per ISA, the AMX
 * kernel body on the tile model (tests/support/amx_model.h) and the AVX-512 table's AMX-or-VNNI
 * gemm (tiles where rz_amx_usable), wherever the CPU has AVX-512. */
static const struct {
    uint32_t type, packed;
    rz_vec_dot_fn dot;
    rz_vec_tile_fn gemm[RZ_ISA_COUNT];
    rz_vec_tile_fn amx_model, amx_or_vnni;
} kinds[] = {
    {RZ_TYPE_Q4_0,
     RZ_TYPE_Q4_0_X16,
     rz_scalar_vec_dot_q4_0,
     {rz_scalar_vec_gemm_q4_0x16, rz_avx2_vec_gemm_q4_0x16, rz_avx512_vec_gemm_q4_0x16},
     amx_model_gemm_q4_0x16,
     rz_amx_gemm_q4_0x16},
    {RZ_TYPE_Q4_1,
     RZ_TYPE_Q4_1_X16,
     rz_scalar_vec_dot_q4_1,
     {rz_scalar_vec_gemm_q4_1x16, rz_avx2_vec_gemm_q4_1x16, rz_avx512_vec_gemm_q4_1x16},
     amx_model_gemm_q4_1x16,
     rz_amx_gemm_q4_1x16},
    {RZ_TYPE_Q5_0,
     RZ_TYPE_Q5_0_X16,
     rz_scalar_vec_dot_q5_0,
     {rz_scalar_vec_gemm_q5_0x16, rz_avx2_vec_gemm_q5_0x16, rz_avx512_vec_gemm_q5_0x16},
     amx_model_gemm_q5_0x16,
     rz_amx_gemm_q5_0x16},
    {RZ_TYPE_Q8_0,
     RZ_TYPE_Q8_0_X16,
     rz_scalar_vec_dot_q8_0,
     {rz_scalar_vec_gemm_q8_0x16, rz_avx2_vec_gemm_q8_0x16, rz_avx512_vec_gemm_q8_0x16},
     amx_model_gemm_q8_0x16,
     rz_amx_gemm_q8_0x16},
    {RZ_TYPE_Q4_K,
     RZ_TYPE_Q4_K_X16,
     rz_scalar_vec_dot_q4_k,
     {rz_scalar_vec_gemm_q4_kx16, rz_avx2_vec_gemm_q4_kx16, rz_avx512_vec_gemm_q4_kx16},
     amx_model_gemm_q4_kx16,
     rz_amx_gemm_q4_kx16},
    {RZ_TYPE_Q6_K,
     RZ_TYPE_Q6_K_X16,
     rz_scalar_vec_dot_q6_k,
     {rz_scalar_vec_gemm_q6_kx16, rz_avx2_vec_gemm_q6_kx16, rz_avx512_vec_gemm_q6_kx16},
     amx_model_gemm_q6_kx16,
     rz_amx_gemm_q6_kx16},
};
enum { N_KINDS = sizeof kinds / sizeof kinds[0] };

static size_t row_bytes(uint32_t type, int64_t cols) {
    return (size_t)(cols / rz_type_get(type)->block_size) * rz_type_get(type)->block_bytes;
}

static size_t packed_row_bytes(uint32_t packed, int64_t cols) {
    size_t b = 0;
    cr_assert(rz_pack_row_bytes(packed, cols, &b));
    return b;
}

/* Column counts to test: whole blocks of the kind's type, some of them no multiple of 8 blocks. */
static const int64_t *cols_for(int kind, const int64_t *small, const int64_t *k_quant) {
    return rz_type_get(kinds[kind].type)->block_size == RZ_QK_K ? k_quant : small;
}

static int partner(int kind) {
    return rz_vec_dot_type(kinds[kind].type);
}

/* rows x cols of type: random blocks (odd seeds) or quantized floats, 64-byte aligned. */
static uint8_t *rows_of(uint32_t type, int64_t rows, int64_t cols, uint64_t seed) {
    const int64_t n = rows * cols;
    uint8_t *w = rz_alloc_lines((size_t)rows * row_bytes(type, cols) + 64);
    if (seed % 2) {
        rzt_fill_blocks(type, w, n / rz_type_get(type)->block_size, seed);
    } else {
        float *f = malloc((size_t)n * sizeof *f);
        rzt_fill_weights(f, n, seed);
        rz_type_get(type)->from_float(f, w, n);
        free(f);
    }
    return w;
}

static void *packed(uint32_t type, const uint8_t *w, int64_t rows, int64_t cols) {
    void *p =
        rz_alloc_lines((size_t)rows * packed_row_bytes((uint32_t)rz_pack_type_of(type), cols) + 64);
    cr_assert(rz_pack_rows(type, w, rows, cols, p));
    return p;
}

/* n_tokens activations of cols elements, quantized to partner type vdt by the scalar quantizer. */
static uint8_t *activations(int vdt, int64_t cols, int n_tokens, uint64_t seed, float **x_out) {
    const size_t xb = rz_vec_dot_x_bytes(vdt, cols);
    float *x = malloc((size_t)(cols * n_tokens) * sizeof *x);
    uint8_t *xq = rz_alloc_lines(xb * (size_t)n_tokens + 64);
    rzt_fill_weights(x, cols * n_tokens, seed);
    const rz_vec_kernel *k =
        rz_vec_kernel_for(&rz_backend_scalar, vdt == RZ_TYPE_Q8_K ? RZ_TYPE_Q4_K : RZ_TYPE_Q4_0);
    for (int t = 0; t < n_tokens; t++)
        rz_vec_dot_quantize(k, x + t * cols, xq + t * xb, cols);
    *x_out = x;
    return xq;
}

Test(pack, ids_and_refusals) {
    for (int i = 0; i < N_KINDS; i++) {
        cr_expect_eq(rz_pack_type_of(kinds[i].type), (int)kinds[i].packed);
        cr_expect_eq(rz_pack_source(kinds[i].packed), kinds[i].type);
        cr_expect_null(rz_type_get(kinds[i].packed), "no file can name a packed type");
    }
    cr_expect_eq(rz_pack_type_of(RZ_TYPE_Q5_K), -1);
    size_t b = 0;
    cr_expect(rz_pack_row_bytes(RZ_TYPE_Q4_K_X16, 512, &b) && b == 2 * 148);
    cr_expect(rz_pack_row_bytes(RZ_TYPE_Q8_0_X16, 64, &b) && b == 2 * 34);
    cr_expect(!rz_pack_row_bytes(RZ_TYPE_Q4_K_X16, 128, &b), "half a super-block");
    cr_expect(!rz_pack_row_bytes(RZ_TYPE_Q4_K, 256, &b), "a file type is no packed type");
    cr_expect_eq(rz_pack_source(RZ_TYPE_Q6_K), RZ_TYPE_Q6_K);
    uint8_t *w = rows_of(RZ_TYPE_Q4_0, 32, 64, 1);
    uint8_t dst[32 * 2 * sizeof(rz_block_q4_0)];
    memset(dst, 0x5a, sizeof dst);
    cr_expect(!rz_pack_rows(RZ_TYPE_Q4_0, w, 24, 64, dst), "24 rows: no whole group");
    cr_expect(!rz_pack_rows(RZ_TYPE_Q4_0, w, 16, 48, dst), "48 columns: no whole block");
    cr_expect(!rz_pack_rows(RZ_TYPE_Q4_0, w, 16, 0, dst));
    cr_expect(!rz_pack_rows(RZ_TYPE_Q5_1, w, 16, 64, dst));
    for (size_t i = 0; i < sizeof dst; i++)
        cr_assert_eq(dst[i], 0x5a, "byte %zu written by a refused pack", i);
    free(w);
}

/* Row r's block k in the packed layout: its scale (and min) in lane r, its quant bytes 4 i..4 i
 * + 3 at qs[i][4 r]; q4_K's 6-bit scales and mins unpacked, its qs bytes 32 p + 4 c.. at
 * qs[p][c][4 r]; q6_K's int8 scales at sc[g][r], its ql and qh bytes 32 p + 4 c.. at
 * ql[p][c][4 r] and qh[p][c][4 r]. */
static void expect_block(uint32_t type, const uint8_t *b, const uint8_t *g, int lane) {
    const uint16_t *d = (const uint16_t *)g;
    if (type == RZ_TYPE_Q6_K) {
        const rz_block_q6_k *k = (const rz_block_q6_k *)b;
        const rz_block_q6_kx16 *p = (const rz_block_q6_kx16 *)g;
        cr_assert_eq(p->d[lane], k->d);
        for (int j = 0; j < 16; j++)
            cr_assert_eq(p->sc[j][lane], k->scales[j], "group %d", j);
        for (int i = 0; i < 32; i++)
            cr_assert(!memcmp(&p->ql[i / 8][i % 8][4 * lane], k->ql + 4 * i, 4), "ql %d", i);
        for (int i = 0; i < 16; i++)
            cr_assert(!memcmp(&p->qh[i / 8][i % 8][4 * lane], k->qh + 4 * i, 4), "qh %d", i);
        return;
    }
    cr_assert(!memcmp(&d[lane], b, 2), "scale");
    if (type == RZ_TYPE_Q4_K) {
        const rz_block_q4_k *k = (const rz_block_q4_k *)b;
        const rz_block_q4_kx16 *p = (const rz_block_q4_kx16 *)g;
        cr_assert_eq(p->dmin[lane], k->dmin);
        for (int j = 0; j < 8; j++) {
            uint8_t sc, m;
            rz_kq_scale_min(k->scales, j, &sc, &m);
            cr_assert(p->sc[j][lane] == sc && p->m[j][lane] == m, "group %d", j);
        }
        for (int i = 0; i < 32; i++)
            cr_assert(!memcmp(&p->qs[i / 8][i % 8][4 * lane], k->qs + 4 * i, 4), "quants %d", i);
        return;
    }
    size_t qs = offsetof(rz_block_q4_0x16, qs), from = offsetof(rz_block_q4_0, qs);
    int chunks = 4;
    if (type == RZ_TYPE_Q4_1) {
        cr_assert(!memcmp(&d[RZ_PACK_ROWS + lane], b + offsetof(rz_block_q4_1, m), 2), "min");
        qs = offsetof(rz_block_q4_1x16, qs), from = offsetof(rz_block_q4_1, qs);
    } else if (type == RZ_TYPE_Q8_0) {
        qs = offsetof(rz_block_q8_0x16, qs), from = offsetof(rz_block_q8_0, qs), chunks = 8;
    } else if (type == RZ_TYPE_Q5_0) {
        qs = offsetof(rz_block_q5_0x16, qs), from = offsetof(rz_block_q5_0, qs);
        const uint32_t h = ((const rz_block_q5_0x16 *)g)->qh[lane];
        for (int e = 0; e < RZ_QK; e++) /* element e = 4 i + b: bit 8 b + i */
            cr_assert_eq(h >> (8 * (e % 4) + e / 4) & 1,
                         b[offsetof(rz_block_q5_0, qh) + e / 8] >> (e % 8) & 1,
                         "fifth bit of element %d", e);
    }
    for (int i = 0; i < chunks; i++)
        cr_assert(!memcmp(g + qs + i * 4 * RZ_PACK_ROWS + 4 * lane, b + from + 4 * i, 4),
                  "quants %d", i);
}

Test(pack, layout_holds_every_block) {
    const int64_t rows = 48;
    for (int i = 0; i < N_KINDS; i++) {
        const uint32_t type = kinds[i].type;
        const int64_t cols = rz_type_get(type)->block_size == RZ_QK_K ? 768 : 96;
        const int64_t nb = cols / rz_type_get(type)->block_size;
        const size_t bytes = rz_type_get(type)->block_bytes;
        const size_t packed_block =
            packed_row_bytes(kinds[i].packed, cols) / (size_t)nb * RZ_PACK_ROWS;
        uint8_t *w = rows_of(type, rows, cols, 3);
        uint8_t *p = packed(type, w, rows, cols);
        for (int64_t r = 0; r < rows; r++)
            for (int64_t k = 0; k < nb; k++)
                expect_block(type, w + (r * nb + k) * bytes,
                             p + ((r / RZ_PACK_ROWS) * nb + k) * packed_block,
                             (int)(r % RZ_PACK_ROWS));
        free(w);
        free(p);
    }
}

/* want[t * rows + r]: the scalar reference dot of unpacked row r with token t. */
static float *reference(int kind, const uint8_t *w, int64_t rows, int64_t cols, const uint8_t *xq,
                        int n_tokens) {
    const size_t xb = rz_vec_dot_x_bytes(partner(kind), cols),
                 rb = row_bytes(kinds[kind].type, cols);
    float *want = malloc((size_t)(rows * n_tokens) * sizeof *want);
    for (int t = 0; t < n_tokens; t++)
        for (int64_t r = 0; r < rows; r++)
            want[t * rows + r] = kinds[kind].dot(w + r * rb, xq + t * xb, cols);
    return want;
}

static void expect_bits(const float *got, const float *want, size_t n, const char *what, int kind,
                        const char *kernel, long long cols) {
    for (size_t i = 0; i < n; i++)
        cr_assert(!memcmp(&got[i], &want[i], sizeof *got),
                  "%s of %s, %s, cols %lld: element %zu is %.9g, the reference %.9g", what,
                  rz_type_get(kinds[kind].type)->name, kernel, cols, i, got[i], want[i]);
}

/* The gemms of one kind to run here, with their names: n of them. */
static int gemms_here(int kind, rz_vec_tile_fn fn[RZ_ISA_COUNT + 2], const char *name[]) {
    int n = 0;
    for (int isa = 0; isa < RZ_ISA_COUNT; isa++)
        if (rz_backend_for((rz_isa)isa)) {
            fn[n] = kinds[kind].gemm[isa];
            name[n++] = rz_backend_for((rz_isa)isa)->name;
        }
    if (kinds[kind].amx_model && rz_cpu_supports(RZ_ISA_AVX512)) {
        fn[n] = kinds[kind].amx_model;
        name[n++] = "AMX on the tile model";
        fn[n] = kinds[kind].amx_or_vnni;
        name[n++] = rz_amx_usable() ? "AMX tiles" : "rz_amx_gemm without AMX (VNNI)";
    }
    return n;
}

/* Token counts for the gemms: every one up to 17, then each side of the kernels' runs of 16
 * tokens and AVX-512 q6_K's spans of 64. */
enum { MAX_TOKENS = 80 };
static const int counts[] = {1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12,
                             13, 14, 15, 16, 17, 31, 32, 33, 63, 64, 65, MAX_TOKENS};

Test(pack, every_gemm_gives_the_scalar_bits) {
    static const int64_t small[] = {32, 64, 96, 256, 288, 2240},
                         k_quant[] = {256, 512, 768, 256, 2304, 2560};
    const int64_t rows = 32;
    for (int kind = 0; kind < N_KINDS; kind++)
        for (size_t c = 0; c < 6; c++) {
            const int64_t cols = cols_for(kind, small, k_quant)[c];
            const uint32_t type = kinds[kind].type;
            const size_t xb = rz_vec_dot_x_bytes(partner(kind), cols);
            uint8_t *w = rows_of(type, rows, cols, 5 + c);
            void *p = packed(type, w, rows, cols);
            float *x;
            uint8_t *xq = activations(partner(kind), cols, MAX_TOKENS, 100 + c, &x);
            float *want = reference(kind, w, rows, cols, xq, MAX_TOKENS);
            rz_vec_tile_fn gemm[RZ_ISA_COUNT + 2];
            const char *name[RZ_ISA_COUNT + 2];
            for (int g = 0, n = gemms_here(kind, gemm, name); g < n; g++)
                for (size_t i = 0; i < sizeof counts / sizeof *counts; i++) {
                    const int nt = counts[i];
                    float got[32 * MAX_TOKENS];
                    memset(got, 0xff, sizeof got);
                    gemm[g](p, packed_row_bytes(kinds[kind].packed, cols), (int)rows, xq, xb, nt,
                            got, rows, cols);
                    expect_bits(got, want, (size_t)(nt * rows), "gemm", kind, name[g],
                                (long long)cols);
                    char why[160];
                    cr_assert_eq(amx_model_refusals(why, sizeof why), 0, "%s: %s", name[g], why);
                }
            free(w);
            free(p);
            free(x);
            free(xq);
            free(want);
        }
}

Test(pack, matvec_and_matmul_give_the_scalar_bits) {
    static const int64_t small[] = {32, 352, 2048}, k_quant[] = {256, 768, 2048};
    static const int tokens_of[] = {2, 15, 16, 17, 33};
    const int64_t rows = 80;
    rz_pool *pools[3] = {NULL};
    for (int i = 1; i < 3; i++)
        cr_assert_eq(rz_pool_new(i + 1, &pools[i], NULL), RZ_OK);
    for (int kind = 0; kind < N_KINDS; kind++)
        for (size_t c = 0; c < 3; c++) {
            const int64_t cols = cols_for(kind, small, k_quant)[c];
            uint8_t *w = rows_of(kinds[kind].type, rows, cols, 8 + c);
            void *p = packed(kinds[kind].type, w, rows, cols);
            float *x;
            uint8_t *xq = activations(partner(kind), cols, 33, 200 + c, &x);
            float *want = reference(kind, w, rows, cols, xq, 33);
            float *got = malloc((size_t)(rows * 33) * sizeof *got);
            for (int isa = 0; isa < RZ_ISA_COUNT; isa++) {
                const rz_backend *be = rz_backend_for((rz_isa)isa);
                if (!be) continue;
                for (int pi = 0; pi < 3; pi++) {
                    rz_matvec_mt(be, pools[pi], kinds[kind].packed, p, x, got, rows, cols);
                    expect_bits(got, want, (size_t)rows, "matvec", kind, be->name, (long long)cols);
                    for (size_t ti = 0; ti < sizeof tokens_of / sizeof *tokens_of; ti++) {
                        const int nt = tokens_of[ti];
                        rz_matmul_mt(be, pools[pi], kinds[kind].packed, p, x, got, rows, cols, nt,
                                     NULL);
                        expect_bits(got, want, (size_t)(nt * rows), "matmul", kind, be->name,
                                    (long long)cols);
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
