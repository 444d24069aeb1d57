/* Claim T1: 100% of public APIs have tests. */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build_info.h"
#include "engine/core/file.h"
#include "harness/claim.h"

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

/* Adds each rz_* / rzb_* identifier directly followed by '(' on a declaration line. */
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
            if (q[len] == '(' && len < 64 && scan.n < MAX_NAMES) {
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

static void run(const rzb_context *ctx, rzb_result *r) {
    (void)ctx;
    memset(&scan, 0, sizeof scan);
    static const char *const roots[] = {"engine", "backends", "harness", "tests"};
    for (size_t i = 0; i < sizeof roots / sizeof roots[0]; i++) {
        char dir[4200];
        snprintf(dir, sizeof dir, "%s/%s", RZ_SOURCE_DIR, roots[i]);
        nftw(dir, visit, 16, FTW_PHYS);
    }
    int tested = 0;
    char untested[900] = "";
    for (int i = 0; i < scan.n; i++) {
        if (used_in_tests(scan.names[i])) {
            tested++;
            continue;
        }
        size_t used = strlen(untested);
        if (used + strlen(scan.names[i]) + 8 < sizeof untested)
            snprintf(untested + used, sizeof untested - used, "%s%s", used ? ", " : "",
                     scan.names[i]);
    }
    free(scan.tests);
    double pct = scan.n ? 100.0 * tested / scan.n : 0;
    rzb_result_metric(r, "public functions (engine, backends, harness headers)", scan.n, "");
    rzb_result_metric(r, "named in a test", tested, "");
    rzb_result_metric(r, "coverage of the public API", pct, "%");
    if (untested[0]) rzb_result_note(r, "not named in any test: %s", untested);
    rzb_result_note(r, "a function counts as tested when a test source under tests/ names it; "
                       "deterministic scan, no sampling");
    if (!scan.n)
        rzb_result_verdict(r, RZB_SKIPPED, "no headers found under %s", RZ_SOURCE_DIR);
    else if (tested == scan.n)
        rzb_result_verdict(r, RZB_SUPPORTED, "all %d public functions are named in tests", scan.n);
    else
        rzb_result_verdict(r, RZB_FALSIFIED,
                           "%d of %d public functions (%.1f%%) are named in tests", tested, scan.n,
                           pct);
}

const rzb_claim rzb_claim_t1_public_api_tested = {
    .id = "T1",
    .title = "100% of public APIs have tests",
    .statement = "100% of public APIs have tests",
    .source = "realizar design rationale (paiml/realizar), claim T1",
    .workload = "every rz_* and rzb_* function declared in the headers under engine/, backends/ "
                "and harness/ of this source tree",
    .baseline = "none: an absolute threshold",
    .threshold = "every public function named in at least one test source under tests/",
    .test = "scan the headers for declarations, then the test sources for each name",
    .verdict_rule = "SUPPORTED at 100%, FALSIFIED below; SKIPPED when the sources are absent",
    .untimed = true,
    .default_runs = 1,
    .default_iterations = 1,
    .default_warmup = 0,
    .default_batch = 1,
    .run = run,
};
