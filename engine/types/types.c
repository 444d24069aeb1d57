#include "engine/types/types.h"

#include <stddef.h>
#include <strings.h>

#include "engine/types/kernels.h"

/* Sizes exactly as ggml's type_traits table gives them; the conversions where rz has them, NULL
 * for the types rz only sizes. */
static const rz_type_traits table[RZ_TYPE_ID_LIMIT] = {
    [RZ_TYPE_F32] = {"f32", 1, 4, false, rz_f32_to_float, rz_f32_from_float},
    [RZ_TYPE_F16] = {"f16", 1, 2, false, rz_f16_to_float, rz_f16_from_float},
    [RZ_TYPE_BF16] = {"bf16", 1, 2, false, rz_bf16_to_float, rz_bf16_from_float},
    [RZ_TYPE_Q4_0] = {"q4_0", 32, 18, true, rz_q4_0_to_float, rz_q4_0_from_float},
    [RZ_TYPE_Q4_1] = {"q4_1", 32, 20, true, rz_q4_1_to_float, rz_q4_1_from_float},
    [RZ_TYPE_Q5_0] = {"q5_0", 32, 22, true, rz_q5_0_to_float, rz_q5_0_from_float},
    [RZ_TYPE_Q5_1] = {"q5_1", 32, 24, true, rz_q5_1_to_float, rz_q5_1_from_float},
    [RZ_TYPE_Q8_0] = {"q8_0", 32, 34, true, rz_q8_0_to_float, rz_q8_0_from_float},
    [RZ_TYPE_Q8_1] = {"q8_1", 32, 36, true, rz_q8_1_to_float, rz_q8_1_from_float},
    [RZ_TYPE_Q4_K] = {"q4_K", 256, 144, true, rz_q4_k_to_float, rz_q4_k_from_float},
    [RZ_TYPE_Q5_K] = {"q5_K", 256, 176, true, rz_q5_k_to_float, rz_q5_k_from_float},
    [RZ_TYPE_Q6_K] = {"q6_K", 256, 210, true, rz_q6_k_to_float, rz_q6_k_from_float},
    [RZ_TYPE_Q8_K] = {"q8_K", 256, 292, true, rz_q8_k_to_float, rz_q8_k_from_float},
    [RZ_TYPE_Q2_K] = {"q2_K", 256, 84, true, NULL, NULL},
    [RZ_TYPE_Q3_K] = {"q3_K", 256, 110, true, NULL, NULL},
    [RZ_TYPE_IQ2_XXS] = {"iq2_xxs", 256, 66, true, NULL, NULL},
    [RZ_TYPE_IQ2_XS] = {"iq2_xs", 256, 74, true, NULL, NULL},
    [RZ_TYPE_IQ3_XXS] = {"iq3_xxs", 256, 98, true, NULL, NULL},
    [RZ_TYPE_IQ1_S] = {"iq1_s", 256, 50, true, NULL, NULL},
    [RZ_TYPE_IQ4_NL] = {"iq4_nl", 32, 18, true, NULL, NULL},
    [RZ_TYPE_IQ3_S] = {"iq3_s", 256, 110, true, NULL, NULL},
    [RZ_TYPE_IQ2_S] = {"iq2_s", 256, 82, true, NULL, NULL},
    [RZ_TYPE_IQ4_XS] = {"iq4_xs", 256, 136, true, NULL, NULL},
    [RZ_TYPE_I8] = {"i8", 1, 1, false, NULL, NULL},
    [RZ_TYPE_I16] = {"i16", 1, 2, false, NULL, NULL},
    [RZ_TYPE_I32] = {"i32", 1, 4, false, NULL, NULL},
    [RZ_TYPE_I64] = {"i64", 1, 8, false, NULL, NULL},
    [RZ_TYPE_F64] = {"f64", 1, 8, false, NULL, NULL},
    [RZ_TYPE_IQ1_M] = {"iq1_m", 256, 56, true, NULL, NULL},
    [RZ_TYPE_TQ1_0] = {"tq1_0", 256, 54, true, NULL, NULL},
    [RZ_TYPE_TQ2_0] = {"tq2_0", 256, 66, true, NULL, NULL},
    [RZ_TYPE_MXFP4] = {"mxfp4", 32, 17, true, NULL, NULL},
};

/* ggml's names for every id up to 39, removed ones included, so messages can name any type. */
static const char *const ggml_names[] = {
    "f32",   "f16",        "q4_0",       "q4_1",       "q4_2",     "q4_3",     "q5_0",
    "q5_1",  "q8_0",       "q8_1",       "q2_K",       "q3_K",     "q4_K",     "q5_K",
    "q6_K",  "q8_K",       "iq2_xxs",    "iq2_xs",     "iq3_xxs",  "iq1_s",    "iq4_nl",
    "iq3_s", "iq2_s",      "iq4_xs",     "i8",         "i16",      "i32",      "i64",
    "f64",   "iq1_m",      "bf16",       "q4_0_4_4",   "q4_0_4_8", "q4_0_8_8", "tq1_0",
    "tq2_0", "iq4_nl_4_4", "iq4_nl_4_8", "iq4_nl_8_8", "mxfp4"};

const rz_type_traits *rz_type_get(uint32_t type) {
    if (type >= RZ_TYPE_ID_LIMIT || !table[type].name) return NULL;
    return &table[type];
}

bool rz_type_convertible(uint32_t type) {
    const rz_type_traits *t = rz_type_get(type);
    return t && t->to_float && t->from_float;
}

int rz_type_from_name(const char *name) {
    for (int t = 0; t < RZ_TYPE_ID_LIMIT; t++)
        if (table[t].name && !strcasecmp(table[t].name, name)) return t;
    return -1;
}

bool rz_type_row_bytes(uint32_t type, uint64_t n, uint64_t *bytes) {
    const rz_type_traits *t = rz_type_get(type);
    if (!t || n % t->block_size) return false;
    uint64_t blocks = n / t->block_size;
    if (blocks > UINT64_MAX / t->block_bytes) return false;
    *bytes = blocks * t->block_bytes;
    return true;
}

const char *rz_type_ggml_name(uint32_t type) {
    if (type < sizeof ggml_names / sizeof ggml_names[0]) return ggml_names[type];
    return "unknown";
}
