/* SIMD dequantization: on every ISA this CPU runs, each to_float kernel of the backend table is
 * bit-identical to the scalar reference (tolerance zero: the kernels use no FMA), on random
 * blocks, on quantized weights, and for f16/bf16 on every length up to 100 (all tails, NaNs
 * included). rz_backend_to_float falls back to scalar for types an ISA leaves out, and gives NULL
 * for the types rz only sizes. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "backends/backend.h"
#include "engine/types/types.h"
#include "tests/support/types_data.h"

static void expect_same(const rz_backend *be, uint32_t type, const void *q, int64_t n,
                        const char *what) {
    float *want = malloc((size_t)n * sizeof *want + 4), *got = malloc((size_t)n * sizeof *got + 4);
    rz_backend_scalar.to_float[type](q, want, n);
    memset(got, 0x5a, (size_t)n * sizeof *got + 4);
    be->to_float[type](q, got, n);
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
    for (int isa = RZ_ISA_AVX2; isa < RZ_ISA_COUNT; isa++) {
        const rz_backend *be = rz_backend_for((rz_isa)isa);
        if (!be) continue;
        isas++;
        for (uint32_t type = 0; type < RZ_TYPE_ID_LIMIT; type++) {
            const rz_type_traits *t = rz_type_get(type);
            if (!t || !be->to_float[type]) continue;
            kernels++;
            for (int64_t blocks = 1; blocks <= 9; blocks++) {
                int64_t n = t->quantized ? blocks * t->block_size : blocks * 37;
                uint8_t *q = malloc((size_t)(n / t->block_size * t->block_bytes));
                rzt_fill_blocks(type, q, n / t->block_size, (uint64_t)(blocks * 131 + type));
                expect_same(be, type, q, n, "random blocks");
                float *x = malloc((size_t)n * sizeof *x);
                rzt_fill_weights(x, n, (uint64_t)blocks);
                t->from_float(x, q, n);
                expect_same(be, type, q, n, "quantized weights");
                free(x);
                free(q);
            }
        }
    }
    cr_log_info("%d SIMD ISAs, %d kernels compared", isas, kernels);
    if (!isas) cr_skip_test("this CPU runs no SIMD backend");
    cr_expect_geq(kernels, 11 * isas, "f16, bf16, q4_0, q4_1, q5_0, q5_1, q8_0 and q4_K..q8_K");
}

Test(simd, float_formats_every_tail) {
    uint16_t h[100];
    uint64_t s = 3;
    for (int isa = RZ_ISA_AVX2; isa < RZ_ISA_COUNT; isa++) {
        const rz_backend *be = rz_backend_for((rz_isa)isa);
        if (!be) continue;
        for (int64_t n = 0; n <= 100; n++) {
            for (int i = 0; i < 100; i++)
                h[i] = (uint16_t)(rzt_rand(&s) >> 20);
            h[0] = 0x7c01; /* a signalling NaN */
            h[1] = 0x8001; /* the smallest negative subnormal */
            if (be->to_float[RZ_TYPE_F16]) expect_same(be, RZ_TYPE_F16, h, n, "bits");
            if (be->to_float[RZ_TYPE_BF16]) expect_same(be, RZ_TYPE_BF16, h, n, "bits");
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
            cr_expect_not_null(fn, "%s %s", be->name, t->name);
            if (!be->to_float[type]) cr_expect(fn == t->to_float, "%s %s", be->name, t->name);
        }
        cr_expect_null(rz_backend_to_float(be, RZ_TYPE_ID_LIMIT));
        cr_expect_null(rz_backend_to_float(be, UINT32_MAX));
    }
    for (uint32_t type = 0; type < RZ_TYPE_ID_LIMIT; type++) {
        const rz_type_traits *t = rz_type_get(type);
        cr_expect(rz_backend_scalar.to_float[type] == (t ? t->to_float : NULL), "type %u", type);
        for (int isa = RZ_ISA_AVX2; isa < RZ_ISA_COUNT; isa++) {
            const rz_backend *be = isa == RZ_ISA_AVX2 ? &rz_backend_avx2 : &rz_backend_avx512;
            cr_expect_not_null(be->to_float[RZ_TYPE_Q5_0], "%s has a q5_0 kernel", be->name);
            cr_expect_not_null(be->to_float[RZ_TYPE_Q5_1], "%s has a q5_1 kernel", be->name);
        }
    }
}
