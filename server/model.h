/* rz_srv_model: the one model a server serves, opened once and read-only afterwards.
 * An APR file (logistic regression) serves /v1/predict; a llama-family GGUF serves completions,
 * chat completions and /tokenize, with its vocabulary and chat template family.
 * Contract: the kind is chosen by the file's magic ("APRN" or "GGUF"); failures name the file.
 * The id (what /v1/models lists and responses name) is the file's base name. Any number of
 * threads may read a loaded model at once. */
#ifndef RZ_SERVER_MODEL_H
#define RZ_SERVER_MODEL_H

#include "engine/core/status.h"
#include "engine/models/llama_model.h"
#include "engine/models/logreg.h"
#include "engine/tokenizer/vocab.h"
#include "server/chat_template.h"

typedef enum { RZ_SRV_APR, RZ_SRV_LLAMA } rz_srv_model_kind;

typedef struct {
    rz_srv_model_kind kind;
    char id[256];
    char id_json[1600];   /* id as a JSON string literal, quotes included */
    rz_logreg logreg;     /* RZ_SRV_APR */
    rz_llama_model llama; /* RZ_SRV_LLAMA */
    rz_tok_vocab vocab;
    rz_chat_kind chat;
    const char *chat_source; /* "tokenizer.chat_template" or "default (no template in file)" */
} rz_srv_model;

rz_status rz_srv_model_load(const char *path, rz_srv_model *m, rz_error *err);
void rz_srv_model_free(rz_srv_model *m);

#endif
