/* The server's text path without HTTP: stop strings matched across pieces (held back while they
 * could still start one), logprobs (log-softmax, top entries sorted, ties to the lower id), and
 * a job fed piece by piece: the text released, the logprobs released with it and dropped after a
 * stop, the cancel flag, the streamed events, and the keep-alive comment. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "server/job.h"
#include "server/logprobs.h"
#include "server/openai.h"
#include "server/stop.h"
#include "engine/tokenizer/vocab.h"

static rz_srv_stop stops(const char *a, const char *b) {
    rz_srv_stop st = {0};
    if (a) st.s[st.n++] = strdup(a);
    if (b) st.s[st.n++] = strdup(b);
    return st;
}

static size_t scan(const rz_srv_stop *st, const char *text, bool final, bool *found) {
    return rz_srv_stop_scan(st, text, strlen(text), final, found);
}

Test(serve_text, stop_scan) {
    rz_srv_stop st = stops("</end>", "xyz");
    bool found;
    cr_expect_eq(scan(&st, "hello", false, &found), 5);
    cr_expect(!found);
    cr_expect_eq(scan(&st, "hello </e", false, &found), 6, "'</e' could start '</end>'");
    cr_expect_eq(scan(&st, "hello </e", true, &found), 9, "final: nothing held back");
    cr_expect_eq(scan(&st, "hello x", false, &found), 6);
    cr_expect_eq(scan(&st, "a</end>b", false, &found), 1);
    cr_expect(found);
    cr_expect_eq(scan(&st, "axyz </end>", true, &found), 1, "the earliest match wins");
    cr_expect(found);
    cr_expect_eq(scan(&st, "</en</end>", false, &found), 4, "a false start, then the match");
    cr_expect(found);
    cr_expect_eq(scan(&st, "", false, &found), 0);
    rz_srv_stop none = {0};
    cr_expect_eq(scan(&none, "abc", false, &found), 3);
    cr_expect(!found);
    rz_srv_stop_free(&st);
    rz_srv_stop multi = stops("\xe2\x82\xac!", NULL); /* "€!" */
    cr_expect_eq(scan(&multi, "a\xe2\x82\xac", false, &found), 1, "held from the euro sign");
    rz_srv_stop_free(&multi);
}

Test(serve_text, logprobs) {
    const float logits[6] = {1.0f, 3.0f, -2.0f, 3.0f, 0.5f, 2.0f};
    double sum = 0;
    for (int i = 0; i < 6; i++)
        sum += exp(logits[i] - 3.0);
    double lse = 3.0 + log(sum);
    rz_srv_logprob_entry e;
    rz_srv_logprobs(logits, 6, 4, 4, &e);
    cr_expect_eq(e.token.id, 4);
    cr_expect_float_eq(e.token.logprob, 0.5 - lse, 1e-6);
    cr_assert_eq(e.n_top, 4);
    const int32_t order[4] = {1, 3, 5, 0}; /* the tie 1 / 3 goes to the lower id */
    for (int k = 0; k < 4; k++) {
        cr_expect_eq(e.top[k].id, order[k], "top %d", k);
        cr_expect_float_eq(e.top[k].logprob, logits[order[k]] - lse, 1e-6, "top %d", k);
    }
    rz_srv_logprobs(logits, 6, 2, 0, &e);
    cr_expect_eq(e.n_top, 0);
    cr_expect_float_eq(e.token.logprob, -2.0 - lse, 1e-6);
    rz_srv_logprobs(logits, 6, 2, 50, &e);
    cr_expect_eq(e.n_top, 6, "at most the vocabulary");
}

/* <unk>, <s>, </s>, then "a".."e": the token texts of the logprobs. */
static const rz_tok_vocab *vocab(void) {
    static rz_tok_vocab v;
    static bool built;
    if (built) return &v;
    const char *text[8] = {"<unk>", "<s>", "</s>", "a", "b", "c", "d", "e"};
    rz_tok_text tokens[8];
    int32_t types[8];
    for (int i = 0; i < 8; i++) {
        tokens[i] = (rz_tok_text){text[i], (uint32_t)strlen(text[i])};
        types[i] = i == 0 ? RZ_TOK_TYPE_UNKNOWN : i < 3 ? RZ_TOK_TYPE_CONTROL : RZ_TOK_TYPE_NORMAL;
    }
    rz_tok_spec spec = rz_tok_spec_init();
    spec.model = "llama";
    spec.n_tokens = 8;
    spec.tokens = tokens;
    spec.types = types;
    spec.unk = 0;
    spec.bos = 1;
    spec.eos = 2;
    rz_error err;
    cr_assert_eq(rz_tok_vocab_build(&spec, &v, &err), RZ_OK, "%s", err.msg);
    built = true;
    return &v;
}

static rz_srv_job *job(bool stream, const char *stop, int logprobs) {
    rz_srv_job *j = rz_srv_job_new(RZ_JOB_COMPLETION, stream, NULL);
    cr_assert(j != NULL);
    j->stop = stops(stop, NULL);
    j->logprobs = logprobs;
    j->model_id = "m";
    j->vocab = vocab();
    return j;
}

/* Feeds tokens (id i + 1 for piece i) with uniform logits, then the end. */
static void feed(rz_srv_job *j, const char *const *pieces, int n) {
    float logits[8] = {0};
    for (int i = 0; i < n && !atomic_load(&j->cancel); i++) {
        rz_srv_job_token(j, i + 1, logits, 8);
        rz_srv_job_piece(j, pieces[i], strlen(pieces[i]));
    }
    rz_generate_stats stats = {.n_generated = n};
    rz_error err;
    cr_expect(!rz_srv_job_finish(j, RZ_OK, &err, &stats), "a stop is not a client gone");
}

