/* Per-tensor type choice (see plan.h), after llama.cpp's src/llama-quant.cpp. */
#include "engine/quantize/plan.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "engine/types/types.h"

static const rz_quant_spec specs[] = {
    {"F32", RZ_FTYPE_ALL_F32, RZ_TYPE_F32},
    {"F16", RZ_FTYPE_MOSTLY_F16, RZ_TYPE_F16},
    {"BF16", RZ_FTYPE_MOSTLY_BF16, RZ_TYPE_BF16},
    {"Q4_0", RZ_FTYPE_MOSTLY_Q4_0, RZ_TYPE_Q4_0},
    {"Q4_1", RZ_FTYPE_MOSTLY_Q4_1, RZ_TYPE_Q4_1},
    {"Q5_0", RZ_FTYPE_MOSTLY_Q5_0, RZ_TYPE_Q5_0},
    {"Q8_0", RZ_FTYPE_MOSTLY_Q8_0, RZ_TYPE_Q8_0},
    {"Q4_K_S", RZ_FTYPE_MOSTLY_Q4_K_S, RZ_TYPE_Q4_K},
    {"Q4_K_M", RZ_FTYPE_MOSTLY_Q4_K_M, RZ_TYPE_Q4_K},
    {"Q5_K_S", RZ_FTYPE_MOSTLY_Q5_K_S, RZ_TYPE_Q5_K},
    {"Q5_K_M", RZ_FTYPE_MOSTLY_Q5_K_M, RZ_TYPE_Q5_K},
    {"Q6_K", RZ_FTYPE_MOSTLY_Q6_K, RZ_TYPE_Q6_K},
};

const char *const rz_quant_spec_names[] = {"F32",
                                           "F16",
                                           "BF16",
                                           "Q4_0",
                                           "Q4_1",
                                           "Q5_0",
                                           "Q8_0",
                                           "Q4_K_S",
                                           "Q4_K_M",
                                           "Q5_K_S",
                                           "Q5_K_M",
                                           "Q6_K",
                                           "Q4_K (= Q4_K_M)",
                                           "Q5_K (= Q5_K_M)",
                                           NULL};

const rz_quant_spec *rz_quant_spec_find(const char *name) {
    if (!strcasecmp(name, "Q4_K")) name = "Q4_K_M";
    if (!strcasecmp(name, "Q5_K")) name = "Q5_K_M";
    for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++)
        if (!strcasecmp(specs[i].name, name)) return &specs[i];
    return NULL;
}

bool rz_quant_use_more_bits(int i_layer, int n_layers) {
    return i_layer < n_layers / 8 || i_layer >= 7 * n_layers / 8 ||
           (i_layer - n_layers / 8) % 3 == 2;
}

static bool ends_with(const char *s, const char *tail) {
    size_t n = strlen(s), k = strlen(tail);
    return n >= k && !strcmp(s + n - k, tail);
}

static bool allows_quantization(const char *name, uint32_t n_dims) {
    return n_dims >= 2 && ends_with(name, "weight") && !strstr(name, "_norm.weight") &&
           !strstr(name, "ffn_gate_inp.weight");
}

static bool is_quantized(uint32_t type) {
    const rz_type_traits *t = rz_type_get(type);
    return t && t->quantized;
}

static uint32_t block_of(uint32_t type) {
    const rz_type_traits *t = rz_type_get(type);
    return t ? t->block_size : 1;
}

static uint32_t mixture(const rz_quant_plan *p, const char *name, const uint64_t *dims,
                        uint32_t type) {
    uint32_t ftype = p->spec->ftype;
    bool is_output = !strcmp(name, "output.weight");
    bool is_embd = !strcmp(name, "token_embd.weight");
    if (is_output || (!p->has_output && is_embd)) {
        if (dims[0] % block_of(type)) return RZ_TYPE_Q8_0;
        return type == RZ_TYPE_Q8_0 ? type : RZ_TYPE_Q6_K;
    }
    int layer = -1;
    if (sscanf(name, "blk.%d.", &layer) != 1) return type;
    int n = (int)p->n_layers;
    bool m = ftype == RZ_FTYPE_MOSTLY_Q4_K_M || ftype == RZ_FTYPE_MOSTLY_Q5_K_M;
    if (strstr(name, "attn_v.weight")) {
        if (m && rz_quant_use_more_bits(layer, n)) return RZ_TYPE_Q6_K;
        if (ftype == RZ_FTYPE_MOSTLY_Q4_K_S && layer < 4) return RZ_TYPE_Q5_K;
    } else if (strstr(name, "ffn_down")) {
        if (m && rz_quant_use_more_bits(layer, n)) return RZ_TYPE_Q6_K;
        if (ftype == RZ_FTYPE_MOSTLY_Q4_K_S && layer < n / 8) return RZ_TYPE_Q5_K;
    } else if (strstr(name, "attn_qkv.weight")) {
        if (ftype == RZ_FTYPE_MOSTLY_Q4_K_M) return RZ_TYPE_Q5_K;
        if (ftype == RZ_FTYPE_MOSTLY_Q5_K_M) return RZ_TYPE_Q6_K;
    }
    return type;
}

static uint32_t fallback(uint32_t type, uint64_t ncols) {
    if (ncols % block_of(type) == 0) return type;
    const uint32_t next = type == RZ_TYPE_Q4_K   ? RZ_TYPE_Q5_0
                          : type == RZ_TYPE_Q5_K ? RZ_TYPE_Q5_1
                                                 : RZ_TYPE_Q8_0;
    return ncols % block_of(next) ? RZ_TYPE_F16 : next;
}

uint32_t rz_quant_choose(const rz_quant_plan *p, const char *name, uint32_t n_dims,
                         const uint64_t *dims, uint32_t src_type) {
    if (!allows_quantization(name, n_dims)) return src_type;
    uint32_t type = p->spec->base_type;
    if (!is_quantized(type)) return type;
    if (!p->pure) type = mixture(p, name, dims, type);
    return fallback(type, dims[0]);
}
