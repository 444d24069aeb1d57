#include "engine/types/types.h"

#include <stddef.h>
#include <strings.h>

#include "engine/types/kernels.h"

static const rz_type_traits table[RZ_TYPE_ID_LIMIT] = {
    [RZ_TYPE_F32] = {"f32", 1, 4, false, rz_f32_to_float, rz_f32_from_float},
    [RZ_TYPE_F16] = {"f16", 1, 2, false, rz_f16_to_float, rz_f16_from_float},
    [RZ_TYPE_BF16] = {"bf16", 1, 2, false, rz_bf16_to_float, rz_bf16_from_float},
    [RZ_TYPE_Q4_0] = {"q4_0", 32, 18, true, rz_q4_0_to_float, rz_q4_0_from_float},
    [RZ_TYPE_Q4_1] = {"q4_1", 32, 20, true, rz_q4_1_to_float, rz_q4_1_from_float},
    [RZ_TYPE_Q8_0] = {"q8_0", 32, 34, true, rz_q8_0_to_float, rz_q8_0_from_float},
    [RZ_TYPE_Q4_K] = {"q4_K", 256, 144, true, rz_q4_k_to_float, rz_q4_k_from_float},
    [RZ_TYPE_Q5_K] = {"q5_K", 256, 176, true, rz_q5_k_to_float, rz_q5_k_from_float},
    [RZ_TYPE_Q6_K] = {"q6_K", 256, 210, true, rz_q6_k_to_float, rz_q6_k_from_float},
    [RZ_TYPE_Q8_K] = {"q8_K", 256, 292, true, rz_q8_k_to_float, rz_q8_k_from_float},
};

/* ggml's names for every id up to 39, so messages can name types rz does not support. */
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