Test(serve_text, stop_across_pieces_whole_body) {
    rz_srv_job *j = job(false, "STOP", 0);
    const char *pieces[] = {"one S", "T", "OP two", "three"};
    feed(j, pieces, 4);
    cr_expect(atomic_load(&j->cancel), "the match cancels the run");
    cr_expect(j->stop_hit);
    cr_expect_str_eq(j->text.data, "one ");
    cr_expect_eq(j->lp_released, 1, "the tokens starting after the stop string are dropped");
    cr_expect_eq(j->n_lp, 3);
    cJSON *body = cJSON_Parse(j->out.data);
    const cJSON *c = cJSON_GetArrayItem(cJSON_GetObjectItem(body, "choices"), 0);
    cr_expect_str_eq(cJSON_GetObjectItem(c, "finish_reason")->valuestring, "stop");
    cr_expect_eq(
        cJSON_GetArraySize(cJSON_GetObjectItem(cJSON_GetObjectItem(c, "logprobs"), "text_offset")),
        1);
    cJSON_Delete(body);
    rz_srv_job_unref(j);
}

Test(serve_text, stop_across_pieces_streamed) {
    rz_srv_job *j = job(true, "STOP", -1);
    const char *pieces[] = {"one S", "T", "OP two"};
    feed(j, pieces, 3);
    const char *first = strstr(j->out.data, "\"text\":\"");
    cr_assert(first != NULL, "%s", j->out.data);
    cr_expect(!strncmp(first, "\"text\":\"one \"", 13), "'S' held back: %s", j->out.data);
    cr_expect(strstr(j->out.data, "STOP") == NULL && strstr(j->out.data, "two") == NULL, "%s",
              j->out.data);
    cr_expect(strstr(j->out.data, "\"finish_reason\":\"stop\"") != NULL, "%s", j->out.data);
    cr_expect(strstr(j->out.data, "data: [DONE]\n\n") != NULL);
    rz_srv_job_unref(j);
}

Test(serve_text, held_text_released_at_the_end) {
    rz_srv_job *j = job(true, "STOP", 0);
    const char *pieces[] = {"abc", "ST"};
    feed(j, pieces, 2);
    cr_expect(!j->stop_hit);
    cr_expect(strstr(j->out.data, "\"text\":\"ST\"") != NULL, "released by the end: %s",
              j->out.data);
    cr_expect_eq(j->lp_released, 2);
    cr_expect(strstr(j->out.data, "\"finish_reason\":\"length\"") != NULL, "%s", j->out.data);
    rz_srv_job_unref(j);
}

Test(serve_text, cancelled_by_the_client) {
    rz_srv_job *j = job(false, NULL, -1);
    rz_generate_stats stats = {.cancelled = true};
    rz_error err;
    cr_expect(rz_srv_job_finish(j, RZ_OK, &err, &stats));
    cr_expect_eq(j->http_status, 499);
    rz_srv_job_unref(j);
}

Test(serve_text, keepalive_comment) {
    rz_srv_job *j = job(true, NULL, -1);
    j->conn = (struct MHD_Connection *)j; /* never resumed: suspended stays false */
    uint64_t t = j->out_ns;
    cr_expect(rz_srv_job_keepalive(j, t + 500, 1000));
    cr_expect_eq(j->out.len, 0, "not yet quiet for the interval");
    cr_expect(rz_srv_job_keepalive(j, t + 1000, 1000));
    cr_expect_str_eq(j->out.data, ": keep-alive\n\n");
    j->conn = NULL;
    cr_expect(!rz_srv_job_keepalive(j, t + 5000, 1000), "the response is gone: leave");
    rz_srv_job_unref(j);
}

Test(serve_text, openai_events) {
    rz_srv_job *j = job(true, NULL, -1);
    rz_error err;
    pthread_mutex_lock(&j->mu);
    cr_expect_eq(rz_srv_openai_chunk(j, "Hi", 0, 0, &err), RZ_OK, "%s", err.msg);
    cr_expect(!strncmp(j->out.data, "data: {", 7), "%s", j->out.data);
    cr_expect(strstr(j->out.data, "\"text\":\"Hi\"") != NULL, "%s", j->out.data);
    cr_expect(strstr(j->out.data, "\"finish_reason\":null}") != NULL, "%s", j->out.data);
    j->stats.stopped = true;
    rz_srv_openai_finish(j, NULL);
    cr_expect(strstr(j->out.data, "\"finish_reason\":\"stop\"") != NULL, "%s", j->out.data);
    size_t n = strlen(j->out.data);
    cr_expect(n > 14 && !strcmp(j->out.data + n - 14, "data: [DONE]\n\n"), "%s", j->out.data);
    pthread_mutex_unlock(&j->mu);
    rz_srv_job_unref(j);

    j = job(false, NULL, -1);
    rz_error gen;
    strcpy(gen.msg, "the disk went away");
    pthread_mutex_lock(&j->mu);
    rz_srv_openai_finish(j, &gen);
    pthread_mutex_unlock(&j->mu);
    cr_expect_eq(j->http_status, 500);
    cr_expect(strstr(j->out.data, "the disk went away") != NULL, "%s", j->out.data);
    rz_srv_job_unref(j);
}
