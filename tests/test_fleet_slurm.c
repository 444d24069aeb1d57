/* `rzbench fleet` on a real Slurm: scripts/slurm-local starts a one-machine cluster of two
 * virtual nodes (its own directory and ports, so a cluster of the user's is left alone), a
 * two-task array runs claims P1 and R1 at their smallest sizes, and `rzbench merge` over the two
 * bundles gives a matrix with one row per task. The cluster is stopped at the end, also when an
 * assertion fails. SKIPPED, with the reason, where Slurm is not installed or cannot start (not
 * root). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/subprocess.h"
#include "tests/support/support.h"
#include "tests/support/temp.h"

enum { WAIT_S = 480 }; /* each node builds rz first: minutes on a loaded 2-core machine */

static char out[1 << 16], err[1 << 16];
static char slurm_local[4096], slurm_log[] = "/tmp/rzt-slurm.log";
static bool started;

static int rzbench(char **args) {
    char *argv[16] = {(char *)rzt_bin("rzbench")};
    for (size_t i = 0; args[i] && i < 14; i++)
        argv[i + 1] = args[i];
    return rzt_run(argv, out, sizeof out, err, sizeof err);
}

static void own_cluster(void) {
    snprintf(slurm_local, sizeof slurm_local, "%s/scripts/slurm-local", getenv("RZ_SOURCE_DIR"));
    setenv("RZB_SLURM_DIR", "/tmp/rzt-slurm", 1);
    setenv("RZB_SLURM_PORT", "26817", 1);
    setenv("SLURM_CONF", "/tmp/rzt-slurm/slurm.conf", 1);
}

/* slurm-local's output goes to a file, not a pipe: the daemons it starts outlive it. */
static void stop_cluster(void) {
    char *argv[] = {slurm_local, "stop", NULL};
    if (started) rzb_run_logged(argv, slurm_log);
}

/* The last line slurm-local wrote. */
static const char *last_line(void) {
    static char line[1024];
    FILE *f = fopen(slurm_log, "r");
    while (f && fgets(line, sizeof line, f))
        continue;
    if (f) fclose(f);
    line[strcspn(line, "\n")] = 0;
    return line;
}

static int count_lines(const char *path) {
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    int n = 0, c, last = '\n';
    while ((c = fgetc(f)) != EOF) {
        n += c == '\n';
        last = c;
    }
    fclose(f);
    return n + (last != '\n');
}

Test(fleet_slurm, two_tasks_give_two_rows, .init = own_cluster, .fini = stop_cluster,
     .timeout = 600) {
    if (geteuid() != 0)
        cr_skip_test("needs root: scripts/slurm-local runs munged --force and SlurmUser=root");
    char *start[] = {slurm_local, "start", "--nodes", "2", "--no-install", NULL};
    unlink(slurm_log);
    int rc = rzb_run_logged(start, slurm_log);
    if (rc != 0) cr_skip_test("scripts/slurm-local start: exit %d: %s", rc, last_line());
    started = true;

    char dir[64];
    snprintf(dir, sizeof dir, "/tmp/rzt-fleet-XXXXXX");
    cr_assert(rzt_temp_dir(dir));
    char *submit[] = {"fleet", "submit",       "--nodes", "2",     "--claims", "P1,R1", "--runs",
                      "1",     "--iterations", "1",       "--out", dir,        NULL};
    cr_assert_eq(rzbench(submit), 0, "%s", err);
    char job[32];
    snprintf(job, sizeof job, "%.*s", (int)strcspn(out, "\n"), out);

    char *status[] = {"fleet", "status", "--out", dir, NULL};
    for (int t = 0; (rc = rzbench(status)) == 3 && t < WAIT_S; t++)
        sleep(1);
    cr_assert_eq(rc, 0, "fleet status after %d s: exit %d\n%s%s", WAIT_S, rc, out, err);

    char b0[128], b1[128], merged[128], csv[160];
    snprintf(b0, sizeof b0, "%s/bundles/%s_0.tar", dir, job);
    snprintf(b1, sizeof b1, "%s/bundles/%s_1.tar", dir, job);
    snprintf(merged, sizeof merged, "%s/merge", dir);
    char *merge[] = {"merge", b0, b1, "--out", merged, NULL};
    cr_assert_eq(rzbench(merge), 0, "%s", err);
    snprintf(csv, sizeof csv, "%s/merge.csv", merged);
    cr_expect_eq(count_lines(csv), 3, "a header and one row per task in %s", csv);
    char *rm[] = {"/bin/rm", "-rf", dir, NULL};
    rzt_run(rm, out, sizeof out, err, sizeof err);
}
