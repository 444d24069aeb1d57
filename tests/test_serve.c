/* `rz serve` as a process, over real HTTP on an ephemeral loopback port: every route, every kind
 * of bad input (each answered with a JSON error body and the right status), concurrent clients,
 * concurrent streaming completions (each stream equal to the non-streamed greedy text), the chat
 * template families, and SIGTERM with an upload in flight (503, the server exits 0). */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/formats/gguf_write.h"
#include "engine/synth/vocab.h"
#include "tests/support/http_client.h"
#include "tests/support/support.h"
#include "tests/support/serve_front.h"
#include "tests/support/serve_model.h"
#include "tests/support/tiny_llama.h"

enum { TINY_VOCAB = 300, TINY_CTX = 256 };

static char errbuf[65536];

/* The tiny llama with a synthetic SentencePiece vocabulary, a context of TINY_CTX and the given
 * tokenizer.chat_template (NULL: none), written to a temporary file. */
static const char *tiny_model(const char *chat_template) {
    rzt_llama_shape shape = rzt_tiny_llama;
    shape.vocab = TINY_VOCAB;
    return rzt_serve_model(&shape, TINY_CTX, chat_template);
}

static void stop(rzt_server *s) {
    const char *log;
    rzt_serve_stop(s, &log);
    cr_expect(strstr(log, "rz serve: stopped") != NULL, "%s", log);
}

static cJSON *request_json(int port, const char *method, const char *path, const char *body,
                           int status) {
    rzt_http_response r;
    cr_assert_eq(rzt_http(port, method, path, body, &r), 0, "%s %s: %s", method, path, r.error);
    cr_assert_eq(r.status, status, "%s %s: status %d, body %s", method, path, r.status, r.body);
    cJSON *j = cJSON_Parse(r.body);
    cr_assert(j != NULL, "%s %s: not JSON: %s", method, path, r.body);
    rzt_http_free(&r);
    return j;
}

static const char *str_at(const cJSON *o, const char *name) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    cr_assert(cJSON_IsString(v), "field %s: %s", name, cJSON_PrintUnformatted(o));
    return v->valuestring;
}

static double num_at(const cJSON *o, const char *name) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    cr_assert(cJSON_IsNumber(v), "field %s", name);
    return v->valuedouble;
}

/* Checks an error body: {"error": {"message": non-empty, "type", "code": code}}. */
static void check_error(const cJSON *j, int status, const char *code, const char *in_message) {
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(j, "error");
    cr_assert(cJSON_IsObject(e), "no error object");
    const char *type = status == 404   ? "not_found_error"
                       : status >= 500 ? "server_error"
                                       : "invalid_request_error";
    cr_expect_str_eq(str_at(e, "type"), type);
    cr_expect_str_eq(str_at(e, "code"), code);
    cr_expect(strlen(str_at(e, "message")) > 0);
    if (in_message)
        cr_expect(strstr(str_at(e, "message"), in_message) != NULL, "message '%s' lacks '%s'",
                  str_at(e, "message"), in_message);
}

static void expect_error(int port, const char *method, const char *path, const char *body,
                         int status, const char *code, const char *in_message) {
    cJSON *j = request_json(port, method, path, body, status);
    check_error(j, status, code, in_message);
    cJSON_Delete(j);
}

static void expect_health(int port) {
    cJSON *j = request_json(port, "GET", "/health", NULL, 200);
    cr_expect_str_eq(str_at(j, "status"), "ok");
    cJSON_Delete(j);
}

Test(serve, usage_and_bad_model) {
    char out[4096];
    char *help[] = {(char *)rzt_bin("rz"), "serve", "--help", NULL};
    cr_expect_eq(rzt_run(help, out, sizeof out, errbuf, sizeof errbuf), 0);
    cr_expect(strstr(out, "usage: rz serve") != NULL);
    char *none[] = {(char *)rzt_bin("rz"), "serve", NULL};
    cr_expect_eq(rzt_run(none, out, sizeof out, errbuf, sizeof errbuf), 2);
    char *port[] = {(char *)rzt_bin("rz"), "serve", "-m", "x", "--port", "70000", NULL};
    cr_expect_eq(rzt_run(port, out, sizeof out, errbuf, sizeof errbuf), 2);
    char *missing[] = {(char *)rzt_bin("rz"), "serve", "-m", "/nonexistent.gguf", NULL};
    cr_expect_eq(rzt_run(missing, out, sizeof out, errbuf, sizeof errbuf), 1);
    cr_expect(strstr(errbuf, "/nonexistent.gguf: cannot open") != NULL, "%s", errbuf);
    char *host[] = {(char *)rzt_bin("rz"), "serve", "-m", (char *)rzt_apr_file(), "--host",
                    "localhost",           NULL};
    cr_expect_eq(rzt_run(host, out, sizeof out, errbuf, sizeof errbuf), 1);
    cr_expect(strstr(errbuf, "numeric IPv4 or IPv6 address") != NULL, "%s", errbuf);
}

