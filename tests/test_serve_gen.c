/* `rz serve`'s generation features over real HTTP: cancellation when the client goes away (a
 * reset or a plain close, streaming and not), stop sequences split across tokens (streaming and
 * not), logprobs checked against a log-softmax computed here from the logits of the same model,
 * POST /detokenize, SSE keep-alive for a queued stream, and seeds up to 2^64. The cancellation
 * and keep-alive tests use a model big enough (about 10 ms a token) that 200 tokens take
 * seconds. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "engine/generate/generate.h"
#include "engine/core/clock.h"
#include "engine/tokenizer/tokenizer.h"
#include "server/chat_template.h"
#include "server/model.h"
#include "tests/support/http_client.h"
#include "tests/support/serve_front.h"
#include "tests/support/serve_model.h"
#include "tests/support/support.h"

enum { SMALL_CTX = 256, SLOW_CTX = 1024 };

static const char chatml_template[] =
    "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}";

static const char *small_model(void) {
    rzt_llama_shape shape = rzt_tiny_llama;
    shape.dim = 64; /* greedy from "a": letter pieces, not an immediate end token */
    shape.head_dim = 16;
    shape.hidden = 96;
    shape.vocab = 2000;
    return rzt_serve_model(&shape, SMALL_CTX, chatml_template);
}

/* About 10 ms a token on one thread; greedy from "b" runs 200+ tokens without an end token. */
static const char *slow_model(void) {
    static const rzt_llama_shape slow = {.arch = "llama",
                                         .dim = 512,
                                         .layers = 8,
                                         .hidden = 1536,
                                         .heads = 8,
                                         .kv_heads = 4,
                                         .head_dim = 64,
                                         .vocab = 300,
                                         .base = 10000.0,
                                         .eps = 1e-5};
    return rzt_serve_model(&slow, SLOW_CTX, NULL);
}

static void expect_error(int port, const char *path, const char *body, const char *code,
                         const char *in_message) {
    cJSON *j = rzt_post_json(port, path, body, 400);
    const cJSON *e = cJSON_GetObjectItem(j, "error");
    const char *c = cJSON_GetStringValue(cJSON_GetObjectItem(e, "code"));
    const char *m = cJSON_GetStringValue(cJSON_GetObjectItem(e, "message"));
    cr_expect(c && !strcmp(c, code), "%s: code %s, not %s", body, c, code);
    cr_expect(m && strstr(m, in_message), "%s: message '%s' lacks '%s'", body, m, in_message);
    cJSON_Delete(j);
}

/* The value of a metric line "name value" of GET /metrics. */
static double metric(int port, const char *name) {
    rzt_http_response r;
    cr_assert_eq(rzt_http(port, "GET", "/metrics", NULL, &r), 0, "%s", r.error);
    char key[128];
    snprintf(key, sizeof key, "\n%s ", name);
    const char *at = strstr(r.body, key);
    cr_assert(at != NULL, "no %s in %s", name, r.body);
    double v = strtod(at + strlen(key), NULL);
    rzt_http_free(&r);
    return v;
}

/* Polls until metric name equals want; the seconds it took, or a failure past timeout_s. */
static double wait_metric(int port, const char *name, double want, double timeout_s) {
    double t0 = rz_now_s();
    while (metric(port, name) != want) {
        cr_assert_lt(rz_now_s() - t0, timeout_s, "%s did not reach %g in %g s", name, want,
                     timeout_s);
        nanosleep(&(struct timespec){0, 10000000}, NULL);
    }
    return rz_now_s() - t0;
}

/* Sends a POST with body on a new connection and returns the socket. */
static int send_post(int port, const char *path, const char *body) {
    char head[256];
    int n = snprintf(head, sizeof head,
                     "POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     "Content-Length: %zu\r\n\r\n",
                     path, strlen(body));
    int fd = rzt_http_connect(port);
    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, head, (size_t)n), n);
    cr_assert_eq(write(fd, body, strlen(body)), (ssize_t)strlen(body));
    return fd;
}

/* Reads from fd into buf (NUL-terminated) until it holds needle; false at the end of the
 * stream or past timeout_s. */
