/* The decode matvec (backends/vec_dot.h, backends/matvec_threads.h).
 * Each ISA's table holds exactly the kernels named here (the tests call them through these
 * names), and the q8_0 activation layout adds up.
 * 0. Every ISA's activation quantizer writes the scalar one's bytes exactly.
 * 1. Every SIMD dot kernel agrees with the scalar reference on random blocks and on quantized
 *    weights, for several block counts, and every scalar dot with the double-precision dot of the
 *    dequantized weights and activations. The integer block sums are exact; only the order and
 *    rounding of the float scale products and sums differ, so the tolerance is 1e-5 of M, the sum
 *    over elements of |x| times the magnitudes of the two parts of the weight (scale part and min
 *    part, each summed in float): a few float roundings per block (2^-24 each) over at most a
 *    few hundred blocks, far below what any wrong quant or scale would change.
 * 2. rz_matvec_mt (no pool, pools of 2 and 3), rz_matmul_mt and rz_vec_dot_rows equal the
 * row-by-row dot exactly, rz_matmul_shared its projections' own calls, for rows that are no
 * multiple of the chunk or tile; every tile kernel, of every shape, equals its ISA's dot exactly,
 * for block counts that are no multiple of 8 (float rows of 8 to 152 elements, no multiple of 32
 * among them), with its operands on 64-byte lines and 16 bytes past them, and that dot is within
 * the tolerance of 1. of the scalar one.
 * 3. The quantized matvec stays within the error that quantizing x explains of rz_matvec_ref,
 *    which dots dequantized weights with float x: |x - x8| <= d/2 + 127*|d - f16(d)| per element,
 *    bounded by 0.6 * amax(block) / 127 + 127 * 2^-24 (the f16 scale's relative and subnormal
 *    rounding), summed with |w|, plus 1e-5 of sum |w||x| for the float sums. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "backends/backend.h"
#include "backends/matvec_threads.h"
#include "backends/pack.h"
#include "backends/avx2/vec_dot.h"
#include "backends/avx512/vec_dot.h"
#include "backends/scalar/vec_dot.h"
#include "backends/vec_dot.h"
#include "engine/core/lines.h"
#include "engine/core/pool.h"
#include "engine/types/half.h"
#include "engine/types/kernels.h"
#include "tests/support/types_data.h"

static const uint32_t types[] = {RZ_TYPE_F32,  RZ_TYPE_F16,  RZ_TYPE_BF16, RZ_TYPE_Q4_0,
                                 RZ_TYPE_Q4_1, RZ_TYPE_Q5_0, RZ_TYPE_Q5_1, RZ_TYPE_Q8_0,
                                 RZ_TYPE_Q4_K, RZ_TYPE_Q5_K, RZ_TYPE_Q6_K};
enum { N_TYPES = sizeof types / sizeof types[0] };

static size_t bytes_of(uint32_t type, int64_t n) {
    const rz_type_traits *t = rz_type_get(type);
    return (size_t)(n / t->block_size) * t->block_bytes;
}

/* n weights of type: random blocks (seed odd; quantized types only) or quantized floats. */
static void *make_weights(uint32_t type, int64_t n, uint64_t seed) {
    uint8_t *w = malloc(bytes_of(type, n));
    if (rz_type_get(type)->quantized && seed % 2) {
        rzt_fill_blocks(type, w, n / rz_type_get(type)->block_size, seed);
    } else {
        float *f = malloc((size_t)n * sizeof *f);
        rzt_fill_weights(f, n, seed);
        rz_type_get(type)->from_float(f, w, n);
        free(f);
    }
    return w;
}

/* M of the header: sum of |x| * (|scale part| + |min part|) of each weight, the min part
 * found by dequantizing a copy whose min scale (at byte 2 in q4_1, q5_1, q4_K, q5_K) is zero,
 * or for q4_0 and q5_0 the offset times d (the kernels may subtract it in float). */
static double magnitude(uint32_t type, const void *w, const float *x, int64_t n) {
    const rz_type_traits *t = rz_type_get(type);
    const size_t bytes = bytes_of(type, n);
    uint8_t *w0 = malloc(bytes);
    memcpy(w0, w, bytes);
    if (type == RZ_TYPE_Q4_1 || type == RZ_TYPE_Q5_1 || type == RZ_TYPE_Q4_K ||
        type == RZ_TYPE_Q5_K)
        for (size_t b = 0; b < bytes; b += t->block_bytes)
            w0[b + 2] = w0[b + 3] = 0;
    float *f = malloc((size_t)n * sizeof *f), *f0 = malloc((size_t)n * sizeof *f0);
    t->to_float(w, f, n);
    t->to_float(w0, f0, n);
    const int offset = type == RZ_TYPE_Q4_0 ? 8 : type == RZ_TYPE_Q5_0 ? 16 : 0;
    double m = 0;
    for (int64_t i = 0; i < n; i++) {
        const double d =
            offset ? fabs(rz_load_f16((const uint8_t *)w + i / 32 * t->block_bytes)) : 0;
        m += (fabs(f0[i]) + fabs((double)f[i] - f0[i]) + offset * d) * fabs(x[i]);
    }
    free(w0);
    free(f);
    free(f0);
    return m;
}

