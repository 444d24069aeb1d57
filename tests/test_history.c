/* History: appends read back as trends, a report turned into entries, refusals that name the path
 * (corrupt, foreign, missing, unwritable), a failed append that leaves the database as it was,
 * and `rzbench history` end to end: help, usage errors, unknown workload, tables, the page. */
#include <criterion/criterion.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "harness/claim.h"
#include "harness/history.h"
#include "harness/history_db.h"
#include "harness/history_html.h"
#include "harness/history_plot.h"
#include "harness/history_print.h"
#include "harness/history_read.h"
#include "tests/support/support.h"
#include "tests/support/temp.h"

enum { PER_RUN = 5 };

static const char FP_JSON[] = "{\"cpu\":\"Test CPU 3000\",\"isa_available\":\"avx2 fma\"}";

/* A fresh folder under /tmp and a path in it. */
static const char *temp_path(const char *name) {
    static char path[512];
    char dir[] = "/tmp/rzt-history-XXXXXX";
    cr_assert(rzt_temp_dir(dir) != NULL);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return path;
}

/* Five run medians around `level`, spread by +-1%, in a fixed order. */
static void medians(double level, double out[PER_RUN]) {
    static const double spread[PER_RUN] = {-0.01, 0.005, 0, -0.005, 0.01};
    for (int i = 0; i < PER_RUN; i++)
        out[i] = level * (1 + spread[i]);
}

/* Appends one gate-like run: `workload` at `level` ns on machine m, commit c, day d of January. */
static bool append_one(const char *db, const char *workload, const char *commit, int day,
                       const char *machine, double level, char *why, size_t cap) {
    double m[PER_RUN];
    medians(level, m);
    char date[32];
    snprintf(date, sizeof date, "2025-01-%02dT12:00:00Z", day);
    rzb_history_entry e = {.workload = workload,
                           .metric = "time",
                           .unit = "ns",
                           .verdict = "",
                           .ratio = NAN,
                           .lo = NAN,
                           .hi = NAN,
                           .medians = m,
                           .n_medians = PER_RUN};
    rzb_history_run run = {.kind = "gate",
                           .commit = commit,
                           .machine = machine,
                           .fingerprint_json = FP_JSON,
                           .command = "rzbench gate --against HEAD~1",
                           .date_utc = date,
                           .entries = &e,
                           .n_entries = 1};
    return rzb_history_append(db, &run, why, cap);
}

/* Eight commits of "decode", a +10% step at the fifth, on one machine. */
static void fill_with_step(const char *db) {
    char why[1024], commit[64];
    for (int c = 0; c < 8; c++) {
        snprintf(commit, sizeof commit, "%07x0000000000000000000000000000000000", 0xa11c000 + c);
        cr_assert(append_one(db, "decode", commit, c + 1, "m1", c < 4 ? 100 : 110, why, sizeof why),
                  "%s", why);
    }
}

static long long count(const char *db, const char *sql) {
    sqlite3 *h;
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_open(db, &h), SQLITE_OK);
    cr_assert_eq(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK, "%s", sqlite3_errmsg(h));
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    long long n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(h);
    return n;
}

Test(history, append_and_read_back) {
    const char *db = temp_path("reports/history.sqlite");
    char why[1024];
    cr_assert(
        append_one(db, "decode", "0123456789abcdef (dirty tree)", 1, "m1", 100, why, sizeof why),
        "%s", why);
    rzb_history h;
    cr_assert(rzb_history_read(db, NULL, NULL, &h, why, sizeof why), "%s", why);
    cr_assert_eq(h.n, 1);
    cr_expect_eq(h.runs, 1);
    const rzb_trend *t = &h.trends[0];
    cr_expect_str_eq(t->workload, "decode");
    cr_expect_str_eq(t->metric, "time");
    cr_expect_str_eq(t->machine, "m1");
    cr_expect_str_eq(t->machine_text, "Test CPU 3000; avx2 fma");
    cr_assert_eq(t->n_points, 1);
    cr_expect_str_eq(t->points[0].short_hash, "0123456+");
    cr_expect_str_eq(t->points[0].date, "2025-01-01T12:00:00Z");
    cr_expect_eq(t->points[0].n, PER_RUN);
    cr_expect_float_eq(t->points[0].gmean, 100, 0.01);
    cr_expect(t->points[0].lo < 100 && 100 < t->points[0].hi);
    cr_expect(isnan(t->points[0].change));
    rzb_history_free(&h);
}

