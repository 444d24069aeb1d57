/* Smoke tests of the claims: every claim runs through `rzbench claim ID --smoke`, its own code at
 * the smallest size (harness/claim.h), and must end with a verdict and report files that parse:
 * exit 0; one result, INCONCLUSIVE or SKIPPED, whose reason starts with RZB_SMOKE_REASON and names
 * the verdict the claim's logic gave; that verdict SKIPPED only for a missing requirement (a
 * llama.cpp tool, a Python module, wrk, the shared model) or a llama.cpp tool that failed;
 * ID-smoke.json read back by rzb_report_read and with "smoke": true; the three CSVs parse (libcsv,
 * strict) and verdicts.csv agrees with the JSON; the HTML and the markdown on stdout carry the
 * smoke reason. P1 and P2 run against the stand-in PyTorch helpers of tests/data/fake_scripts:
 * importing torch takes seconds, and it is rzbench's code on trial. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/file.h"
#include "harness/claim.h"
#include "harness/report_read.h"
#include "tests/support/support.h"
#include "tests/support/temp.h"

static char out[1 << 20], err[1 << 16];

/* The file DIR/ID-smoke.SUFFIX, read whole (NUL-terminated; the test fails when absent). */
static char *report_file(const char *dir, const char *id, const char *suffix, size_t *len) {
    char path[4200];
    snprintf(path, sizeof path, "%s/%s-smoke.%s", dir, id, suffix);
    unsigned char *buf;
    rz_error e;
    cr_assert_eq(rz_file_read_all(path, &buf, len, &e), RZ_OK, "%s", e.msg);
    char *text = realloc(buf, *len + 1);
    cr_assert(text);
    text[*len] = 0;
    return text;
}

/* The first two rows of a CSV file: the header and the first record. */
typedef struct {
    char cells[2][32][1100];
    int n[2], rows;
} csv_head;

static void on_field(void *s, size_t len, void *data) {
    csv_head *h = data;
    if (h->rows < 2 && h->n[h->rows] < 32)
        snprintf(h->cells[h->rows][h->n[h->rows]++], sizeof h->cells[0][0], "%.*s", (int)len,
                 (char *)s);
}

static void on_row(int c, void *data) {
    (void)c;
    ((csv_head *)data)->rows++;
}

static csv_head *parse_csv(const char *dir, const char *id, const char *suffix) {
    size_t len;
    char *text = report_file(dir, id, suffix, &len);
    csv_head *h = calloc(1, sizeof *h);
    struct csv_parser p;
    csv_init(&p, CSV_STRICT);
    cr_expect_eq(csv_parse(&p, text, len, on_field, on_row, h), len, "%s: %s", suffix,
                 csv_strerror(csv_error(&p)));
    cr_expect_eq(csv_fini(&p, on_field, on_row, h), 0, "%s", suffix);
    csv_free(&p);
    free(text);
    cr_expect_geq(h->rows, 1, "%s has a header", suffix);
    return h;
}

/* verdicts.csv's record for the claim: its verdict column says what the JSON says. */
static void check_csvs(const char *dir, const char *id, const char *verdict) {
    free(parse_csv(dir, id, "samples.csv"));
    free(parse_csv(dir, id, "summary.csv"));
    csv_head *h = parse_csv(dir, id, "verdicts.csv");
    cr_assert_eq(h->rows, 2, "verdicts.csv: a header and one record");
    for (int i = 0; i < h->n[0]; i++)
        if (!strcmp(h->cells[0][i], "verdict"))
            cr_expect_str_eq(h->cells[1][i], verdict, "verdicts.csv");
    free(h);
}

