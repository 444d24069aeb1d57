#include "server/openai.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/tokenizer/tokenizer.h"
#include "server/json_field.h"
#include "server/sse.h"

enum { DEFAULT_MAX_COMPLETION = 16, DEFAULT_MAX_CHAT = 256 };

static bool chat_prompt(const cJSON *o, const rz_srv_model *m, rz_tok_bytes *out, rz_srv_fault *f) {
    const cJSON *msgs;
    if (!rz_srv_json_array(o, "messages", &msgs, f)) return false;
    size_t n = (size_t)cJSON_GetArraySize(msgs), i = 0;
    rz_chat_message *list = calloc(n, sizeof *list);
    if (!list) return rz_srv_fail(f, 500, "out_of_memory", "out of memory");
    bool ok = true;
    for (const cJSON *it = msgs->child; it && ok; it = it->next, i++) {
        if (!cJSON_IsObject(it)) {
            ok = rz_srv_fail(f, 400, "wrong_type", "'messages[%zu]': expected an object", i);
            break;
        }
        const cJSON *role = cJSON_GetObjectItemCaseSensitive(it, "role");
        const cJSON *content = cJSON_GetObjectItemCaseSensitive(it, "content");
        if (!role || !content)
            ok = rz_srv_fail(f, 400, "missing_field",
                             "'messages[%zu]': expected \"role\" and \"content\"", i);
        else if (!cJSON_IsString(role) || !cJSON_IsString(content))
            ok = rz_srv_fail(f, 400, "wrong_type",
                             "'messages[%zu]': \"role\" and \"content\" must be strings", i);
        else
            list[i] = (rz_chat_message){role->valuestring, content->valuestring};
    }
    rz_error err;
    if (ok && rz_chat_format(m->chat, list, n, out, &err))
        ok = rz_srv_fail(f, 400, "invalid_value", "%s", err.msg);
    free(list);
    return ok;
}

static bool completion_prompt(const cJSON *o, rz_tok_bytes *out, rz_srv_fault *f) {
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(o, "prompt");
    if (p && cJSON_IsArray(p) && cJSON_GetArraySize(p) == 1) p = p->child;
    if (!p || cJSON_IsNull(p))
        return rz_srv_fail(f, 400, "missing_field", "'prompt': required field is missing");
    if (!cJSON_IsString(p))
        return rz_srv_fail(f, 400, "wrong_type",
                           "'prompt': expected a string (or an array of one string)");
    rz_error err;
    if (rz_tok_bytes_append(out, p->valuestring, strlen(p->valuestring), &err))
        return rz_srv_fail(f, 500, "out_of_memory", "%s", err.msg);
    return true;
}

typedef struct {
    long long max_tokens, top_k, n, logprobs;
    uint64_t seed;
    bool random_seed;
    double temperature, top_p;
    bool stream;
    rz_srv_stop stop;
} gen_params;

/* "stop": null, a non-empty string, or an array of up to RZ_SRV_MAX_STOP of them. */
static bool stop_strings(const cJSON *o, rz_srv_stop *st, rz_srv_fault *f) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "stop");
    if (!v || cJSON_IsNull(v)) return true;
    bool one = cJSON_IsString(v);
    if (!one && !cJSON_IsArray(v))
        return rz_srv_fail(f, 400, "wrong_type",
                           "'stop': expected a string or an array of up to 4 strings");
    if (!one && cJSON_GetArraySize(v) > RZ_SRV_MAX_STOP)
        return rz_srv_fail(f, 400, "out_of_range", "'stop': at most 4 strings, got %d",
                           cJSON_GetArraySize(v));
    int i = 0;
    for (const cJSON *it = one ? v : v->child; it; it = one ? NULL : it->next, i++) {
        if (!cJSON_IsString(it))
            return rz_srv_fail(f, 400, "wrong_type", "'stop[%d]': expected a string", i);
        if (!*it->valuestring && one)
            return rz_srv_fail(f, 400, "invalid_value", "'stop': expected a non-empty string");
        if (!*it->valuestring)
            return rz_srv_fail(f, 400, "invalid_value", "'stop[%d]': expected a non-empty string",
                               i);
        if (!(st->s[st->n] = strdup(it->valuestring)))
            return rz_srv_fail(f, 500, "out_of_memory", "out of memory");
        st->n++;
    }
    return true;
}

