/* rzbench merge BUNDLE...: bundles of several machines pooled into one claim-by-machine report. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/rzbench/args.h"
#include "cli/rzbench/commands.h"
#include "harness/bundle.h"
#include "harness/merge.h"

static const char help[] =
    "usage: rzbench merge BUNDLE... [OPTIONS]\n\n"
    "Pools run bundles (written by `rzbench claim|verify --bundle FILE`, one per machine or\n"
    "task, e.g. by `rzbench fleet submit`) into one report: a claim-by-machine verdict matrix\n"
    "(one row per bundle, labelled by machine id, host, hardware class and file name; one column\n"
    "per claim), each machine's ratios with their CIs, the machines grouped by hardware class\n"
    "(widest ISA: AVX2, AVX-512, AMX; GPU) and by STREAM triad bandwidth where a report measured\n"
    "it, the figures claims normalised by the FMA peak and triad probes, and per claim one\n"
    "sentence of where it holds. Every bundle is checked first (manifest, sizes, sha256).\n\n"
    "options:\n"
    "  --out DIR       where merge.{json,csv,md,html} go, atomically (default reports)\n"
    "  --format F      what to print on stdout: md (default), csv (the matrix) or json\n"
    "  --allow-mixed   pool bundles of different rz commits (the report says so)\n\n"
    "Exit codes: 0 merged; 1 a file could not be written; 2 usage error, a corrupt bundle, or\n"
    "bundles of different rz commits without --allow-mixed (then nothing is written).\n";

/* Returns 0 on success, 2 on a usage error, -1 after --help. */
static int parse(int argc, char **argv, rzb_bundle_args *o) {
    int rc = rzb_arg_bundles(argc, argv, "merge", help, o);
    if (!rc && !o->n) {
        fprintf(stderr, "rzbench merge: expected one or more bundles (see --help)\n");
        rc = 2;
    }
    return rc;
}

/* Opens, checks and adds every bundle; false after naming the one that failed. */
static bool gather(const rzb_bundle_args *o, rzb_merge *m) {
    for (size_t i = 0; i < o->n; i++) {
        rzb_bundle b;
        char err[1024];
        bool ok = rzb_bundle_open(o->bundles[i], &b, err, sizeof err) &&
                  rzb_merge_add(m, &b, err, sizeof err);
        rzb_bundle_close(&b);
        if (!ok) {
            fprintf(stderr, "rzbench merge: %s\n", err);
            return false;
        }
    }
    return true;
}

/* Refuses bundles of different commits unless allowed, naming the first two that differ. */
static bool same_commit(const rzb_bundle_args *o, const rzb_merge *m) {
    if (!m->mixed || o->allow_mixed) return true;
    for (size_t i = 1; i < m->n_rows; i++)
        if (strcmp(m->rows[i].commit, m->rows[0].commit)) {
            fprintf(
                stderr,
                "rzbench merge: %s was made by rz %s, %s by rz %s: refusing to pool different commits (--allow-mixed pools them, and the report says so); nothing written\n",
                o->bundles[0], m->rows[0].commit, o->bundles[i], m->rows[i].commit);
            break;
        }
    return false;
}

int rzb_cmd_merge(int argc, char **argv, const char *command) {
    rzb_bundle_args o;
    int rc = parse(argc, argv, &o);
    rzb_merge m = {.command = command};
    if (!rc) rc = gather(&o, &m) && same_commit(&o, &m) ? 0 : 2;
    char err[1024];
    if (!rc && !rzb_merge_write(&m, o.out_dir, err, sizeof err)) {
        fprintf(stderr, "rzbench merge: %s\n", err);
        rc = 1;
    }
    if (!rc) {
        rzb_merge_print(&m, o.format, stdout);
        fprintf(stderr, "rzbench merge: %zu bundles merged into %s/merge.{json,csv,md,html}\n",
                m.n_rows, o.out_dir);
    }
    rzb_merge_free(&m);
    free(o.bundles);
    return rc < 0 ? 0 : rc;
}
