/* rz_bert_config: the hyper-parameters of a BERT encoder (all-MiniLM-L6-v2's family: post-LN
 * blocks, exact-erf GELU, learned absolute positions, token types), from a Hugging Face
 * config.json or from the bert.* metadata llama.cpp's convert_hf_to_gguf.py writes.
 * Contract: every required number is checked positive and consistent (hidden_size divisible by
 * num_attention_heads); a failure names the source and the key. Anything rz does not implement
 * (another model_type, hidden_act or position_embedding_type) is RZ_EUNSUPPORTED naming the key. */
#ifndef RZ_MODELS_BERT_CONFIG_H
#define RZ_MODELS_BERT_CONFIG_H

#include <stddef.h>

#include "engine/core/status.h"
#include "engine/formats/gguf.h"

typedef enum { RZ_BERT_POOL_MEAN, RZ_BERT_POOL_CLS } rz_bert_pooling;

typedef struct {
    int vocab_size;    /* vocab_size */
    int dim;           /* hidden_size */
    int n_layers;      /* num_hidden_layers */
    int n_heads;       /* num_attention_heads */
    int hidden_dim;    /* intermediate_size */
    int max_positions; /* max_position_embeddings */
    int n_types;       /* type_vocab_size */
    /* Where inputs are truncated: sentence_bert_config.json's max_seq_length when the folder has
     * one, else max_position_embeddings. */
    int max_seq;    /* tokens kept per input, [CLS] and [SEP] included */
    float norm_eps; /* layer_norm_eps */
    rz_bert_pooling pooling;
} rz_bert_config;

/* config.json's text. max_seq is set to max_positions and pooling to mean. */
rz_status rz_bert_config_parse(const char *text, size_t len, const char *source, rz_bert_config *c,
                               rz_error *err);

/* sentence_bert_config.json's max_seq_length (when present) into c->max_seq. */
rz_status rz_bert_config_parse_sbert(const char *text, size_t len, const char *source,
                                     rz_bert_config *c, rz_error *err);

/* 1_Pooling/config.json: pooling_mode_mean_tokens or pooling_mode_cls_token. */
rz_status rz_bert_config_parse_pooling(const char *text, size_t len, const char *source,
                                       rz_bert_config *c, rz_error *err);

/* bert.* keys of a GGUF (general.architecture must be "bert"); vocab_size from token_embd. */
rz_status rz_bert_config_read_gguf(const rz_gguf *g, rz_bert_config *c, rz_error *err);

#endif
