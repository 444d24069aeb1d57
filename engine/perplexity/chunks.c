#include "engine/perplexity/chunks.h"

#include <string.h>

rz_status rz_ppl_tokenize(const rz_tok_vocab *v, const char *text, size_t len, rz_tok_ids *out,
                          rz_error *err) {
    if (len && text[len - 1] == '\n') len--;
    return rz_tok_tokenize(v, text, len, RZ_TOK_ADD_SPECIAL, out, err);
}

rz_status rz_ppl_plan_make(size_t n_tokens, int n_ctx, int max_chunks, const rz_tok_vocab *v,
                           rz_ppl_plan *p, rz_error *err) {
    if (n_ctx < 4 || n_ctx % 2)
        return rz_fail(err, RZ_EINVAL, "context of %d tokens: expected an even number >= 4", n_ctx);
    if (n_tokens < 2 * (size_t)n_ctx)
        return rz_fail(err, RZ_EINVAL,
                       "the text has %zu tokens: need at least 2 * context = %d (llama.cpp's rule)",
                       n_tokens, 2 * n_ctx);
    size_t n = n_tokens / (size_t)n_ctx;
    if (max_chunks > 0 && (size_t)max_chunks < n) n = (size_t)max_chunks;
    *p = (rz_ppl_plan){.n_ctx = n_ctx,
                       .n_chunks = (int)n,
                       .first = n_ctx / 2,
                       .add_bos = v->add_bos && v->bos >= 0,
                       .bos = v->bos};
    return RZ_OK;
}

int rz_ppl_scored(const rz_ppl_plan *p) {
    return p->n_ctx - 1 - p->first;
}

void rz_ppl_chunk(const rz_ppl_plan *p, const int32_t *tokens, int c, int32_t *out) {
    memcpy(out, tokens + (size_t)c * p->n_ctx, (size_t)p->n_ctx * sizeof *out);
    if (p->add_bos) out[0] = p->bos;
}
