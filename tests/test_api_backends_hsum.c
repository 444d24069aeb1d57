/* rz_x86_hsum256 (backends/x86/hsum.h), the horizontal sum every AVX2 and AVX-512 float kernel
 * ends with, adds the lanes in its one fixed order, ((v0 + v4) + (v2 + v6)) + ((v1 + v5) +
 * (v3 + v7)): checked bit for bit on lanes of mixed signs and magnitudes, where other orders round
 * differently. The header is compiled here for AVX2, as the kernels compile it; the test runs
 * where the CPU has AVX2. */
#include <criterion/criterion.h>
#include <string.h>

#include "backends/backend.h"
#include "tests/support/types_data.h"

#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2")
#endif
#include "backends/x86/hsum.h"

static float hsum(const float v[8]) {
    return rz_x86_hsum256(_mm256_loadu_ps(v));
}
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

Test(hsum, adds_the_lanes_in_its_fixed_order) {
    if (!rz_cpu_supports(RZ_ISA_AVX2)) cr_skip_test("this CPU has no AVX2");
    uint64_t seed = 5;
    int order_matters = 0;
    for (int i = 0; i < 1000; i++) {
        float v[8];
        for (int j = 0; j < 8; j++)
            v[j] = (rzt_uniform(&seed) - 0.5f) * (float)(1 << (rzt_rand(&seed) % 24));
        const float want = ((v[0] + v[4]) + (v[2] + v[6])) + ((v[1] + v[5]) + (v[3] + v[7]));
        float in_order = 0.0f;
        for (int j = 0; j < 8; j++)
            in_order += v[j];
        order_matters += memcmp(&in_order, &want, sizeof want) != 0;
        const float got = hsum(v);
        cr_assert(!memcmp(&got, &want, sizeof want), "case %d: %a, want %a", i, got, want);
    }
    cr_expect_gt(order_matters, 100, "the lanes must tell the orders apart");
    const float ones[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    cr_expect_eq(hsum(ones), 36.0f);
}