Test(serve, unknown_chat_template_is_refused_at_start) {
    char out[4096];
    char *argv[] = {(char *)rzt_bin("rz"),
                    "serve",
                    "-m",
                    (char *)tiny_model("{% for m in messages %}[INST] {{ m.content }}{% endfor %}"),
                    "--port",
                    "0",
                    NULL};
    cr_expect_eq(rzt_run(argv, out, sizeof out, errbuf, sizeof errbuf), 1);
    cr_expect(strstr(errbuf, "tokenizer.chat_template: unknown template") != NULL, "%s", errbuf);
}

Test(serve, apr_routes) {
    rzt_server s = rzt_serve(rzt_apr_file(), NULL, NULL);
    expect_health(s.port);
    cJSON *j = request_json(s.port, "GET", "/v1/models", NULL, 200);
    cr_expect_str_eq(str_at(j, "object"), "list");
    const cJSON *m = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "data"), 0);
    cr_expect(strstr(str_at(m, "id"), ".apr") != NULL);
    cr_expect_str_eq(str_at(m, "object"), "model");
    cr_expect_eq(num_at(m, "n_features"), 3);
    cJSON_Delete(j);
    /* weights -0.3 -0.2 -0.1: x = (1, 1, 1) gives z = -0.6 */
    j = request_json(s.port, "POST", "/v1/predict", "{\"input\": [1, 1, 1]}", 200);
    cr_expect_float_eq(num_at(j, "probability"), 0.354344, 1e-6);
    cr_expect_eq(num_at(j, "class"), 0);
    cJSON_Delete(j);
    j = request_json(s.port, "POST", "/v1/predict", "{\"input\": [-10, -10, -10]}", 200);
    cr_expect_eq(num_at(j, "class"), 1);
    cJSON_Delete(j);

    rzt_http_response r;
    cr_assert_eq(rzt_http(s.port, "GET", "/metrics", NULL, &r), 0);
    cr_expect_eq(r.status, 200);
    cr_expect(strstr(r.body, "rz_http_requests_total{route=\"/v1/predict\",status=\"200\"} 2") !=
                  NULL,
              "%s", r.body);
    cr_expect(strstr(r.body, "rz_http_requests_total{route=\"/health\",status=\"200\"} 1") != NULL);
    cr_expect(
        strstr(r.body,
               "rz_http_request_duration_seconds_bucket{route=\"/v1/predict\",le=\"+Inf\"} 2") !=
        NULL);
    cr_expect(strstr(r.body, "rz_queue_depth 0") != NULL);
    cr_expect(strstr(r.body, "rz_decode_tokens_per_second") != NULL);
    rzt_http_free(&r);
    stop(&s);
}

Test(serve, predict_on_real_model) {
    const char *model = rzt_shared("models/mnist_784x2.apr");
    if (!model) cr_skip_test("../shared/models/mnist_784x2.apr absent");
    rzt_server s = rzt_serve(model, NULL, NULL);
    char body[8192] = "{\"input\":[";
    for (int i = 0; i < 784; i++)
        snprintf(body + strlen(body), sizeof body - strlen(body), "%s%g", i ? "," : "",
                 (i % 256) / 255.0);
    strcat(body, "]}");
    cJSON *j = request_json(s.port, "POST", "/v1/predict", body, 200);
    cr_expect_float_eq(num_at(j, "probability"), 0.897106, 1e-6);
    cr_expect_eq(num_at(j, "class"), 1);
    cJSON_Delete(j);
    stop(&s);
}

/* A request with Content-Length `announced` and only the headers sent. */
static void expect_413_from_headers(int port, const char *path, size_t announced,
                                    const char *limit) {
    char req[512];
    int n = snprintf(req, sizeof req,
                     "POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     "Content-Length: %zu\r\n\r\n",
                     path, announced);
    rzt_http_response r;
    cr_assert_eq(rzt_http_raw(port, req, (size_t)n, &r), 0, "%s", r.error);
    cr_expect_eq(r.status, 413);
    cJSON *j = cJSON_Parse(r.body);
    cr_assert(j != NULL, "%s", r.body);
    check_error(j, 413, "body_too_large", limit);
    cJSON_Delete(j);
    rzt_http_free(&r);
}

