/* The backends' axpy_f32 and axpy_f16 (y += a * x, x in f32 or f16): the scalar reference is a
 * product then a sum per element; each SIMD kernel is one fused multiply-add per element, so it
 * equals fmaf exactly, and the scalar reference within the one extra rounding of the product.
 * Also dot_f16 against the scalar one, and the rows calls against the single-row ones. Lengths
 * cover every tail. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "backends/avx512/vec_dot.h"
#include "backends/backend.h"
#include "engine/types/half.h"
#include "tests/support/tiny_llama.h"

Test(axpy, simd_is_one_fma_per_element) {
    enum { MAX = 70 };
    float x[MAX], y0[MAX], want[MAX], got[MAX], ref[MAX];
    uint64_t rng = 11;
    for (int isa = 0; isa < RZ_ISA_COUNT; isa++) {
        const rz_backend *be = rz_backend_for((rz_isa)isa);
        if (!be) continue;
        cr_assert_not_null(be->axpy_f32, "%s has no axpy", be->name);
        for (size_t n = 0; n <= MAX; n++) {
            const float a = rzt_weight(&rng, 4.0f);
            for (size_t i = 0; i < n; i++) {
                x[i] = rzt_weight(&rng, 2.0f);
                y0[i] = rzt_weight(&rng, 2.0f);
            }
            memcpy(got, y0, sizeof y0);
            memcpy(ref, y0, sizeof y0);
            be->axpy_f32(a, x, got, n);
            rz_backend_scalar.axpy_f32(a, x, ref, n);
            for (size_t i = 0; i < n; i++) {
                want[i] = isa == RZ_ISA_SCALAR ? y0[i] + a * x[i] : fmaf(a, x[i], y0[i]);
                cr_assert(!memcmp(&got[i], &want[i], sizeof got[i]),
                          "%s n %zu element %zu: %a vs %a", be->name, n, i, got[i], want[i]);
                cr_assert_leq(fabsf(got[i] - ref[i]), 1e-6f * (fabsf(a * x[i]) + fabsf(y0[i])),
                              "%s vs scalar, n %zu element %zu", be->name, n, i);
            }
        }
    }
}

Test(axpy, f16_is_one_fma_per_widened_element) {
    enum { MAX = 70 };
    uint16_t x[MAX];
    float y0[MAX], got[MAX], want[MAX];
    uint64_t rng = 12;
    for (int isa = 0; isa < RZ_ISA_COUNT; isa++) {
        const rz_backend *be = rz_backend_for((rz_isa)isa);
        if (!be) continue;
        cr_assert_not_null(be->axpy_f16, "%s has no axpy_f16", be->name);
        for (size_t n = 0; n <= MAX; n++) {
            const float a = rzt_weight(&rng, 4.0f);
            for (size_t i = 0; i < n; i++) {
                x[i] = rz_f32_to_f16(rzt_weight(&rng, 2.0f));
                y0[i] = rzt_weight(&rng, 2.0f);
            }
            memcpy(got, y0, sizeof y0);
            be->axpy_f16(a, x, got, n);
            for (size_t i = 0; i < n; i++) {
                const float xi = rz_f16_to_f32(x[i]);
                want[i] = isa == RZ_ISA_SCALAR ? y0[i] + a * xi : fmaf(a, xi, y0[i]);
                cr_assert(!memcmp(&got[i], &want[i], sizeof got[i]),
                          "%s n %zu element %zu: %a vs %a", be->name, n, i, got[i], want[i]);
            }
        }
    }
}

Test(axpy, dot_f16_matches_scalar) {
    enum { MAX = 130 };
    uint16_t a[MAX];
    float b[MAX];
    uint64_t rng = 13;
    for (int isa = 0; isa < RZ_ISA_COUNT; isa++) {
        const rz_backend *be = rz_backend_for((rz_isa)isa);
        if (!be) continue;
        cr_assert_not_null(be->dot_f16, "%s has no dot_f16", be->name);
        for (size_t n = 0; n <= MAX; n++) {
            double exact = 0, mag = 0;
            for (size_t i = 0; i < n; i++) {
                a[i] = rz_f32_to_f16(rzt_weight(&rng, 2.0f));
                b[i] = rzt_weight(&rng, 2.0f);
                exact += (double)rz_f16_to_f32(a[i]) * b[i];
                mag += fabs((double)rz_f16_to_f32(a[i]) * b[i]);
            }
            const float got = be->dot_f16(a, b, n);
            cr_assert_leq(fabs(got - exact), 1e-6 * (mag + 1), "%s n %zu: %g vs %g", be->name, n,
                          got, exact);
        }
    }
}

/* dot_f16_rows and axpy_f16_rows over rows of a strided cache give the single-row calls' bits,
 * for row lengths around every tail and the 64-element blocks of the AVX-512 axpy. */
Test(axpy, rows_calls_give_the_single_row_bits) {
    enum { ROWS = 9, MAX = 140, STRIDE = 150 };
    static uint16_t cache[ROWS * STRIDE];
    float b[MAX], a[ROWS], out[ROWS], y[MAX], want[MAX];
    uint64_t rng = 17;
    for (size_t i = 0; i < ROWS * STRIDE; i++)
        cache[i] = rz_f32_to_f16(rzt_weight(&rng, 2.0f));
    for (int isa = 0; isa < RZ_ISA_COUNT; isa++) {
        const rz_backend *be = rz_backend_for((rz_isa)isa);
        if (!be) continue;
        cr_assert(be->dot_f16_rows && be->axpy_f16_rows, "%s lacks the rows kernels", be->name);
        for (size_t n = 1; n <= MAX; n += n < 20 ? 1 : 7) {
            for (size_t i = 0; i < n; i++)
                b[i] = y[i] = want[i] = rzt_weight(&rng, 2.0f);
            for (int r = 0; r < ROWS; r++)
                a[r] = rzt_weight(&rng, 1.0f);
            be->dot_f16_rows(cache + 3, STRIDE, ROWS, b, n, out);
            for (int r = 0; r < ROWS; r++) {
                const float one = be->dot_f16(cache + 3 + (size_t)r * STRIDE, b, n);
                cr_assert(!memcmp(&out[r], &one, sizeof one), "%s n %zu row %d", be->name, n, r);
            }
            be->axpy_f16_rows(a, cache + 5, STRIDE, ROWS, y, n);
            for (int r = 0; r < ROWS; r++)
                be->axpy_f16(a[r], cache + 5 + (size_t)r * STRIDE, want, n);
            cr_assert(!memcmp(y, want, n * sizeof *y), "%s n %zu: axpy rows", be->name, n);
        }
    }
    float direct[ROWS];
    if (rz_backend_for(RZ_ISA_AVX512)) {
        rz_avx512_dot_f16_rows(cache, STRIDE, ROWS, b, 64, direct);
        cr_expect_eq(direct[2], rz_avx512_vec_dot_f16(cache + 2 * STRIDE, b, 64));
    }
}