Test(history, two_appends_order_commits_in_time) {
    const char *db = temp_path("history.sqlite");
    char why[1024];
    cr_assert(append_one(db, "decode", "bbbbbbb", 2, "m1", 110, why, sizeof why), "%s", why);
    cr_assert(append_one(db, "decode", "aaaaaaa", 1, "m1", 100, why, sizeof why), "%s", why);
    cr_expect_eq(count(db, "SELECT count(*) FROM runs"), 2);
    cr_expect_eq(count(db, "SELECT count(*) FROM medians"), 2 * PER_RUN);
    rzb_history h;
    cr_assert(rzb_history_read(db, "decode", NULL, &h, why, sizeof why), "%s", why);
    cr_assert_eq(h.n, 1);
    cr_assert_eq(h.trends[0].n_points, 2);
    cr_expect_str_eq(h.trends[0].points[0].commit, "aaaaaaa", "the earlier date comes first");
    cr_expect_float_eq(h.trends[0].points[1].change, 0.10, 1e-3);
    rzb_history_free(&h);
}

Test(history, trend_marks_the_step) {
    const char *db = temp_path("history.sqlite");
    fill_with_step(db);
    rzb_history h;
    char why[1024];
    cr_assert(rzb_history_read(db, NULL, NULL, &h, why, sizeof why), "%s", why);
    cr_assert_eq(h.trends[0].n_steps, 1);
    const rzb_changepoint *c = &h.trends[0].steps[0];
    cr_expect_eq(c->at, 4);
    cr_expect(c->lo < 0.10 && 0.10 < c->hi, "[%g, %g]", c->lo, c->hi);
    cr_expect_eq(h.trends[0].points[4].step, 0);
    cr_expect_eq(h.trends[0].points[3].step, -1);
    rzb_history_free(&h);
}

Test(history, corrupt_file_gives_path_and_sqlite_message) {
    char garbage[4096];
    for (size_t i = 0; i < sizeof garbage; i++)
        garbage[i] = (char)(i * 131 + 7);
    const char *path = rzt_write_temp(garbage, sizeof garbage, ".sqlite");
    cr_assert(path);
    char db[256], why[1024];
    snprintf(db, sizeof db, "%s", path);
    cr_expect(!append_one(db, "decode", "aaaaaaa", 1, "m1", 100, why, sizeof why));
    cr_expect(strstr(why, db) && strstr(why, "not a database"), "%s", why);
    rzb_history h;
    cr_expect(!rzb_history_read(db, NULL, NULL, &h, why, sizeof why));
    cr_expect(strstr(why, db) && strstr(why, "not a database"), "%s", why);
    remove(db);
}

Test(history, foreign_database_is_refused_and_left_alone) {
    const char *db = temp_path("other.sqlite");
    sqlite3 *h;
    cr_assert_eq(sqlite3_open(db, &h), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(h, "CREATE TABLE t(x); INSERT INTO t VALUES(1)", 0, 0, 0), SQLITE_OK);
    sqlite3_close(h);
    char why[1024];
    cr_expect(!append_one(db, "decode", "aaaaaaa", 1, "m1", 100, why, sizeof why));
    cr_expect(strstr(why, db) && strstr(why, "not an rzbench history database"), "%s", why);
    cr_expect_eq(count(db, "SELECT count(*) FROM sqlite_master"), 1);
}

Test(history, missing_database_on_read) {
    const char *db = temp_path("absent.sqlite");
    rzb_history h;
    char why[1024];
    cr_expect(!rzb_history_read(db, NULL, NULL, &h, why, sizeof why));
    cr_expect(strstr(why, db) && strstr(why, "unable to open"), "%s", why);
}

/* A regular file where a folder should be: no user, root included, can create the database. */
Test(history, non_writable_directory) {
    const char *file = rzt_write_temp("x", 1, ".file");
    cr_assert(file);
    char db[256], why[1024];
    snprintf(db, sizeof db, "%s/reports/history.sqlite", file);
    cr_expect(!append_one(db, "decode", "aaaaaaa", 1, "m1", 100, why, sizeof why));
    cr_expect(strstr(why, db) && strstr(why, "cannot create the folder"), "%s", why);
    remove(file);
}