/* "seed": an integer in [0, 2^64); the JSON number is a double, converted only once in range. */
static bool seed(const cJSON *o, gen_params *p, rz_srv_fault *f) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "seed");
    if (!v || cJSON_IsNull(v)) return true;
    if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble))
        return rz_srv_fail(f, 400, "wrong_type", "'seed': expected an integer");
    if (!(v->valuedouble >= 0 && v->valuedouble < 18446744073709551616.0))
        return rz_srv_fail(f, 400, "out_of_range",
                           "'seed': expected an integer in [0, 2^64), got %g", v->valuedouble);
    p->seed = (uint64_t)v->valuedouble;
    p->random_seed = false;
    return true;
}

/* Completions: "logprobs": 0..5 alternatives. Chat: "logprobs": true with "top_logprobs": 0..20. */
static bool logprobs(const cJSON *o, rz_srv_job_kind kind, gen_params *p, rz_srv_fault *f) {
    if (kind == RZ_JOB_COMPLETION) return rz_srv_json_int(o, "logprobs", 0, 5, &p->logprobs, f);
    bool on = false;
    long long top = -1;
    if (!rz_srv_json_bool(o, "logprobs", &on, f) ||
        !rz_srv_json_int(o, "top_logprobs", 0, RZ_SRV_MAX_TOP_LOGPROBS, &top, f))
        return false;
    if (top >= 0 && !on)
        return rz_srv_fail(f, 400, "invalid_value", "'top_logprobs': needs \"logprobs\": true");
    p->logprobs = on ? (top < 0 ? 0 : top) : -1;
    return true;
}

static bool params(const cJSON *o, rz_srv_job_kind kind, gen_params *p, rz_srv_fault *f) {
    const long long big = 1 << 30;
    *p = (gen_params){.max_tokens = -1,
                      .top_k = 40,
                      .n = 1,
                      .logprobs = -1,
                      .random_seed = true,
                      .temperature = 1.0,
                      .top_p = 1.0};
    const char *model = NULL;
    return rz_srv_json_string(o, "model", false, &model, f) &&
           rz_srv_json_int(o, "max_tokens", 0, big, &p->max_tokens, f) &&
           (kind != RZ_JOB_CHAT ||
            rz_srv_json_int(o, "max_completion_tokens", 0, big, &p->max_tokens, f)) &&
           rz_srv_json_int(o, "top_k", 0, big, &p->top_k, f) && seed(o, p, f) &&
           rz_srv_json_int(o, "n", 1, 1, &p->n, f) &&
           rz_srv_json_number(o, "temperature", 0, 100, &p->temperature, f) &&
           rz_srv_json_number(o, "top_p", 1e-9, 1, &p->top_p, f) &&
           rz_srv_json_bool(o, "stream", &p->stream, f) && logprobs(o, kind, p, f) &&
           stop_strings(o, &p->stop, f);
}

/* Counts the prompt's tokens and settles max_tokens against the context. */
static bool fit(const rz_srv_model *m, const rz_tok_bytes *prompt, int n_ctx, rz_srv_job_kind kind,
                gen_params *p, int *n_prompt, rz_srv_fault *f) {
    rz_tok_ids ids = {0};
    rz_error err;
    rz_status st = rz_tok_tokenize(&m->vocab, prompt->data, prompt->len,
                                   RZ_TOK_ADD_SPECIAL | RZ_TOK_PARSE_SPECIAL, &ids, &err);
    long long n = (long long)ids.n;
    rz_tok_ids_free(&ids);
    if (st) return rz_srv_fail(f, 400, "invalid_value", "prompt: %s", err.msg);
    if (n == 0) return rz_srv_fail(f, 400, "empty_prompt", "prompt: no tokens to start from");
    if (p->max_tokens < 0) {
        long long def = kind == RZ_JOB_CHAT ? DEFAULT_MAX_CHAT : DEFAULT_MAX_COMPLETION;
        p->max_tokens = n_ctx - n < def ? n_ctx - n : def;
    }
    if (n + p->max_tokens > n_ctx || p->max_tokens < 0)
        return rz_srv_fail(
            f, 400, "context_length_exceeded",
            "prompt of %lld tokens + max_tokens %lld exceed the context of %d tokens (the limit for prompt + max_tokens)",
            n, p->max_tokens < 0 ? 0 : p->max_tokens, n_ctx);
    *n_prompt = (int)n;
    return true;
}

