/* rz_bert_embed: text -> tokens -> rz_bert_encode (see bert_forward.h). */
#include "engine/models/bert_forward.h"
#include "engine/tokenizer/tokenizer.h"

rz_status rz_bert_embed(const rz_bert_model *m, rz_bert_state *s, const char *text, size_t len,
                        float *out, int *n_tokens, rz_error *err) {
    rz_tok_ids ids = {0};
    rz_status st =
        rz_tok_tokenize(&m->vocab, text, len, RZ_TOK_ADD_SPECIAL | RZ_TOK_PARSE_SPECIAL, &ids, err);
    int max = s->max_tokens;
    if (!st && ids.n > (size_t)max) {
        ids.ids[max - 1] = m->vocab.sep;
        ids.n = (size_t)max;
    }
    if (!st) st = rz_bert_encode(m, s, ids.ids, (int)ids.n, out, err);
    if (!st && n_tokens) *n_tokens = (int)ids.n;
    rz_tok_ids_free(&ids);
    return st;
}