/* The activations as the kernels see them: quantized, then dequantized. */
static void *quantize_x(uint32_t type, const float *x, int64_t n, float *seen) {
    const int vdt = rz_vec_dot_type(type);
    void *xq = malloc(rz_vec_dot_x_bytes(vdt, n));
    rz_vec_dot_quantize(rz_vec_kernel_for(&rz_backend_scalar, type), x, xq, n);
    if (vdt == RZ_TYPE_Q8_0)
        rz_q8_0_to_float(xq, seen, n);
    else if (vdt == RZ_TYPE_Q8_K)
        rz_q8_k_to_float(xq, seen, n);
    else
        memcpy(seen, x, (size_t)n * sizeof *x);
    return xq;
}

/* Each ISA's kernels by name, in the order of types[]: the dot, the tile (NULL where the ISA has
 * none) and the quantizer to the partner type (NULL for float weights, which dot x itself). */
typedef struct {
    rz_vec_dot_fn dot;
    rz_vec_tile_fn tile;
    rz_vec_quantize_fn quantize;
} named_kernel;

static const int partners[N_TYPES] = {RZ_TYPE_F32,  RZ_TYPE_F32,  RZ_TYPE_F32,  RZ_TYPE_Q8_0,
                                      RZ_TYPE_Q8_0, RZ_TYPE_Q8_0, RZ_TYPE_Q8_0, RZ_TYPE_Q8_0,
                                      RZ_TYPE_Q8_K, RZ_TYPE_Q8_K, RZ_TYPE_Q8_K};

static const named_kernel scalar_kernels[N_TYPES] = {
    {rz_scalar_vec_dot_f32, NULL, NULL},
    {rz_scalar_vec_dot_f16, NULL, NULL},
    {rz_scalar_vec_dot_bf16, NULL, NULL},
    {rz_scalar_vec_dot_q4_0, NULL, rz_scalar_quantize_q8_0},
    {rz_scalar_vec_dot_q4_1, NULL, rz_scalar_quantize_q8_0},
    {rz_scalar_vec_dot_q5_0, NULL, rz_scalar_quantize_q8_0},
    {rz_scalar_vec_dot_q5_1, NULL, rz_scalar_quantize_q8_0},
    {rz_scalar_vec_dot_q8_0, NULL, rz_scalar_quantize_q8_0},
    {rz_scalar_vec_dot_q4_k, NULL, rz_scalar_quantize_q8_k},
    {rz_scalar_vec_dot_q5_k, NULL, rz_scalar_quantize_q8_k},
    {rz_scalar_vec_dot_q6_k, NULL, rz_scalar_quantize_q8_k},
};

static const named_kernel avx2_kernels[N_TYPES] = {
    {rz_avx2_vec_dot_f32, NULL, NULL},
    {rz_avx2_vec_dot_f16, NULL, NULL},
    {rz_avx2_vec_dot_bf16, NULL, NULL},
    {rz_avx2_vec_dot_q4_0, rz_avx2_vec_tile_q4_0, rz_avx2_quantize_q8_0},
    {rz_avx2_vec_dot_q4_1, rz_avx2_vec_tile_q4_1, rz_avx2_quantize_q8_0},
    {rz_avx2_vec_dot_q5_0, rz_avx2_vec_tile_q5_0, rz_avx2_quantize_q8_0},
    {rz_avx2_vec_dot_q5_1, rz_avx2_vec_tile_q5_1, rz_avx2_quantize_q8_0},
    {rz_avx2_vec_dot_q8_0, rz_avx2_vec_tile_q8_0, rz_avx2_quantize_q8_0},
    {rz_avx2_vec_dot_q4_k, rz_avx2_vec_tile_q4_k, rz_avx2_quantize_q8_k},
    {rz_avx2_vec_dot_q5_k, rz_avx2_vec_tile_q5_k, rz_avx2_quantize_q8_k},
    {rz_avx2_vec_dot_q6_k, NULL, rz_avx2_quantize_q8_k},
};

