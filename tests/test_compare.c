/* Changes between two runs (harness/compare.h, report_read.h) and `rzbench compare` end to end:
 * each verdict from run medians with known ratios, rates judged the other way round, single
 * counts against the margin, reports read back, and the errors a user meets. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/baseline_store.h"
#include "harness/change_report.h"
#include "harness/compare.h"
#include "harness/report_read.h"
#include "tests/support/support.h"
#include "tests/support/temp.h"

/* n run medians around `center` with a deterministic relative wobble of +-spread. */
static void runs(double *x, int n, double center, double spread, int phase) {
    for (int i = 0; i < n; i++)
        x[i] = center * (1 + spread * sin(1.7 * (i + phase)));
}

static rzb_change judge(double new_center, double spread, bool paired, const char *unit,
                        rzb_compare_row *row) {
    double old_r[12], new_r[12];
    runs(old_r, 12, 100, spread, 0);
    runs(new_r, 12, new_center, spread, paired ? 0 : 3);
    cr_assert(rzb_compare_row_init(row, "w", "time", unit, old_r, 12, new_r, 12, paired));
    rzb_compare_judge(row, RZB_COMPARE_MARGIN, RZB_COMPARE_ALPHA);
    return row->change;
}

Test(compare, each_change_from_known_ratios) {
    rzb_compare_row row;
    cr_expect_eq(judge(110, 0.01, true, "ns", &row), RZB_CHANGE_REGRESSION);
    cr_expect(row.ratio > 1.09 && row.ratio < 1.11 && row.lo > 1.03, "%g [%g]", row.ratio, row.lo);
    cr_expect(!row.pass);
    rzb_compare_row_free(&row);
    cr_expect_eq(judge(90, 0.01, true, "ns", &row), RZB_CHANGE_IMPROVEMENT);
    cr_expect(row.pass);
    rzb_compare_row_free(&row);
    cr_expect_eq(judge(100.5, 0.005, false, "ns", &row), RZB_CHANGE_EQUIVALENT);
    cr_expect(row.lo >= 1 / 1.03 && row.hi <= 1.03, "[%g, %g]", row.lo, row.hi);
    rzb_compare_row_free(&row);
    cr_expect_eq(judge(103, 0.10, false, "ns", &row), RZB_CHANGE_INCONCLUSIVE,
                 "10%% noise cannot show a 3%% margin");
    rzb_compare_row_free(&row);
}

Test(compare, rates_are_judged_the_other_way_round) {
    rzb_compare_row row;
    cr_expect_eq(judge(110, 0.01, true, "tokens/s", &row), RZB_CHANGE_IMPROVEMENT);
    rzb_compare_row_free(&row);
    cr_expect_eq(judge(90, 0.01, true, "req/s", &row), RZB_CHANGE_REGRESSION);
    cr_expect(row.ratio < 1 && row.worse > 1, "%g %g", row.ratio, row.worse);
    rzb_compare_row_free(&row);
}

Test(compare, single_counts_against_the_margin) {
    double o = 1e6, up = 1.015e6, tiny = 1.004e6;
    rzb_compare_row row;
    rzb_compare_row_init(&row, "decode", "instructions", "instructions", &o, 1, &up, 1, true);
    rzb_compare_judge(&row, RZB_INSTRUCTION_MARGIN, RZB_COMPARE_ALPHA);
    cr_expect_eq(row.change, RZB_CHANGE_REGRESSION);
    cr_expect(isnan(row.lo));
    rzb_compare_row_free(&row);
    rzb_compare_row_init(&row, "decode", "instructions", "instructions", &o, 1, &tiny, 1, true);
    rzb_compare_judge(&row, RZB_INSTRUCTION_MARGIN, RZB_COMPARE_ALPHA);
    cr_expect_eq(row.change, RZB_CHANGE_EQUIVALENT);
    rzb_compare_row_free(&row);
    rzb_compare_row_init(&row, "decode", "time", "ns", &o, 1, &up, 1, false);
    rzb_compare_judge(&row, RZB_COMPARE_MARGIN, RZB_COMPARE_ALPHA);
    cr_expect_eq(row.change, RZB_CHANGE_INCONCLUSIVE, "one timed run per side proves nothing");
    rzb_compare_row_free(&row);
}

