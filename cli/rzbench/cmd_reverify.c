/* rzbench reverify BUNDLE: the bundle's claims run again here with the same options, and the two
 * runs side by side. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build_info.h"
#include "cli/common/error_report.h"
#include "cli/rzbench/args.h"
#include "cli/rzbench/commands.h"
#include "engine/core/file.h"
#include "harness/bundle.h"
#include "harness/reverify.h"

static const char help[] =
    "usage: rzbench reverify BUNDLE [OPTIONS]\n\n"
    "Runs the claims of BUNDLE (written by `rzbench claim|verify --bundle FILE`) again on this\n"
    "machine, in this process, with the options the bundle records, and compares claim by\n"
    "claim: the bundle's verdict, ratio and CI against this run's, and both machines' CPU and\n"
    "hardware class (widest ISA, GPU). A claim is \"reproduced\" when the verdicts agree,\n"
    "\"differs\" when they do not, and \"not comparable\" when the hardware classes differ.\n\n"
    "options:\n"
    "  --out DIR       where reverify.{md,csv,json} go, atomically, and this run's report as\n"
    "                  DIR/reverify/NAME.* (default reports)\n"
    "  --format F      what to print on stdout: md (default), csv or json\n"
    "  --allow-mixed   accept a bundle of another rz commit (the report says so)\n\n"
    "Exit codes: 0 every comparable claim reproduced its verdict; 1 one differs, or the run\n"
    "failed; 2 usage error, a corrupt bundle, a claim this build lacks, or a bundle of another rz\n"
    "commit without --allow-mixed.\n";

/* Returns 0 on success, 2 on a usage error, -1 after --help. */
static int parse(int argc, char **argv, rzb_bundle_args *o) {
    int rc = rzb_arg_bundles(argc, argv, "reverify", help, o);
    if (rc || o->n == 1) return rc;
    if (o->n > 1)
        fprintf(stderr, "rzbench reverify: unexpected argument '%s' (see --help)\n", o->bundles[1]);
    else
        fprintf(stderr, "rzbench reverify: expected a bundle (see --help)\n");
    return 2;
}

/* The run options the manifest records; null (a claim's default) stays the default. */
static rzb_options run_options(const cJSON *m) {
    const cJSON *o = cJSON_GetObjectItem(m, "options");
    rzb_options r = {.warmup = -1, .progress = isatty(2)};
    const cJSON *v;
    if (cJSON_IsNumber(v = cJSON_GetObjectItem(o, "runs"))) r.runs = v->valueint;
    if (cJSON_IsNumber(v = cJSON_GetObjectItem(o, "iterations"))) r.iterations = v->valueint;
    if (cJSON_IsNumber(v = cJSON_GetObjectItem(o, "warmup"))) r.warmup = v->valueint;
    if (cJSON_IsNumber(v = cJSON_GetObjectItem(o, "batch"))) r.batch = (uint64_t)v->valuedouble;
    if (cJSON_IsNumber(v = cJSON_GetObjectItem(o, "max_load"))) r.max_foreign_cpus = v->valuedouble;
    return r;
}

/* The bundle's claims as this build knows them; false after naming one it lacks. */
static bool claims_of(const rzb_bundle *b, const rzb_claim **out, size_t *n) {
    const cJSON *list = cJSON_GetObjectItem(b->manifest, "claims");
    *n = 0;
    for (const cJSON *c = cJSON_IsArray(list) ? list->child : NULL; c && *n < 64; c = c->next) {
        const char *id = cJSON_GetStringValue(c);
        out[*n] = id ? rzb_claim_find(id) : NULL;
        if (!out[*n]) {
            fprintf(stderr, "rzbench reverify: %s: claim '%s' is not built into this rzbench\n",
                    b->path, id ? id : "(not a string)");
            return false;
        }
        ++*n;
    }
    if (!*n) fprintf(stderr, "rzbench reverify: %s: manifest.json lists no claims\n", b->path);
    return *n > 0;
}