/* A chunked upload of `total` bytes (no announced length). */
static void expect_413_chunked(int port, const char *path, size_t total) {
    size_t cap = total + 4096, n = 0;
    char *req = malloc(cap);
    n += (size_t)snprintf(req, cap,
                          "POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                          "Transfer-Encoding: chunked\r\n\r\n",
                          path);
    for (size_t sent = 0; sent < total; sent += 500) {
        n += (size_t)snprintf(req + n, cap - n, "1f4\r\n");
        memset(req + n, '[', 500);
        n += 500;
        n += (size_t)snprintf(req + n, cap - n, "\r\n");
    }
    n += (size_t)snprintf(req + n, cap - n, "0\r\n\r\n");
    rzt_http_response r;
    cr_assert_eq(rzt_http_raw(port, req, n, &r), 0, "%s", r.error);
    free(req);
    cr_expect_eq(r.status, 413, "%s", r.body);
    cJSON *j = cJSON_Parse(r.body);
    cr_assert(j != NULL, "%s", r.body);
    check_error(j, 413, "body_too_large", "limit of 1000 bytes");
    cJSON_Delete(j);
    rzt_http_free(&r);
}

Test(serve, apr_hostile_input) {
    rzt_server s = rzt_serve(rzt_apr_file(), "--max-body", "1000");
    int p = s.port;
    expect_error(p, "POST", "/v1/predict", "{\"input\": [1, 2", 400, "invalid_json", "byte");
    expect_error(p, "POST", "/v1/predict", "not json at all", 400, "invalid_json", NULL);
    expect_error(p, "POST", "/v1/predict", "", 400, "invalid_json", NULL);
    expect_error(p, "POST", "/v1/predict", "[1, 2, 3]", 400, "wrong_type", "JSON object");
    expect_error(p, "POST", "/v1/predict", "{}", 400, "missing_field", "'input'");
    expect_error(p, "POST", "/v1/predict", "{\"input\": null}", 400, "missing_field", "'input'");
    expect_error(p, "POST", "/v1/predict", "{\"input\": \"1 2 3\"}", 400, "wrong_type", "array");
    expect_error(p, "POST", "/v1/predict", "{\"input\": []}", 400, "out_of_range", "non-empty");
    expect_error(p, "POST", "/v1/predict", "{\"input\": [1, \"2\", 3]}", 400, "wrong_type",
                 "'input[1]'");
    expect_error(p, "POST", "/v1/predict", "{\"input\": [1, [2], 3]}", 400, "wrong_type",
                 "'input[1]'");
    expect_error(p, "POST", "/v1/predict", "{\"input\": [1, 2]}", 400, "wrong_length",
                 "expected 3 numbers (one per feature), got 2");
    expect_error(p, "POST", "/v1/predict", "{\"input\": [1, 2, 3, 4]}", 400, "wrong_length",
                 "got more");
    expect_error(p, "POST", "/v1/predict", "{\"input\": [1, 2, 1e999]}", 400, "wrong_type",
                 "finite");
    char deep[900];
    memset(deep, '[', sizeof deep - 1);
    deep[sizeof deep - 1] = 0;
    expect_error(p, "POST", "/v1/predict", deep, 400, "invalid_json", NULL);
    expect_413_from_headers(p, "/v1/predict", 5000000, "limit of 1000 bytes");
    expect_413_chunked(p, "/v1/predict", 20000);
    expect_error(p, "GET", "/nope", NULL, 404, "unknown_route", "/nope");
    expect_error(p, "POST", "/v1/nope", "{}", 404, "unknown_route", "/v1/nope");
    expect_error(p, "POST", "/v1/completions", "{\"prompt\": \"a\"}", 404, "route_unavailable",
                 "needs a GGUF model");
    expect_error(p, "POST", "/tokenize", "{\"content\": \"a\"}", 404, "route_unavailable", NULL);
    expect_error(p, "GET", "/v1/predict", NULL, 405, "method_not_allowed", "accepts POST");
    expect_error(p, "DELETE", "/health", NULL, 405, "method_not_allowed", "accepts GET");
    expect_error(p, "POST", "/metrics", "{}", 405, "method_not_allowed", NULL);
    rzt_http_response r;
    cr_assert_eq(rzt_http(p, "PUT", "/v1/predict", "{}", &r), 0);
    char allow[32];
    cr_expect_eq(r.status, 405);
    cr_expect_eq(rzt_http_header(&r, "Allow", allow, sizeof allow), 0);
    cr_expect_str_eq(allow, "POST");
    rzt_http_free(&r);
    /* protocol-level garbage is answered by libmicrohttpd itself (or the connection closed) */
    cr_expect_neq(rzt_http_raw(p, "GARBAGE\r\n\r\n", 11, &r), 0, "a malformed request line");
    rzt_http_free(&r);
    const char *bad_length = "POST /v1/predict HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n";
    cr_assert_eq(rzt_http_raw(p, bad_length, strlen(bad_length), &r), 0, "%s", r.error);
    cr_expect_eq(r.status, 400, "a malformed Content-Length");
    rzt_http_free(&r);
    const char *bad_version = "GET /health HTTP/7.1\r\nHost: x\r\n\r\n";
    cr_assert_eq(rzt_http_raw(p, bad_version, strlen(bad_version), &r), 0, "%s", r.error);
    cr_expect_eq(r.status, 505);
    rzt_http_free(&r);
    expect_health(p); /* still serving */
    cJSON *j = request_json(p, "POST", "/v1/predict", "{\"input\": [1, 1, 1]}", 200);
    cJSON_Delete(j);
    stop(&s);
}