static bool read_until(int fd, char *buf, size_t cap, size_t *len, const char *needle,
                       double timeout_s) {
    double t0 = rz_now_s();
    struct timeval tv = {0, 100000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    while (!strstr(buf, needle) && rz_now_s() - t0 < timeout_s && *len + 1 < cap) {
        ssize_t n = read(fd, buf + *len, cap - *len - 1);
        if (n == 0) return false;
        if (n > 0) *len += (size_t)n;
        buf[*len] = 0;
    }
    return strstr(buf, needle) != NULL;
}

/* Closes fd with a reset (SO_LINGER 0) or a plain FIN. */
static void hang_up(int fd, bool reset) {
    struct linger l = {1, 0};
    if (reset) setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    close(fd);
}

/* One 200-token request whose client hangs up after the first event (streaming) or once a
 * worker runs it: within 1 s no worker is busy, far fewer than 200 tokens were generated, and
 * the cancellation is counted. */
static void hang_up_mid_generation(int port, bool stream, bool reset) {
    double gen0 = metric(port, "rz_generated_tokens_total");
    double cancelled0 = metric(port, "rz_requests_cancelled_total");
    char body[256];
    snprintf(body, sizeof body,
             "{\"prompt\": \"b\", \"max_tokens\": 200, \"temperature\": 0, \"stream\": %s}",
             stream ? "true" : "false");
    int fd = send_post(port, "/v1/completions", body);
    if (stream) {
        char buf[8192] = "";
        size_t len = 0;
        cr_assert(read_until(fd, buf, sizeof buf, &len, "\"finish_reason\":null}]}", 20),
                  "no first event: %s", buf);
    } else {
        wait_metric(port, "rz_busy_workers", 1, 20);
    }
    hang_up(fd, reset);
    double t = wait_metric(port, "rz_busy_workers", 0, 1.0);
    double gen = metric(port, "rz_generated_tokens_total") - gen0;
    cr_expect_lt(gen, 100, "%s, %s: %g tokens generated (worker free after %.3f s)",
                 stream ? "stream" : "whole body", reset ? "reset" : "closed", gen, t);
    wait_metric(port, "rz_requests_cancelled_total", cancelled0 + 1, 1.0); /* counted last */
}

Test(serve_gen, generation_stops_when_the_client_goes, .timeout = 120) {
    rzt_server s = rzt_serve(slow_model(), NULL, NULL);
    hang_up_mid_generation(s.port, true, true);
    hang_up_mid_generation(s.port, true, false);
    hang_up_mid_generation(s.port, false, true);
    hang_up_mid_generation(s.port, false, false);
    rzt_serve_stop(&s, NULL);
}

Test(serve_gen, keepalive_comments_while_a_stream_is_queued, .timeout = 120) {
    rzt_server s = rzt_serve(slow_model(), "--sse-keepalive", "1");
    int busy = send_post(s.port, "/v1/completions",
                         "{\"prompt\": \"b\", \"max_tokens\": 600, \"temperature\": 0}");
    wait_metric(s.port, "rz_busy_workers", 1, 20);
    double t0 = rz_now_s();
    int fd =
        send_post(s.port, "/v1/completions",
                  "{\"prompt\": \"b\", \"max_tokens\": 3, \"temperature\": 0, \"stream\": true}");
    static char buf[65536];
    size_t len = 0;
    buf[0] = 0;
    cr_assert(read_until(fd, buf, sizeof buf, &len, ": keep-alive\n\n", 10), "%s", buf);
    cr_expect_gt(rz_now_s() - t0, 0.8, "a keep-alive only after a second of silence");
    cr_expect(strstr(buf, "data: ") == NULL, "queued: no event yet: %s", buf);
    cr_expect(strstr(buf, "200 OK") != NULL, "%s", buf);
    hang_up(busy, true);
    cr_assert(read_until(fd, buf, sizeof buf, &len, "data: [DONE]", 20), "%s", buf);
    close(fd);
    rzt_serve_stop(&s, NULL);
}

Test(serve_gen, detokenize) {
    rzt_server s = rzt_serve(small_model(), NULL, NULL);
    cJSON *t = rzt_post_json(s.port, "/tokenize", "{\"content\": \"hello world\"}", 200);
    cJSON *body = cJSON_CreateObject();
    cJSON_AddItemToObject(body, "tokens", cJSON_DetachItemFromObject(t, "tokens"));
    char *text = cJSON_PrintUnformatted(body);
    cJSON *d = rzt_post_json(s.port, "/detokenize", text, 200);
    const char *content = cJSON_GetStringValue(cJSON_GetObjectItem(d, "content"));
    cr_expect(content && !strncmp(content, "<s> hello", 9) && strstr(content, "world"),
              "BOS written as its text, then the pieces: '%s' from %s", content, text);
    free(text);
    cJSON_Delete(body);
    cJSON_Delete(t);
    cJSON_Delete(d);
    d = rzt_post_json(s.port, "/detokenize", "{\"tokens\": []}", 200);
    cr_expect_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(d, "content")), "");
    cJSON_Delete(d);
    expect_error(s.port, "/detokenize", "{}", "missing_field", "'tokens'");
    expect_error(s.port, "/detokenize", "{\"tokens\": \"1 2\"}", "wrong_type", "'tokens'");
    expect_error(s.port, "/detokenize", "{\"tokens\": [5, 2000]}", "out_of_range",
                 "'tokens[1]': token id 2000 is out of range [0, 2000)");
    expect_error(s.port, "/detokenize", "{\"tokens\": [-1]}", "out_of_range", "'tokens[0]'");
    expect_error(s.port, "/detokenize", "{\"tokens\": [5, 6, 1e300]}", "out_of_range",
                 "'tokens[2]'");
    expect_error(s.port, "/detokenize", "{\"tokens\": [5, 2.5]}", "wrong_type", "'tokens[1]'");
    expect_error(s.port, "/detokenize", "{\"tokens\": [\"a\"]}", "wrong_type", "'tokens[0]'");
    rzt_serve_stop(&s, NULL);
}

