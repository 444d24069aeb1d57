/* Logistic regression on the real model: realizar's P1 input gives p = 0.8971 and class 1 on
 * every backend; every SIMD dot kernel agrees with the scalar one, tails included;
 * rz_logreg_predict on a generated model equals the sigmoid computed directly. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/backend.h"
#include "engine/models/logreg.h"
#include "tests/support/support.h"
#include "tests/support/temp.h"

Test(logreg, p1_input_on_every_backend) {
    const char *path = rzt_shared("models/mnist_784x2.apr");
    if (!path) cr_skip_test("../shared/models/mnist_784x2.apr absent");
    rz_logreg m;
    rz_error err;
    cr_assert_eq(rz_logreg_load(path, &m, &err), RZ_OK, "%s", err.msg);
    cr_assert_eq(m.n_features, 784);
    float x[784];
    rz_logreg_demo_input(x, 784);
    int ran = 0;
    for (int isa = 0; isa < RZ_ISA_COUNT; isa++) {
        const rz_backend *be = rz_backend_for((rz_isa)isa);
        if (!be) continue;
        float p = rz_logreg_predict_with(&m, be, x);
        cr_expect(fabsf(p - 0.8971f) <= 1e-4f, "%s: p = %.6f, expected 0.8971", be->name, p);
        cr_expect_eq(rz_logreg_class(p), 1, "%s", be->name);
        ran++;
    }
    cr_expect_geq(ran, 1);
    rz_logreg_free(&m);
}

Test(backend, simd_dot_matches_scalar_with_tails) {
    srand(7);
    for (size_t n = 0; n <= 300; n++) {
        float *a = malloc((n + 1) * sizeof *a), *b = malloc((n + 1) * sizeof *b);
        double exact = 0, mag = 0;
        for (size_t i = 0; i < n; i++) {
            a[i] = (float)rand() / RAND_MAX * 2 - 1;
            b[i] = (float)rand() / RAND_MAX * 2 - 1;
            exact += (double)a[i] * b[i];
            mag += fabs((double)a[i] * b[i]);
        }
        float ref = rz_backend_scalar.dot_f32(a, b, n);
        for (int isa = RZ_ISA_AVX2; isa < RZ_ISA_COUNT; isa++) {
            const rz_backend *be = rz_backend_for((rz_isa)isa);
            if (!be) continue;
            float got = be->dot_f32(a, b, n);
            /* both sums carry at most n float roundings of partial sums bounded by mag */
            double tol = 2.0 * n * 6e-8 * mag + 1e-30;
            cr_expect(fabs(got - ref) <= tol, "%s n=%zu: %g vs scalar %g", be->name, n, got, ref);
            cr_expect(fabs(got - exact) <= tol, "%s n=%zu: %g vs exact %g", be->name, n, got,
                      exact);
        }
        free(a);
        free(b);
    }
}

Test(backend, select_by_name_and_reject_unknown) {
    rz_error err;
    cr_expect_eq(rz_backend_select("scalar", &err), RZ_OK);
    cr_expect_str_eq(rz_backend_active()->name, "scalar");
    cr_expect_eq(rz_backend_select("sse9", &err), RZ_EINVAL);
    cr_expect(strstr(err.msg, "expected scalar, avx2 or avx512") != NULL, "%s", err.msg);
    cr_expect_eq(rz_backend_select(NULL, &err), RZ_OK);
}

Test(logreg, predict_is_the_sigmoid_of_the_affine_score) {
    enum { N = 37 };
    size_t len;
    uint8_t *img = rzt_apr_image(N, 0.25f, &len);
    char path[256];
    snprintf(path, sizeof path, "%s", rzt_write_temp(img, len, ".apr"));
    free(img);
    rz_logreg m;
    rz_error err;
    cr_assert_eq(rz_logreg_load(path, &m, &err), RZ_OK, "%s", err.msg);
    remove(path);
    float x[N] = {0};
    cr_expect_float_eq(rz_logreg_predict(&m, x), 1 / (1 + exp(-0.25)), 1e-6, "sigmoid(b)");
    double z = 0.25;
    for (int i = 0; i < N; i++) {
        x[i] = (float)i * 0.1f - 1.0f;
        z += (double)((float)(i % 7 - 3) / 10.0f) * x[i];
    }
    float p = rz_logreg_predict(&m, x);
    cr_expect_float_eq(p, 1 / (1 + exp(-z)), 1e-5, "p = %g, z = %g", p, z);
    cr_expect_eq(rz_logreg_class(p), z >= 0);
    rz_logreg_free(&m);
}
