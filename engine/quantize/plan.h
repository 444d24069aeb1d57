/* Which type each tensor gets when a model is quantized, following llama.cpp's llama-quantize
 * (src/llama-quant.cpp: llama_ftype_get_default_type, tensor_allows_quantization,
 * llama_tensor_get_type, tensor_type_fallback) for the file types rz can write. */
#ifndef RZ_QUANTIZE_PLAN_H
#define RZ_QUANTIZE_PLAN_H

#include <stdbool.h>
#include <stdint.h>

/* llama.cpp's LLAMA_FTYPE values, written to general.file_type. */
enum {
    RZ_FTYPE_ALL_F32 = 0,
    RZ_FTYPE_MOSTLY_F16 = 1,
    RZ_FTYPE_MOSTLY_Q4_0 = 2,
    RZ_FTYPE_MOSTLY_Q4_1 = 3,
    RZ_FTYPE_MOSTLY_Q5_0 = 8,
    RZ_FTYPE_MOSTLY_Q8_0 = 7,
    RZ_FTYPE_MOSTLY_Q4_K_S = 14,
    RZ_FTYPE_MOSTLY_Q4_K_M = 15,
    RZ_FTYPE_MOSTLY_Q5_K_S = 16,
    RZ_FTYPE_MOSTLY_Q5_K_M = 17,
    RZ_FTYPE_MOSTLY_Q6_K = 18,
    RZ_FTYPE_MOSTLY_BF16 = 32,
};

typedef struct {
    const char *name;   /* llama-quantize's spelling */
    uint32_t ftype;     /* RZ_FTYPE_* */
    uint32_t base_type; /* the default tensor type (ggml id) */
} rz_quant_spec;

typedef struct {
    const rz_quant_spec *spec;
    bool pure;         /* every eligible tensor gets base_type (llama-quantize --pure) */
    uint32_t n_layers; /* block count */
    bool has_output;   /* the model has output.weight (untied embeddings) */
} rz_quant_plan;

/* Accepts llama-quantize's names (F32, F16, BF16, Q4_0, Q4_1, Q5_0, Q8_0, Q4_K_S, Q4_K_M, Q5_K_S,
 * Q5_K_M, Q6_K, and the aliases Q4_K = Q4_K_M, Q5_K = Q5_K_M), case-insensitively. */
const rz_quant_spec *rz_quant_spec_find(const char *name);

/* The names rz_quant_spec_find accepts, for help texts: NULL-terminated. */
extern const char *const rz_quant_spec_names[];

/* The type for a tensor of src_type, a pure function of the plan and the tensor:
 *  - tensors with fewer than 2 dims, names not ending in "weight", norms and expert gates keep
 *    their source type;
 *  - for a float target (F32/F16/BF16) every other tensor gets it;
 *  - for a quantized target, unless pure: output.weight (and token_embd.weight when the model has
 *    no output.weight) gets Q6_K, or Q8_0 when its rows are not a multiple of the target's block;
 *    attn_v and ffn_down of layer i get Q6_K in *_M files when use_more_bits(i, n_layers);
 *    Q4_K_S gives attn_v of layers < 4 and ffn_down of layers < n/8 Q5_K;
 *  - then, when the row length is not a multiple of the chosen type's block, llama.cpp's fallback
 *    (Q4_K -> Q5_0, Q5_K -> Q5_1, Q6_K -> Q8_0; F16 if still not a multiple). */
uint32_t rz_quant_choose(const rz_quant_plan *p, const char *name, uint32_t n_dims,
                         const uint64_t *dims, uint32_t src_type);

/* llama.cpp's use_more_bits(i_layer, n_layers). */
bool rz_quant_use_more_bits(int i_layer, int n_layers);

#endif
