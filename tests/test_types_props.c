/* Tensor types, properties that need no oracle: names, row sizes and the sizes of the types rz
 * only sizes (against ggml's type_traits table), exhaustive f16/bf16
 * round trips, f32 -> f16 rounding against the compiler's _Float16, round-trip error bounds of
 * every quantizer on hard data, and that whole rows of any block count stay inside their bytes. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "engine/types/half.h"
#include "engine/types/types.h"
#include "tests/support/types_data.h"

/* The types rz converts both ways. */
static const rz_type all_types[] = {RZ_TYPE_F32,  RZ_TYPE_F16,  RZ_TYPE_BF16, RZ_TYPE_Q4_0,
                                    RZ_TYPE_Q4_1, RZ_TYPE_Q5_0, RZ_TYPE_Q5_1, RZ_TYPE_Q8_0,
                                    RZ_TYPE_Q8_1, RZ_TYPE_Q4_K, RZ_TYPE_Q5_K, RZ_TYPE_Q6_K,
                                    RZ_TYPE_Q8_K};
enum { N_TYPES = sizeof all_types / sizeof all_types[0] };

Test(types, names_resolve_in_any_case) {
    cr_expect_eq(rz_type_from_name("q4_K"), RZ_TYPE_Q4_K);
    cr_expect_eq(rz_type_from_name("Q4_K"), RZ_TYPE_Q4_K);
    cr_expect_eq(rz_type_from_name("q6_k"), RZ_TYPE_Q6_K);
    cr_expect_eq(rz_type_from_name("BF16"), RZ_TYPE_BF16);
    cr_expect_eq(rz_type_from_name("f32"), RZ_TYPE_F32);
    cr_expect_eq(rz_type_from_name("Q5_1"), RZ_TYPE_Q5_1);
    cr_expect_eq(rz_type_from_name("IQ4_XS"), RZ_TYPE_IQ4_XS, "size-only types resolve too");
    cr_expect_eq(rz_type_from_name("q4_2"), -1, "removed from ggml");
    cr_expect_eq(rz_type_from_name("q4_0_4_4"), -1, "removed from ggml");
    cr_expect_eq(rz_type_from_name(""), -1);
    cr_expect_eq(rz_type_from_name("q4_K "), -1);
    for (int i = 0; i < N_TYPES; i++)
        cr_expect_eq(rz_type_from_name(rz_type_get(all_types[i])->name), (int)all_types[i]);
    cr_expect_str_eq(rz_type_ggml_name(6), "q5_0");
    cr_expect_str_eq(rz_type_ggml_name(39), "mxfp4");
    cr_expect_str_eq(rz_type_ggml_name(40), "unknown");
    cr_expect_str_eq(rz_type_ggml_name(4), "q4_2");
    cr_expect_null(rz_type_get(4));
    cr_expect_null(rz_type_get(RZ_TYPE_ID_LIMIT));
    cr_expect_null(rz_type_get(UINT32_MAX));
}

Test(types, row_bytes_checks_blocks_and_overflow) {
    uint64_t bytes = 0;
    cr_expect(rz_type_row_bytes(RZ_TYPE_Q4_0, 64, &bytes) && bytes == 36);
    cr_expect(rz_type_row_bytes(RZ_TYPE_Q6_K, 512, &bytes) && bytes == 420);
    cr_expect(rz_type_row_bytes(RZ_TYPE_F32, 0, &bytes) && bytes == 0);
    cr_expect(!rz_type_row_bytes(RZ_TYPE_Q4_0, 33, &bytes), "not whole blocks");
    cr_expect(!rz_type_row_bytes(RZ_TYPE_Q8_K, 255, &bytes));
    cr_expect(rz_type_row_bytes(RZ_TYPE_Q5_1, 64, &bytes) && bytes == 48);
    cr_expect(rz_type_row_bytes(RZ_TYPE_IQ2_XXS, 512, &bytes) && bytes == 132, "size only");
    cr_expect(!rz_type_row_bytes(RZ_TYPE_IQ2_XXS, 32, &bytes));
    cr_expect(!rz_type_row_bytes(5, 32, &bytes), "q4_3 was removed from ggml");
    cr_expect(!rz_type_row_bytes(RZ_TYPE_ID_LIMIT + 1, 32, &bytes));
    cr_expect(rz_type_row_bytes(RZ_TYPE_F32, UINT64_C(1) << 61, &bytes) && bytes == UINT64_C(1)
                                                                                        << 63);
    cr_expect(!rz_type_row_bytes(RZ_TYPE_F32, UINT64_C(1) << 62, &bytes), "2^64 bytes");
    cr_expect(!rz_type_row_bytes(RZ_TYPE_Q8_K, UINT64_MAX - UINT64_MAX % 256, &bytes));
    uint64_t most = UINT64_MAX / 292 * 256; /* the largest q8_K row that fits */
    cr_expect(rz_type_row_bytes(RZ_TYPE_Q8_K, most, &bytes) && bytes == UINT64_MAX / 292 * 292);
    cr_expect(!rz_type_row_bytes(RZ_TYPE_Q8_K, most + 256, &bytes));
}

