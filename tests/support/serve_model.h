/* Llama GGUF files for `rz serve` tests: a synthetic llama of any shape (tests/support/
 * tiny_llama.h) with the synthetic SentencePiece vocabulary of shape->vocab tokens (at least
 * RZ_SYNTH_VOCAB_MIN), a context of n_ctx and an optional tokenizer.chat_template, written to a
 * temporary file whose path is returned (static storage: the next call overwrites it). */
#ifndef RZ_TESTS_SERVE_MODEL_H
#define RZ_TESTS_SERVE_MODEL_H

#include "tests/support/tiny_llama.h"

const char *rzt_serve_model(const rzt_llama_shape *shape, int n_ctx, const char *chat_template);

#endif
