#include "server/openai.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/tokenizer/tokenizer.h"
#include "server/json_field.h"

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
                             "'messages[%zu]': expected \"role\" and "
                             "\"content\"",
                             i);
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
    long long max_tokens, top_k, seed, n;
    double temperature, top_p;
    bool stream;
} gen_params;

static bool params(const cJSON *o, rz_srv_job_kind kind, gen_params *p, rz_srv_fault *f) {
    const long long big = 1 << 30;
    *p = (gen_params){-1, 40, -1, 1, 1.0, 1.0, false};
    const cJSON *stop = cJSON_GetObjectItemCaseSensitive(o, "stop");
    const char *model = NULL;
    if (stop && !cJSON_IsNull(stop))
        return rz_srv_fail(f, 400, "unsupported_parameter",
                           "'stop': stop sequences are not supported (send null or leave it out)");
    if (!rz_srv_json_string(o, "model", false, &model, f) ||
        !rz_srv_json_int(o, "max_tokens", 0, big, &p->max_tokens, f) ||
        (kind == RZ_JOB_CHAT &&
         !rz_srv_json_int(o, "max_completion_tokens", 0, big, &p->max_tokens, f)) ||
        !rz_srv_json_int(o, "top_k", 0, big, &p->top_k, f) ||
        !rz_srv_json_int(o, "seed", 0, INT64_MAX, &p->seed, f) ||
        !rz_srv_json_int(o, "n", 1, 1, &p->n, f) ||
        !rz_srv_json_number(o, "temperature", 0, 100, &p->temperature, f) ||
        !rz_srv_json_number(o, "top_p", 1e-9, 1, &p->top_p, f) ||
        !rz_srv_json_bool(o, "stream", &p->stream, f))
        return false;
    return true;
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
        return rz_srv_fail(f, 400, "context_length_exceeded",
                           "prompt of %lld tokens + max_tokens %lld exceed the context of %d "
                           "tokens (the limit for prompt + max_tokens)",
                           n, p->max_tokens < 0 ? 0 : p->max_tokens, n_ctx);
    *n_prompt = (int)n;
    return true;
}

rz_srv_job *rz_srv_openai_parse(const char *body, size_t len, rz_srv_job_kind kind,
                                const rz_srv_model *m, int n_ctx, rz_srv_fault *f) {
    cJSON *o = rz_srv_json_object(body, len, f);
    if (!o) return NULL;
    rz_tok_bytes prompt = {0};
    gen_params p;
    int n_prompt = 0;
    bool ok =
        kind == RZ_JOB_CHAT ? chat_prompt(o, m, &prompt, f) : completion_prompt(o, &prompt, f);
    ok = ok && params(o, kind, &p, f) && fit(m, &prompt, n_ctx, kind, &p, &n_prompt, f);
    cJSON_Delete(o);
    rz_srv_job *j = ok ? rz_srv_job_new(kind, p.stream, prompt.data) : NULL;
    if (!j) {
        rz_tok_bytes_free(&prompt);
        if (ok) rz_srv_fail(f, 500, "out_of_memory", "out of memory");
        return NULL;
    }
    j->n_prompt = n_prompt;
    j->n_predict = (int)p.max_tokens;
    uint64_t seed = p.seed >= 0 ? (uint64_t)p.seed : (uint64_t)time(NULL) ^ (uint64_t)(uintptr_t)j;
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
    rz_status st = rz_tok_bytes_append(&j->out, "data: ", 6, err);
    if (!st) st = rz_tok_bytes_append(&j->out, text, strlen(text), err);
    if (!st) st = rz_tok_bytes_append(&j->out, "\n\n", 2, err);
    free(text);
    return st;
}

/* The streaming choice's content: "text" or a chat "delta" (the first one with the role). */
static void stream_content(rz_srv_job *j, cJSON *c, const char *text) {
    if (j->kind == RZ_JOB_COMPLETION) {
        cJSON_AddStringToObject(c, "text", text);
        cJSON_AddNullToObject(c, "logprobs");
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

rz_status rz_srv_openai_chunk(rz_srv_job *j, const char *text, rz_error *err) {
    cJSON *root, *c = envelope(j, stream_object(j), &root);
    stream_content(j, c, text);
    cJSON_AddNullToObject(c, "finish_reason");
    return event(j, root, err);
}

static void put_body(rz_srv_job *j, char *text) {
    rz_error err;
    if (text) rz_tok_bytes_append(&j->out, text, strlen(text), &err);
    free(text);
}

static void finish_error(rz_srv_job *j, const rz_error *gen_err) {
    rz_srv_fault f;
    rz_error err;
    rz_srv_fail(&f, 500, "generation_failed", "%s", gen_err->msg);
    char *text = rz_srv_fault_json(&f);
    if (!j->stream) {
        j->http_status = 500;
        put_body(j, text);
        return;
    }
    if (text) {
        rz_tok_bytes_append(&j->out, "data: ", 6, &err);
        rz_tok_bytes_append(&j->out, text, strlen(text), &err);
        rz_tok_bytes_append(&j->out, "\n\n", 2, &err);
    }
    free(text);
    rz_tok_bytes_append(&j->out, "data: [DONE]\n\n", 14, &err);
}

void rz_srv_openai_finish(rz_srv_job *j, const rz_error *gen_err) {
    if (gen_err) {
        finish_error(j, gen_err);
        return;
    }
    const char *reason = j->stats.stopped ? "stop" : "length";
    rz_error err;
    cJSON *root, *c;
    if (j->stream) {
        c = envelope(j, stream_object(j), &root);
        stream_content(j, c, j->kind == RZ_JOB_CHAT ? NULL : "");
        cJSON_AddStringToObject(c, "finish_reason", reason);
        usage(j, root);
        event(j, root, &err);
        rz_tok_bytes_append(&j->out, "data: [DONE]\n\n", 14, &err);
        return;
    }
    const char *text = j->text.data ? j->text.data : "";
    if (j->kind == RZ_JOB_CHAT) {
        c = envelope(j, "chat.completion", &root);
        cJSON *msg = cJSON_AddObjectToObject(c, "message");
        cJSON_AddStringToObject(msg, "role", "assistant");
        cJSON_AddStringToObject(msg, "content", text);
    } else {
        c = envelope(j, "text_completion", &root);
        cJSON_AddStringToObject(c, "text", text);
        cJSON_AddNullToObject(c, "logprobs");
    }
    cJSON_AddStringToObject(c, "finish_reason", reason);
    usage(j, root);
    put_body(j, cJSON_PrintUnformatted(root));
    cJSON_Delete(root);
}