/* Seeds near 2^63 and 2^64 converted without undefined behaviour (UBSan builds check it). */
Test(serve_gen, seeds_up_to_2_64) {
    rzt_server s = rzt_serve(small_model(), NULL, NULL);
    const char *seeds[] = {"0", "9223372036854775807", "9223372036854775808",
                           "18446744073709549568"};
    for (size_t i = 0; i < sizeof seeds / sizeof *seeds; i++) {
        char body[256];
        snprintf(body, sizeof body, "{\"prompt\": \"a\", \"max_tokens\": 2, \"seed\": %s}",
                 seeds[i]);
        cJSON_Delete(rzt_post_json(s.port, "/v1/completions", body, 200));
    }
    const char *p = "/v1/completions";
    expect_error(s.port, p, "{\"prompt\": \"a\", \"seed\": 18446744073709551616}", "out_of_range",
                 "'seed'");
    expect_error(s.port, p, "{\"prompt\": \"a\", \"seed\": 1e300}", "out_of_range", "'seed'");
    expect_error(s.port, p, "{\"prompt\": \"a\", \"seed\": -1}", "out_of_range", "'seed'");
    expect_error(s.port, p, "{\"prompt\": \"a\", \"seed\": 1.5}", "wrong_type", "'seed'");
    rzt_serve_stop(&s, NULL);
}

/* The text and finish reason of a completion or chat completion, whole or streamed (the events'
 * pieces joined); the token strings of its logprobs (when asked for) go to tokens. */
