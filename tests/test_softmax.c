/* The backends' softmax (rz_backend.softmax): every ISA against the exact softmax in double, for
 * lengths around every tail, scales, and scores spread wide enough that some exps fall under the
 * float range. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "backends/activations.h"
#include "backends/backend.h"
#include "engine/models/llama_ops.h"
#include "tests/support/tiny_llama.h"

enum { MAX = 300 };

/* The softmax of x[i] * scale in double from the float differences from the maximum that every
 * kernel computes (each score and each difference rounded to float once). */
static void exact(const float *x, int n, float scale, double *out) {
    float max = -INFINITY;
    double sum = 0.0;
    for (int i = 0; i < n; i++)
        max = fmaxf(max, x[i] * scale);
    for (int i = 0; i < n; i++)
        sum += out[i] = exp((double)(x[i] * scale - max));
    for (int i = 0; i < n; i++)
        out[i] /= sum;
}

Test(softmax, every_isa_within_a_few_ulp_of_the_exact_softmax) {
    static const float scales[] = {0.125f, 1.0f, 3.0f};
    static const float spreads[] = {0.5f, 8.0f, 60.0f};
    float x[MAX], got[MAX];
    double want[MAX];
    uint64_t rng = 41;
    for (int isa = 0; isa < RZ_ISA_COUNT; isa++) {
        const rz_backend *be = rz_backend_for((rz_isa)isa);
        if (!be) continue;
        cr_assert_not_null(be->softmax, "%s has no softmax", be->name);
        for (int n = 1; n <= MAX; n += n < 40 ? 1 : 37)
            for (int s = 0; s < 3; s++)
                for (int w = 0; w < 3; w++) {
                    for (int i = 0; i < n; i++)
                        x[i] = rzt_weight(&rng, spreads[w]);
                    memcpy(got, x, (size_t)n * sizeof *x);
                    be->softmax(got, n, scales[s]);
                    exact(x, n, scales[s], want);
                    double total = 0.0;
                    for (int i = 0; i < n; i++) {
                        total += got[i];
                        cr_assert_leq(fabs(got[i] - want[i]), 1e-6 * want[i] + 1e-37,
                                      "%s n %d scale %g spread %g element %d: %a vs %a", be->name,
                                      n, scales[s], spreads[w], i, got[i], want[i]);
                    }
                    cr_assert_leq(fabs(total - 1.0), 1e-5, "%s n %d: sum %g", be->name, n, total);
                }
    }
}

/* rz_softmax, the CUDA tests' reference, is the scalar kernel at scale 1: the same bits. */
Test(softmax, rz_softmax_is_the_scalar_kernel) {
    float want[37], got[37];
    for (int i = 0; i < 37; i++)
        want[i] = got[i] = 0.37f * (float)(i % 11) - 1.5f;
    rz_scalar_softmax(want, 37, 1.0f);
    rz_softmax(got, 37);
    cr_assert_arr_eq(got, want, sizeof want);
}

/* Each ISA's kernel by its own name is the one its table holds. */
Test(softmax, named_kernels_are_the_tables) {
    cr_assert_eq(rz_backend_scalar.softmax, rz_scalar_softmax);
    cr_assert_eq(rz_backend_avx2.softmax, rz_avx2_softmax);
    cr_assert_eq(rz_backend_avx512.softmax, rz_avx512_softmax);
    cr_assert_eq(rz_backend_scalar.silu_mul, rz_scalar_silu_mul);
    cr_assert_eq(rz_backend_avx2.silu_mul, rz_avx2_silu_mul);
    cr_assert_eq(rz_backend_avx512.silu_mul, rz_avx512_silu_mul);
    float x[3] = {1.0f, 2.0f, 3.0f}, up[3] = {1.0f, 1.0f, 1.0f};
    rz_scalar_softmax(x, 3, 1.0f);
    rz_scalar_silu_mul(x, up, 3);
    if (rz_cpu_supports(RZ_ISA_AVX2)) {
        rz_avx2_softmax(x, 3, 1.0f);
        rz_avx2_silu_mul(x, up, 3);
    }
    if (rz_cpu_supports(RZ_ISA_AVX512)) {
        rz_avx512_softmax(x, 3, 1.0f);
        rz_avx512_silu_mul(x, up, 3);
    }
    cr_assert(x[0] > 0.0f && x[0] < 1.0f);
}
