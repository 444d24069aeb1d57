/* Core helpers, the synthetic-weight generator and the quantization building blocks, called
 * directly: little-endian loads, rz_fail, the clock, splitmix64 against its published vector,
 * the synth presets, and the K-quant helpers and the q8 blocks against known answers and round
 * trips. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "engine/core/clock.h"
#include "engine/core/le.h"
#include "engine/core/status.h"
#include "engine/synth/presets.h"
#include "engine/synth/rng.h"
#include "engine/types/block_max.h"
#include "engine/types/blocks.h"
#include "engine/types/half.h"
#include "engine/types/kquant.h"
#include "engine/types/kernels.h"
#include "engine/types/q8_block.h"

Test(api_core, little_endian_loads) {
    const uint8_t b[8] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x88};
    cr_expect_eq(rz_le16(b), 0x0201);
    cr_expect_eq(rz_le16(b + 6), 0x8807);
    cr_expect_eq(rz_le32(b), 0x04030201u);
    cr_expect_eq(rz_le32(b + 4), 0x88070605u);
    cr_expect_eq(rz_le64(b), 0x8807060504030201ull);
    cr_expect_eq(rz_le32(b + 1), 0x05040302u, "unaligned");
}

Test(api_core, fail_formats_and_returns_the_status) {
    rz_error err = {{0}};
    cr_expect_eq(rz_fail(&err, RZ_EFORMAT, "%s: offset %d: expected %s", "f.gguf", 12, "magic"),
                 RZ_EFORMAT);
    cr_expect_str_eq(err.msg, "f.gguf: offset 12: expected magic");
    cr_expect_eq(rz_fail(NULL, RZ_EIO, "ignored %d", 1), RZ_EIO, "a NULL err is allowed");
    char longer[700];
    memset(longer, 'x', sizeof longer - 1);
    longer[sizeof longer - 1] = 0;
    cr_expect_eq(rz_fail(&err, RZ_EINVAL, "%s", longer), RZ_EINVAL);
    cr_expect_eq(strlen(err.msg), sizeof err.msg - 1, "truncated to the buffer");
}

Test(api_core, clock_seconds_follow_nanoseconds) {
    double a = rz_now_s();
    uint64_t ns = rz_now_ns();
    double b = rz_now_s();
    cr_expect_gt(a, 0);
    cr_expect_leq(a, 1e-9 * (double)ns);
    cr_expect_leq(1e-9 * (double)ns, b, "monotonic");
}

Test(api_synth, splitmix64_published_vector) {
    uint64_t state = 0;
    cr_expect_eq(rz_rng_next(&state), 0xe220a8397b1dcdafull);
    cr_expect_eq(rz_rng_next(&state), 0x6e789e6aa1b965f4ull);
    cr_expect_eq(rz_rng_next(&state), 0x06c45d188009454full);
    cr_expect_eq(state, 3 * 0x9e3779b97f4a7c15ull, "the state advances by the golden gamma");
    cr_expect_eq(rz_rng_mix(0), 0xe220a8397b1dcdafull, "mix is one step from x");
    state = 1234567;
    uint64_t next = rz_rng_next(&state);
    cr_expect_eq(rz_rng_mix(1234567), next);
}

Test(api_synth, row_state_is_a_pure_function_of_seed_tensor_row) {
    cr_expect_eq(rz_rng_row_state(7, 3, 11), rz_rng_row_state(7, 3, 11));
    cr_expect_eq(rz_rng_row_state(7, 3, 11), rz_rng_mix(rz_rng_mix(7 ^ rz_rng_mix(3)) + 11));
    cr_expect_neq(rz_rng_row_state(7, 3, 11), rz_rng_row_state(8, 3, 11));
    cr_expect_neq(rz_rng_row_state(7, 3, 11), rz_rng_row_state(7, 4, 11));
    cr_expect_neq(rz_rng_row_state(7, 3, 11), rz_rng_row_state(7, 3, 12));
}

Test(api_synth, normal_is_bounded_with_unit_variance) {
    uint64_t state = rz_rng_row_state(1, 2, 3);
    double sum = 0, sum2 = 0;
    const int n = 20000;
    const float bound = 2 * sqrtf(3.0f) + 1e-5f;
    for (int i = 0; i < n; i++) {
        float x = rz_rng_normal(&state);
        cr_assert_leq(fabsf(x), bound, "sample %d: %g", i, x);
        sum += x;
        sum2 += (double)x * x;
    }
    double mean = sum / n, var = sum2 / n - mean * mean;
    cr_expect_lt(fabs(mean), 0.03, "mean %g", mean);
    cr_expect_lt(fabs(var - 1), 0.05, "variance %g", var);
    uint64_t s1 = 42, s2 = 42;
    cr_expect_eq(rz_rng_normal(&s1), rz_rng_normal(&s2), "deterministic");
}

Test(api_synth, preset_find) {
    const rz_synth_preset *p = rz_synth_preset_find("tinyllama-1.1b");
    cr_assert_not_null(p);
    cr_expect_str_eq(p->id, "tinyllama-1.1b");
    cr_expect_eq(p->hp.dim, 2048);
    cr_expect_eq(p->hp.n_layers, 22);
    cr_expect_eq(p->hp.n_kv_heads, 4);
    const rz_synth_preset *s = rz_synth_preset_find("smollm2-135m");
    cr_assert_not_null(s);
    cr_expect(s->hp.tied);
    cr_expect_eq(s->hp.vocab, 49152);
    cr_expect_null(rz_synth_preset_find("tinyllama"), "no prefix match");
    cr_expect_null(rz_synth_preset_find(""));
}

Test(api_types, nearest_int_ties_to_even) {
    cr_expect_eq(rz_nearest_int(2.5f), 2);
    cr_expect_eq(rz_nearest_int(3.5f), 4);
    cr_expect_eq(rz_nearest_int(-2.5f), -2);
    cr_expect_eq(rz_nearest_int(1.49f), 1);
    cr_expect_eq(rz_nearest_int(-1.51f), -2);
    cr_expect_eq(rz_nearest_int(0.0f), 0);
    cr_expect_eq(rz_nearest_int(4000000.4f), 4000000);
}

Test(api_types, fit_symmetric_recovers_a_grid) {
    float x[16];
    int8_t L[16];
    for (int i = 0; i < 16; i++)
        x[i] = 0.25f * (float)((i * 5) % 64 - 32); /* levels -32..31; -32 the largest magnitude */
    float scale = rz_kq_fit_symmetric(16, 32, x, L);
    cr_expect_float_eq(scale, 0.25f, 1e-6f);
    for (int i = 0; i < 16; i++) {
        cr_expect_eq(L[i], (i * 5) % 64, "level %d", i);
        cr_expect_float_eq(scale * (float)(L[i] - 32), x[i], 1e-6f, "element %d", i);
    }
    float zero[16] = {0};
    memset(L, 9, sizeof L);
    cr_expect_eq(rz_kq_fit_symmetric(16, 32, zero, L), 0.0f);
    for (int i = 0; i < 16; i++)
        cr_expect_eq(L[i], 0);
}