Test(compare, the_ci_level_matches_the_test) {
    rzb_compare_row row;
    judge(100, 0.02, false, "ns", &row);
    rzb_compare_judge(&row, 0.03, 0.05);
    double w90 = log(row.hi / row.lo);
    rzb_compare_judge(&row, 0.03, 0.025);
    cr_expect(log(row.hi / row.lo) > w90, "a smaller alpha widens the CI");
    rzb_compare_row_free(&row);
}

static const char *write_text(const char *text) {
    return rzt_write_temp(text, strlen(text), ".json");
}

/* A claim report with one series whose run medians are center * (1 + 0.01 k). */
static const char *claim_report(double center) {
    static char buf[1024];
    snprintf(
        buf, sizeof buf,
        "{\"report\":\"P1\",\"environment\":{\"git_commit\":\"abc\",\"cpu\":\"x\"},\"results\":[{\"id\":\"P1\",\"series\":[{\"label\":\"rz predict\",\"unit\":\"ns\",\"run_medians\":[%g,%g,%g,%g,%g,%g]}]}]}",
        center, center * 1.01, center * 0.99, center * 1.005, center * 0.995, center);
    return write_text(buf);
}

Test(compare, reports_read_back_by_series) {
    rzb_read_report r;
    char why[512];
    cr_assert(rzb_report_read(claim_report(50), &r, why, sizeof why), "%s", why);
    cr_expect_eq(r.n, 1);
    cr_expect_str_eq(r.w[0].workload, "P1: rz predict");
    cr_expect_str_eq(r.w[0].metric, "time");
    cr_expect_eq(r.w[0].n, 6);
    cr_expect_str_eq(r.commit, "abc");
    rzb_read_report_free(&r);
}

Test(compare, old_reports_give_medians_from_samples) {
    const char *path = write_text(
        "{\"report\":\"P1\",\"results\":[{\"id\":\"P1\",\"series\":[{\"label\":\"a\",\"unit\":\"ns\",\"samples\":[1,2,3,10,20,30],\"sample_run\":[0,0,0,1,1,1]}]}]}");
    rzb_read_report r;
    char why[512];
    cr_assert(rzb_report_read(path, &r, why, sizeof why), "%s", why);
    cr_assert_eq(r.w[0].n, 2);
    cr_expect_eq(r.w[0].runs[0], 2);
    cr_expect_eq(r.w[0].runs[1], 20);
    rzb_read_report_free(&r);
}

Test(compare, bad_files_say_where_and_what) {
    rzb_read_report r;
    char why[512];
    const char *broken = write_text("{\"report\": \"P1\", \"results\": [1, 2,");
    cr_expect(!rzb_report_read(broken, &r, why, sizeof why));
    cr_expect(strstr(why, broken) && strstr(why, "byte offset"), "%s", why);
    cr_expect(!rzb_report_read(write_text("{\"a\": 1}"), &r, why, sizeof why));
    cr_expect(strstr(why, "not an rzbench report"), "%s", why);
    cr_expect(!rzb_report_read("/nonexistent/x.json", &r, why, sizeof why));
    cr_expect(strstr(why, "/nonexistent/x.json: cannot open"), "%s", why);
    char path[512];
    cr_expect(
        !rzb_report_resolve("nosuchbaseline", "/tmp/rzt-none", path, sizeof path, why, sizeof why));
    cr_expect(strstr(why, "--save-baseline"), "%s", why);
}

Test(compare, baseline_names_are_checked_and_saved_atomically) {
    char why[512];
    cr_expect(!rzb_baseline_name_ok("../x", why, sizeof why));
    cr_expect(!rzb_baseline_name_ok("", why, sizeof why));
    cr_expect(rzb_baseline_name_ok("main-2026.12_a", why, sizeof why));
    const char *src = claim_report(10);
    cr_assert(rzb_baseline_save(src, "/tmp/rzt-baselines/deep", "b1", why, sizeof why), "%s", why);
    char path[512];
    cr_assert(
        rzb_report_resolve("b1", "/tmp/rzt-baselines/deep", path, sizeof path, why, sizeof why));
    cr_expect_str_eq(path, "/tmp/rzt-baselines/deep/b1.json");
}

static char out[1 << 16], err[1 << 14];

