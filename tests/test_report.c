/* Report writers: every file parses back (libcsv, cJSON), and replacement is atomic. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <csv.h>
#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/core/file.h"
#include "harness/atomic_file.h"
#include "harness/claim.h"
#include "harness/html_escape.h"
#include "harness/json_number.h"
#include "harness/json_print.h"
#include "harness/report.h"
#include "tests/support/temp.h"

static const rzb_claim fake = {
    .id = "X1",
    .title = "fake, with \"quotes\", commas and <tags>",
    .statement = "s",
    .source = "src",
    .workload = "w",
    .baseline = "b",
    .threshold = "t",
    .test = "test",
    .verdict_rule = "rule",
};

static rzb_result results[2];
static rzb_fingerprint fp;
static char dir[64];

static void setup(void) {
    memset(results, 0, sizeof results);
    rzb_result *r = &results[0];
    r->claim = &fake;
    rzb_series *f = rzb_result_series(r, "fast, one", "ns", "per call");
    rzb_series *s = rzb_result_series(r, "slow", "ns", "per call");
    for (int i = 0; i < 300; i++) {
        rzb_series_push(f, i / 100, 10 + i % 7);
        rzb_series_push(s, i / 100, 100 + i % 11);
    }
    rzb_result_compare(r, f, s, 5, 0.001, "speedup");
    rzb_result_judge(r);
    rzb_result_metric(r, "timer overhead", 20, "ns");
    rzb_result_note(r, "synthetic data for a test");
    results[1].claim = &fake;
    rzb_result_verdict(&results[1], RZB_SKIPPED, "baseline missing: no torch");
    memset(&fp, 0, sizeof fp);
    fp.n = 1;
    strcpy(fp.key[0], "cpu");
    strcpy(fp.value[0], "test cpu");
    strcpy(dir, "/tmp/rzt-report-XXXXXX");
    cr_assert_not_null(rzt_temp_dir(dir));
}

static void teardown(void) {
    rzb_result_free(&results[0]);
}

static const rzb_report rep = {"unit", "rzbench test", &fp, results, 2};

typedef struct {
    size_t fields, rows;
    char first_field[64];
} csv_count;

static void on_field(void *s, size_t len, void *data) {
    csv_count *c = data;
    if (c->rows == 0 && c->fields == 0)
        snprintf(c->first_field, sizeof c->first_field, "%.*s", (int)len, (char *)s);
    c->fields++;
}

static void on_row(int ch, void *data) {
    (void)ch;
    ((csv_count *)data)->rows++;
}

static csv_count parse_csv(const char *path) {
    unsigned char *buf;
    size_t len;
    rz_error err;
    cr_assert_eq(rz_file_read_all(path, &buf, &len, &err), RZ_OK, "%s", err.msg);
    struct csv_parser p;
    csv_init(&p, CSV_STRICT);
    csv_count c = {0};
    cr_expect_eq(csv_parse(&p, buf, len, on_field, on_row, &c), len, "%s: %s", path,
                 csv_strerror(csv_error(&p)));
    cr_expect_eq(csv_fini(&p, on_field, on_row, &c), 0);
    csv_free(&p);
    free(buf);
    return c;
}

Test(report, writes_five_parsable_files, .init = setup, .fini = teardown) {
    char err[256], path[128];
    cr_assert(rzb_report_write(&rep, dir, err, sizeof err), "%s", err);
    snprintf(path, sizeof path, "%s/unit.samples.csv", dir);
    csv_count c = parse_csv(path);
    cr_expect_eq(c.rows, 601, "header + 600 samples");
    cr_expect_eq(c.fields, 601 * 7);
    cr_expect_str_eq(c.first_field, "claim");
    snprintf(path, sizeof path, "%s/unit.summary.csv", dir);
    c = parse_csv(path);
    cr_expect_eq(c.rows, 3);
    cr_expect_eq(c.fields, 3 * 20);
    snprintf(path, sizeof path, "%s/unit.verdicts.csv", dir);
    c = parse_csv(path);
    cr_expect_eq(c.rows, 3);
    cr_expect_eq(c.fields, 3 * 17);

    unsigned char *buf;
    size_t len;
    rz_error e;
    snprintf(path, sizeof path, "%s/unit.json", dir);
    cr_assert_eq(rz_file_read_all(path, &buf, &len, &e), RZ_OK);
    cJSON *root = cJSON_ParseWithLength((char *)buf, len);
    cr_assert_not_null(root);
    cJSON *r0 = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "results"), 0);
    cr_expect_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(r0, "verdict")), "SUPPORTED");
    cJSON *s0 = cJSON_GetArrayItem(cJSON_GetObjectItem(r0, "series"), 0);
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(s0, "samples")), 300);
    cJSON *cmp = cJSON_GetObjectItem(r0, "comparison");
    cr_expect(cJSON_IsNull(cJSON_GetObjectItem(cmp, "p_holm")), "NaN is written as null");
    cJSON_Delete(root);
    free(buf);

    snprintf(path, sizeof path, "%s/unit.html", dir);
    cr_assert_eq(rz_file_read_all(path, &buf, &len, &e), RZ_OK);
    buf[len - 1] = 0;
    cr_expect(strstr((char *)buf, "<svg") != NULL, "the page has a plot");
    cr_expect(strstr((char *)buf, "SKIPPED") != NULL);
    cr_expect(strstr((char *)buf, "<tags>") == NULL, "text is escaped");
    free(buf);
}

Test(report, no_temporary_files_left, .init = setup, .fini = teardown) {
    char err[256];
    cr_assert(rzb_report_write(&rep, dir, err, sizeof err), "%s", err);
    DIR *d = opendir(dir);
    struct dirent *e;
    int files = 0;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.') {
            files++;
            cr_expect(strstr(e->d_name, ".tmp-") == NULL, "left behind: %s", e->d_name);
        }
    closedir(d);
    cr_expect_eq(files, 5);
}

Test(report, failed_write_keeps_previous_file, .init = setup, .fini = teardown) {
    char path[128];
    snprintf(path, sizeof path, "%s/kept.txt", dir);
    FILE *f = fopen(path, "w");
    fputs("previous report\n", f);
    fclose(f);
    rzb_atomic_file a;
    cr_assert(rzb_atomic_open(&a, path));
    fputs("half a new rep", a.f);
    cr_expect_not(rzb_atomic_close(&a, false), "an interrupted write does not replace");
    unsigned char *buf;
    size_t len;
    rz_error e;
    cr_assert_eq(rz_file_read_all(path, &buf, &len, &e), RZ_OK);
    cr_expect_eq(len, 16);
    cr_expect(memcmp(buf, "previous report\n", 16) == 0);
    free(buf);
    cr_expect_neq(access(a.tmp, F_OK), 0, "temporary file removed");
}

Test(report, unwritable_directory_is_a_clear_error, .init = setup, .fini = teardown) {
    char err[256], bad[128];
    snprintf(bad, sizeof bad, "%s/file", dir);
    FILE *f = fopen(bad, "w");
    fclose(f);
    snprintf(bad, sizeof bad, "%s/file/sub", dir);
    cr_expect_not(rzb_report_write(&rep, bad, err, sizeof err));
    cr_expect(strstr(err, "file/sub: cannot create the directory: Not a directory") != NULL, "%s",
              err);
}

Test(report, print_formats, .init = setup, .fini = teardown) {
    char *text;
    size_t len;
    FILE *mem = open_memstream(&text, &len);
    cr_expect(rzb_report_print(&rep, "md", mem));
    cr_expect(rzb_report_print(&rep, "csv", mem));
    cr_expect(rzb_report_print(&rep, "json", mem));
    cr_expect_not(rzb_report_print(&rep, "xml", mem));
    fclose(mem);
    cr_expect(strstr(text, "| X1 |") != NULL);
    cr_expect(strstr(text, "**SUPPORTED**") != NULL);
    cr_expect(strstr(text, "\"samples\"") == NULL, "printed JSON is brief");
    free(text);
}

/* What one writer puts in a memory stream, NUL terminated; *ok is its return value. */
static char *written(bool (*writer)(const rzb_report *, FILE *), bool *ok) {
    char *text;
    size_t len;
    FILE *mem = open_memstream(&text, &len);
    *ok = writer(&rep, mem);
    fclose(mem);
    return text;
}