static char *generate(int port, bool chat, bool stream, const char *fields, const char **finish,
                      cJSON *tokens) {
    char body[1024];
    snprintf(body, sizeof body, "{%s, \"temperature\": 0, \"stream\": %s, %s}",
             chat ? "\"messages\": [{\"role\": \"user\", \"content\": \"a\"}]"
                  : "\"prompt\": \"a\"",
             stream ? "true" : "false", fields);
    rzt_http_response r;
    cr_assert_eq(
        rzt_http(port, "POST", chat ? "/v1/chat/completions" : "/v1/completions", body, &r), 0,
        "%s", r.error);
    cr_assert_eq(r.status, 200, "%s: %s", body, r.body);
    static char text[65536], reason[16];
    text[0] = reason[0] = 0;
    for (char *p = r.body; p && *p;) {
        char *end = stream ? strstr(p, "\n\n") : p + strlen(p);
        cr_assert(end != NULL, "%s", p);
        *end = 0;
        if (*p == ':') { /* a keep-alive comment */
            p = end + 2;
            continue;
        }
        cr_assert(!stream || !strncmp(p, "data: ", 6), "%s", p);
        cJSON *j = cJSON_Parse(stream ? p + 6 : p);
        p = stream ? end + 2 : NULL;
        if (!j) continue; /* data: [DONE] */
        const cJSON *c = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "choices"), 0);
        const cJSON *msg = cJSON_GetObjectItem(c, stream ? "delta" : "message");
        const char *piece = cJSON_GetStringValue(chat ? cJSON_GetObjectItem(msg, "content")
                                                      : cJSON_GetObjectItem(c, "text"));
        const char *fr = cJSON_GetStringValue(cJSON_GetObjectItem(c, "finish_reason"));
        const cJSON *lp = cJSON_GetObjectItem(c, "logprobs");
        lp = chat ? cJSON_GetObjectItem(lp, "content") : cJSON_GetObjectItem(lp, "tokens");
        for (const cJSON *t = lp ? lp->child : NULL; t && tokens; t = t->next)
            cJSON_AddItemToArray(tokens, cJSON_CreateString(cJSON_GetStringValue(
                                             chat ? cJSON_GetObjectItem(t, "token") : t)));
        if (piece) strcat(text, piece);
        if (fr) snprintf(reason, sizeof reason, "%s", fr);
        cJSON_Delete(j);
    }
    rzt_http_free(&r);
    *finish = reason;
    return strdup(text);
}

static bool ascii(const char *s) {
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80) return false;
    return true;
}

/* A stop string of the two printable ASCII bytes around the boundary of two tokens (in the
 * ASCII start of the text, where the tokens spell the text) that first occurs there, with text
 * before it; returns the length of that text. */
static size_t boundary_stop(const cJSON *tokens, const char *text, char stop[3]) {
    size_t off = 0;
    int k = 0;
    for (const cJSON *t = tokens->child; t && t->next; t = t->next, k++) {
        const char *a = t->valuestring, *b = t->next->valuestring;
        if (!ascii(a) || !ascii(b)) break;
        cr_assert(!strncmp(text + off, a, strlen(a)), "token %d '%s' in '%s'", k, a, text);
        off += strlen(a);
        if (off < 2 || !*b) continue;
        char x = a[strlen(a) - 1], y = b[0];
        if (x < 0x20 || x > 0x7e || y < 0x20 || y > 0x7e || strchr("\"\\", x) || strchr("\"\\", y))
            continue;
        snprintf(stop, 3, "%c%c", x, y);
        if (strstr(text, stop) == text + off - 1) return off - 1;
    }
    cr_assert_fail("no token boundary of '%s' fits a stop string", text);
    return 0;
}

static void stop_across_tokens(int port, bool chat) {
    const char *finish;
    cJSON *tokens = cJSON_CreateArray();
    const char *lp =
        chat ? "\"logprobs\": true, \"max_tokens\": 16" : "\"logprobs\": 0, \"max_tokens\": 16";
    char *text = generate(port, chat, false, lp, &finish, tokens);
    char stop[3], fields[128];
    size_t before = boundary_stop(tokens, text, stop);
    for (int stream = 0; stream < 2; stream++) {
        snprintf(fields, sizeof fields, "\"stop\": [\"never here\", \"%s\"]", stop);
        char *got = generate(port, chat, stream, fields, &finish, NULL);
        cr_expect_eq(strlen(got), before, "'%s' stopped at '%s': '%s'", text, stop, got);
        cr_expect(!strncmp(got, text, before), "'%s' vs '%s'", got, text);
        cr_expect_str_eq(finish, "stop");
        free(got);
    }
    snprintf(fields, sizeof fields, "\"stop\": \"%s\", \"max_tokens\": 200", stop);
    char *got = generate(port, chat, true, fields, &finish, NULL);
    cr_expect_eq(strlen(got), before, "a single string: '%s'", got);
    free(got);
    free(text);
    cJSON_Delete(tokens);
}

