/* The server's pieces without HTTP: chat template detection and formatting (ChatML, Gemma), the
 * UTF-8 cleaning of streamed text, the /v1/predict fast parser against strtod, JSON field errors,
 * error bodies, the Prometheus rendering of the metrics, API keys and key files, JSON content
 * types, SSE framing, the keep-alive and deadline registries, the generation workers on a tiny
 * llama, and whole servers in this process (llama, BERT, APR) whose admission checks and routes are
 * called without a connection (libmicrohttpd refuses to queue the response; the request records its
 * status). */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "server/chat_template.h"
#include "engine/core/clock.h"
#include "server/admit.h"
#include "server/appendf.h"
#include "server/auth.h"
#include "server/deadline.h"
#include "server/fault.h"
#include "server/job.h"
#include "server/json_field.h"
#include "server/keepalive.h"
#include "server/metrics.h"
#include "server/model.h"
#include "server/openai.h"
#include "server/predict_input.h"
#include "server/reply.h"
#include "server/sse.h"
#include "server/ticker.h"
#include "server/utf8.h"
#include "server/workers.h"
#include "tests/support/http_client.h"
#include "tests/support/serve_model.h"
#include "tests/support/support.h"
#include "tests/support/tiny_bert.h"

static char *format(rz_chat_kind k, const rz_chat_message *m, size_t n) {
    rz_tok_bytes out = {0};
    rz_error err;
    cr_assert_eq(rz_chat_format(k, m, n, &out, &err), RZ_OK, "%s", err.msg);
    return out.data;
}

Test(serve_units, chat_detect) {
    rz_chat_kind k;
    rz_error err;
    const char *smol = "{% for message in messages %}{{'<|im_start|>' + message['role']}}";
    cr_expect_eq(rz_chat_detect(smol, strlen(smol), "llama", &k, &err), RZ_OK);
    cr_expect_eq(k, RZ_CHAT_CHATML);
    const char *gemma = "{{ bos_token }}{% for m in messages %}<start_of_turn>{{ role }}";
    cr_expect_eq(rz_chat_detect(gemma, strlen(gemma), "gemma3", &k, &err), RZ_OK);
    cr_expect_eq(k, RZ_CHAT_GEMMA);
    cr_expect_eq(rz_chat_detect(NULL, 0, "gemma3", &k, &err), RZ_OK);
    cr_expect_eq(k, RZ_CHAT_GEMMA, "no template: by architecture");
    cr_expect_eq(rz_chat_detect(NULL, 0, "llama", &k, &err), RZ_OK);
    cr_expect_eq(k, RZ_CHAT_CHATML, "no template: llama.cpp's default");
    cr_expect_eq(rz_chat_detect(NULL, 0, NULL, &k, &err), RZ_OK);
    cr_expect_eq(k, RZ_CHAT_CHATML);
    const char *mistral = "{% for m in messages %}[INST] {{ m.content }} [/INST]{% endfor %}";
    cr_expect_eq(rz_chat_detect(mistral, 10, "llama", &k, &err), RZ_EUNSUPPORTED);
    cr_expect(strstr(err.msg, "unknown template") != NULL, "%s", err.msg);
    cr_expect(strstr(err.msg, "'{% for m i'") != NULL, "quotes only len bytes: %s", err.msg);
    cr_expect_str_eq(rz_chat_kind_name(RZ_CHAT_GEMMA), "gemma");
    cr_expect_str_eq(rz_chat_kind_name(RZ_CHAT_CHATML), "chatml");
}

Test(serve_units, chatml_format) {
    rz_chat_message m[] = {
        {"system", "Be brief."}, {"user", "Hi"}, {"assistant", "Hello!"}, {"user", " 2+2? "}};
    char *s = format(RZ_CHAT_CHATML, m, 4);
    cr_expect_str_eq(
        s,
        "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
        "<|im_start|>assistant\nHello!<|im_end|>\n<|im_start|>user\n 2+2? <|im_end|>\n<|im_start|>assistant\n");
    free(s);
}

Test(serve_units, gemma_format) {
    rz_chat_message m[] = {
        {"system", "Be brief.\n"}, {"user", " Hi "}, {"assistant", "Hello!"}, {"user", "2+2?"}};
    char *s = format(RZ_CHAT_GEMMA, m, 4);
    cr_expect_str_eq(s, "<start_of_turn>user\nBe brief.\n\nHi<end_of_turn>\n<start_of_turn>model\n"
                        "Hello!<end_of_turn>\n<start_of_turn>user\n2+2?<end_of_turn>\n"
                        "<start_of_turn>model\n");
    free(s);
    rz_chat_message bad[] = {{"user", "x"}, {"tool", "y"}};
    rz_tok_bytes out = {0};
    rz_error err;
    cr_expect_eq(rz_chat_format(RZ_CHAT_GEMMA, bad, 2, &out, &err), RZ_EINVAL);
    cr_expect(strstr(err.msg, "messages[1].role") != NULL, "%s", err.msg);
    rz_tok_bytes_free(&out);
}

