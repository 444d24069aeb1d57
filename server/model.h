/* rz_srv_model: the one model a server serves, opened once and read-only afterwards.
 * An APR file (logistic regression) serves /v1/predict; a llama-family GGUF serves completions,
 * chat completions and /tokenize, with its vocabulary and chat template family; a BERT encoder
 * (a Hugging Face folder, or a GGUF whose general.architecture is "bert") serves /v1/embeddings.
 * Contract: any number of threads may read a loaded model at once. */
#ifndef RZ_SERVER_MODEL_H
#define RZ_SERVER_MODEL_H

#include "engine/core/status.h"
#include "engine/models/bert_model.h"
#include "engine/models/llama_model.h"
#include "engine/models/logreg.h"
#include "engine/tokenizer/vocab.h"
#include "server/chat_template.h"

typedef enum { RZ_SRV_APR, RZ_SRV_LLAMA, RZ_SRV_BERT } rz_srv_model_kind;

typedef struct {
    rz_srv_model_kind kind;
    char id[256];         /* the file's base name: what /v1/models lists and responses name */
    char id_json[1600];   /* id as a JSON string literal, quotes included */
    rz_logreg logreg;     /* RZ_SRV_APR */
    rz_llama_model llama; /* RZ_SRV_LLAMA */
    rz_bert_model bert;   /* RZ_SRV_BERT (it has its own vocabulary) */
    rz_tok_vocab vocab;
    rz_chat_kind chat;
    const char *chat_source; /* "tokenizer.chat_template" or "default (no template in file)" */
} rz_srv_model;

/* The kind is chosen by the file's magic ("APRN" or "GGUF", then the GGUF's architecture), a
 * folder is a BERT; failures name the file. */
rz_status rz_srv_model_load(const char *path, rz_srv_model *m, rz_error *err);
void rz_srv_model_free(rz_srv_model *m);

/* "an APR", "a GGUF" (llama family) or "a BERT": what a route needing that kind asks for. */
const char *rz_srv_model_kind_name(int kind);

/* One line saying what a BERT model is (id, layers, dimensions, max tokens, pooling). */
void rz_srv_model_describe(const rz_srv_model *m, char *out, size_t cap);

#endif
