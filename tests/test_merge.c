/* `rzbench merge` and `rzbench reverify` end to end, on bundles of quick real runs of claim P1
 * against the stand-in baseline of tests/data/fake_scripts (a slow one: SUPPORTED, a fast one:
 * FALSIFIED) and of claim R2; a copy re-packed with another commit or ISA in its manifest. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/bundle.h"
#include "harness/merge.h"
#include "harness/reverify.h"
#include "tests/support/support.h"
#include "tests/support/temp.h"

static char out[1 << 20], err[65536], dir[64];

static int rzbench_n(size_t n, const char *const *args) {
    char *argv[24] = {(char *)rzt_bin("rzbench")};
    for (size_t i = 0; i < n && i < 22 && args[i]; i++)
        argv[i + 1] = (char *)args[i];
    return rzt_run(argv, out, sizeof out, err, sizeof err);
}

#define rzbench(args) rzbench_n(sizeof(args) / sizeof((args)[0]), (args))

static const char *at(const char *name) {
    static char path[4][256];
    static int k;
    k = (k + 1) % 4;
    snprintf(path[k], sizeof path[k], "%s/%s", dir, name);
    return path[k];
}

static void setup(void) {
    snprintf(dir, sizeof dir, "/tmp/rzt-merge-XXXXXX");
    cr_assert(rzt_temp_dir(dir));
    char scripts[4096];
    snprintf(scripts, sizeof scripts, "%s/tests/data/fake_scripts", getenv("RZ_SOURCE_DIR"));
    setenv("RZB_SCRIPTS_DIR", scripts, 1);
}

/* A bundle of claim ID (quick options) at DIR/name, the baseline taking torch_ns per call. */
static void make_bundle(const char *id, const char *torch_ns, const char *name) {
    if (!rzt_shared("models/mnist_784x2.apr")) cr_skip_test("model absent");
    setenv("FAKE_TORCH_NS", torch_ns, 1);
    const char *args[] = {
        "claim",      id,   "--runs", "5",           "--iterations", "200",      "--batch", "10",
        "--max-load", "64", "--out",  at("reports"), "--no-history", "--bundle", at(name)};
    cr_assert_eq(rzbench(args), 0, "%s", err);
}

/* A copy of bundle `from` whose manifest says key is value, re-packed with a new manifest. */
static void repack(const char *from, const char *to, const char *key, const char *value) {
    rzb_bundle b;
    char why[1024];
    cr_assert(rzb_bundle_open(at(from), &b, why, sizeof why), "%s", why);
    cJSON_ReplaceItemInObject(b.manifest, key, cJSON_CreateString(value));
    cr_assert(rzb_bundle_pack(at(to), b.manifest, b.files, b.n_files, why, sizeof why), "%s", why);
    rzb_bundle_close(&b);
}

TestSuite(merge, .init = setup);