Test(compare, cli_table_files_and_exit_codes) {
    char old_path[512];
    snprintf(old_path, sizeof old_path, "%s", claim_report(100));
    const char *new_path = claim_report(120);
    char *argv[] = {(char *)rzt_bin("rzbench"),
                    "compare",
                    old_path,
                    (char *)new_path,
                    "--out",
                    "/tmp/rzt-compare",
                    "--no-history",
                    NULL,
                    NULL};
    cr_expect_eq(rzt_run(argv, out, sizeof out, err, sizeof err), 0, "%s", err);
    cr_expect(strstr(out, "| P1: rz predict | time | ns |") != NULL, "%s", out);
    cr_expect(strstr(out, "**regression**") != NULL, "%s", out);
    cr_expect(strstr(out, "+20.0%") != NULL, "%s", out);
    cr_expect_eq(access("/tmp/rzt-compare/compare.html", R_OK), 0);
    cr_expect_eq(access("/tmp/rzt-compare/compare.csv", R_OK), 0);
    argv[7] = "--strict";
    cr_expect_eq(rzt_run(argv, out, sizeof out, err, sizeof err), 1, "--strict: regression");
    char *missing[] = {(char *)rzt_bin("rzbench"), "compare", old_path, "nope", NULL};
    cr_expect_eq(rzt_run(missing, out, sizeof out, err, sizeof err), 1);
    cr_expect(strstr(err, "'nope' is neither a report file nor a saved baseline"), "%s", err);
    char *usage[] = {(char *)rzt_bin("rzbench"), "compare", old_path, NULL};
    cr_expect_eq(rzt_run(usage, out, sizeof out, err, sizeof err), 2);
    char *bad[] = {
        (char *)rzt_bin("rzbench"), "compare", "--margin", "-3%", old_path, old_path, NULL};
    cr_expect_eq(rzt_run(bad, out, sizeof out, err, sizeof err), 2);
    char *help[] = {(char *)rzt_bin("rzbench"), "compare", "--help", NULL};
    cr_expect_eq(rzt_run(help, out, sizeof out, err, sizeof err), 0);
    cr_expect(strstr(out, "usage: rzbench compare OLD NEW") != NULL);
}

Test(compare, cli_json_output_reads_back) {
    char old_path[512];
    snprintf(old_path, sizeof old_path, "%s", claim_report(100));
    char *argv[] = {
        (char *)rzt_bin("rzbench"), "compare",      old_path, old_path, "--format", "json", "--out",
        "/tmp/rzt-compare2",        "--no-history", NULL};
    cr_expect_eq(rzt_run(argv, out, sizeof out, err, sizeof err), 0, "%s", err);
    cr_expect(strstr(out, "\"change\":\t\"equivalent\"") != NULL, "%s", out);
    rzb_read_report r;
    char why[512];
    cr_assert(rzb_report_read("/tmp/rzt-compare2/compare.json", &r, why, sizeof why), "%s", why);
    cr_expect_eq(r.n, 1);
    cr_expect_eq(r.w[0].n, 6);
    rzb_read_report_free(&r);
}

Test(gate, usage_errors_and_unknown_revisions) {
    char *none[] = {(char *)rzt_bin("rzbench"), "gate", NULL};
    cr_expect_eq(rzt_run(none, out, sizeof out, err, sizeof err), 2);
    cr_expect(strstr(err, "expected --against REV"), "%s", err);
    char *bad_rev[] = {(char *)rzt_bin("rzbench"), "gate", "--against", "no-such-rev-xyz", NULL};
    cr_expect_eq(rzt_run(bad_rev, out, sizeof out, err, sizeof err), 2);
    cr_expect(strstr(err, "git does not know the revision 'no-such-rev-xyz'"), "%s", err);
    char *bad_metric[] = {
        (char *)rzt_bin("rzbench"), "gate", "--against", "HEAD", "--metric", "cycles", NULL};
    cr_expect_eq(rzt_run(bad_metric, out, sizeof out, err, sizeof err), 2);
    cr_expect(strstr(err, "expected one of time, instructions"), "%s", err);
    char *help[] = {(char *)rzt_bin("rzbench"), "gate", "--help", NULL};
    cr_expect_eq(rzt_run(help, out, sizeof out, err, sizeof err), 0);
    cr_expect(strstr(out, "usage: rzbench gate --against REV") != NULL);
}

