/* The backends' silu_mul (SwiGLU: gate = gate / (1 + exp(-gate)) * up): every ISA against the
 * scalar reference, for lengths around every tail and gates from tiny to past exp's float range
 * on both sides. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "backends/backend.h"
#include "tests/support/tiny_llama.h"

Test(silu, every_isa_within_a_few_ulp_of_the_scalar_reference) {
    enum { MAX = 70 };
    static const float edges[] = {0.0f,  -0.0f,  1e-30f, -1e-30f, 86.5f,  -86.5f,  88.5f,  -88.5f,
                                  88.8f, -88.8f, 90.0f,  -90.0f,  103.0f, -103.0f, 120.0f, -120.0f};
    float gate[MAX], up[MAX], got[MAX], want[MAX];
    uint64_t rng = 47;
    for (int isa = 0; isa < RZ_ISA_COUNT; isa++) {
        const rz_backend *be = rz_backend_for((rz_isa)isa);
        if (!be) continue;
        cr_assert_not_null(be->silu_mul, "%s has no silu_mul", be->name);
        for (size_t n = 1; n <= MAX; n++)
            for (int spread = 0; spread < 3; spread++) {
                for (size_t i = 0; i < n; i++) {
                    gate[i] = spread == 2 ? edges[(i + n) % 16]
                                          : rzt_weight(&rng, spread == 0 ? 4.0f : 100.0f);
                    up[i] = rzt_weight(&rng, 2.0f);
                }
                memcpy(got, gate, n * sizeof *gate);
                memcpy(want, gate, n * sizeof *gate);
                be->silu_mul(got, up, n);
                rz_backend_scalar.silu_mul(want, up, n);
                for (size_t i = 0; i < n; i++)
                    cr_assert_leq(fabsf(got[i] - want[i]), 2e-6f * fabsf(want[i]) + 1e-37f,
                                  "%s n %zu gate %a: %a vs %a", be->name, n, gate[i], got[i],
                                  want[i]);
            }
    }
}
