/* Chat templates: the prompt text a list of chat messages becomes for a model.
 * GGUF files carry a Jinja template (tokenizer.chat_template); rz does not run Jinja. It detects
 * the template family by its markers and formats the messages in C, as llama.cpp's built-in
 * templates do:
 *   ChatML ("<|im_start|>", SmolLM2, Qwen):  <|im_start|>ROLE\nCONTENT<|im_end|>\n ...
 *                                             <|im_start|>assistant\n
 *   Gemma ("<start_of_turn>"):                <start_of_turn>user\nSYSTEM\n\nCONTENT<end_of_turn>\n
 *                                             ... <start_of_turn>model\n  (assistant -> model,
 *                                             the system message joins the first user turn,
 *                                             contents trimmed) */
#ifndef RZ_SERVER_CHAT_TEMPLATE_H
#define RZ_SERVER_CHAT_TEMPLATE_H

#include <stddef.h>

#include "engine/core/status.h"
#include "engine/tokenizer/buf.h"

typedef enum { RZ_CHAT_CHATML, RZ_CHAT_GEMMA } rz_chat_kind;

typedef struct {
    const char *role;
    const char *content;
} rz_chat_message;

/* The family of tmpl by its markers. tmpl may be NULL (no template in the model); arch may be
 * NULL. A template with neither marker is RZ_EUNSUPPORTED (the message quotes its start); a model
 * without a template gets Gemma's for a gemma* architecture and ChatML otherwise (llama.cpp's
 * default). */
rz_status rz_chat_detect(const char *tmpl, size_t len, const char *arch, rz_chat_kind *out,
                         rz_error *err);

const char *rz_chat_kind_name(rz_chat_kind k);

/* Appends the prompt for msgs[0..n) followed by the assistant's opening to out. Roles are
 * "system", "user" and "assistant"; anything else is RZ_EINVAL. The BOS token is not written: the
 * tokenizer adds it as the vocabulary asks. */
rz_status rz_chat_format(rz_chat_kind k, const rz_chat_message *msgs, size_t n, rz_tok_bytes *out,
                         rz_error *err);

#endif
