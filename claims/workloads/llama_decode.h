/* The decode workload shared by the claims that time or check text generation (P3, R1, S1): a
 * llama-family GGUF model, a fixed prompt of token ids, greedy decoding.
 * Contract: the prompt is n_prompt ids, id i = (1 + 7919 i) mod vocab_size, so no tokenizer is
 * involved. Nothing here exits or prints. */
#ifndef RZB_WORKLOAD_LLAMA_DECODE_H
#define RZB_WORKLOAD_LLAMA_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/models/llama_forward.h"

typedef struct {
    rz_llama_model model;
    rz_llama_state state;
    int n_prompt, n_decode, n_threads;
    int32_t *prompt;
    uint64_t file_bytes;
    uint64_t weight_bytes_per_token; /* matrix bytes one decode step reads (one embedding row) */
} rzb_decode;

/* Loads the model, makes a state for n_prompt + n_decode positions on n_threads threads (workers
 * pinned to cores by the state, rz_pool_pin) through the active backend, runs one untimed token
 * so every weight page is resident. */
bool rzb_decode_open(rzb_decode *d, const char *path, int n_threads, int n_prompt, int n_decode,
                     char *why, size_t cap);

/* One run, starting again from position 0: it times the first n_prompt ids of the prompt
 * (n_prompt <= d->n_prompt) plus the choice of the first token (time to first token), then
 * n_decode greedy steps (n_decode <= d->n_decode), each a forward pass plus argmax. prompt_ms
 * gets the time to first token; token_ms[k] (n_decode entries) the time of decode step k. When
 * logits is non-NULL it receives (n_decode + 1) x vocab_size floats: the logits after the
 * prompt, then after each step. False with the engine's message in why. */
bool rzb_decode_run(rzb_decode *d, int n_prompt, int n_decode, double *prompt_ms, double *token_ms,
                    float *logits, char *why, size_t cap);

void rzb_decode_close(rzb_decode *d);

#endif