static const named_kernel avx512_kernels[N_TYPES] = {
    {rz_avx512_vec_dot_f32, rz_avx512_vec_tile_f32, NULL},
    {rz_avx512_vec_dot_f16, rz_avx512_vec_tile_f16, NULL},
    {rz_avx512_vec_dot_bf16, rz_avx512_vec_tile_bf16, NULL},
    {rz_avx512_vec_dot_q4_0, rz_avx512_vec_tile_q4_0, rz_avx512_quantize_q8_0},
    {rz_avx512_vec_dot_q4_1, rz_avx512_vec_tile_q4_1, rz_avx512_quantize_q8_0},
    {rz_avx512_vec_dot_q5_0, rz_avx512_vec_tile_q5_0, rz_avx512_quantize_q8_0},
    {rz_avx512_vec_dot_q5_1, rz_avx512_vec_tile_q5_1, rz_avx512_quantize_q8_0},
    {rz_avx512_vec_dot_q8_0, rz_avx512_vec_tile_q8_0, rz_avx512_quantize_q8_0},
    {rz_avx512_vec_dot_q4_k, rz_avx512_vec_tile_q4_k, rz_avx512_quantize_q8_k},
    {rz_avx512_vec_dot_q5_k, rz_avx512_vec_tile_q5_k, rz_avx512_quantize_q8_k},
    {rz_avx512_vec_dot_q6_k, rz_avx512_vec_tile_q6_k, rz_avx512_quantize_q8_k},
};

static const struct {
    const rz_backend *be;
    const rz_vec_kernel *table;
    const named_kernel *kernels;
} isas[RZ_ISA_COUNT] = {
    [RZ_ISA_SCALAR] = {&rz_backend_scalar, rz_scalar_vec, scalar_kernels},
    [RZ_ISA_AVX2] = {&rz_backend_avx2, rz_avx2_vec, avx2_kernels},
    [RZ_ISA_AVX512] = {&rz_backend_avx512, rz_avx512_vec, avx512_kernels},
};

/* The named kernels of types[ti] on isa, once the ISA's table entry is checked to hold them. */
static const named_kernel *named(int isa, int ti) {
    const named_kernel *want = &isas[isa].kernels[ti];
    const rz_vec_kernel *k = rz_vec_kernel_for(isas[isa].be, types[ti]);
    cr_assert(k->dot == want->dot && k->tile == want->tile && k->quantize == want->quantize &&
                  k->vdt == partners[ti],
              "%s %s: the table's entry is not the named kernels", isas[isa].be->name,
              rz_type_get(types[ti])->name);
    return want;
}

Test(matvec, tables_and_layouts) {
    for (int isa = 0; isa < RZ_ISA_COUNT; isa++) {
        cr_expect_eq(isas[isa].be->vec, isas[isa].table);
        for (int ti = 0; ti < N_TYPES; ti++)
            named(isa, ti);
        cr_expect_null(isas[isa].table[RZ_TYPE_Q8_1].dot);
        cr_expect_eq(rz_vec_kernel_for(isas[isa].be, RZ_TYPE_Q8_1)->vdt, -1);
        cr_expect_eq(rz_vec_kernel_for(isas[isa].be, RZ_VEC_TYPE_LIMIT)->vdt, -1);
    }
    for (int ti = 0; ti < N_TYPES; ti++)
        cr_expect_eq(rz_vec_dot_type(types[ti]), partners[ti]);
    cr_expect_eq(rz_vec_dot_type(RZ_TYPE_Q8_1), -1);
    for (int64_t n = 32; n <= 32 * 20; n += 32) {
        const int64_t nb = n / 32, padded = rz_vec_dot_q8_0_padded(n);
        cr_expect(padded >= nb && padded < nb + 8 && padded % 8 == 0);
        cr_expect(rz_vec_dot_q8_0_tail(n) % 64 == 0 && rz_vec_dot_q8_0_tail(n) >= (size_t)nb * 34);
        cr_expect_eq(rz_vec_dot_x_bytes(RZ_TYPE_Q8_0, n),
                     rz_vec_dot_q8_0_tail(n) + 12 * (size_t)padded);
    }
    cr_expect_eq(rz_vec_dot_x_bytes(RZ_TYPE_Q8_K, 512), 2 * (292 + 16 + 64));
    cr_expect_eq(rz_vec_dot_x_bytes(RZ_TYPE_F32, 10), 40);
    /* The quantizers by name: the entry points the tables hold. */
    float x[256];
    rzt_fill_weights(x, 256, 3);
    struct {
        rz_block_q8_k b;
        int16_t group_sums[8];
        int32_t minus32[16];
    } a, b;
    rz_scalar_quantize_q8_k(x, &a, 256);
    rz_q8_k_from_float(x, &b.b, 256);
    cr_expect(!memcmp(&a.b, &b.b, sizeof a.b));
    for (int g = 0; g < 8; g++)
        cr_expect_eq(a.group_sums[g], a.b.bsums[2 * g] + a.b.bsums[2 * g + 1], "group %d", g);
    for (int j = 0; j < 16; j++)
        cr_expect_eq(a.minus32[j], -32 * a.b.bsums[j], "-32 times bsums[%d]", j);
    cr_expect_eq(rz_vec_dot_q8_k_group_sums(&a, 256), a.group_sums);
    cr_expect_eq(rz_vec_dot_q8_k_minus32(&a, 256), a.minus32);
    memset(a.group_sums, 0, sizeof a.group_sums);
    memset(a.minus32, 0, sizeof a.minus32);
    rz_vec_dot_q8_k_finish(&a, 256);
    cr_expect_eq(a.group_sums[7], a.b.bsums[14] + a.b.bsums[15], "finish writes the group sums");
    cr_expect_eq(a.minus32[15], -32 * a.b.bsums[15], "and the -32 offsets");
    cr_assert_eq(sizeof a, rz_vec_dot_x_bytes(RZ_TYPE_Q8_K, 256));
    if (rz_backend_for(RZ_ISA_AVX2)) {
        rz_avx2_quantize_q8_k(x, &b, 256);
        cr_expect(!memcmp(&a, &b, sizeof a));
    }
    if (rz_backend_for(RZ_ISA_AVX512)) {
        rz_avx512_quantize_q8_k(x, &b, 256);
        cr_expect(!memcmp(&a, &b, sizeof a));
    }
    const size_t q0 = rz_vec_dot_x_bytes(RZ_TYPE_Q8_0, 256);
    uint8_t *c = malloc(q0), *e = malloc(q0);
    rz_scalar_quantize_q8_0(x, c, 256);
    if (rz_backend_for(RZ_ISA_AVX2)) {
        rz_avx2_quantize_q8_0(x, e, 256);
        cr_expect(!memcmp(c, e, q0));
    }
    if (rz_backend_for(RZ_ISA_AVX512)) {
        rz_avx512_quantize_q8_0(x, e, 256);
        cr_expect(!memcmp(c, e, q0));
    }
    free(c);
    free(e);
}

