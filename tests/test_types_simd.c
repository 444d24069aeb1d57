/* SIMD dequantization: each SIMD ISA's table holds exactly the to_float kernels named below, and
 * on every ISA this CPU runs each named kernel is bit-identical to the scalar reference (tolerance
 * zero: the kernels use no FMA), on random blocks, on quantized weights, and for f16/bf16 on every
 * length up to 100 (all tails, NaNs included). rz_backend_to_float falls back to scalar for types
 * an ISA leaves out, and gives NULL for the types rz only sizes. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "backends/avx2/dequant.h"
#include "backends/avx512/dequant.h"
#include "backends/backend.h"
#include "engine/types/types.h"
#include "tests/support/types_data.h"

typedef struct {
    uint32_t type;
    rz_to_float_fn fn;
} named_kernel;

enum { N_KERNELS = 11 };

static const named_kernel avx2_kernels[N_KERNELS] = {
    {RZ_TYPE_F16, rz_avx2_f16_to_float},   {RZ_TYPE_BF16, rz_avx2_bf16_to_float},
    {RZ_TYPE_Q4_0, rz_avx2_q4_0_to_float}, {RZ_TYPE_Q4_1, rz_avx2_q4_1_to_float},
    {RZ_TYPE_Q5_0, rz_avx2_q5_0_to_float}, {RZ_TYPE_Q5_1, rz_avx2_q5_1_to_float},
    {RZ_TYPE_Q8_0, rz_avx2_q8_0_to_float}, {RZ_TYPE_Q4_K, rz_avx2_q4_k_to_float},
    {RZ_TYPE_Q5_K, rz_avx2_q5_k_to_float}, {RZ_TYPE_Q6_K, rz_avx2_q6_k_to_float},
    {RZ_TYPE_Q8_K, rz_avx2_q8_k_to_float},
};

static const named_kernel avx512_kernels[N_KERNELS] = {
    {RZ_TYPE_F16, rz_avx512_f16_to_float},   {RZ_TYPE_BF16, rz_avx512_bf16_to_float},
    {RZ_TYPE_Q4_0, rz_avx512_q4_0_to_float}, {RZ_TYPE_Q4_1, rz_avx512_q4_1_to_float},
    {RZ_TYPE_Q5_0, rz_avx512_q5_0_to_float}, {RZ_TYPE_Q5_1, rz_avx512_q5_1_to_float},
    {RZ_TYPE_Q8_0, rz_avx512_q8_0_to_float}, {RZ_TYPE_Q4_K, rz_avx512_q4_k_to_float},
    {RZ_TYPE_Q5_K, rz_avx512_q5_k_to_float}, {RZ_TYPE_Q6_K, rz_avx512_q6_k_to_float},
    {RZ_TYPE_Q8_K, rz_avx512_q8_k_to_float},
};

static const struct {
    rz_isa isa;
    const rz_backend *be;
    const named_kernel *kernels;
} simd[] = {
    {RZ_ISA_AVX2, &rz_backend_avx2, avx2_kernels},
    {RZ_ISA_AVX512, &rz_backend_avx512, avx512_kernels},
};
enum { N_SIMD = sizeof simd / sizeof simd[0] };

/* The named kernel of type in kernels, or NULL. */
static rz_to_float_fn named(const named_kernel *kernels, uint32_t type) {
    for (int i = 0; i < N_KERNELS; i++)
        if (kernels[i].type == type) return kernels[i].fn;
    return NULL;
}

Test(simd, tables_hold_the_named_kernels) {
    for (int s = 0; s < N_SIMD; s++)
        for (uint32_t type = 0; type < RZ_TYPE_ID_LIMIT; type++)
            cr_expect(simd[s].be->to_float[type] == named(simd[s].kernels, type), "%s: type %u",
                      simd[s].be->name, type);
}

/* fn (be's kernel for type) writes the scalar reference's bits for the n elements at q, and
 * nothing past them. */