/* Checks the bundle can be re-run here: its commit, its claims, its report. */
static bool admissible(const rzb_bundle_args *o, const rzb_bundle *b, const rzb_claim **claims,
                       size_t *n, rzb_outcomes *then) {
    const char *commit = rzb_bundle_field(b, "rz_commit");
    char err[1024];
    if (strcmp(commit, RZ_GIT_COMMIT) && !o->allow_mixed) {
        fprintf(
            stderr,
            "rzbench reverify: %s was made by rz %s, this build is %s (--allow-mixed compares them anyway, and the report says so)\n",
            b->path, commit, RZ_GIT_COMMIT);
        return false;
    }
    if (!claims_of(b, claims, n)) return false;
    if (!rzb_outcomes_of_bundle(b, then, err, sizeof err)) {
        fprintf(stderr, "rzbench reverify: %s\n", err);
        return false;
    }
    return true;
}

/* Runs the claims into DIR/reverify and reads the report back. */
static bool rerun(const rzb_bundle_args *o, const rzb_bundle *b, const rzb_claim **claims, size_t n,
                  const char *command, rzb_outcomes *now) {
    char dir[4200], path[4400], err[1024];
    const char *name = rzb_bundle_field(b, "report");
    rzb_options run = run_options(b->manifest);
    snprintf(dir, sizeof dir, "%s/reverify", o->out_dir);
    snprintf(path, sizeof path, "%s/%s.json", dir, name);
    if (rzb_run_claims_to(claims, n, name, &run, dir, command)) return false;
    unsigned char *text;
    size_t len;
    rz_error e;
    if (rz_file_read_all(path, &text, &len, &e) != RZ_OK) {
        rz_cli_error("rzbench reverify", &e);
        return false;
    }
    bool ok = rzb_outcomes_read((const char *)text, len, path, now, err, sizeof err);
    if (!ok) fprintf(stderr, "rzbench reverify: %s\n", err);
    free(text);
    return ok;
}

/* Writes and prints the side-by-side report; 0 all comparable claims reproduced, 1 otherwise. */
static int report(const rzb_bundle_args *o, const rzb_bundle *b, const rzb_outcomes *then,
                  const rzb_outcomes *now, const char *command) {
    rzb_reverify r = {.bundle = b->path,
                      .command = command,
                      .then_commit = rzb_bundle_field(b, "rz_commit"),
                      .now_commit = RZ_GIT_COMMIT,
                      .then = then,
                      .now = now};
    char err[1024];
    int rc = 0;
    if (!rzb_reverify_judge(&r)) {
        fprintf(stderr, "rzbench reverify: out of memory\n");
        return 1;
    }
    if (!rzb_reverify_write(&r, o->out_dir, err, sizeof err)) {
        fprintf(stderr, "rzbench reverify: %s\n", err);
        rc = 1;
    }
    rzb_reverify_print(&r, o->format, stdout);
    for (size_t i = 0; i < r.n; i++)
        if (r.rows[i].status == RZB_DIFFERS) rc = 1;
    rzb_reverify_free(&r);
    return rc;
}

int rzb_cmd_reverify(int argc, char **argv, const char *command) {
    rzb_bundle_args o;
    int rc = parse(argc, argv, &o);
    rzb_bundle b;
    char err[1024];
    if (!rc && !rzb_bundle_open(o.bundles[0], &b, err, sizeof err)) {
        fprintf(stderr, "rzbench reverify: %s\n", err);
        rc = 2;
    }
    if (rc) {
        free(o.bundles);
        return rc < 0 ? 0 : rc;
    }
    const rzb_claim *claims[64];
    size_t n;
    rzb_outcomes then = {0}, now = {0};
    if (!admissible(&o, &b, claims, &n, &then))
        rc = 2;
    else if (!rerun(&o, &b, claims, n, command, &now))
        rc = 1;
    else
        rc = report(&o, &b, &then, &now, command);
    rzb_outcomes_free(&then);
    rzb_outcomes_free(&now);
    rzb_bundle_close(&b);
    free(o.bundles);
    return rc;
}