rz_srv_job *rz_srv_openai_parse(const char *body, size_t len, rz_srv_job_kind kind,
                                const rz_srv_model *m, int n_ctx, rz_srv_fault *f) {
    cJSON *o = rz_srv_json_object(body, len, f);
    if (!o) return NULL;
    rz_tok_bytes prompt = {0};
    gen_params p = {0};
    int n_prompt = 0;
    bool ok =
        kind == RZ_JOB_CHAT ? chat_prompt(o, m, &prompt, f) : completion_prompt(o, &prompt, f);
    ok = ok && params(o, kind, &p, f) && fit(m, &prompt, n_ctx, kind, &p, &n_prompt, f);
    cJSON_Delete(o);
    rz_srv_job *j = ok ? rz_srv_job_new(kind, p.stream, prompt.data) : NULL;
    if (!j) {
        rz_tok_bytes_free(&prompt);
        rz_srv_stop_free(&p.stop);
        if (ok) rz_srv_fail(f, 500, "out_of_memory", "out of memory");
        return NULL;
    }
    j->n_prompt = n_prompt;
    j->n_predict = (int)p.max_tokens;
    j->stop = p.stop;
    j->logprobs = (int)p.logprobs;
    j->vocab = &m->vocab;
    uint64_t seed = p.random_seed ? (uint64_t)time(NULL) ^ (uint64_t)(uintptr_t)j : p.seed;
    j->sampling = (rz_sampler_params){(float)p.temperature, (int)p.top_k, (float)p.top_p, seed};
    return j;
}

/* {"id", "object", "created", "model", "choices": [{"index": 0, ...}]}; returns the choice. */
static cJSON *envelope(const rz_srv_job *j, const char *object, cJSON **root) {
    *root = cJSON_CreateObject();
    cJSON_AddStringToObject(*root, "id", j->id);
    cJSON_AddStringToObject(*root, "object", object);
    cJSON_AddNumberToObject(*root, "created", (double)j->created);
    cJSON_AddStringToObject(*root, "model", j->model_id);
    cJSON *choices = cJSON_AddArrayToObject(*root, "choices"), *c = cJSON_CreateObject();
    cJSON_AddItemToArray(choices, c);
    cJSON_AddNumberToObject(c, "index", 0);
    return c;
}

static void usage(const rz_srv_job *j, cJSON *root) {
    cJSON *u = cJSON_AddObjectToObject(root, "usage");
    cJSON_AddNumberToObject(u, "prompt_tokens", j->stats.n_prompt);
    cJSON_AddNumberToObject(u, "completion_tokens", j->stats.n_generated);
    cJSON_AddNumberToObject(u, "total_tokens", j->stats.n_prompt + j->stats.n_generated);
}

/* Appends root as one server-sent event and deletes it. */
static rz_status event(rz_srv_job *j, cJSON *root, rz_error *err) {
    char *text = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    if (!text) return rz_fail(err, RZ_ENOMEM, "out of memory");
    rz_status st = rz_srv_sse_data(&j->out, text, err);
    free(text);
    return st;
}

/* The text of token id into raw (its bytes) and text (the same made valid UTF-8), both
 * NUL-terminated; empty for an id the vocabulary lacks. Fails only when out of memory. */
static rz_status token_text(const rz_srv_job *j, int32_t id, rz_tok_bytes *raw, rz_tok_bytes *text,
                            rz_error *err) {
    rz_srv_utf8 u = {0};
    raw->len = text->len = 0;
    rz_status st = rz_tok_piece(j->vocab, id, false, 0, raw, err);
    if (st == RZ_EINVAL) {
        raw->len = 0;
        st = RZ_OK;
    } else if (!st) {
        st = rz_srv_utf8_clean(&u, raw->data ? raw->data : "", raw->len, true, text, err);
    }
    if (!st) st = rz_tok_bytes_append(text, "", 0, err); /* terminated, also when empty */
    return st;
}