Test(matvec, activation_quantizers_are_byte_identical) {
    static const int vdts[] = {RZ_TYPE_Q8_0, RZ_TYPE_Q8_K};
    static const uint32_t weights[] = {RZ_TYPE_Q4_0, RZ_TYPE_Q4_K}; /* of each partner */
    for (int isa = RZ_ISA_AVX2; isa < RZ_ISA_COUNT; isa++) {
        if (!rz_backend_for((rz_isa)isa)) continue;
        for (int v = 0; v < 2; v++) {
            const rz_vec_kernel *ref = rz_vec_kernel_for(&rz_backend_scalar, weights[v]);
            const rz_vec_kernel *simd = rz_vec_kernel_for(rz_backend_for((rz_isa)isa), weights[v]);
            for (int64_t n = 256; n <= 256 * 11; n += 256 + (vdts[v] == RZ_TYPE_Q8_0 ? 32 : 0)) {
                for (uint64_t seed = 1; seed <= 10; seed++) {
                    float *x = malloc((size_t)n * sizeof *x);
                    rzt_fill_weights(x, n, seed + (uint64_t)n);
                    const size_t bytes = rz_vec_dot_x_bytes(vdts[v], n);
                    uint8_t *want = malloc(bytes), *got = malloc(bytes);
                    memset(got, 0xa5, bytes);
                    rz_vec_dot_quantize(ref, x, want, n);
                    rz_vec_dot_quantize(simd, x, got, n);
                    for (size_t i = 0; i < bytes; i++)
                        cr_assert_eq(got[i], want[i], "isa %d type %d n=%lld seed %llu: byte %zu",
                                     isa, vdts[v], (long long)n, (unsigned long long)seed, i);
                    free(x);
                    free(want);
                    free(got);
                }
            }
        }
    }
}

