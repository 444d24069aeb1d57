/* Gate workload ppl-chunk: the perplexity of the first chunk of the fixture text under the fixture
 * model (engine/perplexity), a chunk of units + 1 tokens, of which units go through the forward
 * pass (llama.cpp's method: the first half fills the cache, the rest is scored). The text is
 * tokenized once, when the workload opens. */
#include <stdio.h>
#include <stdlib.h>

#include "engine/core/file.h"
#include "engine/perplexity/perplexity.h"
#include "engine/tokenizer/gguf_vocab.h"
#include "harness/gate_workloads.h"
#include "harness/why.h"

typedef struct {
    rz_llama_model model;
    rz_tok_vocab vocab;
    rz_tok_ids tokens;
    rz_llama_state state;
    rz_ppl_job job;
    bool model_open, vocab_built;
} ppl_state;

static void close_ppl(void *state) {
    ppl_state *s = state;
    rz_llama_state_deinit(&s->state);
    rz_tok_ids_free(&s->tokens);
    if (s->vocab_built) rz_tok_vocab_free(&s->vocab);
    if (s->model_open) rz_llama_model_close(&s->model);
    free(s);
}

/* Loads the model and its vocabulary and tokenizes the text. */
static rz_status load(ppl_state *s, const char *model, const char *text_path, rz_error *err) {
    rz_status st = rz_llama_model_open(model, &s->model, err);
    s->model_open = !st;
    if (!st) st = rz_tok_vocab_from_gguf(&s->model.gguf, &s->vocab, err);
    s->vocab_built = s->model_open && !st;
    unsigned char *text = NULL;
    size_t len = 0;
    if (!st) st = rz_file_read_all(text_path, &text, &len, err);
    if (!st) st = rz_ppl_tokenize(&s->vocab, (const char *)text, len, &s->tokens, err);
    free(text);
    return st;
}

static rzb_gw_status open_ppl(void **state, const rzb_gw_env *e, int units, int samples, char *why,
                              size_t cap) {
    (void)samples;
    char model[4096], text[4096];
    rzb_gw_status gs = rzb_gw_fixture(e, "model.gguf", model, sizeof model, why, cap);
    if (!gs) gs = rzb_gw_fixture(e, "text.txt", text, sizeof text, why, cap);
    if (gs) return gs;
    ppl_state *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(why, cap, "out of memory");
        return RZB_GW_FAILED;
    }
    rz_error err;
    rz_status st = load(s, model, text, &err);
    if (!st) st = rz_ppl_plan_make(s->tokens.n, units + 1, 1, &s->vocab, &s->job.plan, &err);
    if (!st)
        st = rz_llama_state_init(&s->model.config, units + 1, NULL, e->threads, &s->state, &err);
    if (st) {
        rzb_why_rz(why, cap, &err, NULL);
        close_ppl(s);
        return RZB_GW_FAILED;
    }
    s->job.model = &s->model;
    s->job.state = &s->state;
    s->job.tokens = s->tokens.ids;
    *state = s;
    return RZB_GW_OK;
}

static bool sample_ppl(void *state, char *why, size_t cap) {
    ppl_state *s = state;
    rz_ppl_result r;
    rz_error err;
    if (rz_ppl_run(&s->job, &r, &err)) return rzb_why_rz(why, cap, &err, "rz perplexity");
    rz_ppl_result_free(&r);
    return true;
}

const rzb_gw rzb_gw_ppl_chunk = {
    .name = "ppl-chunk",
    .what = "the perplexity of one chunk of the fixture text (N + 1 tokens, N through the model)",
    .fixtures = {"model.gguf", "text.txt"},
    .per = "token",
    .time = {.units = 63, .iterations = 3, .warmup = 1},
    .instructions = {.units = 3, .iterations = 1, .warmup = 0},
    .threaded = true,
    .spins = true,
    .open = open_ppl,
    .sample = sample_ppl,
    .close = close_ppl,
};