Test(api_types, scale_min_unpacks_six_bit_fields) {
    uint8_t s[12] = {0};
    s[0] = 0xc5; /* sc0 = 5, bits 4-5 of sc4 = 3 */
    s[4] = 0x4a; /* m0 = 10, bits 4-5 of m4 = 1 */
    s[8] = 0x27; /* low nibbles of sc4 = 7 and m4 = 2 */
    s[3] = 0x3f; /* sc3 = 63 */
    uint8_t sc, m;
    rz_kq_scale_min(s, 0, &sc, &m);
    cr_expect_eq(sc, 5);
    cr_expect_eq(m, 10);
    rz_kq_scale_min(s, 4, &sc, &m);
    cr_expect_eq(sc, 7 | 3 << 4);
    cr_expect_eq(m, 2 | 1 << 4);
    rz_kq_scale_min(s, 3, &sc, &m);
    cr_expect_eq(sc, 63);
    cr_expect_eq(m, 0);
}

/* The packed scales of a super-block with sc_g = g + 1 and m_g = g (g < 8, no bits above 4). */
static void affine_scales(uint8_t scales[12]) {
    for (int j = 0; j < 4; j++) {
        scales[j] = (uint8_t)(j + 1);
        scales[4 + j] = (uint8_t)j;
        scales[8 + j] = (uint8_t)((j + 5) | (j + 4) << 4);
    }
}

Test(api_types, affine_to_float_known_values) {
    const uint16_t d = rz_f32_to_f16(1.0f), dmin = rz_f32_to_f16(0.5f);
    uint8_t scales[12], ql[128], qh[32];
    affine_scales(scales);
    memset(ql, 0x21, sizeof ql); /* low nibble 1, high nibble 2 */
    float out[256];
    rz_kq_affine_to_float(d, dmin, scales, ql, NULL, out);
    for (int g = 0; g < 8; g++) {
        float q = g % 2 ? 2.0f : 1.0f;
        cr_expect_eq(out[32 * g], (float)(g + 1) * q - 0.5f * (float)g, "q4_K group %d", g);
        cr_expect_eq(out[32 * g + 31], out[32 * g]);
    }
    memset(qh, 0, sizeof qh);
    qh[3] = 1 << 5; /* element 3 of group 5 gets 16 */
    rz_kq_affine_to_float(d, dmin, scales, ql, qh, out);
    cr_expect_eq(out[32 * 5 + 3], 6.0f * (2 + 16) - 2.5f);
    cr_expect_eq(out[32 * 5 + 4], 6.0f * 2 - 2.5f);
    cr_expect_eq(out[32 * 4 + 3], 5.0f * 1 - 2.0f, "bit 5 only reaches group 5");
}

