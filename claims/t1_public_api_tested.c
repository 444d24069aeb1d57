/* Claim T1: 100% of public APIs have tests. */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/cmake_build.h"
#include "engine/core/file.h"
#include "harness/claim.h"
#include "harness/coverage_run.h"

enum { MAX_NAMES = 4096 };

/* Everything the walk collects: public function names and the text of every test source. */
static struct {
    char names[MAX_NAMES][64];
    int n;
    char *tests;
    size_t tests_len;
} scan;

static bool ident_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* Adds the first rz_* / rzb_* identifier directly followed by '(' on each declaration line. */
static void collect_declarations(const char *text) {
    for (const char *line = text; line && *line; line = strchr(line, '\n'), line += line != NULL) {
        const char *p = line;
        while (*p == ' ')
            p++;
        if (*p == '#' || *p == '*' || *p == '/' || !strncmp(p, "typedef", 7) ||
            !strncmp(p, "return", 6))
            continue;
        const char *end = strchr(p, '\n');
        for (const char *q = p; q && *q && (!end || q < end); q++) {
            if ((strncmp(q, "rz_", 3) && strncmp(q, "rzb_", 4)) || (q > p && ident_char(q[-1])))
                continue;
            size_t len = 0;
            while (ident_char(q[len]))
                len++;
            if (q[len] != '(') { /* a type, e.g. rz_status: the name comes later on the line */
                q += len - 1;
                continue;
            }
            if (len < 64 && scan.n < MAX_NAMES) {
                bool seen = false;
                for (int i = 0; i < scan.n && !seen; i++)
                    seen = strlen(scan.names[i]) == len && !strncmp(scan.names[i], q, len);
                if (!seen) snprintf(scan.names[scan.n++], 64, "%.*s", (int)len, q);
            }
            break;
        }
    }
}

static int visit(const char *path, const struct stat *st, int type, struct FTW *ftw) {
    (void)st;
    (void)ftw;
    size_t len = strlen(path);
    bool header = type == FTW_F && len > 2 && !strcmp(path + len - 2, ".h");
    bool test_source =
        type == FTW_F && strstr(path, "/tests/") && len > 2 && !strcmp(path + len - 2, ".c");
    if (!header && !test_source) return 0;
    unsigned char *buf;
    size_t n;
    if (rz_file_read_all(path, &buf, &n, NULL)) return 0;
    char *text = realloc(buf, n + 1);
    text[n] = 0;
    if (header && !strstr(path, "/tests/")) collect_declarations(text);
    if (test_source) {
        scan.tests = realloc(scan.tests, scan.tests_len + n + 1);
        memcpy(scan.tests + scan.tests_len, text, n + 1);
        scan.tests_len += n;
    }
    free(text);
    return 0;
}

static bool used_in_tests(const char *name) {
    size_t len = strlen(name);
    for (const char *p = scan.tests; (p = strstr(p, name)); p += len)
        if ((p == scan.tests || !ident_char(p[-1])) && !ident_char(p[len])) return true;
    return false;
}

/* A list of names for a note: as many as fit in 400 characters, then how many more. */
typedef struct {
    char text[480];
    int left_out;
} name_list;

static void list_add(name_list *l, const char *name) {
    size_t used = strlen(l->text);
    if (used + strlen(name) + 2 < 400)
        snprintf(l->text + used, sizeof l->text - used, "%s%s", used ? ", " : "", name);
    else
        l->left_out++;
}

static void list_note(rzb_result *r, const char *what, const name_list *l) {
    if (!l->text[0]) return;
    if (l->left_out)
        rzb_result_note(r, "%s: %s and %d more", what, l->text, l->left_out);
    else
        rzb_result_note(r, "%s: %s", what, l->text);
}