Test(serve_gen, stop_sequences_split_across_tokens) {
    rzt_server s = rzt_serve(small_model(), NULL, NULL);
    stop_across_tokens(s.port, false);
    stop_across_tokens(s.port, true);
    const char *p = "/v1/completions";
    expect_error(s.port, p, "{\"prompt\": \"a\", \"stop\": [\"a\", \"b\", \"c\", \"d\", \"e\"]}",
                 "out_of_range", "at most 4");
    expect_error(s.port, p, "{\"prompt\": \"a\", \"stop\": [\"a\", 1]}", "wrong_type", "'stop[1]'");
    expect_error(s.port, p, "{\"prompt\": \"a\", \"stop\": \"\"}", "invalid_value", "'stop'");
    expect_error(s.port, p, "{\"prompt\": \"a\", \"stop\": 7}", "wrong_type", "'stop'");
    rzt_serve_stop(&s, NULL);
}

enum { REF_MAX = 16, REF_VOCAB = 2000 };

/* A greedy run done here on the same model: each token's id, raw piece and log-softmax. */
typedef struct {
    int n;
    int32_t ids[REF_MAX];
    char piece[REF_MAX][64];
    double lp[REF_MAX][REF_VOCAB];
    const rz_tok_vocab *vocab;
} reference;

static void ref_token(void *ctx, int32_t id, const float *logits, int n_vocab) {
    reference *r = ctx;
    cr_assert_eq(n_vocab, REF_VOCAB);
    cr_assert_lt(r->n, REF_MAX);
    double max = logits[0], sum = 0;
    for (int i = 1; i < n_vocab; i++)
        max = logits[i] > max ? logits[i] : max;
    for (int i = 0; i < n_vocab; i++)
        sum += exp(logits[i] - max);
    for (int i = 0; i < n_vocab; i++)
        r->lp[r->n][i] = logits[i] - max - log(sum);
    rz_tok_bytes b = {0};
    rz_error err;
    cr_assert_eq(rz_tok_piece(r->vocab, id, false, 0, &b, &err), RZ_OK);
    snprintf(r->piece[r->n], sizeof r->piece[0], "%s", b.data ? b.data : "");
    rz_tok_bytes_free(&b);
    r->ids[r->n++] = id;
}

static void reference_run(const char *path, bool chat, int n, reference *r) {
    rz_srv_model m;
    rz_llama_state st;
    rz_sampler sampler;
    rz_sampler_params greedy = {0.0f, 0, 1.0f, 1};
    rz_error err;
    cr_assert_eq(rz_srv_model_load(path, &m, &err), RZ_OK, "%s", err.msg);
    cr_assert_eq(rz_llama_state_init(&m.llama.config, SMALL_CTX, NULL, 1, &st, &err), RZ_OK);
    cr_assert_eq(rz_sampler_init(&greedy, REF_VOCAB, &sampler, &err), RZ_OK);
    rz_tok_bytes prompt = {0};
    rz_chat_message user = {"user", "a"};
    if (chat)
        cr_assert_eq(rz_chat_format(m.chat, &user, 1, &prompt, &err), RZ_OK);
    else
        cr_assert_eq(rz_tok_bytes_append(&prompt, "a", 1, &err), RZ_OK);
    r->n = 0;
    r->vocab = &m.vocab;
    rz_generator g = {.model = &m.llama,
                      .state = &st,
                      .vocab = &m.vocab,
                      .sampler = &sampler,
                      .on_token = ref_token,
                      .ctx = r};
    rz_generate_stats stats;
    cr_assert_eq(rz_generate(&g, prompt.data, n, &stats, &err), RZ_OK, "%s", err.msg);
    cr_assert_gt(r->n, 4, "the fixture assumes a few tokens before any end token");
    rz_tok_bytes_free(&prompt);
    rz_sampler_deinit(&sampler);
    rz_llama_state_deinit(&st);
    rz_srv_model_free(&m);
}