Test(history, failed_append_leaves_database_intact) {
    const char *db = temp_path("history.sqlite");
    char why[1024];
    cr_assert(append_one(db, "decode", "aaaaaaa", 1, "m1", 100, why, sizeof why), "%s", why);
    double m[PER_RUN];
    medians(100, m);
    rzb_history_entry e[2] = {
        {.workload = "prefill",
         .metric = "time",
         .unit = "ns",
         .verdict = "",
         .medians = m,
         .n_medians = PER_RUN},
        {.workload = NULL, .metric = "time", .unit = "ns", .verdict = ""},
    };
    rzb_history_run run = {.kind = "gate",
                           .commit = "bbbbbbb",
                           .machine = "m1",
                           .fingerprint_json = FP_JSON,
                           .command = "rzbench gate",
                           .date_utc = "2025-01-02T00:00:00Z",
                           .entries = e,
                           .n_entries = 2};
    cr_expect(!rzb_history_append(db, &run, why, sizeof why));
    cr_expect(strstr(why, db) && strstr(why, "NOT NULL"), "%s", why);
    cr_expect_eq(count(db, "SELECT count(*) FROM runs"), 1);
    cr_expect_eq(count(db, "SELECT count(*) FROM entries"), 1);
    cr_expect_eq(count(db, "SELECT count(*) FROM medians"), PER_RUN);
    cr_expect(append_one(db, "decode", "ccccccc", 3, "m1", 100, why, sizeof why), "%s", why);
}

static const rzb_claim test_claim = {.id = "T1", .title = "test claim"};

Test(history, report_becomes_entries) {
    static rzb_result r;
    r.claim = &test_claim;
    rzb_series *fast = rzb_result_series(&r, "rz predict", "ns", "per call");
    rzb_series *slow = rzb_result_series(&r, "torch", "ns", "per call");
    for (int run = 0; run < PER_RUN; run++)
        for (int k = 0; k < 3; k++) {
            rzb_series_push(fast, run, 100 + run + k);
            rzb_series_push(slow, run, 2 * (100 + run + k));
        }
    rzb_result_compare(&r, fast, slow, 1.5, 0.025, "torch over rz");
    rzb_result_judge(&r);
    static rzb_fingerprint fp = {
        .n = 4,
        .key = {"date_utc", "cpu", "isa_available", "git_commit"},
        .value = {"2025-02-03T04:05:06Z", "Test CPU", "avx2", "feedbeef1234567890"}};
    rzb_report rep = {
        .name = "T1", .command = "rzbench claim T1", .fp = &fp, .results = &r, .n_results = 1};
    const char *db = temp_path("history.sqlite");
    char why[1024];
    cr_assert(rzb_history_append_report(db, &rep, "claim", why, sizeof why), "%s", why);
    rzb_history h;
    cr_assert(rzb_history_read(db, NULL, NULL, &h, why, sizeof why), "%s", why);
    cr_assert_eq(h.n, 4);
    cr_expect_str_eq(h.trends[0].workload, "T1");
    cr_expect_str_eq(h.trends[0].metric, "verdict");
    cr_expect_str_eq(h.trends[0].points[0].verdict, "SUPPORTED");
    cr_expect_float_eq(h.trends[0].points[0].gmean, 2, 1e-9);
    cr_expect_str_eq(h.trends[1].workload, "T1: rz predict");
    cr_expect_str_eq(h.trends[1].metric, "time");
    cr_expect_eq(h.trends[1].points[0].n, PER_RUN);
    cr_expect_str_eq(h.trends[3].workload, "T1: torch over rz");
    cr_expect_str_eq(h.trends[3].metric, "ratio");
    cr_expect_str_eq(h.trends[0].points[0].short_hash, "feedbee");
    char id[17];
    rzb_history_machine_id(&fp, id);
    cr_expect_str_eq(h.trends[0].machine, id);
    rzb_history_free(&h);
    rzb_result_free(&r);
}

Test(history, machine_id_is_stable_hex) {
    static rzb_fingerprint a = {.n = 2, .key = {"cpu", "isa_available"}, .value = {"X", "avx2"}};
    static rzb_fingerprint b = {.n = 2, .key = {"cpu", "isa_available"}, .value = {"Y", "avx2"}};
    char ia[17], ia2[17], ib[17];
    rzb_history_machine_id(&a, ia);
    rzb_history_machine_id(&a, ia2);
    rzb_history_machine_id(&b, ib);
    cr_expect_eq(strlen(ia), 16);
    cr_expect_eq(strspn(ia, "0123456789abcdef"), 16);
    cr_expect_str_eq(ia, ia2);
    cr_expect_str_neq(ia, ib);
}