Test(matvec, simd_dots_match_the_scalar_reference) {
    int isas = 0, cases = 0;
    for (int isa = RZ_ISA_AVX2; isa < RZ_ISA_COUNT; isa++) {
        if (!rz_backend_for((rz_isa)isa)) continue;
        isas++;
        for (int ti = 0; ti < N_TYPES; ti++) {
            const uint32_t type = types[ti];
            const rz_vec_dot_fn simd = named(isa, ti)->dot, ref = named(RZ_ISA_SCALAR, ti)->dot;
            const int64_t bs = rz_type_get(type)->quantized ? rz_type_get(type)->block_size : 1;
            for (int64_t blocks = 1; blocks <= 40; blocks += blocks < 10 ? 1 : 13) {
                for (uint64_t seed = 1; seed <= 4; seed++) {
                    const int64_t n = blocks * bs;
                    void *w = make_weights(type, n, seed + 10 * (uint64_t)blocks);
                    float *x = malloc((size_t)n * sizeof *x), *seen = malloc((size_t)n * 4);
                    rzt_fill_weights(x, n, seed * 7 + (uint64_t)blocks);
                    void *xq = quantize_x(type, x, n, seen);
                    const float want = ref(w, xq, n), got = simd(w, xq, n);
                    const double tol = 1e-5 * magnitude(type, w, seen, n) + 1e-35;
                    cr_assert(fabs((double)got - want) <= tol,
                              "isa %d %s n=%lld seed %llu: %.9g, scalar %.9g (tolerance %.3g)", isa,
                              rz_type_get(type)->name, (long long)n, (unsigned long long)seed, got,
                              want, tol);
                    cases++;
                    free(w);
                    free(x);
                    free(seen);
                    free(xq);
                }
            }
        }
    }
    cr_log_info("%d SIMD ISAs, %d dot cases", isas, cases);
    if (!isas) cr_skip_test("this CPU runs no SIMD backend");
}

Test(matvec, scalar_dots_equal_the_dot_of_the_dequantized_operands) {
    int cases = 0;
    for (int ti = 0; ti < N_TYPES; ti++) {
        const uint32_t type = types[ti];
        const rz_vec_dot_fn ref = named(RZ_ISA_SCALAR, ti)->dot;
        const int64_t bs = rz_type_get(type)->quantized ? rz_type_get(type)->block_size : 1;
        for (int64_t blocks = 1; blocks <= 40; blocks += blocks < 10 ? 1 : 13) {
            for (uint64_t seed = 1; seed <= 2; seed++) {
                const int64_t n = blocks * bs;
                void *w = make_weights(type, n, seed + 10 * (uint64_t)blocks);
                float *x = malloc((size_t)n * sizeof *x), *seen = malloc((size_t)n * 4);
                float *wf = malloc((size_t)n * sizeof *wf);
                rzt_fill_weights(x, n, seed * 7 + (uint64_t)blocks);
                void *xq = quantize_x(type, x, n, seen);
                rz_type_get(type)->to_float(w, wf, n);
                double want = 0;
                for (int64_t i = 0; i < n; i++)
                    want += (double)wf[i] * seen[i];
                const float got = ref(w, xq, n);
                const double tol = 1e-5 * magnitude(type, w, seen, n) + 1e-35;
                cr_assert(fabs(got - want) <= tol,
                          "%s n=%lld seed %llu: %.9g, dequantized %.9g (tolerance %.3g)",
                          rz_type_get(type)->name, (long long)n, (unsigned long long)seed, got,
                          want, tol);
                cases++;
                free(w);
                free(x);
                free(seen);
                free(wf);
                free(xq);
            }
        }
    }
    cr_log_info("%d scalar dot cases", cases);
}

static void expect_same_rows(const float *got, const float *want, int64_t rows, const char *what,
                             const rz_backend *be, uint32_t type) {
    for (int64_t r = 0; r < rows; r++)
        cr_assert(!memcmp(&got[r], &want[r], sizeof *got), "%s %s %s: row %lld is %a, want %a",
                  what, be->name, rz_type_get(type)->name, (long long)r, got[r], want[r]);
}

Test(matvec, threads_and_batches_equal_the_row_dots) {
    rz_pool *pools[2];
    cr_assert_eq(rz_pool_new(2, &pools[0], NULL), RZ_OK);
    cr_assert_eq(rz_pool_new(3, &pools[1], NULL), RZ_OK);
    const int64_t rows = 37, tokens = 5;
    for (int isa = 0; isa < RZ_ISA_COUNT; isa++) {
        const rz_backend *be = rz_backend_for((rz_isa)isa);
        if (!be) continue;
        for (int ti = 0; ti < N_TYPES; ti++) {
            const uint32_t type = types[ti];
            const int64_t cols = 3 * 256;
            const size_t row_bytes = bytes_of(type, cols);
            uint8_t *w = make_weights(type, rows * cols, 3);
            float *X = malloc((size_t)(tokens * cols) * sizeof *X);
            float *want = malloc((size_t)(tokens * rows) * sizeof *want);
            float *got = malloc((size_t)(tokens * rows) * sizeof *got);
            rzt_fill_weights(X, tokens * cols, 5);
            for (int64_t t = 0; t < tokens; t++) {
                float *seen = malloc((size_t)cols * sizeof *seen);
                void *xq = quantize_x(type, X + t * cols, cols, seen);
                for (int64_t r = 0; r < rows; r++)
                    want[t * rows + r] =
                        rz_vec_kernel_for(be, type)->dot(w + r * row_bytes, xq, cols);
                free(seen);
                free(xq);
            }
            for (int p = -1; p < 2; p++) {
                memset(got, 0, (size_t)(tokens * rows) * sizeof *got);
                rz_matvec_mt(be, p < 0 ? NULL : pools[p], type, w, X, got, rows, cols);
                expect_same_rows(got, want, rows, "matvec_mt", be, type);
                memset(got, 0, (size_t)(tokens * rows) * sizeof *got);
                const size_t sb = (rz_matmul_scratch_bytes(cols, tokens) + 63) / 64 * 64;
                void *scratch = p == 1 ? aligned_alloc(64, sb) : NULL;
                rz_matmul_mt(be, p < 0 ? NULL : pools[p], type, w, X, got, rows, cols, tokens,
                             scratch);
                free(scratch);
                expect_same_rows(got, want, tokens * rows, "matmul_mt", be, type);
            }
            free(w);
            free(X);
            free(want);
            free(got);
        }
    }
    rz_pool_free(pools[0]);
    rz_pool_free(pools[1]);
}