static void run(const rzb_context *ctx, rzb_result *r) {
    memset(&scan, 0, sizeof scan);
    /* backends/cuda first, so that its names are its own: counted only where a GPU ran the tests */
    static const char *const roots[] = {"engine",  "backends/cuda", "backends",
                                        "harness", "server",        "tests"};
    enum { N_ROOTS = sizeof roots / sizeof roots[0] - 1 };
    const char *tree = rzb_build_source(ctx->smoke);
    int first[N_ROOTS + 1];
    for (int i = 0; i <= N_ROOTS; i++) {
        char dir[4200];
        first[i] = scan.n;
        snprintf(dir, sizeof dir, "%s/%s", tree, roots[i]);
        nftw(dir, visit, 16, FTW_PHYS);
    }
    if (!scan.n) {
        rzb_result_verdict(r, RZB_SKIPPED, "no headers found under %s", tree);
        free(scan.tests);
        return;
    }
    const rzb_coverage *cov = rzb_coverage_run(ctx);
    const bool gpu = access("/dev/nvidia0", F_OK) == 0;
    int named = 0, tested = 0, total = 0;
    name_list not_named = {0}, not_called = {0};
    for (int root = 0; root < N_ROOTS; root++) {
        int n = first[root + 1] - first[root], root_tested = 0;
        const bool counted = strcmp(roots[root], "backends/cuda") || gpu;
        for (int i = first[root]; i < first[root + 1]; i++) {
            bool in_tests = used_in_tests(scan.names[i]);
            long long calls = cov->ok ? rzb_coverage_calls(cov, scan.names[i]) : -1;
            root_tested += in_tests && calls > 0;
            if (!counted) continue;
            named += in_tests;
            if (!in_tests) list_add(&not_named, scan.names[i]);
            if (cov->ok && calls <= 0) list_add(&not_called, scan.names[i]);
        }
        if (counted) {
            tested += root_tested;
            total += n;
        }
        char label[112];
        snprintf(label, sizeof label, "%s/: public functions tested (of %d%s)", roots[root], n,
                 counted ? "" : "; not counted: no GPU");
        if (n) rzb_result_metric(r, label, 100.0 * root_tested / n, "%");
    }
    free(scan.tests);
    double pct = total ? 100.0 * tested / total : 0;
    rzb_result_metric(r, "public functions counted (engine, backends, harness, server headers)",
                      total, "");
    rzb_result_metric(r, "named in a test source (name scan)", named, "");
    if (cov->ok) {
        rzb_result_metric(r, "named in a test and called by the suite", tested, "");
        rzb_result_metric(r, "coverage of the public API", pct, "%");
    }
    list_note(r, "not named in any test", &not_named);
    list_note(r, "never called by the test suite", &not_called);
    if (cov->ok && cov->failed[0])
        rzb_result_note(r, "tests that failed in the coverage build: %s", cov->failed);
    rzb_result_note(
        r,
        "a function counts as tested when a test source under tests/ names it (a direct call whose result the test checks) and the whole suite, run once in a --coverage build, calls it at least once; deterministic, no sampling");
    if (!cov->ok)
        rzb_result_verdict(r, RZB_SKIPPED, "the call counts need the coverage run: %s", cov->why);
    else if (tested == total)
        rzb_result_verdict(r, RZB_SUPPORTED, "all %d public functions are tested", total);
    else
        rzb_result_verdict(r, RZB_FALSIFIED,
                           "%d of %d public functions (%.1f%%) are named in a test and called",
                           tested, total, pct);
}

const rzb_claim rzb_claim_t1_public_api_tested = {
    .id = "T1",
    .title = "100% of public APIs have tests",
    .statement = "100% of public APIs have tests",
    .source = "realizar design rationale (paiml/realizar), claim T1",
    .workload =
        "every rz_* and rzb_* function declared in the headers under engine/, backends/, harness/ and server/ of this source tree (backends/cuda/ counted only where a GPU ran the tests)",
    .baseline = "none: an absolute threshold",
    .threshold =
        "every public function named in a test source under tests/ and called by the test suite",
    .test =
        "scan the headers for declarations and the test sources for each name; run the whole suite once in a --coverage build (shared with T2) and read each function's calls",
    .verdict_rule =
        "SUPPORTED at 100%, FALSIFIED below; SKIPPED when the sources are absent or the coverage run fails",
    .untimed = true,
    .default_runs = 1,
    .default_iterations = 1,
    .default_warmup = 0,
    .default_batch = 1,
    .run = run,
};
