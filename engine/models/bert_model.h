/* rz_bert_model: a BERT sentence encoder with its WordPiece vocabulary, read-only once open.
 * Contract: any number of threads may use an open model at once. */
#ifndef RZ_MODELS_BERT_MODEL_H
#define RZ_MODELS_BERT_MODEL_H

#include "engine/core/status.h"
#include "engine/formats/gguf.h"
#include "engine/models/bert_config.h"
#include "engine/models/bert_weights.h"
#include "engine/tokenizer/vocab.h"

typedef struct {
    rz_bert_config config;
    rz_bert_weights weights;
    rz_tok_vocab vocab;
} rz_bert_model;

/* path: a folder, or a GGUF file. Sources:
 *   - a Hugging Face folder (what sentence-transformers saves): config.json, model.safetensors,
 *     vocab.txt; optional tokenizer_config.json (do_lower_case, default true; strip_accents,
 *     default: as do_lower_case), sentence_bert_config.json (max_seq_length, do_lower_case) and
 *     1_Pooling/config.json (mean or CLS pooling);
 *   - a GGUF with general.architecture "bert", as llama.cpp's convert_hf_to_gguf.py writes it
 *     (bert.* metadata, tokenizer.ggml.model "bert"); inputs are truncated at its context length.
 * Fails naming the file and what was expected; nothing stays open on failure. */
rz_status rz_bert_model_open(const char *path, rz_bert_model *m, rz_error *err);

/* The Hugging Face folder dir. */
rz_status rz_bert_model_open_hf(const char *dir, rz_bert_model *m, rz_error *err);

/* An open GGUF (not taken over: the caller closes it; the model keeps no pointer into it). */
rz_status rz_bert_model_from_gguf(const rz_gguf *g, rz_bert_model *m, rz_error *err);

void rz_bert_model_close(rz_bert_model *m);

#endif