/* Chat: {"token", "logprob", "bytes": [...]} of one token, appended to array and, when t is
 * non-NULL, stored in *t. */
static rz_status chat_token(const rz_srv_job *j, rz_srv_logprob lp, rz_tok_bytes *raw,
                            rz_tok_bytes *text, cJSON *array, cJSON **t, rz_error *err) {
    rz_status st = token_text(j, lp.id, raw, text, err);
    if (st) return st;
    cJSON *o = cJSON_CreateObject(), *bytes = cJSON_CreateArray();
    cJSON_AddItemToArray(array, o);
    cJSON_AddStringToObject(o, "token", text->data);
    cJSON_AddNumberToObject(o, "logprob", lp.logprob);
    for (size_t i = 0; i < raw->len; i++)
        cJSON_AddItemToArray(bytes, cJSON_CreateNumber((unsigned char)raw->data[i]));
    cJSON_AddItemToObject(o, "bytes", bytes);
    if (t) *t = o;
    return RZ_OK;
}

/* Chat: {"content": [{token..., "top_logprobs": [{token...}]}]} of entries [a, b), into root. */
static rz_status chat_logprobs(const rz_srv_job *j, size_t a, size_t b, cJSON *root,
                               rz_error *err) {
    rz_tok_bytes raw = {0}, text = {0};
    cJSON *content = cJSON_AddArrayToObject(root, "content"), *t;
    rz_status st = RZ_OK;
    for (size_t i = a; i < b && !st; i++) {
        const rz_srv_logprob_entry *e = &j->lp[i];
        st = chat_token(j, e->token, &raw, &text, content, &t, err);
        if (st) break;
        cJSON *top = cJSON_AddArrayToObject(t, "top_logprobs");
        for (int k = 0; k < e->n_top && !st; k++)
            st = chat_token(j, e->top[k], &raw, &text, top, NULL, err);
    }
    rz_tok_bytes_free(&raw);
    rz_tok_bytes_free(&text);
    return st;
}

/* Completions (OpenAI's legacy shape): {"tokens", "token_logprobs", "top_logprobs": [{token:
 * logprob}], "text_offset"} of entries [a, b), into root. */
static rz_status completion_logprobs(const rz_srv_job *j, size_t a, size_t b, cJSON *root,
                                     rz_error *err) {
    rz_tok_bytes raw = {0}, text = {0};
    cJSON *tokens = cJSON_AddArrayToObject(root, "tokens");
    cJSON *lps = cJSON_AddArrayToObject(root, "token_logprobs");
    cJSON *tops = cJSON_AddArrayToObject(root, "top_logprobs");
    cJSON *offsets = cJSON_AddArrayToObject(root, "text_offset");
    rz_status st = RZ_OK;
    for (size_t i = a; i < b && !st; i++) {
        const rz_srv_logprob_entry *e = &j->lp[i];
        st = token_text(j, e->token.id, &raw, &text, err);
        if (st) break;
        cJSON_AddItemToArray(tokens, cJSON_CreateString(text.data));
        cJSON_AddItemToArray(lps, cJSON_CreateNumber(e->token.logprob));
        cJSON_AddItemToArray(offsets, cJSON_CreateNumber((double)e->offset));
        cJSON *top = cJSON_CreateObject();
        cJSON_AddItemToArray(tops, top);
        for (int k = 0; k < e->n_top && !st; k++) {
            st = token_text(j, e->top[k].id, &raw, &text, err);
            if (!st) cJSON_AddNumberToObject(top, text.data, e->top[k].logprob);
        }
    }
    rz_tok_bytes_free(&raw);
    rz_tok_bytes_free(&text);
    return st;
}

/* The choice's "logprobs" for entries [a, b): null when none were asked for. */
static rz_status add_logprobs(const rz_srv_job *j, cJSON *c, size_t a, size_t b, rz_error *err) {
    if (j->logprobs < 0) {
        cJSON_AddNullToObject(c, "logprobs");
        return RZ_OK;
    }
    cJSON *lp = cJSON_AddObjectToObject(c, "logprobs");
    return j->kind == RZ_JOB_CHAT ? chat_logprobs(j, a, b, lp, err)
                                  : completion_logprobs(j, a, b, lp, err);
}

