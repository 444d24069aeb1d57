#include "engine/generate/generate.h"

#include <string.h>
#include <time.h>

#include "engine/core/clock.h"
#include "engine/tokenizer/tokenizer.h"

/* Whether the caller asked the run to end (noted in the stats). */
static bool cancelled(const rz_generator *g, rz_generate_stats *s) {
    if (g->cancel && atomic_load(g->cancel)) s->cancelled = true;
    return s->cancelled;
}

/* Hands the text of token id to the callback. */
static rz_status emit(const rz_generator *g, int32_t id, rz_tok_bytes *piece, rz_error *err) {
    piece->len = 0;
    rz_status st = rz_tok_piece(g->vocab, id, false, 0, piece, err);
    if (!st && piece->len && g->on_piece) g->on_piece(g->ctx, piece->data, piece->len);
    return st;
}

static rz_status decode(const rz_generator *g, int pos, int n_predict, double t0,
                        rz_generate_stats *s, rz_error *err) {
    rz_tok_bytes piece = {0};
    rz_status st = RZ_OK;
    for (int i = 0; i < n_predict && !st && !cancelled(g, s); i++) {
        int32_t id = rz_sampler_sample(g->sampler, g->state->logits);
        if (i == 0) s->first_s = rz_now_s() - t0;
        if (rz_tok_is_eog(g->vocab, id)) {
            s->stopped = true;
            break;
        }
        if (g->on_token) g->on_token(g->ctx, id, g->state->logits, g->model->config.vocab_size);
        st = emit(g, id, &piece, err);
        if (st) break;
        s->n_generated++;
        if (i + 1 == n_predict || cancelled(g, s)) break;
        double t = rz_now_s();
        st = rz_llama_forward(g->model, g->state, id, pos++, err);
        s->decode_s += rz_now_s() - t;
        s->n_decoded++;
    }
    rz_tok_bytes_free(&piece);
    return st;
}

rz_status rz_generate(const rz_generator *g, const char *prompt, int n_predict,
                      rz_generate_stats *stats, rz_error *err) {
    rz_generate_stats s = {0};
    rz_tok_ids ids = {0};
    if (n_predict < 0) return rz_fail(err, RZ_EINVAL, "%d tokens to generate", n_predict);
    rz_status st = rz_tok_tokenize(g->vocab, prompt, strlen(prompt),
                                   RZ_TOK_ADD_SPECIAL | RZ_TOK_PARSE_SPECIAL, &ids, err);
    if (st) return st;
    s.n_prompt = (int)ids.n;
    if (ids.n == 0)
        st = rz_fail(err, RZ_EINVAL, "the prompt is empty (no tokens and no BOS to start from)");
    else if (ids.n + (size_t)n_predict > (size_t)g->state->n_ctx)
        st = rz_fail(err, RZ_EINVAL,
                     "prompt of %zu tokens + %d to generate exceed the context of %d", ids.n,
                     n_predict, g->state->n_ctx);
    double t0 = rz_now_s();
    if (!st && !cancelled(g, &s))
        st = rz_llama_forward_prompt(g->model, g->state, ids.ids, (int)ids.n, 0, err);
    s.prompt_s = rz_now_s() - t0;
    if (!st && !s.cancelled) st = decode(g, (int)ids.n, n_predict, t0, &s, err);
    rz_tok_ids_free(&ids);
    if (stats) *stats = s;
    return st;
}