Test(api_types, quantize_affine_round_trips_within_a_step) {
    float x[256];
    for (int i = 0; i < 256; i++)
        x[i] = sinf(0.37f * (float)i) * (1.0f + (float)(i / 32));
    uint16_t d, dmin;
    uint8_t scales[12], L[256], ql[128];
    rz_kq_quantize_affine(x, 15, -1.0f, 0.1f, 20, &d, &dmin, scales, L);
    for (int g = 0; g < 8; g += 2)
        for (int l = 0; l < 32; l++) {
            cr_assert_leq(L[32 * g + l], 15);
            ql[16 * g + l] = (uint8_t)(L[32 * g + l] | L[32 * (g + 1) + l] << 4);
        }
    float y[256];
    rz_kq_affine_to_float(d, dmin, scales, ql, NULL, y);
    for (int g = 0; g < 8; g++) {
        float lo = x[32 * g], hi = x[32 * g];
        for (int l = 0; l < 32; l++) {
            lo = fminf(lo, x[32 * g + l]);
            hi = fmaxf(hi, x[32 * g + l]);
        }
        float step = (hi - fminf(lo, 0)) / 15;
        for (int l = 0; l < 32; l++)
            cr_expect_leq(fabsf(y[32 * g + l] - x[32 * g + l]), step, "group %d element %d: %g %g",
                          g, l, y[32 * g + l], x[32 * g + l]);
    }
}

Test(api_types, q8_blocks_known_quants_and_round_trip) {
    float src[64], dst[64];
    for (int j = 0; j < 64; j++)
        src[j] = j < 32 ? (float)(j - 16) : 0.0f;
    rz_block_q8_1 b[2];
    rz_q8_1_from_float(src, b, 64);
    const int8_t *q = b[0].qs;
    cr_expect_eq(q[0], -127, "amax maps to -127");
    cr_expect_eq(q[16], 0);
    cr_expect_eq(q[20], 32, "4 * 127 / 16 = 31.75");
    int sum = 0;
    for (int j = 0; j < 32; j++)
        sum += q[j];
    float d = rz_f16_to_f32(b[0].d);
    cr_expect_float_eq(d, 16.0f / 127, 1e-4f);
    cr_expect_float_eq(rz_f16_to_f32(b[0].s), (float)sum * 16.0f / 127, 1e-2f);
    cr_expect_eq(rz_f16_to_f32(b[1].d), 0.0f, "an all-zero block has d = 0");
    rz_q8_1_to_float(b, dst, 64);
    for (int j = 0; j < 64; j++)
        cr_expect_leq(fabsf(dst[j] - src[j]), d / 2 + 1e-3f, "element %d: %g", j, dst[j]);
    rz_block_q8_0 b0;
    rz_q8_0_from_float(src, &b0, 32);
    cr_expect_arr_eq(b0.qs, b[0].qs, 32, "q8_0 holds the same quants");
    rz_q8_0_to_float(&b0, dst, 32);
    cr_expect_eq(dst[0], -127 * d);
}

Test(api_engine_types, q8_block_quants_round_trip_within_half_a_step) {
    float src[RZ_QK], back[RZ_QK];
    int8_t qs[RZ_QK];
    int sum, expect = 0;
    for (int j = 0; j < RZ_QK; j++)
        src[j] = (float)(j - 16) / 4; /* -4 .. 3.75: amax 4 */
    const float d = rz_q8_quants_from_float(src, qs, &sum);
    cr_expect_float_eq(d, 4.0f / 127, 1e-9);
    cr_expect_eq(qs[0], -127, "the largest magnitude maps to -127");
    cr_expect_eq(qs[16], 0);
    for (int j = 0; j < RZ_QK; j++)
        expect += qs[j];
    cr_expect_eq(sum, expect);
    rz_q8_quants_to_float(d, qs, back);
    for (int j = 0; j < RZ_QK; j++)
        cr_expect(fabsf(back[j] - src[j]) <= d / 2 + 1e-6f, "element %d: %g for %g", j, back[j],
                  src[j]);
    float zeros[RZ_QK] = {0};
    cr_expect_eq(rz_q8_quants_from_float(zeros, qs, &sum), 0.0f);
    cr_expect_eq(sum, 0);
    for (int j = 0; j < RZ_QK; j++)
        cr_expect_eq(qs[j], 0);
}

Test(api_engine_types, block_signed_max_keeps_the_sign_of_the_largest_magnitude) {
    const float x[] = {1.5f, -3.0f, 2.0f, 3.0f, -0.5f};
    cr_expect_eq(rz_block_signed_max(x, 5), -3.0f, "the first of -3 and 3");
    cr_expect_eq(rz_block_signed_max(x + 2, 3), 3.0f);
    cr_expect_eq(rz_block_signed_max(x, 0), 0.0f);
}