/* rz_matmul_shared over projections of every type, a packed one and one without a kernel among
 * them (runs of partner types broken and resumed), gives each projection rz_matvec_mt's (one
 * token) or rz_matmul_mt's bits, without a pool and with 2 threads, with and without scratch. */
Test(matvec, shared_projections_equal_their_own_calls) {
    enum { COUNT = N_TYPES + 2 };
    rz_pool *pool;
    cr_assert_eq(rz_pool_new(2, &pool, NULL), RZ_OK);
    const int64_t cols = 2 * 256, rows = 48;
    rz_projection p[COUNT];
    float *want[COUNT];
    for (int i = 0; i < COUNT; i++) {
        const uint32_t type = i < N_TYPES ? types[i] : i == N_TYPES ? RZ_TYPE_Q4_0 : RZ_TYPE_Q8_1;
        p[i] = (rz_projection){.type = type,
                               .w = make_weights(type, rows * cols, 3 + 2 * i),
                               .rows = rows - i % 3 * 5};
        if (i == N_TYPES) { /* the same weights again, packed */
            const int packed = rz_pack_type_of(type);
            size_t rb;
            cr_assert(packed >= 0 && rz_pack_row_bytes((uint32_t)packed, cols, &rb));
            void *dst = aligned_alloc(64, ((size_t)rows * rb + 63) / 64 * 64);
            cr_assert(rz_pack_rows(type, p[i].w, rows, cols, dst));
            free((void *)p[i].w);
            p[i] = (rz_projection){.type = (uint32_t)packed, .w = dst, .rows = rows};
        }
    }
    for (int isa = 0; isa < RZ_ISA_COUNT; isa++) {
        const rz_backend *be = rz_backend_for((rz_isa)isa);
        if (!be) continue;
        for (int64_t tokens = 1; tokens <= 5; tokens += 4) {
            float *X = malloc((size_t)(tokens * cols) * sizeof *X);
            rzt_fill_weights(X, tokens * cols, 13 + (uint64_t)tokens);
            for (int i = 0; i < COUNT; i++) {
                want[i] = malloc((size_t)(tokens * rows) * sizeof *want[i]);
                if (tokens == 1)
                    rz_matvec_mt(be, pool, p[i].type, p[i].w, X, want[i], p[i].rows, cols);
                else
                    rz_matmul_mt(be, pool, p[i].type, p[i].w, X, want[i], p[i].rows, cols, tokens,
                                 NULL);
            }
            for (int way = 0; way < 3; way++) {
                const size_t sb = (rz_matmul_scratch_bytes(cols, tokens) + 63) / 64 * 64;
                void *scratch = way == 2 ? aligned_alloc(64, sb) : NULL;
                for (int i = 0; i < COUNT; i++)
                    p[i].y = calloc((size_t)(tokens * rows), sizeof(float));
                rz_matmul_shared(be, way == 0 ? NULL : pool, X, cols, tokens, p, COUNT, scratch);
                for (int i = 0; i < COUNT; i++) {
                    expect_same_rows(p[i].y, want[i], tokens * p[i].rows,
                                     way == 0   ? "shared0"
                                     : way == 1 ? "shared1"
                                                : "shared2",
                                     be, i == N_TYPES ? RZ_TYPE_Q4_0 : p[i].type);
                    free(p[i].y);
                }
                free(scratch);
            }
            for (int i = 0; i < COUNT; i++)
                free(want[i]);
            free(X);
        }
    }
    for (int i = 0; i < COUNT; i++)
        free((void *)p[i].w);
    rz_pool_free(pool);
}