/* A logic verdict of SKIPPED is fine only for a missing requirement or a llama.cpp tool. */
static bool skip_allowed(const char *reason) {
    static const char *const ok[] = {"missing",   "not installed", "not built",
                                     "llama.cpp", "llama-bench",   "llama-perplexity"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (strstr(reason, ok[i])) return true;
    return false;
}

/* The JSON's one result: smoke, its verdict and reason as a smoke run states them. Returns the
 * verdict (static buffer). */
static const char *check_json(const char *dir, const char *id) {
    size_t len;
    char *text = report_file(dir, id, "json", &len);
    cJSON *root = cJSON_Parse(text);
    free(text);
    cr_assert(root, "%s-smoke.json parses", id);
    const cJSON *results = cJSON_GetObjectItem(root, "results");
    cr_assert_eq(cJSON_GetArraySize(results), 1);
    const cJSON *r = cJSON_GetArrayItem(results, 0);
    cr_expect(cJSON_IsTrue(cJSON_GetObjectItem(r, "smoke")));
    static char verdict[32];
    snprintf(verdict, sizeof verdict, "%s",
             cJSON_GetStringValue(cJSON_GetObjectItem(r, "verdict")));
    const char *reason = cJSON_GetStringValue(cJSON_GetObjectItem(r, "reason"));
    cr_assert(reason);
    cr_expect(!strcmp(verdict, "INCONCLUSIVE") || !strcmp(verdict, "SKIPPED"), "%s", verdict);
    const char *gave = RZB_SMOKE_REASON "; its logic gave ";
    cr_assert(!strncmp(reason, gave, strlen(gave)), "%s", reason);
    char logic[16] = "";
    sscanf(reason + strlen(gave), "%15[A-Z]", logic);
    const bool known = !strcmp(logic, "SUPPORTED") || !strcmp(logic, "FALSIFIED") ||
                       !strcmp(logic, "INCONCLUSIVE") || !strcmp(logic, "SKIPPED");
    cr_expect(known, "a verdict from the logic: %s", reason);
    cr_expect_gt(strlen(reason), strlen(gave) + strlen(logic) + 2, "with its reason: %s", reason);
    cr_expect(strcmp(logic, "SKIPPED") || skip_allowed(reason), "skipped for no good reason: %s",
              reason);
    cJSON_Delete(root);
    return verdict;
}

/* Runs claim id in smoke mode into a fresh directory and checks its verdict and reports. */
static void smoke(const char *id) {
    char dir[] = "/tmp/rzt-smoke-XXXXXX";
    cr_assert(rzt_temp_dir(dir));
    char *argv[] = {(char *)rzt_bin("rzbench"),
                    "claim",
                    (char *)id,
                    "--smoke",
                    "--out",
                    dir,
                    "--format",
                    "md",
                    NULL};
    cr_assert_eq(rzt_run(argv, out, sizeof out, err, sizeof err), 0, "%s", err);
    cr_expect(strstr(out, RZB_SMOKE_REASON) != NULL, "markdown: %s", out);
    const char *verdict = check_json(dir, id);
    char path[4200], why[1024];
    snprintf(path, sizeof path, "%s/%s-smoke.json", dir, id);
    rzb_read_report rep;
    cr_expect(rzb_report_read(path, &rep, why, sizeof why), "%s", why);
    rzb_read_report_free(&rep);
    check_csvs(dir, id, verdict);
    size_t len;
    char *html = report_file(dir, id, "html", &len);
    cr_expect(strstr(html, "</html>") && strstr(html, RZB_SMOKE_REASON), "html");
    free(html);
}

/* The claims with a smoke test below. */
static const char *const smoked[] = {"A1", "A2", "A3", "A4", "A5", "H1", "P1", "P2", "P3",
                                     "R1", "R2", "R3", "S1", "S2", "S3", "T1", "T2"};

static bool listed(const char *id, const char *const *ids, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (!strcmp(ids[i], id)) return true;
    return false;
}

Test(claims_smoke, every_claim_has_a_smoke_test) {
    for (size_t i = 0; i < rzb_n_claims; i++) {
        const char *id = rzb_claims[i]->id;
        cr_expect(listed(id, smoked, sizeof smoked / sizeof *smoked),
                  "claim %s has no smoke test in tests/test_claims_smoke.c", id);
    }
}

/* P1 and P2 against the stand-in PyTorch helpers. */
static void fake_torch(void) {
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/tests/data/fake_scripts", getenv("RZ_SOURCE_DIR"));
    setenv("RZB_SCRIPTS_DIR", dir, 1);
}

Test(claims_smoke, A1) {
    smoke("A1");
}

Test(claims_smoke, A2) {
    smoke("A2");
}

Test(claims_smoke, A3) {
    smoke("A3");
}

Test(claims_smoke, A4) {
    smoke("A4");
}

Test(claims_smoke, A5) {
    smoke("A5");
}

Test(claims_smoke, H1) {
    smoke("H1");
}

Test(claims_smoke, P1) {
    fake_torch();
    smoke("P1");
}

Test(claims_smoke, P2) {
    fake_torch();
    smoke("P2");
}

Test(claims_smoke, P3) {
    smoke("P3");
}

Test(claims_smoke, R1) {
    smoke("R1");
}

Test(claims_smoke, R2) {
    smoke("R2");
}

Test(claims_smoke, R3) {
    smoke("R3");
}

Test(claims_smoke, S1) {
    smoke("S1");
}

Test(claims_smoke, S2) {
    smoke("S2");
}

Test(claims_smoke, S3) {
    smoke("S3");
}

/* T1 and T2 on the smoke tree (claims/workloads/smoke_build), whose coverage is known: one of
 * its three public functions named and called, two of its six code lines run. */
Test(claims_smoke, T1) {
    smoke("T1");
    cr_expect(strstr(out, "its logic gave FALSIFIED: 1 of 3 public functions (33.3%)") != NULL,
              "%s", out);
    cr_expect(strstr(out, "not named in any test: rz_smoke_sub") != NULL, "%s", out);
    cr_expect(strstr(out, "tests that failed in the coverage build: smoke_fails") != NULL, "%s",
              out);
}

Test(claims_smoke, T2) {
    smoke("T2");
    cr_expect(strstr(out, "its logic gave FALSIFIED: line coverage 33.3% < 85%") != NULL, "%s",
              out);
}