Test(types, every_type_has_both_conversions) {
    for (int i = 0; i < N_TYPES; i++) {
        const rz_type_traits *t = rz_type_get(all_types[i]);
        cr_assert_not_null(t);
        cr_expect_not_null(t->to_float, "%s", t->name);
        cr_expect_not_null(t->from_float, "%s", t->name);
        cr_expect_eq(t->quantized, t->block_size > 1, "%s", t->name);
        cr_expect(rz_type_convertible(all_types[i]), "%s", t->name);
    }
}

/* ggml's type_traits (blck_size, type_size) for ids 0..39; {0, 0} for ids ggml removed. */
static const uint32_t ggml_sizes[40][2] = {
    {1, 4},    {1, 2},    {32, 18},  {32, 20},   {0, 0},     {0, 0},     {32, 22},   {32, 24},
    {32, 34},  {32, 36},  {256, 84}, {256, 110}, {256, 144}, {256, 176}, {256, 210}, {256, 292},
    {256, 66}, {256, 74}, {256, 98}, {256, 50},  {32, 18},   {256, 110}, {256, 82},  {256, 136},
    {1, 1},    {1, 2},    {1, 4},    {1, 8},     {1, 8},     {256, 56},  {1, 2},     {0, 0},
    {0, 0},    {0, 0},    {256, 54}, {256, 66},  {0, 0},     {0, 0},     {0, 0},     {32, 17}};

Test(types, every_ggml_type_has_its_size) {
    for (uint32_t id = 0; id < RZ_TYPE_ID_LIMIT; id++) {
        const rz_type_traits *t = rz_type_get(id);
        if (id >= 40 || !ggml_sizes[id][0]) {
            cr_expect_null(t, "id %u (%s) is not a ggml type", id, rz_type_ggml_name(id));
            cr_expect_not(rz_type_convertible(id), "id %u", id);
            continue;
        }
        cr_assert_not_null(t, "id %u (%s)", id, rz_type_ggml_name(id));
        cr_expect_str_eq(t->name, rz_type_ggml_name(id));
        cr_expect_eq(t->block_size, ggml_sizes[id][0], "%s", t->name);
        cr_expect_eq(t->block_bytes, ggml_sizes[id][1], "%s", t->name);
        cr_expect_eq(!t->to_float, !t->from_float, "%s: both conversions or neither", t->name);
        cr_expect_eq(rz_type_convertible(id), t->to_float != NULL, "%s", t->name);
        cr_expect_eq(rz_type_from_name(t->name), (int)id, "%s", t->name);
    }
}

Test(types, size_only_types_are_sized_but_not_convertible) {
    static const struct {
        rz_type type;
        const char *name;
        uint32_t block_size, block_bytes;
    } spot[] = {{RZ_TYPE_Q2_K, "q2_K", 256, 84},
                {RZ_TYPE_Q3_K, "q3_K", 256, 110},
                {RZ_TYPE_IQ2_XXS, "iq2_xxs", 256, 66},
                {RZ_TYPE_IQ4_NL, "iq4_nl", 32, 18},
                {RZ_TYPE_IQ4_XS, "iq4_xs", 256, 136},
                {RZ_TYPE_I8, "i8", 1, 1},
                {RZ_TYPE_F64, "f64", 1, 8},
                {RZ_TYPE_IQ1_M, "iq1_m", 256, 56},
                {RZ_TYPE_TQ1_0, "tq1_0", 256, 54},
                {RZ_TYPE_MXFP4, "mxfp4", 32, 17}};
    for (size_t i = 0; i < sizeof spot / sizeof spot[0]; i++) {
        const rz_type_traits *t = rz_type_get(spot[i].type);
        cr_assert_not_null(t, "%s", spot[i].name);
        cr_expect_str_eq(t->name, spot[i].name);
        cr_expect_eq(t->block_size, spot[i].block_size, "%s", spot[i].name);
        cr_expect_eq(t->block_bytes, spot[i].block_bytes, "%s", spot[i].name);
        cr_expect_null(t->to_float, "%s", spot[i].name);
        cr_expect_null(t->from_float, "%s", spot[i].name);
        cr_expect_not(rz_type_convertible(spot[i].type), "%s", spot[i].name);
        uint64_t bytes = 0;
        cr_expect(rz_type_row_bytes(spot[i].type, 3 * (uint64_t)t->block_size, &bytes) &&
                      bytes == 3 * (uint64_t)t->block_bytes,
                  "%s", spot[i].name);
    }
    for (uint32_t id = 31; id <= 38; id++)
        if (id < 34 || id > 35) cr_expect_null(rz_type_get(id), "removed id %u", id);
    cr_expect(rz_type_convertible(RZ_TYPE_Q5_0) && rz_type_convertible(RZ_TYPE_Q8_1));
}

