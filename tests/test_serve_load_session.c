/* rzbench serve-load's plumbing called directly: the prompt corpus and workloads (reproducible by
 * seed, lengths in range, bodies the server reads), the endpoint parser, the SLO test, the report
 * writers on a known row, and a session against `rz serve` on a tiny synthetic model: started,
 * reached again by URL, warmed, one round, its cell summarised and everything stopped. A
 * llama-server that dies at start must name itself and its stderr. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/tokenizer/tokenizer.h"
#include "harness/gate_fixtures.h"
#include "harness/serve_load_report.h"
#include "harness/serve_load_rounds.h"
#include "harness/serve_load_session.h"
#include "tests/support/serve_model.h"
#include "tests/support/support.h"
#include "tests/support/temp.h"

enum { TEXT_BYTES = 8192 };

static const char *model(void) {
    rzt_llama_shape shape = rzt_tiny_llama;
    shape.vocab = 300;
    return rzt_serve_model(&shape, 256, NULL);
}

/* The gate's fixture text, written to a temporary file. */
static const char *text_file(void) {
    static char text[TEXT_BYTES];
    rzb_gw_fixture_text(text, sizeof text);
    return rzt_write_temp(text, sizeof text, ".txt");
}

static const rzb_sl_spec spec = {
    .n = 6, .seed = 11, .prompt_min = 8, .prompt_max = 16, .out_min = 2, .out_max = 4};

Test(serve_load_session, workloads_repeat_by_seed_within_the_spec) {
    char path[4096], why[512];
    snprintf(path, sizeof path, "%s", model());
    rzb_sl_corpus c;
    cr_assert(rzb_sl_corpus_open(&c, path, text_file(), TEXT_BYTES, why, sizeof why), "%s", why);
    cr_expect_gt(c.n, 1000, "%zu tokens in %d bytes", c.n, TEXT_BYTES);
    rzb_sl_workload a, b, other;
    rzb_sl_spec next = spec;
    next.seed++;
    cr_assert(rzb_sl_workload_make(&spec, &c, &a, why, sizeof why), "%s", why);
    cr_assert(rzb_sl_workload_make(&spec, &c, &b, why, sizeof why), "%s", why);
    cr_assert(rzb_sl_workload_make(&next, &c, &other, why, sizeof why), "%s", why);
    cr_assert_eq(a.n, 6);
    int differ = 0;
    for (int i = 0; i < a.n; i++) {
        cr_expect_str_eq(a.r[i].body, b.r[i].body, "the same seed gives the same request %d", i);
        cr_expect_eq(a.r[i].gap, b.r[i].gap);
        differ += strcmp(a.r[i].body, other.r[i].body) != 0;
        cr_expect(a.r[i].max_tokens >= spec.out_min && a.r[i].max_tokens <= spec.out_max);
        cJSON *j = cJSON_ParseWithLength(a.r[i].body, a.r[i].body_len);
        cr_assert(j, "request %d's body is JSON: %s", i, a.r[i].body);
        /* cut at prompt_min..prompt_max tokens of the text, counted as the server counts the
         * text (BOS included), which may split it otherwise */
        const char *p = cJSON_GetStringValue(cJSON_GetObjectItem(j, "prompt"));
        cr_assert(p);
        rz_tok_ids ids = {0};
        rz_error err;
        cr_assert_eq(rz_tok_tokenize(&c.vocab, p, strlen(p), RZ_TOK_ADD_SPECIAL, &ids, &err),
                     RZ_OK);
        cr_expect_eq(a.r[i].prompt_tokens, (int)ids.n, "request %d", i);
        cr_expect(ids.n > 1 && ids.n <= 2 * (size_t)spec.prompt_max, "%zu tokens", ids.n);
        rz_tok_ids_free(&ids);
        cr_expect(cJSON_IsTrue(cJSON_GetObjectItem(j, "stream")));
        cr_expect_eq(cJSON_GetObjectItem(j, "max_tokens")->valueint, a.r[i].max_tokens);
        cJSON_Delete(j);
    }
    cr_expect_gt(differ, 0, "another seed gives other prompts");
    rzb_sl_workload_free(&a);
    rzb_sl_workload_free(&b);
    rzb_sl_workload_free(&other);
    cr_expect_null(a.r);
    rzb_sl_corpus_close(&c);
    cr_expect_null(c.ids);
    cr_expect_not(rzb_sl_corpus_open(&c, path, "/nonexistent/text.txt", 10, why, sizeof why));
    cr_expect(strstr(why, "/nonexistent/text.txt") != NULL, "%s", why);
}