/* Feeds pieces through the cleaner and returns everything it let out. */
static char *clean(const char *const *pieces, const size_t *lens, int n) {
    rz_srv_utf8 u = {0};
    rz_tok_bytes out = {0};
    rz_error err;
    for (int i = 0; i < n; i++)
        cr_assert_eq(rz_srv_utf8_clean(&u, pieces[i], lens[i], false, &out, &err), RZ_OK);
    cr_assert_eq(rz_srv_utf8_clean(&u, "", 0, true, &out, &err), RZ_OK);
    if (!out.data) return strdup("");
    return out.data;
}

Test(serve_units, utf8_cleaning) {
    const char *euro[] = {"a\xe2", "\x82",
                          "\xac"
                          "b"}; /* U+20AC split over three pieces */
    size_t euro_len[] = {2, 1, 2};
    char *s = clean(euro, euro_len, 3);
    cr_expect_str_eq(s, "a\xe2\x82\xac"
                        "b");
    free(s);
    const char *broken[] = {"x\xe2\x82", "y", "\xff", "\xc0\xaf", "\xed\xa0\x80"};
    size_t broken_len[] = {3, 1, 1, 2, 3};
    s = clean(broken, broken_len, 5);
    cr_expect_str_eq(
        s,
        "x\xef\xbf\xbdy\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
    free(s);
    const char *tail[] = {"ok\xf0\x9f"}; /* cut off at the end: flushed as U+FFFD */
    size_t tail_len[] = {4};
    s = clean(tail, tail_len, 1);
    cr_expect_str_eq(s, "ok\xef\xbf\xbd");
    free(s);
    const char *nul[] = {"a\0b"};
    size_t nul_len[] = {3};
    s = clean(nul, nul_len, 1);
    cr_expect_str_eq(s, "a\xef\xbf\xbd"
                        "b");
    free(s);
}

Test(serve_units, predict_fast_parser_matches_strtod) {
    float x[4], y;
    const char *ok = " {\n\"input\" : [0.5, -1e-3, 12345.678, 0.003922] } ";
    cr_assert(rz_srv_predict_fast(ok, strlen(ok), x, 4));
    const char *texts[] = {"0.5", "-1e-3", "12345.678", "0.003922"};
    for (int i = 0; i < 4; i++)
        cr_expect_eq(x[i], (float)strtod(texts[i], NULL), "%s", texts[i]);
    unsigned long long rng = 88172645463325252ull;
    for (int i = 0; i < 20000; i++) {
        rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
        char num[64], body[128];
        snprintf(num, sizeof num, "%.*g", 1 + (int)(rng % 17), (double)(int64_t)rng * 1e-12);
        snprintf(body, sizeof body, "{\"input\":[%s]}", num);
        if (!rz_srv_predict_fast(body, strlen(body), &y, 1)) continue;
        cr_assert_eq(y, (float)strtod(num, NULL), "%s", num);
    }
    const char *fallbacks[] = {
        "{\"input\":[1,2,3]}",                      /* 3 numbers, not 4 */
        "{\"input\":[1,2,3,4,5]}",                  /* 5 */
        "{\"model\":\"m\",\"input\":[1,2,3,4]}",    /* another key */
        "{\"input\":[1,2,3,\"4\"]}",                /* a string */
        "{\"input\":[1,2,3,1e400]}",                /* outside the exact range */
        "{\"input\":[1,2,3,12345678901234567890]}", /* 20 digits */
        "{\"input\":[1,2,3,01]}",                   /* leading zero */
        "{\"input\":[1,2,3,.5]}",                   /* no integer part */
        "{\"input\":[1,2,3,4]} x",                  /* trailing bytes */
        "{\"input\":[1,2,3,4]",                     /* unterminated */
    };
    for (size_t i = 0; i < sizeof fallbacks / sizeof *fallbacks; i++)
        cr_expect(!rz_srv_predict_fast(fallbacks[i], strlen(fallbacks[i]), x, 4), "%s",
                  fallbacks[i]);
}

Test(serve_units, json_fields) {
    rz_srv_fault f;
    cr_expect_null(rz_srv_json_object("{\"a\": ", 6, &f));
    cr_expect_eq(f.status, 400);
    cr_expect_str_eq(f.code, "invalid_json");
    cr_expect(strstr(f.message, "of 6") != NULL, "%s", f.message);
    cr_expect_null(rz_srv_json_object("[]", 2, &f));
    cr_expect_str_eq(f.code, "wrong_type");
    const char *body = "{\"s\": \"x\", \"b\": true, \"n\": 2.5, \"i\": 7, \"a\": [1], \"z\": null}";
    cJSON *o = rz_srv_json_object(body, strlen(body), &f);
    cr_assert_not_null(o);
    const char *s = NULL;
    bool b = false;
    double n = 0;
    long long i = 0;
    const cJSON *a = NULL;
    cr_expect(rz_srv_json_string(o, "s", true, &s, &f) && !strcmp(s, "x"));
    cr_expect(rz_srv_json_string(o, "z", false, &s, &f), "null counts as absent");
    cr_expect(!rz_srv_json_string(o, "zz", true, &s, &f) && !strcmp(f.code, "missing_field"));
    cr_expect(!rz_srv_json_string(o, "b", true, &s, &f) && !strcmp(f.code, "wrong_type"));
    cr_expect(rz_srv_json_bool(o, "b", &b, &f) && b);
    cr_expect(!rz_srv_json_bool(o, "i", &b, &f) && !strcmp(f.code, "wrong_type"));
    cr_expect(rz_srv_json_number(o, "n", 0, 3, &n, &f) && n == 2.5);
    cr_expect(!rz_srv_json_number(o, "n", 0, 1, &n, &f) && !strcmp(f.code, "out_of_range"));
    cr_expect(rz_srv_json_int(o, "i", 0, 10, &i, &f) && i == 7);
    cr_expect(!rz_srv_json_int(o, "n", 0, 10, &i, &f) && !strcmp(f.code, "wrong_type"));
    cr_expect(!rz_srv_json_int(o, "i", 8, 10, &i, &f) && !strcmp(f.code, "out_of_range"));
    cr_expect(rz_srv_json_array(o, "a", &a, &f) && cJSON_GetArraySize(a) == 1);
    cr_expect(!rz_srv_json_array(o, "s", &a, &f) && !strcmp(f.code, "wrong_type"));
    cJSON_Delete(o);
}

Test(serve_units, fault_body) {
    rz_srv_fault f;
    cr_expect(!rz_srv_fail(&f, 404, "unknown_route", "no route for %s", "/x\"y"));
    char *text = rz_srv_fault_json(&f);
    cr_expect_str_eq(
        text,
        "{\"error\":{\"message\":\"no route for /x\\\"y\",\"type\":\"not_found_error\",\"param\":null,\"code\":\"unknown_route\"}}");
    free(text);
    cr_expect(!rz_srv_fail_at(&f, 400, "wrong_type", "input", "'input[%d]': expected a number", 2));
    text = rz_srv_fault_json(&f);
    cr_expect_str_eq(
        text,
        "{\"error\":{\"message\":\"'input[2]': expected a number\",\"type\":\"invalid_request_error\",\"param\":\"input\",\"code\":\"wrong_type\"}}");
    free(text);
    cJSON *oom = cJSON_Parse(rz_srv_fault_oom_json);
    cr_expect(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetObjectItem(oom, "error"), "param")));
    cJSON_Delete(oom);
    cr_expect_str_eq(rz_srv_fault_type(413), "invalid_request_error");
    cr_expect_str_eq(rz_srv_fault_type(503), "server_error");
}