Test(compare, one_bad_run_does_not_decide_a_paired_row) {
    double old_r[20], new_r[20];
    runs(old_r, 20, 100, 0.005, 0);
    runs(new_r, 20, 100, 0.005, 0);
    new_r[7] = 160;
    rzb_compare_row row;
    rzb_compare_row_init(&row, "serve", "time", "ns", old_r, 20, new_r, 20, true);
    rzb_compare_judge(&row, RZB_COMPARE_MARGIN, RZB_COMPARE_ALPHA);
    cr_expect_eq(row.change, RZB_CHANGE_EQUIVALENT, "[%g, %g]", row.lo, row.hi);
    cr_expect(row.ratio > 0.999 && row.ratio < 1.001, "%g", row.ratio);
    rzb_compare_row_free(&row);
}

Test(compare, change_names) {
    cr_expect_str_eq(rzb_change_name(RZB_CHANGE_REGRESSION), "regression");
    cr_expect_str_eq(rzb_change_name(RZB_CHANGE_IMPROVEMENT), "improvement");
    cr_expect_str_eq(rzb_change_name(RZB_CHANGE_EQUIVALENT), "equivalent");
    cr_expect_str_eq(rzb_change_name(RZB_CHANGE_INCONCLUSIVE), "inconclusive");
}

/* The text of one change-report format in a memory stream; *ok is what printing returned. */
static char *change_text(const rzb_change_report *rep, const char *format, bool *ok) {
    char *text;
    size_t len;
    FILE *mem = open_memstream(&text, &len);
    *ok = rzb_change_report_print(rep, format, mem);
    fclose(mem);
    return text;
}

Test(compare, change_report_formats_notes_and_files) {
    rzb_compare_row row;
    judge(110, 0.01, true, "ns", &row);
    rzb_change_report rep = {.kind = "compare",
                             .old_label = "old, \"quoted\"",
                             .new_label = "<new>",
                             .command = "rzbench compare a b",
                             .rows = &row,
                             .n_rows = 1};
    for (int i = 0; i < RZB_CHANGE_NOTES + 3; i++)
        rzb_change_note(&rep, "note %d", i);
    cr_expect_eq(rep.n_notes, RZB_CHANGE_NOTES, "notes beyond the room are dropped");
    cr_expect_str_eq(rep.notes[2], "note 2");
    bool ok;
    char *t = change_text(&rep, "md", &ok);
    cr_expect(ok && strstr(t, "compare: OLD = old, \"quoted\", NEW = <new>"), "%s", t);
    cr_expect(strstr(t, "| w | time | ns |") && strstr(t, "**regression**"), "%s", t);
    free(t);
    t = change_text(&rep, "csv", &ok);
    cr_expect(ok && strstr(t, "\"regression\",\"no\",\"old, \"\"quoted\"\"\",\"<new>\""), "%s", t);
    free(t);
    t = change_text(&rep, "xml", &ok);
    cr_expect_not(ok, "an unknown format");
    free(t);
    char *text;
    size_t len;
    FILE *mem = open_memstream(&text, &len);
    cr_expect(rzb_change_report_json(&rep, mem));
    fclose(mem);
    cJSON *j = cJSON_Parse(text);
    cr_assert_not_null(j, "%s", text);
    cr_expect(strstr(text, "\"change\":\t\"regression\"") != NULL, "%s", text);
    cJSON_Delete(j);
    free(text);
    mem = open_memstream(&text, &len);
    cr_expect(rzb_change_report_html(&rep, mem));
    fclose(mem);
    cr_expect(strstr(text, "<svg") && strstr(text, "&lt;new&gt;") && !strstr(text, "<new>"));
    free(text);
    FILE *ro = fopen("/dev/null", "r");
    cr_expect_not(rzb_change_report_json(&rep, ro));
    cr_expect_not(rzb_change_report_html(&rep, ro));
    fclose(ro);
    char dir[] = "/tmp/rzt-change-XXXXXX", why[512], path[128];
    cr_assert_not_null(rzt_temp_dir(dir));
    snprintf(path, sizeof path, "%s/out", dir);
    cr_expect(rzb_change_report_write(&rep, path, "cmp", why, sizeof why), "%s", why);
    const char *suffixes[] = {"md", "csv", "json", "html"};
    for (int i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "%s/out/cmp.%s", dir, suffixes[i]);
        cr_expect_eq(access(path, R_OK), 0, "%s", path);
    }
    snprintf(path, sizeof path, "%s/out/cmp.md/x", dir);
    cr_expect_not(rzb_change_report_write(&rep, path, "cmp", why, sizeof why));
    cr_expect(strstr(why, "cmp.md/x: cannot create the directory: Not a directory"), "%s", why);
    rzb_compare_row_free(&row);
}
