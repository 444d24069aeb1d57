/* rzbench history: the trend of each workload across commits, read from the history database
 * that claim, verify, gate and compare runs append to; printed as md, csv or json, or written as
 * an HTML page with one plot per workload. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/rzbench/commands.h"
#include "harness/atomic_file.h"
#include "harness/history.h"
#include "harness/history_html.h"
#include "harness/history_print.h"
#include "harness/history_read.h"

#define DEFAULT_HTML "reports/history.html"

static const char help[] =
    "usage: rzbench history [WORKLOAD] [OPTIONS]\n\n"
    "The trend of every workload (or of WORKLOAD) across commits, from the database that claim,\n"
    "verify, gate and compare runs append to. Per workload and machine, one row per commit in\n"
    "time order: runs, the geometric mean of the run medians with its 95% CI (t, log scale),\n"
    "the change against the previous commit, and the steps found (binary segmentation, Welch t\n"
    "on the log run medians, Bonferroni-corrected at 0.01, steps under 1% not called) with\n"
    "their size and 95% CI.\n\n"
    "options:\n"
    "  --db PATH       the history database (default: " RZB_HISTORY_DEFAULT ")\n"
    "  --machine ID    only the machines whose id starts with ID\n"
    "  --format F      md (default), csv or json\n"
    "  --html          write an HTML page, one plot per workload, instead of printing\n"
    "  --out FILE      where --html writes (default: " DEFAULT_HTML "), atomically\n\n"
    "Exit codes: 0 success, 1 unknown workload or machine or an unreadable database,\n"
    "2 usage error.\n";

typedef struct {
    const char *workload, *db, *machine, *format, *out;
    bool html;
} options;

/* The option that takes a value named a, or NULL. */
static const char **value_slot(options *o, const char *a) {
    if (!strcmp(a, "--db")) return &o->db;
    if (!strcmp(a, "--machine")) return &o->machine;
    if (!strcmp(a, "--format")) return &o->format;
    if (!strcmp(a, "--out")) return &o->out;
    return NULL;
}

static int check(const options *o) {
    if (o->format && strcmp(o->format, "md") && strcmp(o->format, "csv") &&
        strcmp(o->format, "json")) {
        fprintf(stderr, "rzbench history: --format: expected md, csv or json, got '%s'\n",
                o->format);
        return 2;
    }
    if (o->out && !o->html) {
        fprintf(stderr, "rzbench history: --out names the page --html writes; add --html\n");
        return 2;
    }
    if (o->format && o->html) {
        fprintf(stderr,
                "rzbench history: --format prints tables, --html writes a page: choose one\n");
        return 2;
    }
    return 0;
}

/* Returns 0 on success, 2 on a usage error, -1 after --help. */
static int parse(int argc, char **argv, options *o) {
    *o = (options){.db = RZB_HISTORY_DEFAULT};
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i], **slot = value_slot(o, a);
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(help, stdout);
            return -1;
        } else if (!strcmp(a, "--html")) {
            o->html = true;
        } else if (slot && i + 1 == argc) {
            fprintf(stderr, "rzbench history: %s: missing value\n", a);
            return 2;
        } else if (slot) {
            *slot = argv[++i];
        } else if (a[0] == '-') {
            fprintf(stderr, "rzbench history: unknown option '%s' (see --help)\n", a);
            return 2;
        } else if (!o->workload) {
            o->workload = a;
        } else {
            fprintf(stderr, "rzbench history: unexpected argument '%s' (see --help)\n", a);
            return 2;
        }
    }
    return check(o);
}

/* Why nothing matched: an unknown workload, or no run of it on the machines asked for. */
static int explain_empty(const options *o) {
    char why[1024], names[1024];
    size_t total;
    rzb_history any;
    bool known = !o->workload;
    if (o->workload && rzb_history_read(o->db, o->workload, NULL, &any, why, sizeof why)) {
        known = any.n > 0;
        rzb_history_free(&any);
    }
    if (!rzb_history_names(o->db, known, 6, names, sizeof names, &total, why, sizeof why)) {
        fprintf(stderr, "rzbench history: %s\n", why);
    } else if (!known) {
        fprintf(stderr, "rzbench history: no workload '%s' in %s; it has %zu, e.g. %s\n",
                o->workload, o->db, total, total ? names : "none (no runs yet)");
    } else {
        fprintf(stderr, "rzbench history: no runs of %s on machine '%s*' in %s; machines: %s\n",
                o->workload ? o->workload : "any workload", o->machine, o->db, names);
    }
    return 1;
}

static void make_parent(const char *path) {
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir) return;
    *slash = 0;
    mkdir(dir, 0755);
}

static int write_html(const options *o, const rzb_history *h) {
    const char *path = o->out ? o->out : DEFAULT_HTML;
    make_parent(path);
    rzb_atomic_file a;
    if (!rzb_atomic_open(&a, path)) {
        fprintf(stderr, "rzbench history: cannot write %s: %s\n", path, strerror(errno));
        return 1;
    }
    if (!rzb_atomic_close(&a, rzb_history_html(h, o->db, a.f))) {
        fprintf(stderr, "rzbench history: cannot write %s: %s\n", path, strerror(errno));
        return 1;
    }
    printf("rzbench history: wrote %s (%zu trend%s from %ld run%s)\n", path, h->n,
           h->n == 1 ? "" : "s", h->runs, h->runs == 1 ? "" : "s");
    return 0;
}

static int print(const options *o, const rzb_history *h) {
    const char *format = o->format ? o->format : "md";
    if (!h->n && !strcmp(format, "md")) printf("No runs stored in %s yet.\n", o->db);
    if (!rzb_history_print(h, format, stdout)) {
        fprintf(stderr, "rzbench history: cannot write to stdout: %s\n", strerror(errno));
        return 1;
    }
    return 0;
}

int rzb_cmd_history(int argc, char **argv, const char *command) {
    (void)command;
    options o;
    int rc = parse(argc, argv, &o);
    if (rc) return rc < 0 ? 0 : rc;
    rzb_history h;
    char why[1024];
    if (!rzb_history_read(o.db, o.workload, o.machine, &h, why, sizeof why)) {
        fprintf(stderr, "rzbench history: %s\n", why);
        return 1;
    }
    if (!h.n && (o.workload || o.machine))
        rc = explain_empty(&o);
    else
        rc = o.html ? write_html(&o, &h) : print(&o, &h);
    rzb_history_free(&h);
    return rc;
}
