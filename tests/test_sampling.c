/* rz_sampler: greedy picks the argmax (lowest id on ties); the same seed gives the same draws;
 * top-k and top-p never pick outside their sets; draws follow the softmax at the temperature. */
#include <criterion/criterion.h>
#include <math.h>

#include "engine/generate/sampling.h"

static rz_sampler make(float temp, int k, float p, uint64_t seed, int n) {
    rz_sampler s;
    rz_error err;
    rz_sampler_params sp = {temp, k, p, seed};
    cr_assert_eq(rz_sampler_init(&sp, n, &s, &err), RZ_OK, "%s", err.msg);
    return s;
}

Test(sampling, greedy_is_argmax_lowest_id_on_ties) {
    const float logits[] = {1, 5, 3, 5, -2};
    rz_sampler s = make(0.0f, 40, 0.95f, 1, 5);
    cr_expect_eq(rz_sampler_sample(&s, logits), 1);
    rz_sampler_deinit(&s);
    s = make(0.8f, 1, 1.0f, 1, 5); /* top-k 1 is greedy too */
    cr_expect_eq(rz_sampler_sample(&s, logits), 1);
    rz_sampler_deinit(&s);
}

Test(sampling, same_seed_same_tokens) {
    float logits[1000];
    for (int i = 0; i < 1000; i++)
        logits[i] = sinf((float)i) * 3.0f;
    rz_sampler a = make(1.0f, 0, 1.0f, 1234, 1000), b = make(1.0f, 0, 1.0f, 1234, 1000);
    rz_sampler c = make(1.0f, 0, 1.0f, 1235, 1000);
    int differ = 0;
    for (int i = 0; i < 200; i++) {
        int32_t x = rz_sampler_sample(&a, logits), y = rz_sampler_sample(&b, logits);
        cr_assert_eq(x, y, "draw %d", i);
        differ += x != rz_sampler_sample(&c, logits);
    }
    cr_expect_gt(differ, 100, "another seed gives other draws");
    rz_sampler_deinit(&a);
    rz_sampler_deinit(&b);
    rz_sampler_deinit(&c);
}

Test(sampling, top_k_and_top_p_bound_the_choice) {
    float logits[100];
    for (int i = 0; i < 100; i++)
        logits[i] = (float)((i * 37) % 100) / 10.0f; /* a permutation of 0.0 .. 9.9 */
    rz_sampler k = make(5.0f, 3, 1.0f, 9, 100);
    for (int i = 0; i < 500; i++)
        cr_assert_geq(logits[rz_sampler_sample(&k, logits)], 9.7f);
    rz_sampler_deinit(&k);
    /* probabilities at temperature 1 of the top two: e^0 / Z and e^-0.1 / Z; the top three
     * already hold more than 0.2 of the mass, so top_p 0.2 keeps at most three */
    rz_sampler p = make(5.0f, 0, 0.2f, 9, 100);
    for (int i = 0; i < 500; i++)
        cr_assert_geq(logits[rz_sampler_sample(&p, logits)], 9.7f);
    rz_sampler_deinit(&p);
}

Test(sampling, draws_follow_the_softmax) {
    const float logits[] = {0.0f, logf(2.0f), logf(5.0f)}; /* probabilities 1/8, 2/8, 5/8 */
    rz_sampler s = make(1.0f, 0, 1.0f, 77, 3);
    int count[3] = {0};
    enum { N = 40000 };
    for (int i = 0; i < N; i++)
        count[rz_sampler_sample(&s, logits)]++;
    cr_expect_float_eq(count[0] / (double)N, 0.125, 0.01);
    cr_expect_float_eq(count[1] / (double)N, 0.25, 0.01);
    cr_expect_float_eq(count[2] / (double)N, 0.625, 0.01);
    rz_sampler_deinit(&s);
}

Test(sampling, bad_params_fail) {
    rz_sampler s;
    rz_error err;
    rz_sampler_params bad_p = {1.0f, 40, 0.0f, 1}, bad_k = {1.0f, -1, 0.9f, 1};
    rz_sampler_params bad_t = {NAN, 40, 0.9f, 1};
    cr_expect_eq(rz_sampler_init(&bad_p, 10, &s, &err), RZ_EINVAL);
    cr_expect_eq(rz_sampler_init(&bad_k, 10, &s, &err), RZ_EINVAL);
    cr_expect_eq(rz_sampler_init(&bad_t, 10, &s, &err), RZ_EINVAL);
    cr_expect_eq(rz_sampler_init(&bad_t, 0, &s, &err), RZ_EINVAL);
}

Test(sampling, uniform_in_unit_interval) {
    rz_sampler s = make(1.0f, 0, 1.0f, 0, 1);
    double sum = 0;
    for (int i = 0; i < 10000; i++) {
        double u = rz_sampler_uniform(&s);
        cr_assert(u >= 0.0 && u < 1.0);
        sum += u;
    }
    cr_expect_float_eq(sum / 10000, 0.5, 0.02);
    rz_sampler_deinit(&s);
}