/* Text longer than any fixed line buffer is appended whole (metrics' put() once copied past a
 * truncated vsnprintf). */
Test(serve_units, appendf_any_length) {
    rz_tok_bytes out = {0};
    rz_error err;
    char long_text[3000];
    memset(long_text, 'x', sizeof long_text - 1);
    long_text[sizeof long_text - 1] = 0;
    cr_assert_eq(rz_srv_appendf(&out, &err, "a%d", 1), RZ_OK);
    cr_assert_eq(rz_srv_appendf(&out, &err, "[%s]", long_text), RZ_OK);
    cr_assert_eq(out.len, 2 + 2 + strlen(long_text));
    cr_expect_eq(strlen(out.data), out.len);
    cr_expect(!strncmp(out.data, "a1[xxx", 6));
    cr_expect_eq(out.data[out.len - 1], ']');
    rz_tok_bytes_free(&out);
}

Test(serve_units, metrics_render) {
    rz_srv_metrics m;
    memset(&m, 0, sizeof m);
    cr_expect_eq(rz_srv_route_of("/v1/chat/completions"), RZ_ROUTE_CHAT);
    cr_expect_eq(rz_srv_route_of("/v1/chat"), RZ_ROUTE_OTHER);
    cr_expect_str_eq(rz_srv_route_path(RZ_ROUTE_PREDICT), "/v1/predict");
    rz_srv_metrics_request(&m, RZ_ROUTE_HEALTH, 200, 50000);   /* 50 us */
    rz_srv_metrics_request(&m, RZ_ROUTE_HEALTH, 200, 2000000); /* 2 ms */
    rz_srv_metrics_request(&m, RZ_ROUTE_OTHER, 404, 1000);
    rz_srv_metrics_request(&m, RZ_ROUTE_PREDICT, 418, 1000);
    rz_generate_stats g = {.n_prompt = 10, .n_generated = 20, .prompt_s = 0.5, .decode_s = 2};
    rz_srv_metrics_generation(&m, &g);
    rz_tok_bytes out = {0};
    rz_error err;
    cr_assert_eq(rz_srv_metrics_render(&m, &out, &err), RZ_OK);
    const char *want[] = {
        "rz_http_requests_total{route=\"/health\",status=\"200\"} 2\n",
        "rz_http_requests_total{route=\"other\",status=\"404\"} 1\n",
        "rz_http_requests_total{route=\"/v1/predict\",status=\"other\"} 1\n",
        "rz_http_request_duration_seconds_bucket{route=\"/health\",le=\"0.0001\"} 1\n",
        "rz_http_request_duration_seconds_bucket{route=\"/health\",le=\"0.001\"} 1\n",
        "rz_http_request_duration_seconds_bucket{route=\"/health\",le=\"0.0025\"} 2\n",
        "rz_http_request_duration_seconds_bucket{route=\"/health\",le=\"+Inf\"} 2\n",
        "rz_http_request_duration_seconds_sum{route=\"/health\"} 0.002050000\n",
        "rz_http_request_duration_seconds_count{route=\"/health\"} 2\n",
        "rz_prompt_tokens_total 10\n",
        "rz_generated_tokens_total 20\n",
        "rz_decode_tokens_per_second 10.000\n",
        "rz_prompt_tokens_per_second 20.000\n",
        "rz_queue_depth 0\n",
        "# TYPE rz_http_request_duration_seconds histogram\n",
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++)
        cr_expect(strstr(out.data, want[i]) != NULL, "missing %s", want[i]);
    cr_expect(strstr(out.data, "route=\"/metrics\",status") == NULL, "zero counts are left out");
    rz_tok_bytes_free(&out);
}