Test(report, each_writer_alone, .init = setup, .fini = teardown) {
    bool ok;
    char *t = written(rzb_report_samples_csv, &ok);
    cr_expect(ok && !strncmp(t, "\"claim\",", 8) &&
                  strstr(t, "\"X1\",\"fast, one\",\"per call\",0,0,10,"),
              "%.200s", t);
    free(t);
    t = written(rzb_report_summary_csv, &ok);
    cr_expect(ok && !strncmp(t, "\"claim\",", 8) &&
                  strstr(t, "\"X1\",\"slow\",\"per call\",\"ns\",300,"),
              "%.200s", t);
    free(t);
    t = written(rzb_report_verdicts_csv, &ok);
    cr_expect(ok && strstr(t, "SKIPPED") && strstr(t, "baseline missing: no torch"), "%s", t);
    free(t);
    t = written(rzb_report_json, &ok);
    cr_expect(ok && strstr(t, "\"samples\""), "the full JSON keeps every sample");
    free(t);
    t = written(rzb_report_json_brief, &ok);
    cr_expect(ok && strstr(t, "\"verdict\"") && !strstr(t, "\"samples\""));
    free(t);
    t = written(rzb_report_html, &ok);
    cr_expect(ok && strstr(t, "&lt;tags&gt;") && !strstr(t, "<tags>"));
    free(t);
    t = written(rzb_report_md, &ok);
    cr_expect(ok && strstr(t, "- timer overhead: 20 ns") && strstr(t, "- note: synthetic data"),
              "%s", t);
    free(t);
}