static const char chatml_template[] =
    "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}";

/* The text of a non-streamed completion or chat completion, with its fields checked. */
static char *complete(int port, bool chat, const char *body, const char **finish) {
    cJSON *j =
        request_json(port, "POST", chat ? "/v1/chat/completions" : "/v1/completions", body, 200);
    cr_expect(strncmp(str_at(j, "id"), chat ? "chatcmpl-" : "cmpl-", chat ? 9 : 5) == 0);
    cr_expect_str_eq(str_at(j, "object"), chat ? "chat.completion" : "text_completion");
    cr_expect(strstr(str_at(j, "model"), ".gguf") != NULL);
    cr_expect_gt(num_at(j, "created"), 1.6e9);
    const cJSON *c = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "choices"), 0);
    cr_assert(c != NULL);
    cr_expect_eq(num_at(c, "index"), 0);
    *finish = strcmp(str_at(c, "finish_reason"), "stop") ? "length" : "stop";
    const cJSON *u = cJSON_GetObjectItem(j, "usage");
    cr_expect_eq(num_at(u, "total_tokens"),
                 num_at(u, "prompt_tokens") + num_at(u, "completion_tokens"));
    cr_expect_gt(num_at(u, "prompt_tokens"), 0);
    char *text;
    if (chat) {
        const cJSON *m = cJSON_GetObjectItem(c, "message");
        cr_expect_str_eq(str_at(m, "role"), "assistant");
        text = strdup(str_at(m, "content"));
    } else {
        text = strdup(str_at(c, "text"));
    }
    cJSON_Delete(j);
    return text;
}

/* Checks a server-sent event stream and returns its concatenated text (NULL with why). Comment
 * lines (": keep-alive", sent while a stream waits) are skipped, as SSE clients do. */
static char *stream_text(const char *body, bool chat, char *why, size_t cap) {
    size_t len = 0, n_events = 0;
    char *text = calloc(1, strlen(body) + 1);
    bool done = false, finished = false;
    for (const char *p = body; *p; n_events++) {
        const char *end = strstr(p, "\n\n");
        if (*p == ':' && end) { /* a comment (the server's keep-alive): clients skip it */
            p = end + 2;
            continue;
        }
        if (strncmp(p, "data: ", 6) || !end || done) {
            snprintf(why, cap, "event %zu malformed: %.80s", n_events, p);
            free(text);
            return NULL;
        }
        char *data = strndup(p + 6, (size_t)(end - p - 6));
        p = end + 2;
        if (!strcmp(data, "[DONE]")) {
            done = true;
            free(data);
            continue;
        }
        cJSON *j = cJSON_Parse(data);
        free(data);
        const cJSON *c = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "choices"), 0);
        const cJSON *obj = cJSON_GetObjectItem(j, "object"),
                    *fr = cJSON_GetObjectItem(c, "finish_reason");
        const cJSON *piece = chat ? cJSON_GetObjectItem(cJSON_GetObjectItem(c, "delta"), "content")
                                  : cJSON_GetObjectItem(c, "text");
        bool ok = j && c && cJSON_IsString(obj) && cJSON_IsString(cJSON_GetObjectItem(j, "id")) &&
                  !strcmp(obj->valuestring, chat ? "chat.completion.chunk" : "text_completion") &&
                  (cJSON_IsNull(fr) || cJSON_IsString(fr)) && !finished;
        if (ok && cJSON_IsString(piece)) {
            strcpy(text + len, piece->valuestring);
            len += strlen(piece->valuestring);
        }
        if (ok && cJSON_IsString(fr)) {
            finished = true;
            ok = cJSON_IsObject(cJSON_GetObjectItem(j, "usage"));
        }
        cJSON_Delete(j);
        if (!ok) {
            snprintf(why, cap, "event %zu: unexpected fields", n_events);
            free(text);
            return NULL;
        }
    }
    if (!done || !finished) {
        snprintf(why, cap, "stream ended without %s", done ? "a finish reason" : "data: [DONE]");
        free(text);
        return NULL;
    }
    return text;
}