Test(serve_units, api_keys) {
    rz_srv_keys k = {0};
    rz_error err;
    cr_expect_eq(rz_srv_keys_check(&k, "Bearer x", NULL), RZ_AUTH_WRONG, "no keys accept nothing");
    cr_assert_eq(rz_srv_keys_add(&k, "sk-one", 6, "--api-key", &err), RZ_OK);
    cr_assert_eq(rz_srv_keys_add(&k, "sk-two-longer", 13, "--api-key", &err), RZ_OK);
    cr_expect_eq(rz_srv_keys_add(&k, "a b", 3, "--api-key", &err), RZ_EINVAL);
    cr_expect(strstr(err.msg, "--api-key: an API key is printable ASCII") != NULL, "%s", err.msg);
    cr_expect_eq(rz_srv_keys_add(&k, "", 0, "keys:3", &err), RZ_EINVAL);
    cr_expect(strstr(err.msg, "keys:3: an API key has 1 to 256 bytes") != NULL, "%s", err.msg);
    cr_expect_eq(rz_srv_keys_check(&k, NULL, NULL), RZ_AUTH_MISSING);
    cr_expect_eq(rz_srv_keys_check(&k, "Basic c2stb25l", NULL), RZ_AUTH_MISSING);
    cr_expect_eq(rz_srv_keys_check(&k, "Bearer sk-one", NULL), RZ_AUTH_OK);
    cr_expect_eq(rz_srv_keys_check(&k, "bearer   sk-two-longer", NULL), RZ_AUTH_OK);
    cr_expect_eq(rz_srv_keys_check(&k, NULL, "sk-two-longer"), RZ_AUTH_OK);
    cr_expect_eq(rz_srv_keys_check(&k, "Bearer sk-on", NULL), RZ_AUTH_WRONG, "a prefix");
    cr_expect_eq(rz_srv_keys_check(&k, "Bearer sk-onee", NULL), RZ_AUTH_WRONG, "one byte more");
    cr_expect_eq(rz_srv_keys_check(&k, "Bearer sk-One", NULL), RZ_AUTH_WRONG, "case matters");
    cr_expect_eq(rz_srv_keys_check(&k, "Bearer wrong", "sk-one"), RZ_AUTH_OK, "either header");
    rz_srv_keys_free(&k);
    cr_expect(!rz_srv_host_needs_key("127.0.0.1"));
    cr_expect(!rz_srv_host_needs_key("127.1.2.3"));
    cr_expect(!rz_srv_host_needs_key("::1"));
    cr_expect(!rz_srv_host_needs_key("::ffff:127.0.0.1"));
    cr_expect(rz_srv_host_needs_key("0.0.0.0"));
    cr_expect(rz_srv_host_needs_key("::"));
    cr_expect(rz_srv_host_needs_key("192.168.1.10"));
    cr_expect(!rz_srv_host_needs_key("localhost"), "not numeric: left to the start's check");
}

Test(serve_units, json_content_types) {
    cr_expect(rz_srv_is_json_type("application/json"));
    cr_expect(rz_srv_is_json_type("Application/JSON"));
    cr_expect(rz_srv_is_json_type("application/json; charset=utf-8"));
    cr_expect(rz_srv_is_json_type(" application/json ;charset=utf-8"));
    cr_expect(!rz_srv_is_json_type(NULL));
    cr_expect(!rz_srv_is_json_type(""));
    cr_expect(!rz_srv_is_json_type("text/plain"));
    cr_expect(!rz_srv_is_json_type("application/jsonl"));
    cr_expect(!rz_srv_is_json_type("application/x-www-form-urlencoded"));
}

static rz_status appendv(rz_tok_bytes *out, rz_error *err, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    rz_status st = rz_srv_vappendf(out, err, fmt, ap);
    va_end(ap);
    return st;
}