Test(history, db_open_schema_and_the_messages) {
    const char *db = temp_path("db/history.sqlite");
    char why[1024], want[600];
    cr_expect_null(rzb_history_db_open(db, false, why, sizeof why), "no file to read");
    snprintf(want, sizeof want, "%s: cannot open: unable to open database file", db);
    cr_expect_str_eq(why, want);
    sqlite3 *h = rzb_history_db_open(db, true, why, sizeof why);
    cr_assert_not_null(h, "%s", why);
    cr_expect_not(rzb_history_db_schema(h, db, false, why, sizeof why), "an empty file, not made");
    snprintf(want, sizeof want, "%s: not an rzbench history database: no such table: meta", db);
    cr_expect_str_eq(why, want);
    cr_expect(rzb_history_db_schema(h, db, true, why, sizeof why), "%s", why);
    cr_expect(rzb_history_db_schema(h, db, false, why, sizeof why), "%s", why);
    cr_expect_eq(
        sqlite3_exec(h, "UPDATE meta SET value = '2' WHERE key = 'schema_version'", 0, 0, 0),
        SQLITE_OK);
    cr_expect_not(rzb_history_db_schema(h, db, false, why, sizeof why));
    snprintf(want, sizeof want, "%s: history schema version 2; this rzbench reads version 1", db);
    cr_expect_str_eq(why, want);
    cr_expect_neq(sqlite3_exec(h, "SELECT x FROM nowhere", 0, 0, 0), SQLITE_OK);
    cr_expect_not(rzb_history_db_fail(h, db, "testing", why, sizeof why));
    snprintf(want, sizeof want, "%s: testing: no such table: nowhere", db);
    cr_expect_str_eq(why, want);
    sqlite3_close(h);
    cr_expect_not(rzb_history_db_fail(NULL, "x.sqlite", "opening", why, sizeof why));
    cr_expect_str_eq(why, "x.sqlite: opening: out of memory");
    cr_expect_null(rzb_history_db_open(db, false, why, sizeof why), "version 2 is refused");
    cr_expect(strstr(why, "history schema version 2") != NULL, "%s", why);
}

Test(history, names_for_error_messages) {
    const char *db = temp_path("history.sqlite");
    fill_with_step(db);
    char why[1024], names[256];
    cr_assert(append_one(db, "prefill", "bbbbbbb", 9, "m2", 50, why, sizeof why), "%s", why);
    size_t total;
    cr_assert(rzb_history_names(db, false, 8, names, sizeof names, &total, why, sizeof why), "%s",
              why);
    cr_expect_str_eq(names, "'decode', 'prefill'");
    cr_expect_eq(total, 2);
    cr_assert(rzb_history_names(db, true, 1, names, sizeof names, &total, why, sizeof why));
    cr_expect_str_eq(names, "'m1'", "only the first `max` are listed");
    cr_expect_eq(total, 2);
    char missing[600];
    snprintf(missing, sizeof missing, "%s.absent", db);
    cr_expect_not(
        rzb_history_names(missing, false, 8, names, sizeof names, &total, why, sizeof why));
    cr_expect(strstr(why, missing) && strstr(why, "unable to open"), "%s", why);
}

/* The text printed, paged or plotted into a memory stream, NUL terminated. */
typedef struct {
    FILE *f;
    char *text;
    size_t len;
} mem_text;

static void mem_open(mem_text *m) {
    m->f = open_memstream(&m->text, &m->len);
}

static const char *mem_close(mem_text *m) {
    fclose(m->f);
    return m->text;
}

Test(history, trends_as_tables_page_and_plot_in_process) {
    const char *db = temp_path("history.sqlite");
    fill_with_step(db);
    rzb_history h;
    char why[1024];
    cr_assert(rzb_history_read(db, NULL, NULL, &h, why, sizeof why), "%s", why);
    mem_text m;
    mem_open(&m);
    cr_expect(rzb_history_print(&h, "md", m.f));
    cr_expect(strstr(mem_close(&m), "## decode: time (ns), machine m1") &&
                  strstr(m.text, "| a11c004 | 2025-01-05 | 5 |"),
              "%s", m.text);
    free(m.text);
    mem_open(&m);
    cr_expect(rzb_history_print(&h, "csv", m.f));
    cr_expect(strstr(mem_close(&m), "workload,metric,unit,machine,commit,") == m.text, "%s",
              m.text);
    free(m.text);
    mem_open(&m);
    cr_expect_not(rzb_history_print(&h, "xml", m.f), "an unknown format");
    free((void *)mem_close(&m));
    mem_open(&m);
    cr_expect(rzb_history_html(&h, db, m.f));
    cr_expect(strstr(mem_close(&m), db) && strstr(m.text, "<svg"), "the page names the database");
    free(m.text);
    cr_expect_str_eq(rzb_history_colour(0), "#4269d0");
    cr_expect_str_eq(rzb_history_colour(9), rzb_history_colour(1), "the palette repeats");
    mem_open(&m);
    rzb_history_plot(h.trends, 1, m.f);
    mem_close(&m);
    cr_expect(!strncmp(m.text, "<svg", 4) && strstr(m.text, "</svg>"), "%.80s", m.text);
    cr_expect(strstr(m.text, "stroke-dasharray") && strstr(m.text, rzb_history_colour(0)),
              "the step is dashed, the line in the first colour");
    cr_expect(strstr(m.text, ">a11c004<") != NULL, "commits label the x axis");
    free(m.text);
    FILE *ro = fopen("/dev/null", "r");
    cr_expect_not(rzb_history_print(&h, "json", ro));
    cr_expect_not(rzb_history_html(&h, db, ro));
    fclose(ro);
    rzb_history_free(&h);
}