static int is_nan_f16(uint16_t h) {
    return (h & 0x7c00) == 0x7c00 && (h & 0x3ff);
}

Test(types, f16_every_value_round_trips) {
    const rz_type_traits *t = rz_type_get(RZ_TYPE_F16);
    for (uint32_t h = 0; h < 65536; h++) {
        uint8_t in[2] = {(uint8_t)h, (uint8_t)(h >> 8)}, out[2];
        float f;
        t->to_float(in, &f, 1);
        t->from_float(&f, out, 1);
        uint16_t back = (uint16_t)(out[0] | out[1] << 8);
        if (is_nan_f16((uint16_t)h)) {
            cr_expect(isnan(f) && is_nan_f16(back), "0x%04x", h);
            cr_expect_eq(back, h | 0x200, "NaN 0x%04x comes back quiet with its payload", h);
        } else {
            cr_expect_eq(back, h, "0x%04x -> %a -> 0x%04x", h, f, back);
            _Float16 ref;
            memcpy(&ref, &h, 2);
            cr_expect_eq(f, (float)ref, "0x%04x: %a, compiler says %a", h, f, (float)ref);
        }
    }
}

/* f32 -> f16 of every 509th f32 bit pattern, and of each midpoint between neighbouring f16
 * values and the floats either side of it, against the compiler's correctly rounded cast. */
Test(types, f16_rounding_matches_the_compiler) {
    for (uint64_t u = 0; u <= UINT32_MAX; u += 509) {
        float f = rz_bits_f32((uint32_t)u);
        if (isnan(f)) continue;
        _Float16 ref = (_Float16)f;
        uint16_t rb;
        memcpy(&rb, &ref, 2);
        cr_assert_eq(rz_f32_to_f16(f), rb, "%a: 0x%04x, compiler 0x%04x", f, rz_f32_to_f16(f), rb);
    }
    for (uint32_t h = 0; h < 0x7c00; h++) {
        float lo = rz_f16_to_f32((uint16_t)h), hi = rz_f16_to_f32((uint16_t)(h + 1));
        float mid = lo + (hi - lo) / 2; /* exact: f32 has 13 more mantissa bits */
        float probes[3] = {nextafterf(mid, 0), mid, nextafterf(mid, INFINITY)};
        for (int k = 0; k < 3; k++) {
            for (int s = 0; s < 2; s++) {
                float f = s ? -probes[k] : probes[k];
                _Float16 ref = (_Float16)f;
                uint16_t rb;
                memcpy(&rb, &ref, 2);
                cr_assert_eq(rz_f32_to_f16(f), rb, "%a: 0x%04x, compiler 0x%04x", f,
                             rz_f32_to_f16(f), rb);
            }
        }
    }
}

Test(types, bf16_every_value_round_trips_and_rounds_to_even) {
    for (uint32_t h = 0; h < 65536; h++) {
        float f = rz_bf16_to_f32((uint16_t)h);
        cr_expect_eq(rz_f32_bits(f), h << 16);
        uint16_t back = rz_f32_to_bf16(f);
        if (isnan(f))
            cr_expect_eq(back, h | 0x40, "NaN 0x%04x comes back quiet", h);
        else
            cr_expect_eq(back, h, "0x%04x -> 0x%04x", h, back);
    }
    cr_expect_eq(rz_f32_to_bf16(rz_bits_f32(0x3f808000)), 0x3f80, "tie to even (down)");
    cr_expect_eq(rz_f32_to_bf16(rz_bits_f32(0x3f818000)), 0x3f82, "tie to even (up)");
    cr_expect_eq(rz_f32_to_bf16(rz_bits_f32(0x3f808001)), 0x3f81, "above the tie");
    cr_expect_eq(rz_f32_to_bf16(rz_bits_f32(0x7f7fffff)), 0x7f80, "FLT_MAX rounds to inf");
    cr_expect_eq(rz_f32_to_bf16(rz_bits_f32(0x00010000)), 0x0001, "subnormals are kept");
}