Test(merge, help_and_usage_errors) {
    const char *help[][2] = {{"merge", "--help"}, {"reverify", "--help"}};
    for (size_t i = 0; i < 2; i++) {
        cr_expect_eq(rzbench(help[i]), 0, "%s", err);
        cr_expect(strstr(out, "usage: rzbench ") != NULL, "%s", out);
    }
    const char *cases[][3] = {{"merge"},
                              {"merge", "--format", "xml"},
                              {"merge", "--bogus"},
                              {"merge", "a.tar", "--out"},
                              {"reverify"},
                              {"reverify", "a.tar", "b.tar"},
                              {"reverify", "--format", "xml"},
                              {"reverify", "a.tar", "--bogus"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        cr_expect_eq(rzbench(cases[i]), 2, "case %zu: %s", i, err);
}

Test(merge, bundle_write_failure_exits_1_naming_the_file) {
    if (!rzt_shared("models/mnist_784x2.apr")) cr_skip_test("model absent");
    setenv("FAKE_TORCH_NS", "1000000", 1);
    const char *args[] = {"claim",      "P1",    "--runs",      "5",        "--iterations",
                          "50",         "--out", at("reports"), "--bundle", at("no/such/b.tar"),
                          "--max-load", "64",    "--no-history"};
    cr_expect_eq(rzbench(args), 1, "%s", err);
    cr_expect(strstr(err, "no/such/b.tar: cannot create a temporary file beside it") != NULL, "%s",
              err);
}

Test(merge, corrupt_bundle_exits_2_naming_it_and_writes_nothing) {
    FILE *f = fopen(at("junk.tar"), "w");
    fputs("this is not a tar archive, not even close; padding padding padding padding\n", f);
    fclose(f);
    const char *args[] = {"merge", at("junk.tar"), "--out", at("m")};
    cr_expect_eq(rzbench(args), 2, "%s", err);
    cr_expect(strstr(err, "junk.tar: not a tar archive") != NULL, "%s", err);
    cr_expect_neq(access(at("m/merge.json"), F_OK), 0, "nothing written");
    const char *re[] = {"reverify", at("junk.tar"), "--out", at("m")};
    cr_expect_eq(rzbench(re), 2, "%s", err);
}

Test(merge, matrix_of_three_bundles_and_mixed_commits) {
    make_bundle("P1", "1000000", "slow.tar");
    make_bundle("P1", "1", "fast.tar");
    make_bundle("R2", "1", "r2.tar");
    const char *args[] = {"merge", at("slow.tar"), at("fast.tar"), at("r2.tar"), "--out", at("m")};
    cr_assert_eq(rzbench(args), 0, "%s", err);
    cr_expect(strstr(out, "| machine | host | class | bundle | P1 | R2 |") != NULL, "%s", out);
    cr_expect(strstr(out, "| slow.tar | SUPPORTED | - |") != NULL, "%s", out);
    cr_expect(strstr(out, "| fast.tar | FALSIFIED | - |") != NULL, "%s", out);
    cr_expect(strstr(out, "| r2.tar | - | ") != NULL, "%s", out);
    cr_expect(strstr(out, "- P1: SUPPORTED on 1 ") != NULL, "%s", out);
    const char *files[] = {"m/merge.json", "m/merge.csv", "m/merge.md", "m/merge.html"};
    for (size_t i = 0; i < 4; i++)
        cr_expect_eq(access(at(files[i]), R_OK), 0, "%s", files[i]);
    repack("slow.tar", "other.tar", "rz_commit", "0123456789abcdef0123456789abcdef01234567");
    const char *mixed[] = {"merge", at("slow.tar"), at("other.tar"), "--out", at("mixed")};
    cr_expect_eq(rzbench(mixed), 2, "%s", err);
    cr_expect(strstr(err, "refusing to pool different commits") != NULL, "%s", err);
    cr_expect_neq(access(at("mixed/merge.json"), F_OK), 0, "nothing written");
    const char *allowed[] = {"merge",         at("slow.tar"), at("other.tar"),
                             "--allow-mixed", "--out",        at("mixed")};
    cr_expect_eq(rzbench(allowed), 0, "%s", err);
    cr_expect(strstr(out, "MIXED rz commits") != NULL, "%s", out);
}

Test(merge, reverify_reproduces_differs_and_refuses_other_commits) {
    make_bundle("P1", "1000000", "slow.tar");
    const char *same[] = {"reverify", at("slow.tar"), "--out", at("rv")};
    cr_expect_eq(rzbench(same), 0, "%s\n%s", out, err);
    cr_expect(strstr(out, "| P1 | SUPPORTED | ") != NULL, "%s", out);
    cr_expect(strstr(out, "| reproduced |") != NULL, "%s", out);
    cr_expect_eq(access(at("rv/reverify.json"), R_OK), 0);
    setenv("FAKE_TORCH_NS", "1", 1);
    cr_expect_eq(rzbench(same), 1, "%s\n%s", out, err);
    cr_expect(strstr(out, "| differs |") != NULL, "%s", out);
    repack("slow.tar", "class.tar", "isa", "scalar");
    const char *class[] = {"reverify", at("class.tar"), "--out", at("rv")};
    cr_expect_eq(rzbench(class), 0, "%s\n%s", out, err);
    cr_expect(strstr(out, "not comparable (hardware class differs: scalar vs ") != NULL, "%s", out);
    repack("slow.tar", "other.tar", "rz_commit", "0123456789abcdef0123456789abcdef01234567");
    const char *other[] = {"reverify", at("other.tar"), "--out", at("rv")};
    cr_expect_eq(rzbench(other), 2, "%s", err);
    cr_expect(strstr(err, "--allow-mixed") != NULL, "%s", err);
}

/* A bundle packed in-process around a one-claim report: P1 with this verdict and ratio. */
static void fake_bundle(const char *name, const char *host, const char *isa, const char *verdict,
                        double ratio) {
    char report[1024], why[1024];
    snprintf(
        report, sizeof report,
        "{\"report\":\"P1\",\"environment\":{\"cpu\":\"Test CPU\",\"isa_available\":\"avx2\",\"gpu\":\"none\"},\"results\":[{\"id\":\"P1\",\"verdict\":\"%s\",\"comparison\":{\"ratio\":%g,\"ratio_ci_lo\":%g,\"ratio_ci_hi\":%g,\"ci_level\":0.95,\"threshold\":9.6},\"metrics\":[{\"name\":\"STREAM triad bandwidth\",\"value\":30,\"unit\":\"GB/s\"},{\"name\":\"decode, %% of roofline\",\"value\":50,\"unit\":\"%%\"}]}]}",
        verdict, ratio, ratio * 0.9, ratio * 1.1);
    rzb_bundle_file f = {
        .name = "reports/P1.json", .data = (unsigned char *)report, .len = strlen(report)};
    cJSON *m = cJSON_Parse(
        "{\"bundle_version\":1,\"report\":\"P1\",\"machine\":\"0123456789abcdef\",\"rz_commit\":\"c0ffee\",\"gpu\":false}");
    cJSON_AddStringToObject(m, "hostname", host);
    cJSON_AddStringToObject(m, "isa", isa);
    cr_assert(rzb_bundle_pack(at(name), m, &f, 1, why, sizeof why), "%s", why);
    cJSON_Delete(m);
}

static void add(rzb_merge *m, const char *name) {
    rzb_bundle b;
    char why[1024];
    cr_assert(rzb_bundle_open(at(name), &b, why, sizeof why), "%s", why);
    cr_assert(rzb_merge_add(m, &b, why, sizeof why), "%s", why);
    rzb_bundle_close(&b);
}

Test(merge, sentences_groups_and_formats_in_process) {
    fake_bundle("a.tar", "a", "avx512", "SUPPORTED", 20);
    fake_bundle("b.tar", "b", "avx512", "SUPPORTED", 30);
    fake_bundle("c.tar", "c", "avx2", "FALSIFIED", 5);
    rzb_merge m = {.command = "test"};
    add(&m, "a.tar");
    add(&m, "b.tar");
    add(&m, "c.tar");
    char sentence[256], buf[4096];
    rzb_merge_sentence(&m, "P1", sentence, sizeof sentence);
    cr_expect_str_eq(sentence, "P1: SUPPORTED on 2 AVX-512 hosts, FALSIFIED on 1 AVX2 host");
    cr_expect_str_eq(rzb_merge_bandwidth(m.rows[0].out.triad_gbs), "20-50 GB/s");
    cr_expect_str_eq(rzb_merge_bandwidth(NAN), "not measured");
    cr_expect_eq(m.rows[0].out.n_figures, 1);
    const char *formats[] = {"md", "csv", "json"};
    for (size_t i = 0; i < 3; i++) {
        FILE *f = fmemopen(buf, sizeof buf, "w");
        cr_expect(rzb_merge_print(&m, formats[i], f), "%s", formats[i]);
        fclose(f);
        cr_expect(strstr(buf, "c.tar") != NULL, "%s: %s", formats[i], buf);
    }
    FILE *f = fmemopen(buf, sizeof buf, "w");
    cr_expect(rzb_merge_html(&m, f));
    fclose(f);
    cr_expect(strstr(buf, "<td class='FALSIFIED'>FALSIFIED</td>") != NULL, "%s", buf);
    rzb_reverify r = {.bundle = "a.tar",
                      .then_commit = "c0ffee",
                      .now_commit = "c0ffee",
                      .then = &m.rows[0].out,
                      .now = &m.rows[2].out};
    cr_assert(rzb_reverify_judge(&r));
    cr_expect_str_eq(rzb_reverify_status_text(&r, &r.rows[0], buf, sizeof buf),
                     "not comparable (hardware class differs: avx512 vs avx2)");
    r.now = &m.rows[1].out;
    rzb_reverify_free(&r);
    cr_assert(rzb_reverify_judge(&r));
    cr_expect_eq(r.rows[0].status, RZB_REPRODUCED);
    cr_expect_str_eq(rzb_outcome_ratio_text(r.rows[0].now, buf, sizeof buf), "30 [27, 33] vs 9.6");
    char why[1024];
    cr_expect(rzb_reverify_write(&r, at("w"), why, sizeof why), "%s", why);
    cr_expect(rzb_merge_write(&m, at("w"), why, sizeof why), "%s", why);
    const char *written[] = {"w/reverify.md", "w/reverify.csv", "w/reverify.json", "w/merge.md",
                             "w/merge.csv",   "w/merge.json",   "w/merge.html"};
    for (size_t i = 0; i < 7; i++)
        cr_expect_eq(access(at(written[i]), R_OK), 0, "%s", written[i]);
    rzb_reverify_free(&r);
    rzb_merge_free(&m);
}

Test(merge, one_outcome_as_csv_and_json) {
    fake_bundle("a.tar", "a", "avx2", "SUPPORTED", 20);
    rzb_bundle b;
    rzb_outcomes o;
    char why[1024], buf[512];
    cr_assert(rzb_bundle_open(at("a.tar"), &b, why, sizeof why), "%s", why);
    cr_assert(rzb_outcomes_of_bundle(&b, &o, why, sizeof why), "%s", why);
    rzb_bundle_close(&b);
    FILE *f = fmemopen(buf, sizeof buf, "w");
    rzb_csv_text(f, "a,b", false);
    rzb_csv_number(f, NAN, false);
    rzb_outcome_csv(f, &o.claims[0], true);
    fclose(f);
    cr_expect_str_eq(buf, "\"a,b\",,\"SUPPORTED\",20,18,22\n");
    cJSON *j = rzb_outcome_json(&o.claims[0]);
    cr_expect_eq(cJSON_GetObjectItem(j, "threshold")->valuedouble, 9.6);
    cJSON_Delete(j);
    rzb_outcomes_free(&o);
}

Test(merge, outcomes_of_a_report_text) {
    rzb_outcomes o;
    char why[512], buf[64];
    cr_expect_not(rzb_outcomes_read("{\"results\":", 11, "x.json", &o, why, sizeof why));
    cr_expect(strstr(why, "x.json: not JSON: parsing stopped at byte offset") != NULL, "%s", why);
    cr_expect_not(rzb_outcomes_read("{}", 2, "y.json", &o, why, sizeof why));
    cr_expect(strstr(why, "y.json: not a claim or verify report") != NULL, "%s", why);
    const char *text =
        "{\"environment\":{\"isa_available\":\"avx2 avx512f\"},\"results\":[{\"id\":\"R2\",\"verdict\":\"SUPPORTED\",\"comparison\":null}]}";
    cr_assert(rzb_outcomes_read(text, strlen(text), "z.json", &o, why, sizeof why), "%s", why);
    const rzb_outcome *r2 = rzb_outcome_find(&o, "R2");
    cr_assert(r2);
    cr_expect(isnan(r2->ratio) && isnan(o.triad_gbs));
    cr_expect_str_eq(rzb_outcome_class(o.isa, true, buf, sizeof buf), "AVX-512 + GPU");
    cr_expect_null(rzb_outcome_find(&o, "P1"));
    rzb_outcomes_free(&o);
}

/* The text a merge writer puts in a memory stream, NUL terminated; *ok is its return value. */
static char *merge_text(bool (*writer)(const rzb_merge *, FILE *), const rzb_merge *m, bool *ok) {
    char *text;
    size_t len;
    FILE *mem = open_memstream(&text, &len);
    *ok = writer(m, mem);
    fclose(mem);
    return text;
}

Test(merge, each_format_alone_and_stream_errors) {
    fake_bundle("a.tar", "a", "avx512", "SUPPORTED", 20);
    fake_bundle("c.tar", "c", "avx2", "FALSIFIED", 5);
    rzb_merge m = {.command = "test"};
    add(&m, "a.tar");
    add(&m, "c.tar");
    bool ok;
    char *t = merge_text(rzb_merge_md, &m, &ok);
    cr_expect(ok && strstr(t, "# rzbench merge: 2 bundles, 1 claim\n"), "%s", t);
    cr_expect(strstr(t, "- P1: SUPPORTED on 1 AVX-512 host, FALSIFIED on 1 AVX2 host") != NULL);
    free(t);
    t = merge_text(rzb_merge_csv, &m, &ok);
    cr_expect(ok &&
                  !strncmp(t, "machine,hostname,class,bundle,rz_commit,triad_gbs,P1,P1 ratio,", 62),
              "%s", t);
    cr_expect(strstr(t, "\"FALSIFIED\",5,4.5,5.5") != NULL, "%s", t);
    free(t);
    t = merge_text(rzb_merge_json, &m, &ok);
    cJSON *j = cJSON_Parse(t);
    cr_expect(ok && j, "%s", t);
    cJSON_Delete(j);
    free(t);
    FILE *ro = fopen("/dev/null", "r");
    cr_expect_not(rzb_merge_md(&m, ro));
    cr_expect_not(rzb_merge_csv(&m, ro));
    cr_expect_not(rzb_merge_json(&m, ro));
    rzb_reverify r = {.bundle = "a.tar",
                      .then_commit = "c0ffee",
                      .now_commit = "c0ffee",
                      .then = &m.rows[0].out,
                      .now = &m.rows[0].out};
    cr_assert(rzb_reverify_judge(&r));
    cr_expect_not(rzb_reverify_print(&r, "md", ro), "a stream error is reported");
    fclose(ro);
    char *text;
    size_t len;
    FILE *mem = open_memstream(&text, &len);
    cr_expect(rzb_reverify_print(&r, "md", mem));
    cr_expect(rzb_reverify_print(&r, "csv", mem));
    cr_expect_not(rzb_reverify_print(&r, "xml", mem), "an unknown format");
    fclose(mem);
    cr_expect(strstr(text, "| P1 | SUPPORTED | ") && strstr(text, "| reproduced |"), "%s", text);
    free(text);
    rzb_reverify_free(&r);
    rzb_merge_free(&m);
}