static char out[1 << 18], err[8192];

/* Runs `rzbench history` with up to six arguments (the first NULL ends them). */
static int history_cli(const char *a1, const char *a2, const char *a3, const char *a4,
                       const char *a5, const char *a6) {
    const char *args[] = {rzt_bin("rzbench"), "history", a1, a2, a3, a4, a5, a6, NULL};
    char *argv[9];
    for (int i = 0; i < 9; i++)
        argv[i] = (char *)args[i];
    return rzt_run(argv, out, sizeof out, err, sizeof err);
}

Test(history_cli, help_and_usage_errors) {
    cr_expect_eq(history_cli("--help", NULL, NULL, NULL, NULL, NULL), 0);
    cr_expect(strstr(out, "usage: rzbench history") != NULL, "%s", out);
    cr_expect_eq(history_cli("--bogus", NULL, NULL, NULL, NULL, NULL), 2);
    cr_expect(strstr(err, "unknown option '--bogus'") != NULL, "%s", err);
    cr_expect_eq(history_cli("--format", "xml", NULL, NULL, NULL, NULL), 2);
    cr_expect_eq(history_cli("--db", NULL, NULL, NULL, NULL, NULL), 2);
    cr_expect_eq(history_cli("a", "b", NULL, NULL, NULL, NULL), 2);
    cr_expect_eq(history_cli("--out", "x.html", NULL, NULL, NULL, NULL), 2);
}

Test(history_cli, unknown_workload_and_bad_database_exit_1) {
    const char *db = temp_path("history.sqlite");
    fill_with_step(db);
    cr_expect_eq(history_cli("prefil", "--db", db, NULL, NULL, NULL), 1);
    cr_expect(strstr(err, "no workload 'prefil'") && strstr(err, "'decode'"), "%s", err);
    cr_expect_eq(history_cli("--machine", "zz", "--db", db, NULL, NULL), 1);
    cr_expect(strstr(err, "'m1'") != NULL, "%s", err);
    char missing[600];
    snprintf(missing, sizeof missing, "%s.absent", db);
    cr_expect_eq(history_cli("--db", missing, NULL, NULL, NULL, NULL), 1);
    cr_expect(strstr(err, missing) != NULL, "%s", err);
}

Test(history_cli, tables_mark_the_step) {
    const char *db = temp_path("history.sqlite");
    fill_with_step(db);
    cr_assert_eq(history_cli("decode", "--db", db, NULL, NULL, NULL), 0, "%s", err);
    cr_expect(strstr(out, "| a11c004 | 2025-01-05 | 5 |") && strstr(out, "**step +10."), "%s", out);
    cr_assert_eq(history_cli("--db", db, "--format", "csv", NULL, NULL), 0, "%s", err);
    cr_expect(strstr(out, "workload,metric,unit,machine,commit") == out, "%s", out);
    cr_assert_eq(history_cli("--db", db, "--format", "json", "--machine", "m"), 0, "%s", err);
    cr_expect(strstr(out, "\"step_pct\":") != NULL, "%s", out);
}

Test(history_cli, html_page_with_plot_and_step_label) {
    const char *db = temp_path("history.sqlite");
    fill_with_step(db);
    char html[600];
    snprintf(html, sizeof html, "%s.html", db);
    cr_assert_eq(history_cli("--html", "--db", db, "--out", html, NULL), 0, "%s", err);
    FILE *f = fopen(html, "r");
    cr_assert(f);
    static char page[1 << 18];
    page[fread(page, 1, sizeof page - 1, f)] = 0;
    fclose(f);
    cr_expect(strstr(page, "<svg") != NULL);
    cr_expect(strstr(page, "stroke-dasharray") != NULL);
    cr_expect(strstr(page, "% [+") != NULL && strstr(page, ">+10."), "no step label");
    cr_expect(strstr(page, "Test CPU 3000; avx2 fma") != NULL);
    cr_expect(strstr(page, "<script") == NULL);
}