/* Largest |x - y| allowed for element j of a block quantized as type, from the data alone. */
typedef struct {
    float amax, min, max;
} group_stats;

static group_stats stats(const float *x, int n) {
    group_stats g = {0, x[0], x[0]};
    for (int i = 0; i < n; i++) {
        g.amax = fmaxf(g.amax, fabsf(x[i]));
        g.min = fminf(g.min, x[i]);
        g.max = fmaxf(g.max, x[i]);
    }
    return g;
}

/* An f16 scale s is stored with relative error 2^-11, or absolute 2^-25 when subnormal. */
static float f16_err(float s) {
    return fmaxf(fabsf(s) * 0x1p-11f, 0x1p-25f);
}

/* The bound for one element: what the format's step allows (half a step; a whole one where
 * levels clip or the K-quants' 6- or 8-bit sub-scales come from the super-block), plus what
 * storing the scales as f16 adds (scale error times the largest sub-scale and level). */
static float bound(rz_type type, const float *x, const float *super) {
    switch (type) {
    case RZ_TYPE_Q8_0:
    case RZ_TYPE_Q8_1: {
        float d = stats(x, 32).amax / 127;
        return 0.5f * d + 127 * f16_err(d);
    }
    case RZ_TYPE_Q4_0: {
        float d = stats(x, 32).amax / 8; /* the positive side stops at level 7: one step */
        return d + 8 * f16_err(d);
    }
    case RZ_TYPE_Q5_0: {
        float d = stats(x, 32).amax / 16; /* the positive side stops at level 15: one step */
        return d + 16 * f16_err(d);
    }
    case RZ_TYPE_Q4_1:
    case RZ_TYPE_Q5_1: {
        group_stats g = stats(x, 32);
        float levels = type == RZ_TYPE_Q4_1 ? 15 : 31, d = (g.max - g.min) / levels;
        return 0.5f * d + levels * f16_err(d) + f16_err(g.min);
    }
    case RZ_TYPE_Q8_K:
        return 0.5f * stats(super, 256).amax / 127 * (1 + 0x1p-20f);
    case RZ_TYPE_Q4_K:
    case RZ_TYPE_Q5_K: {
        group_stats g = stats(super, 256);
        float levels = type == RZ_TYPE_Q4_K ? 15 : 31, step = (g.max - fminf(g.min, 0)) / levels;
        return step + 63 * levels * f16_err(step / 63) + 63 * f16_err(fminf(g.min, 0) / 63);
    }
    case RZ_TYPE_Q6_K: {
        float step = stats(super, 256).amax / 32;
        return step + 128 * 32 * f16_err(step / 128);
    }
    default:
        return 0;
    }
}

Test(types, quantizers_stay_within_their_error_bounds) {
    const rz_type quantized[] = {RZ_TYPE_Q4_0, RZ_TYPE_Q4_1, RZ_TYPE_Q5_0, RZ_TYPE_Q5_1,
                                 RZ_TYPE_Q8_0, RZ_TYPE_Q8_1, RZ_TYPE_Q4_K, RZ_TYPE_Q5_K,
                                 RZ_TYPE_Q6_K, RZ_TYPE_Q8_K};
    enum { N = 256 * 40 };
    float *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y);
    uint8_t *q = malloc(N * 2);
    for (uint64_t seed = 0; seed < 10; seed++) {
        rzt_fill_weights(x, N, seed);
        for (size_t k = 0; k < sizeof quantized / sizeof quantized[0]; k++) {
            const rz_type_traits *t = rz_type_get(quantized[k]);
            t->from_float(x, q, N);
            t->to_float(q, y, N);
            for (int i = 0; i < N; i++) {
                float b = bound(quantized[k], x + i / 32 * 32, x + i / 256 * 256);
                if (!(fabsf(x[i] - y[i]) <= b))
                    cr_assert_fail("%s seed %d element %d: %g -> %g, error %g > bound %g", t->name,
                                   (int)seed, i, x[i], y[i], fabsf(x[i] - y[i]), b);
            }
        }
    }
    free(x);
    free(y);
    free(q);
}