Test(serve, gguf_routes) {
    rzt_server s = rzt_serve(tiny_model(chatml_template), NULL, NULL);
    expect_health(s.port);
    cJSON *j = request_json(s.port, "GET", "/v1/models", NULL, 200);
    const cJSON *m = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "data"), 0);
    cr_expect_str_eq(str_at(m, "chat_template"), "chatml");
    cr_expect_eq(num_at(m, "context_length"), TINY_CTX);
    cJSON_Delete(j);

    const char *finish;
    const char *greedy = "{\"prompt\": \"hello world\", \"max_tokens\": 12, \"temperature\": 0}";
    char *a = complete(s.port, false, greedy, &finish),
         *b = complete(s.port, false, greedy, &finish);
    cr_expect_str_eq(a, b, "greedy decoding is deterministic");
    char *c = complete(
        s.port, false,
        "{\"prompt\": [\"hello world\"], \"max_tokens\": 12, \"temperature\": 0, \"model\": \"anything\", \"stop\": null, \"n\": 1, \"user\": \"x\"}",
        &finish);
    cr_expect_str_eq(a, c, "an array of one prompt, and extra fields");
    free(complete(
        s.port, false,
        "{\"prompt\": \"hello\", \"max_tokens\": 5, \"temperature\": 0.8, \"top_p\": 0.9, \"top_k\": 5, \"seed\": 3}",
        &finish));
    free(complete(
        s.port, true,
        "{\"messages\": [{\"role\": \"system\", \"content\": \"be brief\"}, {\"role\": \"user\", \"content\": \"hi\"}], \"max_tokens\": 6, \"temperature\": 0}",
        &finish));
    free(a);
    free(b);
    free(c);

    j = request_json(s.port, "POST", "/tokenize", "{\"content\": \"hello\"}", 200);
    const cJSON *t = cJSON_GetObjectItem(j, "tokens");
    cr_expect(cJSON_IsArray(t) && cJSON_GetArraySize(t) >= 2);
    cr_expect_eq(cJSON_GetArrayItem(t, 0)->valuedouble, 1, "BOS first");
    cJSON_Delete(j);
    j = request_json(s.port, "POST", "/tokenize",
                     "{\"content\": \"hello\", \"add_special\": false}", 200);
    cr_expect_neq(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "tokens"), 0)->valuedouble, 1);
    cJSON_Delete(j);

    rzt_http_response r;
    cr_assert_eq(rzt_http(s.port, "GET", "/metrics", NULL, &r), 0);
    const char *gen = strstr(r.body, "\nrz_generated_tokens_total ");
    long long n_gen = 0;
    cr_expect(gen && sscanf(gen, "\nrz_generated_tokens_total %lld", &n_gen) == 1 && n_gen > 0,
              "%s", r.body);
    cr_expect(strstr(r.body, "rz_http_requests_total{route=\"/v1/completions\",status=\"200\"} 4"),
              "%s", r.body);
    cr_expect(
        strstr(r.body, "rz_http_requests_total{route=\"/v1/chat/completions\",status=\"200\"} 1"),
        "%s", r.body);
    rzt_http_free(&r);
    stop(&s);
}