Test(serve_units, vappendf) {
    rz_tok_bytes out = {0};
    rz_error err;
    cr_assert_eq(appendv(&out, &err, "%s=%d", "n", 42), RZ_OK, "%s", err.msg);
    cr_assert_eq(appendv(&out, &err, ";%.2f", 2.5), RZ_OK, "%s", err.msg);
    cr_expect_str_eq(out.data, "n=42;2.50");
    cr_expect_eq(out.len, 9);
    rz_tok_bytes_free(&out);
}

Test(serve_units, sse_framing) {
    rz_tok_bytes out = {0};
    rz_error err;
    cr_assert_eq(rz_srv_sse_data(&out, "{\"a\":1}", &err), RZ_OK, "%s", err.msg);
    cr_assert_eq(rz_srv_sse_done(&out, &err), RZ_OK, "%s", err.msg);
    cr_expect_str_eq(out.data, "data: {\"a\":1}\n\ndata: [DONE]\n\n");
    rz_tok_bytes_free(&out);
}

Test(serve_units, model_names) {
    cr_expect_str_eq(rz_srv_model_kind_name(RZ_SRV_APR), "an APR");
    cr_expect_str_eq(rz_srv_model_kind_name(RZ_SRV_LLAMA), "a GGUF");
    cr_expect_str_eq(rz_srv_model_kind_name(RZ_SRV_BERT), "a BERT");
    static rz_srv_model m;
    strcpy(m.id, "mini");
    m.bert.config.n_layers = 2;
    m.bert.config.dim = 32;
    m.bert.config.max_seq = 128;
    m.bert.config.pooling = RZ_BERT_POOL_CLS;
    char line[256];
    rz_srv_model_describe(&m, line, sizeof line);
    cr_expect_str_eq(
        line, "mini (BERT encoder, 2 layers, 32 dimensions, 128 tokens at most, CLS pooling)");
}

Test(serve_units, abandoned_job) {
    uint64_t before = rz_now_ns();
    rz_srv_job *j = rz_srv_job_new(RZ_JOB_COMPLETION, false, NULL);
    cr_assert(j != NULL);
    cr_expect(j->out_ns >= before && rz_now_ns() >= j->out_ns, "monotonic");
    rz_srv_job_abandon(j);
    cr_expect(j->done);
    cr_expect_eq(j->http_status, 499);
    cr_expect_eq(j->out.len, 0, "nothing to send");
    rz_srv_job_unref(j);
}

Test(serve_units, api_key_files) {
    char path[] = "/tmp/rz_keys_XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    static const char text[] = "# comment\n  sk-file \r\n\nsk-two";
    cr_assert_eq(write(fd, text, sizeof text - 1), (ssize_t)(sizeof text - 1));
    close(fd);
    rz_srv_keys k = {0};
    rz_error err;
    cr_expect_eq(rz_srv_keys_load(&k, path, &err), RZ_OK, "%s", err.msg);
    cr_expect_eq(k.n, 2);
    cr_expect_eq(rz_srv_keys_check(&k, "Bearer sk-file", NULL), RZ_AUTH_OK);
    cr_expect_eq(rz_srv_keys_check(&k, "Bearer sk-two", NULL), RZ_AUTH_OK);
    rz_srv_keys_free(&k);
    cr_assert_eq(truncate(path, 0), 0);
    cr_expect_eq(rz_srv_keys_load(&k, path, &err), RZ_EINVAL);
    cr_expect(strstr(err.msg, "no API key in it") != NULL, "%s", err.msg);
    rz_srv_keys_free(&k);
    unlink(path);
    cr_expect_neq(rz_srv_keys_load(&k, "/nonexistent/rz_keys", &err), RZ_OK);
    cr_expect(strstr(err.msg, "/nonexistent/rz_keys") != NULL, "names the file: %s", err.msg);
}

Test(serve_units, parse_refusals) {
    static rz_srv_model m;
    rz_srv_fault f;
    const char *bad = "{\"prompt\": 5}";
    cr_expect_null(rz_srv_openai_parse(bad, strlen(bad), RZ_JOB_COMPLETION, &m, 64, &f));
    cr_expect_eq(f.status, 400);
    cr_expect_str_eq(f.code, "wrong_type");
    cr_expect_str_eq(f.message, "'prompt': expected a string (or an array of one string)");
    const char *none = "{\"max_tokens\": 3}";
    cr_expect_null(rz_srv_openai_parse(none, strlen(none), RZ_JOB_COMPLETION, &m, 64, &f));
    cr_expect_str_eq(f.code, "missing_field");
    cr_expect_null(rz_srv_openai_parse("{", 1, RZ_JOB_COMPLETION, &m, 64, &f));
    cr_expect_eq(f.status, 400);
}

