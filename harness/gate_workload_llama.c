/* Gate workloads decode and prompt on the fixture model, through the decode workload the claims
 * share (claims/workloads/llama_decode.h: its prompt ids, its state, its untimed first token).
 * decode: after a prompt of DECODE_PROMPT tokens (position 0 is the workload's untimed first
 * token, the rest one rz_llama_forward_prompt), each sample is `units` greedy steps at the next
 * positions. prompt: each sample is one prompt of `units` tokens from position 0. */
#include <stdio.h>
#include <stdlib.h>

#include "claims/workloads/llama_decode.h"
#include "engine/generate/sampling.h"
#include "harness/gate_workloads.h"
#include "harness/why.h"

enum { DECODE_PROMPT = 4 };

typedef struct {
    rzb_decode d;
    int units, pos;
    int32_t next;
} llama_state;

static rzb_gw_status open_model(llama_state **out, const rzb_gw_env *e, int n_prompt, int n_decode,
                                char *why, size_t cap) {
    char path[4096];
    rzb_gw_status st = rzb_gw_fixture(e, "model.gguf", path, sizeof path, why, cap);
    if (st) return st;
    llama_state *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(why, cap, "out of memory");
        return RZB_GW_FAILED;
    }
    if (!rzb_decode_open(&s->d, path, e->threads, n_prompt, n_decode, why, cap)) {
        free(s);
        return RZB_GW_FAILED;
    }
    *out = s;
    return RZB_GW_OK;
}

static void close_llama(void *state) {
    llama_state *s = state;
    rzb_decode_close(&s->d);
    free(s);
}

static rzb_gw_status open_decode(void **state, const rzb_gw_env *e, int units, int samples,
                                 char *why, size_t cap) {
    llama_state *s;
    rzb_gw_status st = open_model(&s, e, DECODE_PROMPT, units * samples, why, cap);
    if (st) return st;
    rz_error err;
    if (rz_llama_forward_prompt(&s->d.model, &s->d.state, s->d.prompt + 1, DECODE_PROMPT - 1, 1,
                                &err)) {
        rzb_why_rz(why, cap, &err, "rz forward on the prompt");
        close_llama(s);
        return RZB_GW_FAILED;
    }
    s->units = units;
    s->pos = DECODE_PROMPT;
    s->next = rz_argmax(s->d.state.logits, s->d.model.config.vocab_size);
    *state = s;
    return RZB_GW_OK;
}

static bool sample_decode(void *state, char *why, size_t cap) {
    llama_state *s = state;
    rz_error err;
    for (int i = 0; i < s->units; i++) {
        if (rz_llama_forward(&s->d.model, &s->d.state, s->next, s->pos++, &err))
            return rzb_why_rz(why, cap, &err, "rz forward at position %d", s->pos - 1);
        s->next = rz_argmax(s->d.state.logits, s->d.model.config.vocab_size);
    }
    return true;
}

static rzb_gw_status open_prompt(void **state, const rzb_gw_env *e, int units, int samples,
                                 char *why, size_t cap) {
    (void)samples;
    llama_state *s;
    rzb_gw_status st = open_model(&s, e, units, 0, why, cap);
    if (st) return st;
    s->units = units;
    *state = s;
    return RZB_GW_OK;
}

static bool sample_prompt(void *state, char *why, size_t cap) {
    llama_state *s = state;
    rz_error err;
    if (!rz_llama_forward_prompt(&s->d.model, &s->d.state, s->d.prompt, s->units, 0, &err))
        return true;
    return rzb_why_rz(why, cap, &err, "rz forward on the prompt");
}

const rzb_gw rzb_gw_decode = {
    .name = "decode",
    .what = "greedy decode steps of the fixture model after a 4-token prompt",
    .per = "token",
    .fixtures = {"model.gguf"},
    .time = {.units = 1, .iterations = 40, .warmup = 2},
    .instructions = {.units = 1, .iterations = 2, .warmup = 0},
    .threaded = true,
    .spins = true,
    .open = open_decode,
    .sample = sample_decode,
    .close = close_llama,
};

const rzb_gw rzb_gw_prompt = {
    .name = "prompt",
    .what = "one prompt of the fixture model from position 0",
    .per = "token",
    .fixtures = {"model.gguf"},
    .time = {.units = 32, .iterations = 6, .warmup = 1},
    .instructions = {.units = 4, .iterations = 1, .warmup = 0},
    .threaded = true,
    .spins = true,
    .open = open_prompt,
    .sample = sample_prompt,
    .close = close_llama,
};