/* The k-th largest log-probability of token i of the reference. */
static double ref_top(const reference *r, int i, int k) {
    static double sorted[REF_VOCAB];
    memcpy(sorted, r->lp[i], sizeof sorted);
    for (int a = 0; a <= k; a++)
        for (int b = a + 1; b < REF_VOCAB; b++)
            if (sorted[b] > sorted[a]) {
                double t = sorted[a];
                sorted[a] = sorted[b];
                sorted[b] = t;
            }
    return sorted[k];
}

static void check_completion_logprobs(const reference *r, const cJSON *lp, int n_top) {
    const cJSON *tokens = cJSON_GetObjectItem(lp, "tokens");
    const cJSON *lps = cJSON_GetObjectItem(lp, "token_logprobs");
    const cJSON *tops = cJSON_GetObjectItem(lp, "top_logprobs");
    const cJSON *offsets = cJSON_GetObjectItem(lp, "text_offset");
    cr_assert_eq(cJSON_GetArraySize(tokens), r->n);
    cr_assert_eq(cJSON_GetArraySize(lps), r->n);
    cr_assert_eq(cJSON_GetArraySize(tops), r->n);
    cr_assert_eq(cJSON_GetArraySize(offsets), r->n);
    double offset = 0;
    for (int i = 0; i < r->n; i++) {
        const char *t = cJSON_GetArrayItem(tokens, i)->valuestring;
        if (ascii(r->piece[i])) cr_expect_str_eq(t, r->piece[i], "token %d", i);
        cr_expect_float_eq(cJSON_GetArrayItem(lps, i)->valuedouble, r->lp[i][r->ids[i]], 1e-5,
                           "token %d", i);
        const cJSON *top = cJSON_GetArrayItem(tops, i);
        cr_assert_eq(cJSON_GetArraySize(top), n_top, "token %d", i);
        int k = 0;
        for (const cJSON *e = top->child; e; e = e->next, k++)
            cr_expect_float_eq(e->valuedouble, ref_top(r, i, k), 1e-5, "token %d, top %d", i, k);
        cr_expect_eq(cJSON_GetArrayItem(offsets, i)->valuedouble, offset, "token %d", i);
        if (ascii(t)) offset += (double)strlen(t);
    }
}

static void check_chat_logprobs(const reference *r, const cJSON *lp, int n_top) {
    const cJSON *content = cJSON_GetObjectItem(lp, "content");
    cr_assert_eq(cJSON_GetArraySize(content), r->n);
    int i = 0;
    for (const cJSON *t = content->child; t; t = t->next, i++) {
        const char *token = cJSON_GetStringValue(cJSON_GetObjectItem(t, "token"));
        cr_assert(token != NULL);
        if (ascii(r->piece[i])) cr_expect_str_eq(token, r->piece[i], "token %d", i);
        cr_expect_float_eq(cJSON_GetObjectItem(t, "logprob")->valuedouble, r->lp[i][r->ids[i]],
                           1e-5, "token %d", i);
        const cJSON *bytes = cJSON_GetObjectItem(t, "bytes");
        cr_assert_eq(cJSON_GetArraySize(bytes), (int)strlen(r->piece[i]), "token %d", i);
        for (int b = 0; b < (int)strlen(r->piece[i]); b++)
            cr_expect_eq(cJSON_GetArrayItem(bytes, b)->valueint, (unsigned char)r->piece[i][b]);
        const cJSON *top = cJSON_GetObjectItem(t, "top_logprobs");
        cr_assert_eq(cJSON_GetArraySize(top), n_top, "token %d", i);
        int k = 0;
        for (const cJSON *e = top->child; e; e = e->next, k++) {
            cr_expect(cJSON_IsString(cJSON_GetObjectItem(e, "token")));
            cr_expect(cJSON_IsArray(cJSON_GetObjectItem(e, "bytes")));
            cr_expect_float_eq(cJSON_GetObjectItem(e, "logprob")->valuedouble, ref_top(r, i, k),
                               1e-5, "token %d, top %d", i, k);
        }
    }
}