/* With no connection MHD_queue_response refuses (MHD_NO); the request still records the status. */
Test(serve_units, replies_record_their_status) {
    rz_srv_request r = {0};
    cr_expect_eq(rz_srv_reply(NULL, &r, 201, "text/plain", "x", 1), MHD_NO);
    cr_expect_eq(r.status, 201);
    cr_expect(r.replied);
    r = (rz_srv_request){0};
    rz_srv_reply(NULL, &r, 200, "application/json", "", 0);
    cr_expect_eq(r.status, 503, "an empty JSON body is taken as out of memory");
    r = (rz_srv_request){0};
    rz_srv_reply_json(NULL, &r, 200, cJSON_CreateObject());
    cr_expect_eq(r.status, 200);
    rz_srv_fault f;
    rz_srv_fail(&f, 405, "method_not_allowed", "use GET");
    r = (rz_srv_request){0};
    rz_srv_reply_fault(NULL, &r, &f, "GET");
    cr_expect_eq(r.status, 405);
    struct MHD_Response *resp = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
    cr_assert(resp != NULL);
    r = (rz_srv_request){0};
    rz_srv_reply_response(NULL, &r, 503, resp);
    cr_expect_eq(r.status, 503);
    const char *retry = MHD_get_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER);
    cr_expect(retry && !strcmp(retry, RZ_SRV_RETRY_AFTER), "503 carries Retry-After");
    MHD_destroy_response(resp);
}

Test(serve_units, keepalive_registry) {
    rz_srv_keepalive k = {0};
    rz_error err;
    cr_assert_eq(rz_srv_keepalive_start(&k, 60.0, &err), RZ_OK, "%s", err.msg);
    cr_expect_eq(k.interval_ns, 60000000000ull);
    rz_srv_job *j = rz_srv_job_new(RZ_JOB_COMPLETION, true, NULL);
    cr_assert(j != NULL);
    rz_srv_keepalive_add(&k, j);
    cr_expect_eq(k.n, 1);
    cr_expect_eq(atomic_load(&j->refs), 2, "the registry holds a reference");
    rz_srv_keepalive_stop(&k);
    cr_expect_eq(atomic_load(&j->refs), 1, "stop drops it");
    rz_srv_job_unref(j);
}

Test(serve_units, deadline_registry) {
    rz_srv_deadline d = {0};
    atomic_uint_fast64_t cut = 0;
    rz_error err;
    cr_assert_eq(rz_srv_deadline_start(&d, 30.0, &cut, &err), RZ_OK, "%s", err.msg);
    cr_expect(d.watchdog.running);
    cr_expect_eq(d.limit_ns, 30000000000ull);
    rz_srv_conn *e = calloc(1, sizeof *e);
    cr_assert(e != NULL);
    d.head = e;
    void *ctx = e;
    rz_srv_deadline_notify(&d, NULL, &ctx, MHD_CONNECTION_NOTIFY_CLOSED);
    cr_expect_null(ctx, "the closed connection is forgotten");
    cr_expect_null(d.head);
    rz_srv_deadline_stop(&d);
    cr_expect(!d.watchdog.running);
    cr_expect_eq(cut, 0);
}

static void count_tick(void *arg) {
    atomic_fetch_add((atomic_int *)arg, 1);
}

Test(serve_units, ticker_ticks_until_stopped) {
    rz_srv_ticker t = {0};
    rz_srv_ticker_stop(&t); /* a zeroed ticker: nothing to stop */
    atomic_int ticks = 0;
    rz_error err;
    cr_assert_eq(rz_srv_ticker_start(&t, 1000000u, count_tick, &ticks, "test", &err), RZ_OK, "%s",
                 err.msg);
    const uint64_t give_up = rz_now_ns() + 10000000000u;
    while (atomic_load(&ticks) < 3 && rz_now_ns() < give_up)
        usleep(1000);
    rz_srv_ticker_stop(&t);
    const int seen = atomic_load(&ticks);
    cr_expect_geq(seen, 3, "a tick every millisecond");
    cr_expect(!t.running);
    usleep(10000);
    cr_expect_eq(atomic_load(&ticks), seen, "no tick after stop");
}

Test(serve_units, ticker_ticks_at_once_and_stop_wakes_it) {
    rz_srv_ticker t;
    atomic_int ticks = 0;
    rz_error err;
    cr_assert_eq(rz_srv_ticker_start(&t, 60000000000u, count_tick, &ticks, "test", &err), RZ_OK,
                 "%s", err.msg);
    const uint64_t t0 = rz_now_ns(), give_up = t0 + 10000000000u;
    while (atomic_load(&ticks) < 1 && rz_now_ns() < give_up)
        usleep(1000);
    rz_srv_ticker_stop(&t);
    cr_expect_eq(atomic_load(&ticks), 1, "the first tick comes at start, the next a minute later");
    cr_expect_lt(rz_now_ns() - t0, 5000000000u, "stop does not wait out the tick");
}

static const char *tiny_model(void) {
    rzt_llama_shape shape = rzt_tiny_llama;
    shape.vocab = 300;
    return rzt_serve_model(&shape, 64, NULL);
}