Test(serve, gguf_hostile_input) {
    rzt_server s = rzt_serve(tiny_model(chatml_template), NULL, NULL);
    int p = s.port;
    const char *cmpl = "/v1/completions", *chat = "/v1/chat/completions";
    expect_error(p, "POST", cmpl, "{\"prompt\": ", 400, "invalid_json", NULL);
    expect_error(p, "POST", cmpl, "\"hello\"", 400, "wrong_type", "JSON object");
    expect_error(p, "POST", cmpl, "{}", 400, "missing_field", "'prompt'");
    expect_error(p, "POST", cmpl, "{\"prompt\": 42}", 400, "wrong_type", "'prompt'");
    expect_error(p, "POST", cmpl, "{\"prompt\": [\"a\", \"b\"]}", 400, "wrong_type", "'prompt'");
    expect_error(p, "POST", cmpl, "{\"prompt\": \"a\", \"max_tokens\": \"5\"}", 400, "wrong_type",
                 "'max_tokens'");
    expect_error(p, "POST", cmpl, "{\"prompt\": \"a\", \"max_tokens\": 2.5}", 400, "wrong_type",
                 "'max_tokens'");
    expect_error(p, "POST", cmpl, "{\"prompt\": \"a\", \"max_tokens\": -1}", 400, "out_of_range",
                 "'max_tokens'");
    expect_error(p, "POST", cmpl, "{\"prompt\": \"a\", \"temperature\": \"hot\"}", 400,
                 "wrong_type", "'temperature'");
    expect_error(p, "POST", cmpl, "{\"prompt\": \"a\", \"temperature\": -1}", 400, "out_of_range",
                 "'temperature'");
    expect_error(p, "POST", cmpl, "{\"prompt\": \"a\", \"top_p\": 0}", 400, "out_of_range",
                 "'top_p'");
    expect_error(p, "POST", cmpl, "{\"prompt\": \"a\", \"stream\": \"yes\"}", 400, "wrong_type",
                 "'stream'");
    expect_error(p, "POST", cmpl, "{\"prompt\": \"a\", \"n\": 2}", 400, "out_of_range", "'n'");
    expect_error(p, "POST", cmpl, "{\"prompt\": \"a\", \"stop\": [\"\\n\", 1]}", 400, "wrong_type",
                 "'stop[1]'");
    expect_error(p, "POST", cmpl, "{\"prompt\": \"a\", \"model\": 7}", 400, "wrong_type",
                 "'model'");
    expect_error(p, "POST", cmpl, "{\"prompt\": \"a\", \"max_tokens\": 256}", 400,
                 "context_length_exceeded", "context of 256 tokens");
    char long_prompt[2048] = "{\"prompt\": \"";
    for (int i = 0; i < 150; i++)
        strcat(long_prompt, "ab cd ");
    strcat(long_prompt, "\", \"max_tokens\": 4}");
    expect_error(p, "POST", cmpl, long_prompt, 400, "context_length_exceeded",
                 "context of 256 tokens");
    expect_error(p, "POST", chat, "{}", 400, "missing_field", "'messages'");
    expect_error(p, "POST", chat, "{\"messages\": \"hi\"}", 400, "wrong_type", "'messages'");
    expect_error(p, "POST", chat, "{\"messages\": []}", 400, "out_of_range", "'messages'");
    expect_error(p, "POST", chat, "{\"messages\": [1]}", 400, "wrong_type", "'messages[0]'");
    expect_error(p, "POST", chat, "{\"messages\": [{\"role\": \"user\"}]}", 400, "missing_field",
                 "'messages[0]'");
    expect_error(p, "POST", chat, "{\"messages\": [{\"role\": \"user\", \"content\": 5}]}", 400,
                 "wrong_type", "'messages[0]'");
    expect_error(p, "POST", chat, "{\"messages\": [{\"role\": \"wizard\", \"content\": \"x\"}]}",
                 400, "invalid_value", "messages[0].role");
    expect_error(
        p, "POST", chat,
        "{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"max_completion_tokens\": \"x\"}",
        400, "wrong_type", "'max_completion_tokens'");
    expect_error(p, "POST", "/tokenize", "{}", 400, "missing_field", "'content'");
    expect_error(p, "POST", "/tokenize", "{\"content\": 1}", 400, "wrong_type", "'content'");
    expect_error(p, "POST", "/tokenize", "{\"content\": \"a\", \"add_special\": 1}", 400,
                 "wrong_type", "'add_special'");
    expect_error(p, "POST", "/v1/predict", "{\"input\": [1]}", 404, "route_unavailable",
                 "needs an APR model");
    expect_error(p, "GET", cmpl, NULL, 405, "method_not_allowed", NULL);
    expect_413_from_headers(p, cmpl, 2u << 20, "limit of 1048576 bytes"); /* the default */
    expect_health(p);
    free(complete(p, false, "{\"prompt\": \"a\", \"max_tokens\": 2}", &(const char *){0}));
    stop(&s);
}

typedef struct {
    int port;
    bool chat, stream;
    const char *body;
    int status;
    char *text; /* the completion's text, NULL when the response was wrong */
    char why[256];
} client_job;

