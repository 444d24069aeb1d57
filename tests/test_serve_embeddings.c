/* POST /v1/embeddings of `rz serve` with a tiny random-weight BERT folder, over real HTTP: a
 * string and an array of strings (each embedding equal to rz_bert_embed's in this process, usage
 * counting the tokens), /v1/models, and each kind of bad request answered with the OpenAI error
 * shape; the route on a server of another kind is a 404 naming the kind it needs. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/models/bert_forward.h"
#include "tests/support/http_client.h"
#include "tests/support/serve_front.h"
#include "tests/support/support.h"
#include "tests/support/tiny_bert.h"
#include "tests/support/temp.h"

static void expect_error(int port, const char *body, int status, const char *code,
                         const char *in_message) {
    cJSON *j = rzt_post_json(port, "/v1/embeddings", body, status);
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(j, "error");
    cr_assert(cJSON_IsObject(e), "no error object for %s", body);
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(e, "code");
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(e, "message");
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(e, "type");
    cr_expect(cJSON_IsString(c) && !strcmp(c->valuestring, code), "%s: code %s", body,
              cJSON_IsString(c) ? c->valuestring : "?");
    cr_expect(cJSON_IsString(t) &&
              !strcmp(t->valuestring, status == 404 ? "not_found_error" : "invalid_request_error"));
    cr_expect(cJSON_IsString(m) && strstr(m->valuestring, in_message), "%s: message %s", body,
              cJSON_IsString(m) ? m->valuestring : "?");
    cJSON_Delete(j);
}

/* Checks data[i] against rz_bert_embed of text; returns the tokens it used. */
static int expect_embedding(const cJSON *data, int i, const char *text, const rz_bert_model *m,
                            rz_bert_state *s) {
    const cJSON *item = cJSON_GetArrayItem(data, i);
    cr_assert(item, "data[%d] missing", i);
    cr_expect_str_eq(cJSON_GetObjectItemCaseSensitive(item, "object")->valuestring, "embedding");
    cr_expect_eq(cJSON_GetObjectItemCaseSensitive(item, "index")->valueint, i);
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(item, "embedding");
    cr_assert_eq(cJSON_GetArraySize(e), RZT_BERT_DIM);
    float want[RZT_BERT_DIM];
    int used;
    rz_error err;
    cr_assert_eq(rz_bert_embed(m, s, text, strlen(text), want, &used, &err), RZ_OK, "%s", err.msg);
    for (int d = 0; d < RZT_BERT_DIM; d++)
        cr_expect(fabs(cJSON_GetArrayItem(e, d)->valuedouble - want[d]) < 1e-7, "[%d][%d]", i, d);
    return used;
}

Test(serve_embeddings, string_and_array_inputs) {
    const char *dir = rzt_tiny_bert(&(rzt_bert_options){.seed = 11});
    cr_assert(dir);
    char copy[64];
    snprintf(copy, sizeof copy, "%s", dir);
    rz_bert_model m;
    rz_bert_state st;
    rz_error err;
    cr_assert_eq(rz_bert_model_open(copy, &m, &err), RZ_OK, "%s", err.msg);
    cr_assert_eq(rz_bert_state_init(&m.config, NULL, 1, &st, &err), RZ_OK);
    rzt_server s = rzt_serve(copy, NULL, NULL);

    cJSON *j = rzt_post_json(s.port, "/v1/embeddings",
                             "{\"input\": \"The cat sat.\", \"model\": \"x\"}", 200);
    cr_expect_str_eq(cJSON_GetObjectItemCaseSensitive(j, "object")->valuestring, "list");
    cr_expect_str_eq(cJSON_GetObjectItemCaseSensitive(j, "model")->valuestring, copy + 5);
    const cJSON *data = cJSON_GetObjectItemCaseSensitive(j, "data");
    cr_assert_eq(cJSON_GetArraySize(data), 1);
    int n = expect_embedding(data, 0, "The cat sat.", &m, &st);
    const cJSON *usage = cJSON_GetObjectItemCaseSensitive(j, "usage");
    cr_expect_eq(cJSON_GetObjectItemCaseSensitive(usage, "prompt_tokens")->valueint, n);
    cr_expect_eq(cJSON_GetObjectItemCaseSensitive(usage, "total_tokens")->valueint, n);
    cJSON_Delete(j);

    j = rzt_post_json(s.port, "/v1/embeddings", "{\"input\": [\"a dog\", \"\", \"running cats!\"]}",
                      200);
    data = cJSON_GetObjectItemCaseSensitive(j, "data");
    cr_assert_eq(cJSON_GetArraySize(data), 3);
    n = expect_embedding(data, 0, "a dog", &m, &st) + expect_embedding(data, 1, "", &m, &st) +
        expect_embedding(data, 2, "running cats!", &m, &st);
    usage = cJSON_GetObjectItemCaseSensitive(j, "usage");
    cr_expect_eq(cJSON_GetObjectItemCaseSensitive(usage, "prompt_tokens")->valueint, n);
    cJSON_Delete(j);

    rzt_http_response r;
    cr_assert_eq(rzt_http(s.port, "GET", "/v1/models", NULL, &r), 0);
    cr_expect(strstr(r.body, "\"kind\":\"bert\"") && strstr(r.body, "\"dimensions\":16"), "%s",
              r.body);
    rzt_http_free(&r);
    rzt_serve_stop(&s, NULL);
    rz_bert_state_deinit(&st);
    rz_bert_model_close(&m);
    rzt_tiny_bert_remove(copy);
}

Test(serve_embeddings, bad_requests) {
    const char *dir = rzt_tiny_bert(&(rzt_bert_options){.seed = 12});
    cr_assert(dir);
    char copy[64];
    snprintf(copy, sizeof copy, "%s", dir);
    rzt_server s = rzt_serve(copy, NULL, NULL);
    int p = s.port;
    expect_error(p, "{\"model\": \"x\"}", 400, "missing_field", "'input'");
    expect_error(p, "{\"input\": 3}", 400, "wrong_type", "a string or an array of strings");
    expect_error(p, "{\"input\": [\"a\", 7]}", 400, "wrong_type", "'input[1]'");
    expect_error(p, "{\"input\": []}", 400, "out_of_range", "expected 1 to");
    expect_error(p, "{\"input\": \"a\", \"encoding_format\": \"base64\"}", 400, "invalid_value",
                 "encoding_format");
    expect_error(p, "{\"input\": ", 400, "invalid_json", "malformed JSON");
    expect_error(p, "[1]", 400, "wrong_type", "JSON object");
    cJSON *j = rzt_post_json(p, "/v1/completions", "{\"prompt\": \"a\"}", 404);
    cr_expect(strstr(cJSON_PrintUnformatted(j), "needs a GGUF model"));
    cJSON_Delete(j);
    rzt_http_response r;
    cr_assert_eq(rzt_http(p, "GET", "/v1/embeddings", NULL, &r), 0);
    cr_expect_eq(r.status, 405);
    rzt_http_free(&r);
    rzt_serve_stop(&s, NULL);
    rzt_tiny_bert_remove(copy);
}

Test(serve_embeddings, needs_a_bert_model) {
    size_t len;
    uint8_t *img = rzt_apr_image(3, 0.0f, &len);
    char path[256];
    snprintf(path, sizeof path, "%s", rzt_write_temp(img, len, ".apr"));
    free(img);
    rzt_server s = rzt_serve(path, NULL, NULL);
    expect_error(s.port, "{\"input\": \"a\"}", 404, "route_unavailable", "needs a BERT model");
    rzt_serve_stop(&s, NULL);
    remove(path);
}