/* The generation workers on a tiny llama: a job runs to its end, a shut pool refuses more. */
Test(serve_units, workers) {
    static rz_srv_model m;
    static rz_srv_metrics metrics;
    static rz_srv_workers w;
    rz_error err;
    cr_assert_eq(rz_srv_model_load(tiny_model(), &m, &err), RZ_OK, "%s", err.msg);
    cr_assert_eq(rz_srv_workers_start(&w, &m, &metrics, 1, 1, 64, 2, &err), RZ_OK, "%s", err.msg);
    char line[256];
    rz_srv_workers_placement(&w, 0, line, sizeof line);
    cr_expect(!strncmp(line, "worker 0: ", 10), "%s", line);
    rz_srv_fault f;
    const char *body = "{\"prompt\": \"a\", \"max_tokens\": 2, \"temperature\": 0}";
    rz_srv_job *j = rz_srv_openai_parse(body, strlen(body), RZ_JOB_COMPLETION, &m, 64, &f);
    cr_assert(j != NULL, "%s", f.message);
    j->model_id = m.id;
    cr_expect(rz_srv_workers_push(&w, j));
    for (bool done = false; !done; usleep(1000)) {
        pthread_mutex_lock(&j->mu);
        done = j->done;
        pthread_mutex_unlock(&j->mu);
    }
    cr_expect_eq(j->http_status, 200, "%s", j->out.data);
    cr_expect(strstr(j->out.data, "\"object\":\"text_completion\"") != NULL, "%s", j->out.data);
    rz_srv_fail(&f, 503, "shutting_down", "the server is shutting down");
    rz_srv_workers_shut(&w, &f);
    cr_expect(!rz_srv_workers_push(&w, j), "shut: refused");
    rz_srv_workers_join(&w);
    rz_srv_workers_free(&w);
    cr_expect_null(w.workers);
    rz_srv_job_unref(j);
    rz_srv_model_free(&m);
}

/* A whole server in this process, its routes called without a connection (the response is
 * refused, the request records its status). */
Test(serve_units, server_in_process) {
    rz_server_options o = {.model_path = tiny_model(),
                           .host = "127.0.0.1",
                           .threads = 1,
                           .parallel = 1,
                           .http_threads = 1,
                           .max_body = 4096,
                           .request_timeout_s = 30,
                           .keepalive_s = 15};
    rz_server *s;
    rz_error err;
    cr_assert_eq(rz_server_start(&o, &s, &err), RZ_OK, "%s", err.msg);
    cr_expect_gt(rz_server_port(s), 0);
    char line[512];
    rz_server_describe(s, line, sizeof line);
    cr_expect(strstr(line, "context 64, 1 worker)") != NULL, "%s", line);
    cr_expect(rz_server_placement(s, 0, line, sizeof line));
    cr_expect(!strncmp(line, "worker 0: ", 10), "%s", line);
    cr_expect(!rz_server_placement(s, 1, line, sizeof line), "one worker");
    cr_expect_eq(rz_server_in_flight(s), 0);

    enum MHD_Result ret;
    static const struct {
        rz_srv_route route;
        const char *url, *method;
        unsigned status; /* 0: admitted */
    } admit[] = {{RZ_ROUTE_HEALTH, "/health", "GET", 0},
                 {RZ_ROUTE_OTHER, "/nowhere", "GET", 404},
                 {RZ_ROUTE_MODELS, "/v1/models", "POST", 405},
                 {RZ_ROUTE_PREDICT, "/v1/predict", "POST", 404}, /* no APR model */
                 {RZ_ROUTE_TOKENIZE, "/tokenize", "POST", 415}}; /* no Content-Type */
    for (size_t i = 0; i < sizeof admit / sizeof *admit; i++) {
        rz_srv_request r = {.route = admit[i].route};
        cr_expect_eq(rz_srv_admit_refuse(s, NULL, &r, admit[i].url, admit[i].method, &ret),
                     admit[i].status != 0, "%s", admit[i].url);
        cr_expect_eq(r.status, admit[i].status, "%s", admit[i].url);
    }
    cr_expect_eq(rz_srv_admit_handler(RZ_ROUTE_CHAT), rz_srv_route_generate);

    static const struct {
        rz_srv_route_fn fn;
        const char *body;
        unsigned status;
    } calls[] = {{rz_srv_route_health, NULL, 200},
                 {rz_srv_route_metrics, NULL, 200},
                 {rz_srv_route_models, NULL, 200},
                 {rz_srv_route_tokenize, "{\"content\": \"ab\"}", 200},
                 {rz_srv_route_tokenize, "{\"content\": 1}", 400},
                 {rz_srv_route_detokenize, "{\"tokens\": [5, 6]}", 200},
                 {rz_srv_route_detokenize, "{\"tokens\": \"x\"}", 400},
                 {rz_srv_route_generate, "{\"max_tokens\": 1}", 400}}; /* no prompt */
    for (size_t i = 0; i < sizeof calls / sizeof *calls; i++) {
        rz_srv_request r = {.route = RZ_ROUTE_COMPLETIONS};
        if (calls[i].body)
            cr_assert_eq(rz_tok_bytes_append(&r.body, calls[i].body, strlen(calls[i].body), &err),
                         RZ_OK);
        calls[i].fn(s, NULL, &r);
        cr_expect_eq(r.status, calls[i].status, "call %zu", i);
        rz_tok_bytes_free(&r.body);
    }

    rz_server_shutdown(s);
    rz_srv_request r = {.route = RZ_ROUTE_HEALTH};
    cr_expect(rz_srv_admit_refuse(s, NULL, &r, "/health", "GET", &ret), "draining");
    cr_expect_eq(r.status, 503);
    rz_server_stop(s, 1.0);
}