static void *client(void *arg) {
    client_job *c = arg;
    rzt_http_response r;
    const char *path = c->chat ? "/v1/chat/completions" : "/v1/completions";
    if (!c->body) path = "/health";
    if (rzt_http(c->port, c->body ? "POST" : "GET", path, c->body, &r)) {
        snprintf(c->why, sizeof c->why, "%s", r.error);
        return NULL;
    }
    c->status = r.status;
    if (r.status == 200 && c->stream) {
        c->text = stream_text(r.body, c->chat, c->why, sizeof c->why);
    } else if (r.status == 200) {
        cJSON *j = cJSON_Parse(r.body);
        const cJSON *ch = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "choices"), 0);
        const cJSON *t = !c->body ? cJSON_GetObjectItem(j, "status")
                         : c->chat
                             ? cJSON_GetObjectItem(cJSON_GetObjectItem(ch, "message"), "content")
                             : cJSON_GetObjectItem(ch, "text");
        if (cJSON_IsString(t))
            c->text = strdup(t->valuestring);
        else
            snprintf(c->why, sizeof c->why, "unexpected body %.120s", r.body);
        cJSON_Delete(j);
    }
    rzt_http_free(&r);
    return NULL;
}

/* Runs n clients at once; every one must succeed with the expected text. */
static void run_clients(client_job *jobs, int n) {
    pthread_t th[64];
    for (int i = 0; i < n; i++)
        pthread_create(&th[i], NULL, client, &jobs[i]);
    for (int i = 0; i < n; i++)
        pthread_join(th[i], NULL);
    for (int i = 0; i < n; i++) {
        cr_expect_eq(jobs[i].status, 200, "client %d: status %d (%s)", i, jobs[i].status,
                     jobs[i].why);
        cr_expect(jobs[i].text != NULL, "client %d: %s", i, jobs[i].why);
    }
}

static void concurrent_streams(const char *model, const char *parallel, bool chat, int n_tokens) {
    rzt_server s = rzt_serve(model, "--parallel", parallel);
    char body[512], stream_body[512];
    const char *finish;
    if (chat)
        snprintf(
            body, sizeof body,
            "{\"messages\": [{\"role\": \"user\", \"content\": \"Tell me a story\"}], \"max_tokens\": %d, \"temperature\": 0",
            n_tokens);
    else
        snprintf(body, sizeof body,
                 "{\"prompt\": \"Once upon a time\", \"max_tokens\": %d, \"temperature\": 0",
                 n_tokens);
    snprintf(stream_body, sizeof stream_body, "%s, \"stream\": true}", body);
    strcat(body, "}");
    char *expected = complete(s.port, chat, body, &finish);
    enum { N = 12 };
    client_job jobs[N];
    for (int i = 0; i < N; i++) /* streams, whole bodies and health checks, interleaved */
        jobs[i] = (client_job){.port = s.port,
                               .chat = chat,
                               .stream = i % 3 != 2 && i % 4 != 3,
                               .body = i % 4 == 3   ? NULL
                                       : i % 3 != 2 ? stream_body
                                                    : body};
    run_clients(jobs, N);
    for (int i = 0; i < N; i++) {
        if (jobs[i].text && jobs[i].body)
            cr_expect_str_eq(jobs[i].text, expected, "client %d", i);
        else if (jobs[i].text)
            cr_expect_str_eq(jobs[i].text, "ok");
        free(jobs[i].text);
    }
    free(expected);
    rzt_http_response r;
    cr_assert_eq(rzt_http(s.port, "GET", "/metrics", NULL, &r), 0);
    cr_expect(strstr(r.body, "rz_queue_depth 0") != NULL, "%s", r.body);
    cr_expect(strstr(r.body, "rz_busy_workers 0") != NULL, "%s", r.body);
    rzt_http_free(&r);
    stop(&s);
}

Test(serve, concurrent_streaming_completions, .timeout = 120) {
    concurrent_streams(tiny_model(chatml_template), "3", false, 40);
    concurrent_streams(tiny_model(NULL), "2", true, 40);
}

/* llama.cpp's SmolLM2 and Gemma 3 templates are detected; the real model when installed. */
static const char *find_model(const char *name) {
    static char path[4096];
    char cmd[256];
    snprintf(cmd, sizeof cmd, "scripts/find-models %s 2>/dev/null", name);
    FILE *f = popen(cmd, "r");
    if (!f) return NULL;
    bool ok = fgets(path, sizeof path, f) != NULL;
    ok = pclose(f) == 0 && ok;
    path[strcspn(path, "\n")] = 0;
    return ok && access(path, R_OK) == 0 ? path : NULL;
}