/* q8_1's s is d times the sum of the block's quants, rounded to f16 (ggml's dot kernels rely on
 * it). */
Test(types, q8_1_stores_the_scaled_sum) {
    enum { N = 32 * 64 };
    float x[N];
    _Alignas(max_align_t) uint8_t q[N / 32 * 36]; /* blocks, as malloc aligns */
    rzt_fill_weights(x, N, 7);
    rz_type_get(RZ_TYPE_Q8_1)->from_float(x, q, N);
    for (int i = 0; i < N / 32; i++) {
        const uint8_t *b = q + 36 * i;
        int sum = 0;
        for (int j = 0; j < 32; j++)
            sum += (int8_t)b[4 + j];
        uint16_t s = (uint16_t)(b[2] | b[3] << 8);
        float d = rz_f16_to_f32((uint16_t)(b[0] | b[1] << 8));
        float want = (float)sum * d, got = rz_f16_to_f32(s);
        bool ok = isinf(got) ? fabsf(want) > 65000.0f
                             : fabsf(got - want) <= abs(sum) * f16_err(d) + f16_err(want);
        cr_expect(ok, "block %d: s %g, sum %d, d %g", i, got, sum, d);
    }
}

Test(types, float_formats_round_within_half_an_ulp) {
    enum { N = 4096 };
    float x[N], y[N];
    uint8_t q[2 * N];
    rzt_fill_weights(x, N, 3);
    const rz_type_traits *f16 = rz_type_get(RZ_TYPE_F16), *bf16 = rz_type_get(RZ_TYPE_BF16);
    f16->from_float(x, q, N);
    f16->to_float(q, y, N);
    for (int i = 0; i < N; i++)
        cr_assert(fabsf(x[i] - y[i]) <= fmaxf(fabsf(x[i]) * 0x1p-11f, 0x1p-25f), "f16 %a -> %a",
                  x[i], y[i]);
    bf16->from_float(x, q, N);
    bf16->to_float(q, y, N);
    for (int i = 0; i < N; i++)
        cr_assert(fabsf(x[i] - y[i]) <= fabsf(x[i]) * 0x1p-8f, "bf16 %a -> %a", x[i], y[i]);
}

/* Rows of 1..5 blocks: quantizing and dequantizing touch exactly the row's bytes and floats,
 * and a row quantizes to the same bytes as its blocks quantized one at a time. */
Test(types, whole_rows_of_any_block_count_stay_in_bounds) {
    for (int i = 0; i < N_TYPES; i++) {
        const rz_type_traits *t = rz_type_get(all_types[i]);
        for (int64_t blocks = 1; blocks <= 5; blocks++) {
            int64_t n = blocks * t->block_size;
            uint64_t bytes;
            cr_assert(rz_type_row_bytes(all_types[i], (uint64_t)n, &bytes));
            float *x = malloc((size_t)n * sizeof *x), *y = malloc((size_t)(n + 1) * sizeof *y);
            uint8_t *q = malloc(bytes + 1), *one = malloc(bytes);
            rzt_fill_weights(x, n, (uint64_t)blocks);
            q[bytes] = 0xa5;
            y[n] = 42.0f;
            t->from_float(x, q, n);
            t->to_float(q, y, n);
            cr_expect_eq(q[bytes], 0xa5, "%s: from_float wrote past %llu bytes", t->name,
                         (unsigned long long)bytes);
            cr_expect_eq(y[n], 42.0f, "%s: to_float wrote past %lld floats", t->name, (long long)n);
            for (int64_t b = 0; b < blocks; b++)
                t->from_float(x + b * t->block_size, one + b * t->block_bytes, t->block_size);
            cr_expect(!memcmp(q, one, bytes), "%s: a row of %lld blocks differs from its blocks",
                      t->name, (long long)blocks);
            free(x);
            free(y);
            free(q);
            free(one);
        }
    }
}

Test(types, zeros_quantize_to_exact_zeros) {
    float x[512] = {0}, y[512];
    _Alignas(max_align_t) uint8_t q[2048]; /* blocks, as malloc aligns */
    for (int i = 0; i < N_TYPES; i++) {
        const rz_type_traits *t = rz_type_get(all_types[i]);
        t->from_float(x, q, 512);
        t->to_float(q, y, 512);
        for (int j = 0; j < 512; j++)
            cr_assert(y[j] == 0.0f, "%s: element %d is %g", t->name, j, y[j]);
    }
}