/* Starts a server on model in this process and calls fn on each body (NULL: a model that is
 * absent skips the test), expecting the statuses given. */
static void route_on(const char *model, rz_srv_route_fn fn, const char *const *bodies,
                     const unsigned *statuses, int n) {
    rz_server_options o = {.model_path = model,
                           .host = "127.0.0.1",
                           .threads = 1,
                           .parallel = 1,
                           .http_threads = 1,
                           .max_body = 1 << 16};
    rz_server *s;
    rz_error err;
    cr_assert_eq(rz_server_start(&o, &s, &err), RZ_OK, "%s", err.msg);
    for (int i = 0; i < n; i++) {
        rz_srv_request r = {0};
        cr_assert_eq(rz_tok_bytes_append(&r.body, bodies[i], strlen(bodies[i]), &err), RZ_OK);
        fn(s, NULL, &r);
        cr_expect_eq(r.status, statuses[i], "%.60s", bodies[i]);
        rz_tok_bytes_free(&r.body);
    }
    rz_server_stop(s, 1.0);
}

Test(serve_units, embeddings_route) {
    const char *dir = rzt_tiny_bert(&(rzt_bert_options){.seed = 3});
    cr_assert(dir != NULL);
    const char *bodies[] = {"{\"input\": \"hello\"}", "{\"input\": 5}"};
    const unsigned statuses[] = {200, 400};
    route_on(dir, rz_srv_route_embeddings, bodies, statuses, 2);
    rzt_tiny_bert_remove(dir);
}

Test(serve_units, predict_route) {
    const char *model = rzt_shared("models/mnist_784x2.apr");
    if (!model) cr_skip_test("../shared/models/mnist_784x2.apr absent");
    char good[784 * 2 + 16] = "{\"input\": [0";
    for (int i = 1; i < 784; i++)
        strcat(good, ",0");
    strcat(good, "]}");
    const char *bodies[] = {good, "{\"input\": [0, 1]}"};
    const unsigned statuses[] = {200, 400};
    route_on(model, rz_srv_route_predict, bodies, statuses, 2);
}

/* receiving before rz_srv_deadline_received, after it, and after rz_srv_deadline_rearm. */
static bool receiving[3];

static enum MHD_Result deadline_handler(void *cls, struct MHD_Connection *c, const char *url,
                                        const char *method, const char *version, const char *upload,
                                        size_t *upload_size, void **req) {
    (void)cls, (void)url, (void)method, (void)version, (void)upload, (void)upload_size, (void)req;
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    rz_srv_conn *e = ci ? ci->socket_context : NULL;
    if (e) {
        receiving[0] = atomic_load(&e->receiving);
        rz_srv_deadline_received(c);
        receiving[1] = atomic_load(&e->receiving);
        rz_srv_deadline_rearm(c);
        receiving[2] = atomic_load(&e->receiving);
    }
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(e ? 2 : 0, (void *)"ok", MHD_RESPMEM_PERSISTENT);
    enum MHD_Result ret = MHD_queue_response(c, e ? 200 : 500, resp);
    MHD_destroy_response(resp);
    return ret;
}

/* The deadline as a libmicrohttpd daemon's connection notifier: the connection is recorded while
 * open, its request marked received, then rearmed, and forgotten once closed. */
Test(serve_units, deadline_on_connections) {
    rz_srv_deadline d = {0};
    atomic_uint_fast64_t cut = 0;
    rz_error err;
    cr_assert_eq(rz_srv_deadline_start(&d, 30.0, &cut, &err), RZ_OK, "%s", err.msg);
    struct MHD_Daemon *mhd =
        MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, deadline_handler, NULL,
                         MHD_OPTION_NOTIFY_CONNECTION, rz_srv_deadline_notify, &d, MHD_OPTION_END);
    cr_assert(mhd != NULL);
    int port = MHD_get_daemon_info(mhd, MHD_DAEMON_INFO_BIND_PORT)->port;
    rzt_http_response resp;
    cr_assert_eq(rzt_http(port, "GET", "/", NULL, &resp), 0, "%s", resp.error);
    cr_expect_eq(resp.status, 200, "the connection was recorded");
    rzt_http_free(&resp);
    MHD_stop_daemon(mhd);
    cr_expect(receiving[0] && !receiving[1] && receiving[2]);
    cr_expect_null(d.head, "closed: forgotten");
    rz_srv_deadline_stop(&d);
}
