/* rz_llama_config: the hyper-parameters of a llama-family decoder, read from GGUF metadata.
 * Supported architectures: "llama" (SwiGLU, RoPE on adjacent pairs) and "gemma3" (GeGLU, scaled
 * embeddings, post-norms, Q/K norms, sliding-window layers with their own RoPE base, RoPE on split
 * halves). */
#ifndef RZ_MODELS_LLAMA_CONFIG_H
#define RZ_MODELS_LLAMA_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/core/status.h"
#include "engine/formats/gguf.h"

enum { RZ_LLAMA_MAX_LAYERS = 512 };

typedef enum { RZ_ARCH_LLAMA, RZ_ARCH_GEMMA3 } rz_llama_arch;

/* RZ_ROPE_NORM rotates (x[2i], x[2i+1]); RZ_ROPE_NEOX rotates (x[i], x[i + rope_dims/2]). */
typedef enum { RZ_ROPE_NORM, RZ_ROPE_NEOX } rz_rope_mode;

/* The gated feed-forward activation: silu(gate) * up or gelu_tanh(gate) * up. */
typedef enum { RZ_FFN_SWIGLU, RZ_FFN_GEGLU } rz_ffn_act;

typedef struct {
    rz_llama_arch arch;
    int dim;            /* embedding_length */
    int n_layers;       /* block_count */
    int hidden_dim;     /* feed_forward_length */
    int n_heads;        /* attention.head_count */
    int n_kv_heads;     /* attention.head_count_kv */
    int head_dim;       /* attention.key_length, else dim / n_heads */
    int head_dim_v;     /* attention.value_length, else head_dim */
    int vocab_size;     /* rows of token_embd.weight */
    int context_length; /* context_length: positions the model was trained on */
    float norm_eps;     /* attention.layer_norm_rms_epsilon */

    rz_rope_mode rope_mode;
    int rope_dims;          /* rope.dimension_count, else head_dim */
    float rope_base;        /* rope.freq_base */
    float rope_scale;       /* 1 / rope.scaling.factor for linear scaling, else 1 */
    float rope_base_local;  /* sliding-window layers: rope.freq_base_swa */
    float rope_scale_local; /* sliding-window layers: 1 */

    int sliding_window;                       /* attention.sliding_window; 0: none */
    bool layer_is_local[RZ_LLAMA_MAX_LAYERS]; /* layer attends within the sliding window */

    rz_ffn_act ffn_act;
    float embed_scale;   /* token embeddings are multiplied by this (gemma3: sqrt(dim)) */
    float attn_scale;    /* q.k is multiplied by this */
    float final_softcap; /* logits = c * tanh(logits / c) when > 0 */
    bool has_post_norms; /* RMSNorm after attention and after the FFN (gemma3) */
    bool has_qk_norm;    /* per-head RMSNorm of Q and K before RoPE (gemma3) */
} rz_llama_config;

/* Takes every number from the file ({arch}.* keys and the token_embd tensor's shape); where a key
 * is optional and absent it applies llama.cpp's default for that architecture (named in
 * llama_config.c). Another architecture, or a feature rz does not implement (YaRN scaling,
 * per-layer head counts), fails with RZ_EUNSUPPORTED naming the key. */
rz_status rz_llama_config_read(const rz_gguf *g, rz_llama_config *c, rz_error *err);

/* "llama" or "gemma3". */
const char *rz_llama_arch_name(rz_llama_arch arch);

/* The KV cache positions the CLIs and the server use: `requested` when > 0, else the model's
 * context_length capped at RZ_LLAMA_DEFAULT_CTX (which also stands in when the file gives none). */
enum { RZ_LLAMA_DEFAULT_CTX = 4096 };
int rz_llama_default_ctx(const rz_llama_config *c, int requested);

#endif