/* The streaming choice's content: "text" or a chat "delta" (the first one with the role). */
static void stream_content(rz_srv_job *j, cJSON *c, const char *text) {
    if (j->kind == RZ_JOB_COMPLETION) {
        cJSON_AddStringToObject(c, "text", text);
        return;
    }
    cJSON *d = cJSON_AddObjectToObject(c, "delta");
    if (!j->role_sent) cJSON_AddStringToObject(d, "role", "assistant");
    j->role_sent = true;
    if (text) cJSON_AddStringToObject(d, "content", text);
}

static const char *stream_object(const rz_srv_job *j) {
    return j->kind == RZ_JOB_CHAT ? "chat.completion.chunk" : "text_completion";
}

rz_status rz_srv_openai_chunk(rz_srv_job *j, const char *text, size_t lp_from, size_t lp_to,
                              rz_error *err) {
    cJSON *root, *c = envelope(j, stream_object(j), &root);
    stream_content(j, c, text);
    rz_status st = add_logprobs(j, c, lp_from, lp_to, err);
    if (st) {
        cJSON_Delete(root);
        return st;
    }
    cJSON_AddNullToObject(c, "finish_reason");
    return event(j, root, err);
}

/* Non-streaming: text (malloc'd; NULL when it could not be built) appended as the body, freed. */
static rz_status put_body(rz_srv_job *j, char *text, rz_error *err) {
    rz_status st = text ? rz_tok_bytes_append(&j->out, text, strlen(text), err)
                        : rz_fail(err, RZ_ENOMEM, "out of memory building the response");
    free(text);
    return st;
}

/* The answer is f: its body and status, or, streaming, its event and "data: [DONE]". A body that
 * cannot be built leaves the status and no body (rz_srv_reply answers 503 out_of_memory). */
static void finish_fault(rz_srv_job *j, const rz_srv_fault *f) {
    rz_error err;
    char *text = rz_srv_fault_json(f);
    if (!j->stream) {
        if (!put_body(j, text, &err)) j->http_status = f->status;
        return;
    }
    if (text) rz_srv_sse_data(&j->out, text, &err);
    free(text);
    rz_srv_sse_done(&j->out, &err);
}

static void finish_stream(rz_srv_job *j, const char *reason) {
    rz_error err;
    cJSON *root, *c = envelope(j, stream_object(j), &root);
    stream_content(j, c, j->kind == RZ_JOB_CHAT ? NULL : "");
    cJSON_AddNullToObject(c, "logprobs");
    cJSON_AddStringToObject(c, "finish_reason", reason);
    usage(j, root);
    event(j, root, &err);
    rz_srv_sse_done(&j->out, &err);
}

/* The whole body; without the memory to build it, a 500 out_of_memory. */
static void finish_body(rz_srv_job *j, const char *reason) {
    rz_error err;
    cJSON *root, *c;
    const char *text = j->text.data ? j->text.data : "";
    if (j->kind == RZ_JOB_CHAT) {
        c = envelope(j, "chat.completion", &root);
        cJSON *msg = cJSON_AddObjectToObject(c, "message");
        cJSON_AddStringToObject(msg, "role", "assistant");
        cJSON_AddStringToObject(msg, "content", text);
    } else {
        c = envelope(j, "text_completion", &root);
        cJSON_AddStringToObject(c, "text", text);
    }
    rz_status st = add_logprobs(j, c, 0, j->lp_released, &err);
    cJSON_AddStringToObject(c, "finish_reason", reason);
    usage(j, root);
    if (!st) st = put_body(j, cJSON_PrintUnformatted(root), &err);
    cJSON_Delete(root);
    if (!st) return;
    rz_srv_fault f;
    rz_srv_fail(&f, 500, "out_of_memory", "%s", err.msg);
    finish_fault(j, &f);
}

void rz_srv_openai_finish(rz_srv_job *j, const rz_error *gen_err) {
    rz_srv_fault f;
    if (gen_err) {
        rz_srv_fail(&f, 500, "generation_failed", "%s", gen_err->msg);
        finish_fault(j, &f);
        return;
    }
    const char *reason = j->stop_hit || j->stats.stopped ? "stop" : "length";
    if (j->stream)
        finish_stream(j, reason);
    else
        finish_body(j, reason);
}