Test(matvec, tiles_equal_the_dot_whatever_their_shape) {
    enum { ROWS = 9, TOKENS = 4 };
    int tiles = 0;
    for (int isa = 0; isa < RZ_ISA_COUNT; isa++) {
        if (!rz_backend_for((rz_isa)isa)) continue;
        for (int ti = 0; ti < N_TYPES; ti++) {
            const named_kernel *k = named(isa, ti);
            const rz_vec_dot_fn ref = named(RZ_ISA_SCALAR, ti)->dot;
            if (!k->tile) continue;
            tiles++;
            const int64_t bs =
                rz_type_get(types[ti])->quantized ? rz_type_get(types[ti])->block_size : 8;
            for (int64_t cols = bs; cols <= 19 * bs; cols += 3 * bs) {
                const size_t row_bytes = bytes_of(types[ti], cols);
                uint8_t *w = make_weights(types[ti], ROWS * cols, (uint64_t)cols);
                float *X = malloc((size_t)(TOKENS * cols) * sizeof *X);
                float *seen = malloc((size_t)cols * sizeof *seen);
                rzt_fill_weights(X, TOKENS * cols, 7);
                const size_t xb = rz_vec_dot_x_bytes(partners[ti], cols);
                uint8_t *xs = malloc(TOKENS * xb);
                float want[TOKENS][ROWS], got[TOKENS * ROWS];
                for (int t = 0; t < TOKENS; t++) {
                    void *xq = quantize_x(types[ti], X + t * cols, cols, seen);
                    memcpy(xs + t * xb, xq, xb);
                    for (int r = 0; r < ROWS; r++) {
                        want[t][r] = k->dot(w + r * row_bytes, xq, cols);
                        const float scalar = ref(w + r * row_bytes, xq, cols);
                        const double tol =
                            1e-5 * magnitude(types[ti], w + r * row_bytes, seen, cols) + 1e-35;
                        cr_assert(fabs((double)want[t][r] - scalar) <= tol,
                                  "isa %d %s cols %lld: (%d, %d) is %.9g, scalar %.9g", isa,
                                  rz_type_get(types[ti])->name, (long long)cols, r, t, want[t][r],
                                  scalar);
                    }
                    free(xq);
                }
                /* Both operands on 64-byte lines, then 16 bytes past them, then the weights
                 * 32 bytes past theirs (a GGUF's alignment: the float tiles choose their kernel
                 * by the operands' alignment). */
                uint8_t *wa = rz_alloc_lines(ROWS * row_bytes + 64);
                uint8_t *xa = rz_alloc_lines(TOKENS * xb + 64);
                static const int shifts[3][2] = {{0, 0}, {16, 16}, {32, 0}}; /* weights, x */
                for (int s = 0; s < 3; s++) {
                    const int w_at = shifts[s][0], x_at = shifts[s][1];
                    memcpy(wa + w_at, w, ROWS * row_bytes);
                    memcpy(xa + x_at, xs, TOKENS * xb);
                    for (int nr = 1; nr <= ROWS; nr++)
                        for (int nt = 1; nt <= TOKENS; nt++) {
                            memset(got, 0, sizeof got);
                            k->tile(wa + w_at, row_bytes, nr, xa + x_at, xb, nt, got, ROWS, cols);
                            for (int t = 0; t < nt; t++)
                                for (int r = 0; r < nr; r++)
                                    cr_assert(
                                        !memcmp(&got[t * ROWS + r], &want[t][r], sizeof(float)),
                                        "isa %d %s cols %lld weights at +%d, x at +%d, tile %dx%d: (%d, %d) is %a, want %a",
                                        isa, rz_type_get(types[ti])->name, (long long)cols, w_at,
                                        x_at, nr, nt, r, t, got[t * ROWS + r], want[t][r]);
                        }
                }
                free(wa);
                free(xa);
                free(xs);
                free(seen);
                free(X);
                free(w);
            }
        }
    }
    cr_log_info("%d tile kernels", tiles);
}

/* rz_vec_dot_rows over rows [R0, R1) of ROWS and 1 or TOKENS tokens (more than one tile's):
 * y[t * ldy + r - R0] is the dot of row r and token t, bit for bit, and nothing else is written. */