Test(serve_load_session, endpoints_parse_or_say_what_was_expected) {
    rzb_sl_endpoint ep;
    char why[256];
    cr_assert(rzb_sl_endpoint_parse("http://127.0.0.1:8080", &ep, why, sizeof why), "%s", why);
    cr_expect_str_eq(ep.host, "127.0.0.1");
    cr_expect_eq(ep.port, 8080);
    cr_assert(rzb_sl_endpoint_parse("http://localhost:9/", &ep, why, sizeof why), "%s", why);
    cr_expect_str_eq(ep.host, "127.0.0.1");
    cr_expect_eq(ep.port, 9);
    const char *bad[] = {"https://127.0.0.1:8080", "http://127.0.0.1", "http://127.0.0.1:0",
                         "http://127.0.0.1:65536", "http://127.0.0.1:80/v1"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        cr_expect_not(rzb_sl_endpoint_parse(bad[i], &ep, why, sizeof why), "%s", bad[i]);
        cr_expect(strstr(why, "expected http://HOST:PORT") != NULL, "%s: %s", bad[i], why);
    }
    cr_expect_not(rzb_sl_endpoint_parse("http://example.org:80", &ep, why, sizeof why));
    cr_expect(strstr(why, "numeric IPv4 address or localhost") != NULL, "%s", why);
}

Test(serve_load_session, the_slo_bounds_ttft_and_tpot) {
    const rzb_sl_slo slo = {.ttft_ms = 500, .tpot_ms = 60}, none = {0};
    const rzb_sl_outcome fast = {.ttft_ms = 100, .e2e_ms = 300, .n_out = 5},
                         slow_first = {.ttft_ms = 501, .e2e_ms = 600, .n_out = 5},
                         slow_tokens = {.ttft_ms = 100, .e2e_ms = 400, .n_out = 5},
                         one_token = {.ttft_ms = 499, .e2e_ms = 499, .n_out = 1},
                         failed = {.failure = "connect"};
    cr_expect(rzb_sl_within(&fast, &slo), "TPOT 50 ms");
    cr_expect_not(rzb_sl_within(&slow_first, &slo));
    cr_expect_not(rzb_sl_within(&slow_tokens, &slo), "TPOT 75 ms");
    cr_expect(rzb_sl_within(&one_token, &slo), "TPOT undefined for one token");
    cr_expect_not(rzb_sl_within(&failed, &slo));
    cr_expect(rzb_sl_within(&slow_tokens, &none), "an SLO of 0 is not applied");
}

