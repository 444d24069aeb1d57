/* The backends' axpy_f32 and axpy_f16 (y += a * x, x in f32 or f16): the scalar reference is a
 * product then a sum per element; each SIMD kernel is one fused multiply-add per element, so it
 * equals fmaf exactly, and the scalar reference within the one extra rounding of the product.
 * Also dot_f16 against the scalar one, and the attention kernels over several heads. Lengths
 * cover every tail. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "backends/avx2/vec_dot.h"
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

/* The attention kernels over a strided F16 cache, for head counts around the AVX-512 group of
 * 8, row lengths around every tail and the head sizes the kernels take as constants (64, 128,
 * 256), and a row count that the AVX-512 dot's three rows at a time leave 2 of: axpy_f16_heads
 * gives axpy_f16's bits row after row; each score of dot_f16_heads has the same bits however the
 * call groups heads and rows (one call for all against one per head and row), and is within
 * float rounding of the exact dot. */
Test(axpy, heads_calls_keep_their_bits_whatever_the_grouping) {
    enum { ROWS = 11, MAX = 256, STRIDE = 270, HEADS = 9 };
    size_t sizes[40], count = 0; /* 37 lengths up to 140, then the three constants */
    for (size_t n = 1; n <= 140; n += n < 20 ? 1 : 7)
        sizes[count++] = n;
    cr_assert_eq(count, 37);
    sizes[count++] = 64;
    sizes[count++] = 128;
    sizes[count++] = 256;
    static uint16_t cache[ROWS * STRIDE];
    static float q[HEADS * MAX], a[HEADS * ROWS], y[HEADS * MAX], want[HEADS * MAX];
    float out[HEADS * ROWS], one;
    uint64_t rng = 17;
    for (size_t i = 0; i < ROWS * STRIDE; i++)
        cache[i] = rz_f32_to_f16(rzt_weight(&rng, 2.0f));
    for (int isa = 0; isa < RZ_ISA_COUNT; isa++) {
        const rz_backend *be = rz_backend_for((rz_isa)isa);
        if (!be) continue;
        cr_assert(be->dot_f16_heads && be->axpy_f16_heads, "%s lacks the heads kernels", be->name);
        for (size_t k = 0; k < count; k++) {
            const size_t n = sizes[k];
            for (int heads = 1; heads <= HEADS; heads += heads < 3 ? 1 : 5) {
                for (size_t i = 0; i < (size_t)heads * n; i++)
                    q[i] = y[i] = want[i] = rzt_weight(&rng, 2.0f);
                for (int r = 0; r < heads * ROWS; r++)
                    a[r] = rzt_weight(&rng, 1.0f);
                be->dot_f16_heads(cache + 3, STRIDE, ROWS, q, heads, n, out, ROWS);
                for (int h = 0; h < heads; h++)
                    for (int r = 0; r < ROWS; r++) {
                        const uint16_t *row = cache + 3 + (size_t)r * STRIDE;
                        be->dot_f16_heads(row, STRIDE, 1, q + (size_t)h * n, 1, n, &one, 1);
                        const float got = out[h * ROWS + r];
                        cr_assert(!memcmp(&got, &one, sizeof one), "%s n %zu heads %d: %d, %d",
                                  be->name, n, heads, h, r);
                        double exact = 0.0, mag = 0.0;
                        for (size_t i = 0; i < n; i++) {
                            exact += (double)rz_f16_to_f32(row[i]) * q[(size_t)h * n + i];
                            mag += fabs((double)rz_f16_to_f32(row[i]) * q[(size_t)h * n + i]);
                        }
                        cr_assert_leq(fabs(got - exact), 1e-5 * mag + 1e-30, "%s n %zu: %g vs %g",
                                      be->name, n, got, exact);
                    }
                be->axpy_f16_heads(a, ROWS, cache + 5, STRIDE, ROWS, heads, y, n);
                for (int h = 0; h < heads; h++)
                    for (int r = 0; r < ROWS; r++)
                        be->axpy_f16(a[h * ROWS + r], cache + 5 + (size_t)r * STRIDE,
                                     want + (size_t)h * n, n);
                cr_assert(!memcmp(y, want, (size_t)heads * n * sizeof *y), "%s n %zu heads %d",
                          be->name, n, heads);
            }
        }
    }
}

/* The AVX2 and AVX-512 attention kernels by their own names are their tables'. */
Test(axpy, named_heads_kernels_are_the_tables) {
    cr_assert_eq(rz_backend_avx2.dot_f16_heads, rz_avx2_dot_f16_heads);
    cr_assert_eq(rz_backend_avx2.axpy_f16_heads, rz_avx2_axpy_f16_heads);
    cr_assert_eq(rz_backend_avx512.dot_f16_heads, rz_avx512_dot_f16_heads);
    cr_assert_eq(rz_backend_avx512.axpy_f16_heads, rz_avx512_axpy_f16_heads);
    const uint16_t row[16] = {0x3c00, 0x3c00};
    const float q[16] = {1.0f, 2.0f}, a[1] = {2.0f};
    float out[1] = {0}, y[16] = {0};
    if (rz_cpu_supports(RZ_ISA_AVX2)) {
        rz_avx2_dot_f16_heads(row, 16, 1, q, 1, 16, out, 1);
        cr_assert_eq(out[0], 3.0f);
        rz_avx2_axpy_f16_heads(a, 1, row, 16, 1, 1, y, 16);
        cr_assert_eq(y[1], 2.0f);
    }
    if (rz_cpu_supports(RZ_ISA_AVX512)) {
        rz_avx512_dot_f16_heads(row, 16, 1, q, 1, 16, out, 1);
        cr_assert_eq(out[0], 3.0f);
        rz_avx512_axpy_f16_heads(a, 1, row, 16, 1, 1, y, 16);
        cr_assert_eq(y[1], 4.0f);
    }
}