Test(matvec, dot_rows_equal_the_dots) {
    enum { ROWS = 11, TOKENS = 6, R0 = 2, R1 = 9 };
    const int64_t cols = 2 * 256;
    for (int isa = 0; isa < RZ_ISA_COUNT; isa++) {
        if (!rz_backend_for((rz_isa)isa)) continue;
        for (int ti = 0; ti < N_TYPES; ti++) {
            const rz_vec_kernel *k = rz_vec_kernel_for(isas[isa].be, types[ti]);
            const size_t row_bytes = bytes_of(types[ti], cols);
            const size_t xb = rz_vec_dot_x_bytes(partners[ti], cols);
            uint8_t *w = make_weights(types[ti], ROWS * cols, 4), *xs = malloc(TOKENS * xb);
            float *X = malloc((size_t)(TOKENS * cols) * sizeof *X);
            rzt_fill_weights(X, TOKENS * cols, 11);
            for (int t = 0; t < TOKENS; t++)
                rz_vec_dot_quantize(k, X + t * cols, xs + t * xb, cols);
            for (int nt = 1; nt <= TOKENS; nt += TOKENS - 1) {
                float y[TOKENS][ROWS];
                memset(y, 0x5a, sizeof y);
                rz_vec_dot_rows(k, w, row_bytes, xs, xb, nt, &y[0][0], ROWS, R0, R1, cols);
                for (int t = 0; t < TOKENS; t++)
                    for (int r = 0; r < ROWS; r++) {
                        float want;
                        if (t < nt && r < R1 - R0)
                            want = k->dot(w + (R0 + r) * row_bytes, xs + t * xb, cols);
                        else
                            memset(&want, 0x5a, sizeof want);
                        cr_assert(!memcmp(&y[t][r], &want, sizeof want),
                                  "%s %s %d tokens: y[%d][%d] is %a, want %a", isas[isa].be->name,
                                  rz_type_get(types[ti])->name, nt, t, r, y[t][r], want);
                    }
            }
            free(w);
            free(xs);
            free(X);
        }
    }
}

Test(matvec, types_without_a_kernel_use_the_reference) {
    rz_pool *pool;
    cr_assert_eq(rz_pool_new(2, &pool, NULL), RZ_OK);
    const int64_t rows = 48, cols = 512; /* 3 chunks: the second thread starts at row 32 */
    uint8_t *w = make_weights(RZ_TYPE_Q8_1, rows * cols, 1);
    float x[512], want[48], got[48];
    rzt_fill_weights(x, cols, 2);
    for (int isa = 0; isa < RZ_ISA_COUNT; isa++) {
        const rz_backend *be = rz_backend_for((rz_isa)isa);
        if (!be) continue;
        rz_matvec_ref(be, RZ_TYPE_Q8_1, w, x, want, rows, cols);
        rz_matvec_mt(be, pool, RZ_TYPE_Q8_1, w, x, got, rows, cols);
        expect_same_rows(got, want, rows, "matvec_mt", be, RZ_TYPE_Q8_1);
        rz_matmul_mt(be, pool, RZ_TYPE_Q8_1, w, x, got, rows, cols, 1, NULL);
        expect_same_rows(got, want, rows, "matmul_mt", be, RZ_TYPE_Q8_1);
    }
    free(w);
    rz_pool_free(pool);
}

/* The per-element activation error bound of the header, for element i. */
static double x_error(uint32_t type, const float *x, int64_t i) {
    const int vdt = rz_vec_dot_type(type);
    if (vdt == RZ_TYPE_F32) return 0;
    const int64_t bs = vdt == RZ_TYPE_Q8_0 ? 32 : 256, b0 = i / bs * bs;
    double amax = 0;
    for (int64_t j = b0; j < b0 + bs; j++)
        amax = fmax(amax, fabs(x[j]));
    return 0.6 * amax / 127 + 127 * 0x1p-24;
}

Test(matvec, quantized_matvec_is_within_the_activation_error_of_float) {
    const int64_t rows = 19, cols = 2 * 256;
    for (int isa = 0; isa < RZ_ISA_COUNT; isa++) {
        const rz_backend *be = rz_backend_for((rz_isa)isa);
        if (!be) continue;
        for (int ti = 0; ti < N_TYPES; ti++) {
            const uint32_t type = types[ti];
            const rz_type_traits *t = rz_type_get(type);
            uint8_t *w = make_weights(type, rows * cols, 2);
            float x[2 * 256], want[19], got[19], row[2 * 256];
            rzt_fill_weights(x, cols, 9);
            rz_matvec_ref(be, type, w, x, want, rows, cols);
            rz_matvec_mt(be, NULL, type, w, x, got, rows, cols);
            for (int64_t r = 0; r < rows; r++) {
                t->to_float(w + r * bytes_of(type, cols), row, cols);
                double bound = 0, mag = 0;
                for (int64_t c = 0; c < cols; c++) {
                    bound += fabs(row[c]) * x_error(type, x, c);
                    mag += fabs(row[c]) * fabs(x[c]);
                }
                bound += 1e-5 * mag;
                cr_assert(fabs((double)got[r] - want[r]) <= bound,
                          "%s %s row %lld: %.9g, float %.9g (bound %.3g)", be->name, t->name,
                          (long long)r, got[r], want[r], bound);
            }
            free(w);
        }
    }
}