/* A report of one known row printed in `format` into a string (caller frees). */
static char *printed(const char *format) {
    rzb_sl_report r = {.command = "rzbench serve-load -m m.gguf",
                       .fingerprint_json = "{\"cpu\":\"test\"}",
                       .slo = {.ttft_ms = 1000, .tpot_ms = 50}};
    rzb_sl_row row = {.target = "rz", .rate = 2, .rounds = 1};
    row.s = (rzb_sl_summary){.requests = 4,
                             .ok = 3,
                             .failed = 1,
                             .req_per_s = 1.5,
                             .goodput = 1,
                             .good_fraction = 0.5,
                             .n_failures = 1,
                             .ttft = {.p50 = 12.5, .p90 = 20, .p99 = 30, .n = 3}};
    snprintf(row.s.failure[0], sizeof row.s.failure[0], "http 503");
    row.s.failure_n[0] = 1;
    r.rows = &row;
    r.n_rows = 1;
    rzb_sl_report_note(&r, "workload: %d requests", 4);
    for (int i = 0; i < RZB_SL_MAX_NOTES + 3; i++)
        rzb_sl_report_note(&r, "filler %d", i);
    cr_expect_eq(r.n_notes, RZB_SL_MAX_NOTES, "notes past the last slot are dropped");
    char *text;
    size_t len;
    FILE *f = open_memstream(&text, &len);
    cr_assert(rzb_sl_report_print(&r, format, f), "%s", format);
    fclose(f);
    return text;
}

Test(serve_load_session, reports_print_the_rows_and_notes) {
    char *md = printed("md");
    cr_expect(strstr(md, "| rz | 2 | 1 | 3/4 | 1.500 |") != NULL, "%s", md);
    cr_expect(strstr(md, "| 12.5 / 20.0 / 30.0 |") != NULL, "%s", md);
    cr_expect(strstr(md, "http 503 1") != NULL, "%s", md);
    cr_expect(strstr(md, "- workload: 4 requests\n") != NULL, "%s", md);
    cr_expect(strstr(md, "SLO: TTFT <= 1000 ms, TPOT <= 50 ms") != NULL, "%s", md);
    free(md);
    char *csv = printed("csv");
    cr_expect(strstr(csv, "# workload: 4 requests\n") != NULL, "%s", csv);
    cr_expect(strstr(csv, "\nrz,2,1,4,3,1,") != NULL, "%s", csv);
    cr_expect(strstr(csv, "\"http 503 1\"\n") != NULL, "%s", csv);
    free(csv);
    char *json = printed("json");
    cJSON *j = cJSON_Parse(json);
    cr_assert(j, "%s", json);
    const cJSON *row = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "rows"), 0);
    cr_expect_eq(cJSON_GetObjectItem(row, "ok")->valueint, 3);
    cr_expect_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(row, "failures"), "http 503")->valueint,
                 1);
    cr_expect(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetObjectItem(row, "tpot_ms"), "p50")) ||
                  cJSON_GetObjectItem(cJSON_GetObjectItem(row, "tpot_ms"), "p50")->valuedouble == 0,
              "an empty figure prints as null or 0");
    cr_expect_str_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "environment"), "cpu")->valuestring,
                     "test");
    cJSON_Delete(j);
    free(json);
    rzb_sl_report r = {.command = "x"};
    FILE *f = fopen("/dev/null", "w");
    cr_expect_not(rzb_sl_report_print(&r, "xml", f), "an unknown format is an error");
    fclose(f);
}

