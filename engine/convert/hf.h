/* Hugging Face llama checkpoints (config.json + safetensors) to llama GGUF.
 * IN is a directory holding config.json and one or more *.safetensors shards, or one
 * .safetensors file with config.json beside it. config.json must say model_type "llama";
 * hidden_size, intermediate_size, num_hidden_layers, num_attention_heads, vocab_size and
 * max_position_embeddings are required; num_key_value_heads (default: heads), rms_norm_eps
 * (default 1e-6), rope_theta (default 10000) and tie_word_embeddings (default false; also true
 * when lm_head.weight is absent) are optional. */
#ifndef RZ_CONVERT_HF_H
#define RZ_CONVERT_HF_H

#include "engine/convert/writer.h"

/* target->hp is filled from config.json; general.name is the directory's base name. */
/* Every tensor llama needs (model.embed_tokens, model.layers.N.{input_layernorm,
 * self_attn.{q,k,v,o}_proj, post_attention_layernorm, mlp.{gate,down,up}_proj}, model.norm,
 * lm_head) must exist in exactly one shard with a float dtype and the shape config.json implies,
 * else the message names the tensor. Q and K rows are permuted from the HF (rotate-half) layout
 * to the Meta (interleaved) layout ggml's RoPE expects, exactly as llama.cpp's
 * convert_hf_to_gguf.py LlamaModel.permute does (for K with the kv head count). */
rz_status rz_convert_hf(const char *in, const char *out, rz_convert_target *target, rz_error *err);

/* HF row r of a Q or K matrix that becomes GGUF row r after the permutation (n_heads: the heads
 * that matrix has, rows = n_heads * head_dim). */
uint64_t rz_hf_permuted_row(uint64_t r, uint64_t head_dim);

#endif
