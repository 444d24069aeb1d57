/* POST /detokenize (llama.cpp server's): {"tokens": [ids]} -> {"content": text}, the tokens'
 * pieces joined (special tokens written as their text, as llama-server does), made valid UTF-8.
 * An id that is not an integer in [0, n_vocab) is a 400 naming its index. */
#include <math.h>

#include "engine/tokenizer/tokenizer.h"
#include "server/internal.h"
#include "server/json_field.h"
#include "server/reply.h"
#include "server/utf8.h"

/* Appends the piece of tokens[i] to raw. */
static bool piece(const rz_tok_vocab *v, const cJSON *t, int i, rz_tok_bytes *raw,
                  rz_srv_fault *f) {
    rz_error err;
    int n = (int)v->n_tokens;
    if (!cJSON_IsNumber(t) || t->valuedouble != floor(t->valuedouble))
        return rz_srv_fail(f, 400, "wrong_type", "'tokens[%d]': expected an integer token id", i);
    if (!(t->valuedouble >= 0 && t->valuedouble < n))
        return rz_srv_fail(f, 400, "out_of_range",
                           "'tokens[%d]': token id %g is out of range [0, %d)", i, t->valuedouble,
                           n);
    if (rz_tok_piece(v, (int32_t)t->valuedouble, true, 0, raw, &err))
        return rz_srv_fail(f, 500, "detokenize_failed", "'tokens[%d]': %s", i, err.msg);
    return true;
}

enum MHD_Result rz_srv_route_detokenize(rz_server *s, struct MHD_Connection *c, rz_srv_request *r) {
    rz_srv_fault f;
    cJSON *o = rz_srv_json_object(r->body.data, r->body.len, &f);
    const cJSON *tokens = o ? cJSON_GetObjectItemCaseSensitive(o, "tokens") : NULL;
    bool ok = o != NULL;
    if (ok && !tokens)
        ok = rz_srv_fail(&f, 400, "missing_field", "'tokens': required field is missing");
    else if (ok && !cJSON_IsArray(tokens))
        ok = rz_srv_fail(&f, 400, "wrong_type", "'tokens': expected an array of token ids");
    rz_tok_bytes raw = {0}, text = {0};
    int i = 0;
    for (const cJSON *t = ok ? tokens->child : NULL; t && ok; t = t->next, i++)
        ok = piece(&s->model.vocab, t, i, &raw, &f);
    cJSON_Delete(o);
    rz_error err;
    rz_srv_utf8 u = {0};
    if (ok && (rz_srv_utf8_clean(&u, raw.data ? raw.data : "", raw.len, true, &text, &err) ||
               rz_tok_bytes_append(&text, "", 0, &err)))
        ok = rz_srv_fail(&f, 500, "out_of_memory", "%s", err.msg);
    rz_tok_bytes_free(&raw);
    if (!ok) {
        rz_tok_bytes_free(&text);
        return rz_srv_reply_fault(c, r, &f, NULL);
    }
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "content", text.data);
    rz_tok_bytes_free(&text);
    return rz_srv_reply_json(c, r, 200, root);
}
