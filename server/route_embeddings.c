/* POST /v1/embeddings (OpenAI's): {"input": string or [strings], "model": ignored,
 * "encoding_format": "float" (the only one)} -> {"object": "list", "data": [{"object":
 * "embedding", "index": i, "embedding": [floats]}], "model", "usage": {"prompt_tokens",
 * "total_tokens"}}. Each input is embedded on the HTTP thread that received it, with a state of
 * its own; inputs longer than the model's max_seq tokens are truncated, as sentence-transformers
 * does. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/models/bert_forward.h"
#include "server/internal.h"
#include "server/json_field.h"
#include "server/reply.h"

enum { MAX_INPUTS = 2048 };

/* The input strings (pointers into o) into *texts, their count into *n. */
static bool inputs(const cJSON *o, const char ***texts, size_t *n, rz_srv_fault *f) {
    const cJSON *in = cJSON_GetObjectItemCaseSensitive(o, "input");
    const char *format = "float";
    if (!rz_srv_json_string(o, "encoding_format", false, &format, f)) return false;
    if (strcmp(format, "float"))
        return rz_srv_fail(f, 400, "invalid_value",
                           "'encoding_format': expected \"float\", got \"%.40s\"", format);
    if (!in || cJSON_IsNull(in))
        return rz_srv_fail(f, 400, "missing_field", "'input': required field is missing");
    bool one = cJSON_IsString(in);
    if (!one && !cJSON_IsArray(in))
        return rz_srv_fail(f, 400, "wrong_type",
                           "'input': expected a string or an array of strings");
    *n = one ? 1 : (size_t)cJSON_GetArraySize(in);
    if (*n == 0 || *n > MAX_INPUTS)
        return rz_srv_fail(f, 400, "out_of_range", "'input': expected 1 to %d strings, got %zu",
                           MAX_INPUTS, *n);
    *texts = malloc(*n * sizeof **texts);
    if (!*texts) return rz_srv_fail(f, 500, "out_of_memory", "out of memory");
    if (one) (*texts)[0] = in->valuestring;
    size_t i = 0;
    for (const cJSON *v = one ? NULL : in->child; v; v = v->next, i++) {
        if (!cJSON_IsString(v)) {
            free(*texts);
            *texts = NULL;
            return rz_srv_fail(f, 400, "wrong_type", "'input[%zu]': expected a string", i);
        }
        (*texts)[i] = v->valuestring;
    }
    return true;
}

static bool append(rz_tok_bytes *b, rz_srv_fault *f, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool append(rz_tok_bytes *b, rz_srv_fault *f, const char *fmt, ...) {
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    rz_error err;
    if (n < 0 || (size_t)n >= sizeof tmp || rz_tok_bytes_append(b, tmp, (size_t)n, &err))
        return rz_srv_fail(f, 500, "out_of_memory", "out of memory");
    return true;
}

/* Embeds texts[0..n) and writes the response body into out. */
static bool embed_all(const rz_srv_model *m, const char **texts, size_t n, rz_tok_bytes *out,
                      rz_srv_fault *f) {
    const rz_bert_config *c = &m->bert.config;
    rz_bert_state s;
    rz_error err;
    float *e = malloc((size_t)c->dim * sizeof *e);
    if (!e || rz_bert_state_init(c, NULL, 1, &s, &err)) {
        free(e);
        return rz_srv_fail(f, 500, "out_of_memory", "out of memory");
    }
    bool ok = append(out, f, "{\"object\":\"list\",\"data\":[");
    long long tokens = 0;
    for (size_t i = 0; ok && i < n; i++) {
        int used = 0;
        if (rz_bert_embed(&m->bert, &s, texts[i], strlen(texts[i]), e, &used, &err)) {
            ok = rz_srv_fail(f, 400, "invalid_value", "'input[%zu]': %s", i, err.msg);
            break;
        }
        tokens += used;
        ok = append(out, f, "%s{\"object\":\"embedding\",\"index\":%zu,\"embedding\":[",
                    i ? "," : "", i);
        for (int d = 0; ok && d < c->dim; d++)
            ok = append(out, f, d ? ",%.9g" : "%.9g", e[d]);
        ok = ok && append(out, f, "]}");
    }
    ok = ok && append(out, f, "],\"model\":") &&
         !rz_tok_bytes_append(out, m->id_json, strlen(m->id_json), &err) &&
         append(out, f, ",\"usage\":{\"prompt_tokens\":%lld,\"total_tokens\":%lld}}", tokens,
                tokens);
    rz_bert_state_deinit(&s);
    free(e);
    return ok;
}

enum MHD_Result rz_srv_route_embeddings(rz_server *s, struct MHD_Connection *c, rz_srv_request *r) {
    rz_srv_fault f;
    const char **texts = NULL;
    size_t n = 0;
    rz_tok_bytes body = {0};
    cJSON *o = rz_srv_json_object(r->body.data, r->body.len, &f);
    bool ok = o && inputs(o, &texts, &n, &f) && embed_all(&s->model, texts, n, &body, &f);
    free(texts);
    cJSON_Delete(o);
    enum MHD_Result ret = ok ? rz_srv_reply(c, r, 200, "application/json", body.data, body.len)
                             : rz_srv_reply_fault(c, r, &f, NULL);
    rz_tok_bytes_free(&body);
    return ret;
}