Test(serve_load_session, a_session_against_rz_serve, .timeout = 120) {
    char path[4096], why[512];
    snprintf(path, sizeof path, "%s", model());
    const rzb_sl_session_spec ss = {.text = text_file(),
                                    .text_bytes = TEXT_BYTES,
                                    .rz_bin = rzt_bin("rz"),
                                    .server = {.model = path, .slots = 2, .threads = 2, .ctx = 64},
                                    .ready_s = 30};
    rzb_sl_session s;
    cr_assert(rzb_sl_session_open(&s, &ss, why, sizeof why), "%s", why);
    cr_assert_eq(s.n, 1);
    cr_expect_str_eq(s.t[0].label, "rz");
    cr_expect(strstr(s.t[0].command, " serve -m ") != NULL, "%s", s.t[0].command);
    cr_expect(strstr(s.t[0].command, "--parallel 2 -t 1 --ctx 64") != NULL, "%s", s.t[0].command);
    /* the same server reached as a URL target */
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", s.t[0].ep.port);
    cr_assert(rzb_sl_target_url(&s.t[1], url, 5, why, sizeof why), "%s", why);
    s.n = 2;
    cr_expect_str_eq(s.t[1].label, "url");
    rzb_sl_report r = {.command = "test"};
    rzb_sl_session_notes(&s, &r);
    cr_expect_eq(r.n_notes, 2);
    cr_expect(strstr(r.notes[0], "rz: ") == r.notes[0], "%s", r.notes[0]);
    cr_expect(strstr(r.notes[1], "already running at http://127.0.0.1:") != NULL, "%s", r.notes[1]);
    cr_assert(rzb_sl_warm(s.t, 2, &spec, &s.corpus, why, sizeof why), "%s", why);
    const rzb_sl_slo slo = {.ttft_ms = 60000, .tpot_ms = 60000};
    rzb_sl_cell cells[2] = {0};
    cr_assert(rzb_sl_round(s.t, 2, &spec, &s.corpus, 20, 0, &slo, cells, why, sizeof why), "%s",
              why);
    for (int t = 0; t < 2; t++) {
        cr_expect_eq(cells[t].n, spec.n);
        cr_expect_eq(cells[t].rounds, 1);
        rzb_sl_summary sum;
        cr_assert(rzb_sl_cell_summary(&cells[t], &slo, &sum));
        cr_expect_eq(sum.ok, spec.n, "target %d: %s", t, sum.first_detail);
        cr_expect_eq(sum.good, spec.n);
        cr_expect(sum.out_tokens >= spec.n * 1 && sum.out_tokens <= spec.n * spec.out_max,
                  "%lld output tokens", sum.out_tokens);
        cr_expect_gt(sum.ttft.p50, 0);
        cr_expect_eq(cells[t].good[0], spec.n);
        rzb_sl_cell_free(&cells[t]);
        cr_expect_eq(cells[t].n, 0);
    }
    const int port = s.t[0].ep.port;
    s.n = 1; /* the URL target is not ours to stop */
    rzb_sl_session_close(&s);
    cr_expect_eq(s.n, 0);
    rzb_sl_target gone;
    snprintf(url, sizeof url, "http://127.0.0.1:%d", port);
    cr_expect_not(rzb_sl_target_url(&gone, url, 0.2, why, sizeof why), "the server was stopped");
    cr_expect(strstr(why, "not ready within") != NULL, "%s", why);
}

Test(serve_load_session, a_server_that_dies_at_start_is_named, .timeout = 60) {
    char why[1024];
    const rzb_sl_server_spec server = {
        .model = "/nonexistent/model.gguf", .slots = 1, .threads = 1, .ctx = 64};
    rzb_sl_target t;
    cr_expect_not(rzb_sl_target_rz(&t, rzt_bin("rz"), &server, 10, why, sizeof why));
    cr_expect(strstr(why, "rz did not start") != NULL, "%s", why);
    cr_expect(strstr(why, "/nonexistent/model.gguf") != NULL, "the stderr tail: %s", why);
    /* a stand-in llama-server: prints a version, then exits 1 with a message */
    const char script[] =
        "#!/bin/sh\n[ \"$1\" = --version ] && { echo 'version: 1 (test)' >&2; exit 0; }\necho 'error: cannot load model' >&2\nexit 1\n";
    char bin[4096];
    snprintf(bin, sizeof bin, "%s", rzt_write_temp(script, sizeof script - 1, ".sh"));
    cr_assert_eq(chmod(bin, 0755), 0);
    cr_expect_not(rzb_sl_target_llama(&t, bin, &server, 2, why, sizeof why));
    cr_expect(strstr(why, "llama-server did not start") != NULL, "%s", why);
    cr_expect(strstr(why, "cannot load model") != NULL, "%s", why);
    cr_expect_str_eq(t.version, "llama-server version: 1 (test)");
    cr_expect(strstr(t.command, " -np 1 -t 1 -c 64 --port ") != NULL, "%s", t.command);
    rzb_sl_target_stop(&t, NULL, 0);
    unlink(bin);
}