Test(report, writers_report_a_stream_error, .init = setup, .fini = teardown) {
    FILE *ro = fopen("/dev/null", "r");
    cr_assert_not_null(ro);
    cr_expect_not(rzb_report_samples_csv(&rep, ro));
    cr_expect_not(rzb_report_summary_csv(&rep, ro));
    cr_expect_not(rzb_report_verdicts_csv(&rep, ro));
    cr_expect_not(rzb_report_json(&rep, ro));
    cr_expect_not(rzb_report_json_brief(&rep, ro));
    cr_expect_not(rzb_report_html(&rep, ro));
    cr_expect_not(rzb_report_md(&rep, ro));
    fclose(ro);
}

Test(report, atomic_steps_say_what_failed, .init = setup, .fini = teardown) {
    char err[512], path[128];
    snprintf(path, sizeof path, "%s/a/b/c", dir);
    cr_expect(rzb_make_dirs(path, err, sizeof err), "%s", err);
    cr_expect(rzb_make_dirs(path, err, sizeof err), "an existing folder is fine");
    struct stat st;
    cr_expect(stat(path, &st) == 0 && S_ISDIR(st.st_mode));
    snprintf(path, sizeof path, "%s/a/b/c/x.txt", dir);
    rzb_atomic_file a;
    cr_assert(rzb_atomic_open_said(&a, path, err, sizeof err), "%s", err);
    fputs("new", a.f);
    cr_expect(rzb_atomic_close_said(&a, true, err, sizeof err), "%s", err);
    cr_expect_eq(access(path, R_OK), 0);
    cr_assert(rzb_atomic_open_said(&a, path, err, sizeof err), "%s", err);
    cr_expect_not(rzb_atomic_close_said(&a, false, err, sizeof err));
    char want[256];
    snprintf(want, sizeof want, "%s: write failed (", path);
    cr_expect(strstr(err, want) && strstr(err, "); the previous file is untouched"), "%s", err);
    snprintf(path, sizeof path, "%s/no/such/x.txt", dir);
    cr_expect_not(rzb_atomic_open_said(&a, path, err, sizeof err));
    snprintf(want, sizeof want, "%s: cannot create a temporary file beside it: No such file", path);
    cr_expect(strstr(err, want) != NULL, "%s", err);
    snprintf(path, sizeof path, "%s/a/b/c/x.txt/d", dir);
    cr_expect_not(rzb_make_dirs(path, err, sizeof err));
    cr_expect(strstr(err, "x.txt/d: cannot create the directory: Not a directory"), "%s", err);
}

Test(report, html_escape_known_answer) {
    char buf[128];
    FILE *f = fmemopen(buf, sizeof buf, "w");
    rzb_html_escape("a<b> & \"c\" 'd'", f);
    fclose(f);
    cr_expect_str_eq(buf, "a&lt;b&gt; &amp; &quot;c&quot; 'd'");
}

Test(report, json_numbers_that_are_not_finite_are_null) {
    cJSON *o = cJSON_CreateObject();
    rzb_json_number(o, "ratio", 1.5);
    rzb_json_number(o, "lo", NAN);
    rzb_json_number(o, "hi", INFINITY);
    char *text = cJSON_PrintUnformatted(o);
    cr_expect_str_eq(text, "{\"ratio\":1.5,\"lo\":null,\"hi\":null}");
    free(text);
    cJSON_Delete(o);
}

Test(report, json_documents_print_indented_with_a_newline) {
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddNumberToObject(doc, "runs", 5);
    char *text;
    size_t len;
    FILE *f = open_memstream(&text, &len);
    cr_assert(rzb_json_print(doc, f));
    fclose(f);
    cr_expect_str_eq(text, "{\n\t\"runs\":\t5\n}\n");
    free(text);
    FILE *ro = fopen("/dev/null", "r");
    cr_assert_not_null(ro);
    cr_expect_not(rzb_json_print(cJSON_CreateArray(), ro), "a stream that cannot be written");
    fclose(ro);
}