/* The logprobs of every event of a streamed completion joined into one legacy object. */
static cJSON *stream_logprobs(const char *body) {
    cJSON *all = cJSON_CreateObject();
    const char *names[] = {"tokens", "token_logprobs", "top_logprobs", "text_offset"};
    for (int k = 0; k < 4; k++)
        cJSON_AddArrayToObject(all, names[k]);
    for (const char *p = strstr(body, "data: {"); p; p = strstr(p + 1, "data: {")) {
        const char *end = strstr(p, "\n\n");
        char *data = strndup(p + 6, (size_t)(end - p - 6));
        cJSON *j = cJSON_Parse(data);
        free(data);
        const cJSON *lp = cJSON_GetObjectItem(
            cJSON_GetArrayItem(cJSON_GetObjectItem(j, "choices"), 0), "logprobs");
        for (int k = 0; k < 4 && cJSON_IsObject(lp); k++)
            for (const cJSON *e = cJSON_GetObjectItem(lp, names[k])->child; e; e = e->next)
                cJSON_AddItemToArray(cJSON_GetObjectItem(all, names[k]), cJSON_Duplicate(e, true));
        cJSON_Delete(j);
    }
    return all;
}

static const cJSON *choice_logprobs(const cJSON *j) {
    return cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "choices"), 0),
                               "logprobs");
}

Test(serve_gen, logprobs_are_the_log_softmax_of_the_logits, .timeout = 60) {
    char model[4096];
    snprintf(model, sizeof model, "%s", small_model());
    static reference r;
    rzt_server s = rzt_serve(model, NULL, NULL);
    reference_run(model, false, 12, &r);
    cJSON *j = rzt_post_json(
        s.port, "/v1/completions",
        "{\"prompt\": \"a\", \"max_tokens\": 12, \"temperature\": 0, \"logprobs\": 5}", 200);
    check_completion_logprobs(&r, choice_logprobs(j), 5);
    cJSON_Delete(j);
    rzt_http_response resp;
    cr_assert_eq(
        rzt_http(
            s.port, "POST", "/v1/completions",
            "{\"prompt\": \"a\", \"max_tokens\": 12, \"temperature\": 0, \"logprobs\": 2, \"stream\": true}",
            &resp),
        0);
    j = stream_logprobs(resp.body);
    check_completion_logprobs(&r, j, 2);
    cJSON_Delete(j);
    rzt_http_free(&resp);

    reference_run(model, true, 8, &r);
    j = rzt_post_json(
        s.port, "/v1/chat/completions",
        "{\"messages\": [{\"role\": \"user\", \"content\": \"a\"}], \"max_tokens\": 8, \"temperature\": 0, \"logprobs\": true, \"top_logprobs\": 3}",
        200);
    check_chat_logprobs(&r, choice_logprobs(j), 3);
    cJSON_Delete(j);
    j = rzt_post_json(
        s.port, "/v1/chat/completions",
        "{\"messages\": [{\"role\": \"user\", \"content\": \"a\"}], \"max_tokens\": 8, \"temperature\": 0}",
        200);
    cr_expect(cJSON_IsNull(choice_logprobs(j)), "not asked for: null");
    cJSON_Delete(j);

    const char *cmpl = "/v1/completions", *chat = "/v1/chat/completions";
    expect_error(s.port, cmpl, "{\"prompt\": \"a\", \"logprobs\": 6}", "out_of_range",
                 "'logprobs'");
    expect_error(s.port, cmpl, "{\"prompt\": \"a\", \"logprobs\": true}", "wrong_type",
                 "'logprobs'");
    expect_error(
        s.port, chat,
        "{\"messages\": [{\"role\": \"user\", \"content\": \"a\"}], \"logprobs\": true, \"top_logprobs\": 21}",
        "out_of_range", "'top_logprobs'");
    expect_error(s.port, chat,
                 "{\"messages\": [{\"role\": \"user\", \"content\": \"a\"}], \"top_logprobs\": 2}",
                 "invalid_value", "'top_logprobs'");
    expect_error(s.port, chat,
                 "{\"messages\": [{\"role\": \"user\", \"content\": \"a\"}], \"logprobs\": 3}",
                 "wrong_type", "'logprobs'");
    rzt_serve_stop(&s, NULL);
}