Test(serve, real_smollm2_concurrent_streams, .timeout = 300) {
    const char *model = find_model("smollm2");
    if (!model) cr_skip_test("SmolLM2 not installed (scripts/find-models --install)");
    concurrent_streams(model, "2", true, 8);
    rzt_server s = rzt_serve(model, NULL, NULL);
    cJSON *j = request_json(s.port, "GET", "/v1/models", NULL, 200);
    cr_expect_str_eq(str_at(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "data"), 0), "chat_template"),
                     "chatml");
    cJSON_Delete(j);
    const char *finish;
    char *text = complete(
        s.port, true,
        "{\"messages\": [{\"role\": \"user\", \"content\": \"What is the capital of France?\"}], \"max_tokens\": 16, \"temperature\": 0}",
        &finish);
    cr_expect(strstr(text, "Paris") != NULL, "%s", text);
    free(text);
    stop(&s);
}

Test(serve, gemma_template_detected) {
    rzt_server s = rzt_serve(
        tiny_model(
            "{{ bos_token }}{% for m in messages %}<start_of_turn>{{ m['role'] }}\n{{ m['content'] }}<end_of_turn>\n"
            "{% endfor %}"),
        NULL, NULL);
    cJSON *j = request_json(s.port, "GET", "/v1/models", NULL, 200);
    cr_expect_str_eq(str_at(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "data"), 0), "chat_template"),
                     "gemma");
    cJSON_Delete(j);
    const char *finish;
    free(complete(
        s.port, true,
        "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}, {\"role\": \"assistant\", \"content\": \"yo\"}, {\"role\": \"user\", \"content\": \"ok\"}], \"max_tokens\": 4, \"temperature\": 0}",
        &finish));
    stop(&s);
}

/* A request whose upload ends after SIGTERM reaches the queue after it was shut: a 503 with
 * Retry-After (not a push onto a freed queue), and the server still exits 0. */
Test(serve, sigterm_refuses_a_late_upload) {
    rzt_server s = rzt_serve(tiny_model(chatml_template), NULL, NULL);
    const char *body = "{\"prompt\": \"hello world\", \"max_tokens\": 8, \"temperature\": 0}";
    char head[256];
    int n = snprintf(head, sizeof head,
                     "POST /v1/completions HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                     "Content-Type: application/json\r\n"
                     "Content-Length: %zu\r\n\r\n",
                     strlen(body));
    int fd = rzt_http_connect(s.port);
    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, head, (size_t)n), n);
    cr_assert_eq(write(fd, body, 10), 10); /* half the body: the request is in flight */
    usleep(200000);
    kill(s.pid, SIGTERM);
    usleep(300000);
    ssize_t rest = (ssize_t)strlen(body) - 10;
    cr_assert_eq(write(fd, body + 10, (size_t)rest), rest);
    rzt_http_response r;
    cr_assert_eq(rzt_http_read(fd, &r), 0, "%s", r.error);
    close(fd);
    cr_expect_eq(r.status, 503, "%s", r.body);
    char retry[16];
    cr_expect_eq(rzt_http_header(&r, "Retry-After", retry, sizeof retry), 0, "%s", r.headers);
    cJSON *j = cJSON_Parse(r.body);
    cr_assert(j != NULL, "%s", r.body);
    check_error(j, 503, "shutting_down", NULL);
    cJSON_Delete(j);
    rzt_http_free(&r);
    cr_expect_eq(rzt_server_stop(&s, 0, errbuf, sizeof errbuf), 0, "exit status; %s", errbuf);
    cr_expect(strstr(errbuf, "finishing the requests in flight") != NULL, "%s", errbuf);
}

Test(serve, clients_hanging_up_mid_stream) {
    rzt_server s = rzt_serve(tiny_model(chatml_template), "--parallel", "2");
    const char *body = "{\"prompt\": \"hello\", \"max_tokens\": 200, \"stream\": true}";
    char req[512];
    int n =
        snprintf(req, sizeof req,
                 "POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 "Content-Length: %zu\r\n\r\n%s",
                 strlen(body), body);
    for (int i = 0; i < 20; i++) {
        int fd = rzt_http_connect(s.port);
        cr_assert(fd >= 0);
        cr_assert_eq(write(fd, req, (size_t)n), n);
        char buf[64];
        if (i % 2) cr_expect_gt(read(fd, buf, sizeof buf), 0);
        close(fd); /* before (even) or after (odd) the first bytes came back */
    }
    expect_health(s.port);
    const char *finish;
    free(complete(s.port, false, "{\"prompt\": \"a\", \"max_tokens\": 3}", &finish));
    stop(&s);
}