static void expect_same(const rz_backend *be, rz_to_float_fn fn, uint32_t type, const void *q,
                        int64_t n, const char *what) {
    cr_assert(fn && be->to_float[type] == fn, "%s %s: not the table's kernel", be->name,
              rz_type_get(type)->name);
    float *want = malloc((size_t)n * sizeof *want + 4), *got = malloc((size_t)n * sizeof *got + 4);
    rz_backend_scalar.to_float[type](q, want, n);
    memset(got, 0x5a, (size_t)n * sizeof *got + 4);
    fn(q, got, n);
    for (int64_t i = 0; i < n; i++) {
        if (memcmp(&want[i], &got[i], sizeof(float)))
            cr_assert_fail("%s %s (%s, n=%lld): element %lld is %a, scalar %a", be->name,
                           rz_type_get(type)->name, what, (long long)n, (long long)i, got[i],
                           want[i]);
    }
    uint32_t guard;
    memcpy(&guard, got + n, 4);
    cr_expect_eq(guard, 0x5a5a5a5au, "%s %s wrote past n=%lld", be->name, rz_type_get(type)->name,
                 (long long)n);
    free(want);
    free(got);
}

Test(simd, dequantization_is_bit_identical_to_scalar) {
    int isas = 0, kernels = 0;
    for (int s = 0; s < N_SIMD; s++) {
        const rz_backend *be = simd[s].be;
        if (!rz_backend_for(simd[s].isa)) continue;
        isas++;
        for (int k = 0; k < N_KERNELS; k++) {
            const uint32_t type = simd[s].kernels[k].type;
            const rz_type_traits *t = rz_type_get(type);
            kernels++;
            for (int64_t blocks = 1; blocks <= 9; blocks++) {
                int64_t n = t->quantized ? blocks * t->block_size : blocks * 37;
                uint8_t *q = malloc((size_t)(n / t->block_size * t->block_bytes));
                rzt_fill_blocks(type, q, n / t->block_size, (uint64_t)(blocks * 131 + type));
                expect_same(be, simd[s].kernels[k].fn, type, q, n, "random blocks");
                float *x = malloc((size_t)n * sizeof *x);
                rzt_fill_weights(x, n, (uint64_t)blocks);
                t->from_float(x, q, n);
                expect_same(be, simd[s].kernels[k].fn, type, q, n, "quantized weights");
                free(x);
                free(q);
            }
        }
    }
    cr_log_info("%d SIMD ISAs, %d kernels compared", isas, kernels);
    if (!isas) cr_skip_test("this CPU runs no SIMD backend");
}

Test(simd, float_formats_every_tail) {
    uint16_t h[100];
    uint64_t seed = 3;
    for (int s = 0; s < N_SIMD; s++) {
        if (!rz_backend_for(simd[s].isa)) continue;
        for (int64_t n = 0; n <= 100; n++) {
            for (int i = 0; i < 100; i++)
                h[i] = (uint16_t)(rzt_rand(&seed) >> 20);
            h[0] = 0x7c01; /* a signalling NaN */
            h[1] = 0x8001; /* the smallest negative subnormal */
            expect_same(simd[s].be, named(simd[s].kernels, RZ_TYPE_F16), RZ_TYPE_F16, h, n, "bits");
            expect_same(simd[s].be, named(simd[s].kernels, RZ_TYPE_BF16), RZ_TYPE_BF16, h, n,
                        "bits");
        }
    }
}

Test(simd, to_float_falls_back_to_scalar) {
    for (int isa = 0; isa < RZ_ISA_COUNT; isa++) {
        const rz_backend *be = rz_backend_for((rz_isa)isa);
        if (!be) continue;
        for (uint32_t type = 0; type < RZ_TYPE_ID_LIMIT; type++) {
            const rz_type_traits *t = rz_type_get(type);
            rz_to_float_fn fn = rz_backend_to_float(be, type);
            if (!t || !t->to_float) {
                cr_expect_null(fn, "%s: type %u", be->name, type);
                continue;
            }
            cr_expect(fn == (be->to_float[type] ? be->to_float[type] : t->to_float), "%s %s",
                      be->name, t->name);
        }
        cr_expect_null(rz_backend_to_float(be, RZ_TYPE_ID_LIMIT));
        cr_expect_null(rz_backend_to_float(be, UINT32_MAX));
    }
    for (uint32_t type = 0; type < RZ_TYPE_ID_LIMIT; type++) {
        const rz_type_traits *t = rz_type_get(type);
        cr_expect(rz_backend_scalar.to_float[type] == (t ? t->to_float : NULL), "type %u", type);
    }
}
