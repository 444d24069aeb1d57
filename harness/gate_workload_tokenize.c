/* Gate workload tokenize: the first `units` bytes of the fixture text tokenized with the fixture
 * model's vocabulary (engine/tokenizer: SentencePiece, with BOS), read once when it opens. */
#include <stdio.h>
#include <stdlib.h>

#include "engine/core/file.h"
#include "engine/tokenizer/gguf_vocab.h"
#include "engine/tokenizer/tokenizer.h"
#include "harness/gate_workloads.h"
#include "harness/why.h"

typedef struct {
    rz_tok_vocab vocab;
    unsigned char *text;
    size_t len;
    rz_tok_ids ids;
} tokenize_state;

static void close_tokenize(void *state) {
    tokenize_state *s = state;
    rz_tok_vocab_free(&s->vocab);
    rz_tok_ids_free(&s->ids);
    free(s->text);
    free(s);
}

static rzb_gw_status open_tokenize(void **state, const rzb_gw_env *e, int units, int samples,
                                   char *why, size_t cap) {
    (void)samples;
    char model[4096], text[4096];
    rzb_gw_status gs = rzb_gw_fixture(e, "model.gguf", model, sizeof model, why, cap);
    if (!gs) gs = rzb_gw_fixture(e, "text.txt", text, sizeof text, why, cap);
    if (gs) return gs;
    tokenize_state *s = calloc(1, sizeof *s);
    rz_error err = {"out of memory"};
    if (!s || rz_file_read_all(text, &s->text, &s->len, &err) ||
        rz_tok_vocab_load(model, &s->vocab, &err)) {
        rzb_why_rz(why, cap, &err, NULL);
        if (s) free(s->text);
        free(s);
        return RZB_GW_FAILED;
    }
    if (s->len < (size_t)units) {
        snprintf(why, cap, "fixture %s has %zu bytes, fewer than the %d a sample tokenizes", text,
                 s->len, units);
        close_tokenize(s);
        return RZB_GW_FAILED;
    }
    s->len = (size_t)units;
    *state = s;
    return RZB_GW_OK;
}

static bool sample_tokenize(void *state, char *why, size_t cap) {
    tokenize_state *s = state;
    rz_error err;
    s->ids.n = 0;
    if (!rz_tok_tokenize(&s->vocab, (const char *)s->text, s->len, RZ_TOK_ADD_SPECIAL, &s->ids,
                         &err))
        return true;
    return rzb_why_rz(why, cap, &err, "rz tokenize");
}

const rzb_gw rzb_gw_tokenize = {
    .name = "tokenize",
    .what = "tokenizing the first N bytes of the fixture text with the fixture model's vocabulary",
    .fixtures = {"model.gguf", "text.txt"},
    .per = "byte",
    .time = {.units = 16384, .iterations = 400, .warmup = 5},
    .instructions = {.units = 4096, .iterations = 2, .warmup = 1},
    .open = open_tokenize,
    .sample = sample_tokenize,
    .close = close_tokenize,
};
