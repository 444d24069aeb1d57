/* `rzbench fleet` without a cluster: the sbatch script, parsing what sbatch, sinfo, sacct and
 * squeue print, the task states, and the command end to end against stand-in Slurm commands
 * (shell scripts on PATH): usage errors, Slurm missing or down (exit 2, nothing written), a
 * submit, and a status with a failed task's log tail. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/fleet.h"
#include "harness/fleet_slurm.h"
#include "harness/fleet_status.h"
#include "tests/support/support.h"
#include "tests/support/temp.h"

static char out[1 << 16], err[1 << 16];

static int rzbench_n(size_t n, const char *const *args) {
    char *argv[24] = {(char *)rzt_bin("rzbench")};
    for (size_t i = 0; i < n && i < 22 && args[i]; i++)
        argv[i + 1] = (char *)args[i];
    return rzt_run(argv, out, sizeof out, err, sizeof err);
}

#define rzbench(args) rzbench_n(sizeof(args) / sizeof((args)[0]), (args))

static void write_file(const char *path, const char *text, mode_t mode) {
    FILE *f = fopen(path, "w");
    cr_assert(f, "%s", path);
    fputs(text, f);
    fclose(f);
    chmod(path, mode);
}

static char *read_file(const char *path) {
    static char buf[1 << 16];
    FILE *f = fopen(path, "r");
    if (!f) return NULL;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    fclose(f);
    return buf;
}

/* Temporary folders, removed after each test. */
static char temps[4][64];
static int n_temps;

static const char *temp_dir(void) {
    cr_assert_lt(n_temps, 4);
    char *dir = temps[n_temps++];
    snprintf(dir, sizeof temps[0], "/tmp/rzt-fleet-XXXXXX");
    cr_assert(rzt_temp_dir(dir));
    return dir;
}

static void remove_temps(void) {
    for (int i = 0; i < n_temps; i++) {
        char *argv[] = {"/bin/rm", "-rf", temps[i], NULL};
        rzt_run(argv, out, sizeof out, err, sizeof err);
    }
}

TestSuite(fleet, .fini = remove_temps);

/* A folder of stand-in Slurm commands, first on PATH: each prints `text` (on stderr when it
 * fails) and exits `rc`. */
static char fake_dir[64];

static void fake(const char *tool, const char *text, int rc) {
    char path[256], body[4096];
    snprintf(path, sizeof path, "%s/%s", fake_dir, tool);
    snprintf(body, sizeof body, "#!/bin/sh\ncat %s<<'EOF'\n%s\nEOF\nexit %d\n", rc ? ">&2 " : "",
             text, rc);
    write_file(path, body, 0755);
}

static void fake_slurm(void) {
    snprintf(fake_dir, sizeof fake_dir, "%s", temp_dir());
    char path[256];
    snprintf(path, sizeof path, "%s:/usr/bin:/bin", fake_dir);
    setenv("PATH", path, 1);
    fake("sinfo", "rz1 debug*\nrz2 debug*", 0);
    fake("scontrol", "rz2", 0);
    fake("sacct", "sacct: error: Slurm accounting storage is disabled", 1);
    fake("squeue", "", 0);
    snprintf(path, sizeof path, "%s/sbatch", fake_dir);
    char body[512];
    snprintf(body, sizeof body, "#!/bin/sh\ncat >%s/submitted\necho '4242;cluster'\n", fake_dir);
    write_file(path, body, 0755);
}

static const rzb_fleet_spec spec = {.out_dir = "/shared/fleet",
                                    .partition = "debug",
                                    .tasks = 2,
                                    .claims = "P1,R1",
                                    .verify_args = "--runs 2 --iterations 10",
                                    .source_dir = "/src/it's rz",
                                    .build_dir = "/src/it's rz/build"};

Test(fleet, script_has_the_array_and_the_verify_line) {
    char *s = rzb_fleet_script(&spec);
    cr_assert(s);
    cr_expect(strstr(s, "#SBATCH --array=0-1\n"), "%s", s);
    cr_expect(strstr(s, "#SBATCH --partition=debug\n"), "%s", s);
    cr_expect(strstr(s, "#SBATCH --exclusive\n"), "%s", s);
    cr_expect(strstr(s, "#SBATCH --output=/shared/fleet/logs/%A_%a.out\n"), "%s", s);
    cr_expect(strstr(s, "source_dir='/src/it'\\''s rz'\n"), "%s", s);
    cr_expect(strstr(s, "verify --claims P1,R1 --runs 2 --iterations 10 --no-history"), "%s", s);
    cr_expect(strstr(s, "--bundle \"$out/bundles/$task.tar\""), "%s", s);
    char path[128];
    snprintf(path, sizeof path, "%s/fleet.sbatch", temp_dir());
    write_file(path, s, 0644);
    char *argv[] = {"/bin/bash", "-n", path, NULL};
    cr_expect_eq(rzt_run(argv, out, sizeof out, err, sizeof err), 0, "bash -n: %s", err);
    free(s);
}

Test(fleet, script_without_partition_or_claims) {
    rzb_fleet_spec s = spec;
    s.partition = NULL;
    s.claims = NULL;
    char *text = rzb_fleet_script(&s);
    cr_expect(!strstr(text, "--partition"), "%s", text);
    cr_expect(strstr(text, "verify --runs 2"), "%s", text);
    free(text);
}

Test(fleet, plain_text_for_sbatch_lines) {
    cr_expect(rzb_fleet_plain("/tmp/fleet-1_a.b"));
    cr_expect(!rzb_fleet_plain("/tmp/a b"));
    cr_expect(!rzb_fleet_plain("/tmp/100%"));
    cr_expect(!rzb_fleet_plain("it's"));
}

Test(fleet, job_id_from_sbatch_parsable) {
    char id[32];
    cr_expect(rzb_slurm_parse_job_id("123\n", id) && !strcmp(id, "123"));
    cr_expect(rzb_slurm_parse_job_id("77;cluster\n", id) && !strcmp(id, "77"));
    cr_expect(!rzb_slurm_parse_job_id("Submitted batch job 5\n", id));
    cr_expect(!rzb_slurm_parse_job_id("", id));
}

Test(fleet, nodes_from_sinfo) {
    const char *text = "rz1 debug*\nrz2 debug*\ngpu1 long\nrz2 long\n";
    int n;
    char *names = rzb_slurm_parse_nodes(text, NULL, &n);
    cr_expect_eq(n, 2);
    cr_expect_str_eq(names, "rz1\nrz2\n");
    free(names);
    names = rzb_slurm_parse_nodes(text, "long", &n);
    cr_expect_eq(n, 2);
    cr_expect_str_eq(names, "gpu1\nrz2\n");
    free(names);
    names = rzb_slurm_parse_nodes(text, "gpu", &n);
    cr_expect_eq(n, 0);
    cr_expect_str_eq(names, "");
    free(names);
}

Test(fleet, nodelist_excludes_the_other_nodes) {
    char stranger[64], *exclude;
    int n;
    exclude = rzb_fleet_exclude("a\nb\nc\nd\n", "b\nd\n", &n, stranger);
    cr_expect_str_eq(exclude, "a,c");
    cr_expect_eq(n, 2);
    free(exclude);
    exclude = rzb_fleet_exclude("a\nb\n", "a\nb", &n, stranger);
    cr_expect_str_eq(exclude, "");
    cr_expect_eq(n, 2);
    free(exclude);
    cr_expect_null(rzb_fleet_exclude("a\nb\n", "a\nz\n", &n, stranger));
    cr_expect_str_eq(stranger, "z");
}

Test(fleet, task_states_from_sacct_and_squeue) {
    rzb_fleet_task t[6] = {0};
    const char *sacct = "12_0|COMPLETED|00:00:05|n1|0:0\n"
                        "12_1|CANCELLED by 0|00:00:01|n2|0:15\n"
                        "13_2|FAILED|00:00:01|n2|1:0\n"
                        "12_[2-3,5%1]|PENDING|00:00:00|None assigned|0:0\n";
    cr_expect_eq(rzb_fleet_parse_lines(sacct, "12", "sacct", t, 6), 5);
    cr_expect_str_eq(t[0].state, "COMPLETED");
    cr_expect_str_eq(t[0].elapsed, "00:00:05");
    cr_expect_str_eq(t[1].state, "CANCELLED");
    cr_expect_str_eq(t[1].exit_code, "0:15");
    cr_expect_str_eq(t[2].state, "PENDING");
    cr_expect_str_eq(t[5].state, "PENDING");
    cr_expect_null(t[4].source);
    cr_expect_eq(
        rzb_fleet_parse_lines("12_4|RUNNING|0:07|n3\n12_0|RUNNING|0:01|n1\n", "12", "squeue", t, 6),
        1, "only tasks not yet found");
    cr_expect_str_eq(t[4].state, "RUNNING");
    cr_expect_str_eq(t[4].exit_code, "-");
    cr_expect_str_eq(t[4].source, "squeue");
    rzb_fleet_task raw[1] = {0};
    cr_expect_eq(rzb_fleet_parse_lines("12_0|FAILED|0:07|n3|256|\n", "12", "squeue", raw, 1), 1);
    cr_expect_str_eq(raw[0].exit_code, "1:0", "squeue's exit_code is a wait status");
    raw[0].source = NULL;
    rzb_fleet_parse_lines("12_0|CANCELLED|0:02|n3|15|\n", "12", "squeue", raw, 1);
    cr_expect_str_eq(raw[0].exit_code, "0:15");
    cr_expect_str_eq(t[0].source, "sacct");
    rzb_fleet_task steps[1] = {0};
    cr_expect_eq(rzb_fleet_parse_lines("12_0.batch|FAILED|0:01|n1|1:0\n", "12", "sacct", steps, 1),
                 0, "a step is not a task");
}

Test(fleet, task_state_from_exit_record) {
    rzb_fleet_task t = {0};
    cr_expect(rzb_fleet_parse_exit("0 75 n1\n", &t));
    cr_expect_str_eq(t.state, "COMPLETED");
    cr_expect_str_eq(t.elapsed, "00:01:15");
    cr_expect_str_eq(t.node, "n1");
    cr_expect(rzb_fleet_parse_exit("3 2 n2\n", &t));
    cr_expect_str_eq(t.state, "FAILED");
    cr_expect_str_eq(t.exit_code, "3:0");
    cr_expect(!rzb_fleet_parse_exit("garbage", &t));
}

Test(fleet, phases) {
    cr_expect_eq(rzb_fleet_phase("COMPLETED"), RZB_TASK_DONE);
    cr_expect_eq(rzb_fleet_phase("PENDING"), RZB_TASK_WAITING);
    cr_expect_eq(rzb_fleet_phase("RUNNING"), RZB_TASK_WAITING);
    cr_expect_eq(rzb_fleet_phase("TIMEOUT"), RZB_TASK_FAILED);
    cr_expect_eq(rzb_fleet_phase("UNKNOWN"), RZB_TASK_FAILED);
}

Test(fleet, help_and_usage_errors) {
    const char *help[] = {"fleet", "--help"};
    cr_expect_eq(rzbench(help), 0, "%s", err);
    cr_expect(strstr(out, "usage: rzbench fleet submit"), "%s", out);
    const char *sub_help[] = {"fleet", "status", "--help"};
    cr_expect_eq(rzbench(sub_help), 0, "%s", err);
    const char *cases[][6] = {
        {"fleet"},
        {"fleet", "frob"},
        {"fleet", "submit", "--nodes", "0"},
        {"fleet", "submit", "--claims", "Z9"},
        {"fleet", "submit", "--runs", "ten"},
        {"fleet", "submit", "--out", "/tmp/a b"},
        {"fleet", "submit", "--bogus", "1"},
        {"fleet", "submit", "--runs"},
        {"fleet", "submit", "--nodes", "2", "--nodelist", "rz1"},
        {"fleet", "status", "--out", "/nonexistent/fleet"},
        {"verify", "--claims", "Z9"},
        {"claim", "P1", "--claims", "P1"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        cr_expect_eq(rzbench(cases[i]), 2, "case %zu: %s", i, err);
    rzbench(cases[3]);
    cr_expect(strstr(err, "unknown claim id 'Z9'"), "%s", err);
    rzbench(cases[9]);
    cr_expect(strstr(err, "fleet.json"), "%s", err);
}

Test(fleet, slurm_missing_exits_2_and_writes_nothing) {
    const char *empty = temp_dir();
    setenv("PATH", empty, 1);
    char dir[128];
    snprintf(dir, sizeof dir, "%s/fleet", empty);
    const char *args[] = {"fleet", "submit", "--claims", "P1", "--out", dir};
    cr_expect_eq(rzbench(args), 2, "%s", err);
    cr_expect(strstr(err, "not found on PATH") && strstr(err, "Slurm"), "%s", err);
    cr_expect_neq(access(dir, F_OK), 0, "nothing written");
    mkdir(dir, 0755);
    char path[160];
    snprintf(path, sizeof path, "%s/fleet.json", dir);
    write_file(
        path,
        "{\"job_id\": \"7\", \"array_size\": 1, \"claims\": \"\", \"command\": \"x\", \"submitted_utc\": \"t\"}",
        0644);
    const char *status[] = {"fleet", "status", "--out", dir};
    cr_expect_eq(rzbench(status), 2, "%s", err);
    cr_expect(strstr(err, "squeue not found on PATH"), "%s", err);
}

Test(fleet, unreadable_slurm_conf_exits_2_at_once) {
    fake_slurm();
    setenv("SLURM_CONF", "/nonexistent/slurm.conf", 1);
    const char *args[] = {"fleet", "submit", "--out", "/nonexistent/fleet"};
    cr_expect_eq(rzbench(args), 2, "%s", err);
    cr_expect(strstr(err, "SLURM_CONF=/nonexistent/slurm.conf: No such file"), "%s", err);
}

Test(fleet, controller_down_exits_2_and_writes_nothing) {
    fake_slurm();
    fake("sinfo", "slurm_load_partitions: Unable to contact slurm controller (connect failure)", 1);
    char dir[128];
    snprintf(dir, sizeof dir, "%s/fleet", fake_dir);
    const char *args[] = {"fleet", "submit", "--out", dir};
    cr_expect_eq(rzbench(args), 2, "%s", err);
    cr_expect(strstr(err, "cannot contact the Slurm controller"), "%s", err);
    fake("sinfo", "rz1 debug*", 0);
    fake("sbatch", "sbatch: error: Batch job submission failed: Unable to contact slurm controller",
         1);
    cr_expect_eq(rzbench(args), 2, "%s", err);
    cr_expect(strstr(err, "cannot contact the Slurm controller") && strstr(err, "sbatch"), "%s",
              err);
    cr_expect_neq(access(dir, F_OK), 0, "nothing written");
}

Test(fleet, submit_then_status_reports_each_task) {
    fake_slurm();
    char dir[128], path[256];
    snprintf(dir, sizeof dir, "%s/fleet", fake_dir);
    const char *submit[] = {"fleet", "submit", "--claims", "p1,R1", "--runs", "1", "--out", dir};
    cr_assert_eq(rzbench(submit), 0, "%s", err);
    cr_expect_str_eq(out, "4242\n");
    snprintf(path, sizeof path, "%s/fleet.sbatch", dir);
    char script[1 << 16];
    snprintf(script, sizeof script, "%s", read_file(path));
    snprintf(path, sizeof path, "%s/submitted", fake_dir);
    cr_expect_str_eq(read_file(path), script, "fleet.sbatch is what sbatch read");
    cr_expect(strstr(script, "--array=0-1") && strstr(script, "--claims P1,R1 --runs 1"), "%s",
              script);
    snprintf(path, sizeof path, "%s/fleet.json", dir);
    const char *json = read_file(path);
    cr_expect(json && strstr(json, "\"job_id\":\t\"4242\"") && strstr(json, "\"array_size\":\t2"),
              "%s", json);

    fake("squeue", "4242_1|RUNNING|0:05|n2", 0);
    const char *status[] = {"fleet", "status", "--out", dir};
    cr_expect_eq(rzbench(status), 3, "task 1 still runs: %s\n%s", out, err);
    cr_expect(strstr(out, "UNKNOWN") && strstr(out, "RUNNING"), "%s", out);
    cr_expect(strstr(err, "accounting storage is disabled"), "%s", err);

    fake("squeue", "slurm_load_jobs error: Invalid job id specified", 1);
    snprintf(path, sizeof path, "%s/tasks", dir);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/tasks/4242_0.exit", dir);
    write_file(path, "1 4 n1\n", 0644);
    snprintf(path, sizeof path, "%s/logs/4242_0.err", dir);
    write_file(path, "building\nrzbench: no such claim\n", 0644);
    snprintf(path, sizeof path, "%s/tasks/4242_1.exit", dir);
    write_file(path, "0 9 n2\n", 0644);
    snprintf(path, sizeof path, "%s/bundles", dir);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/bundles/4242_1.tar", dir);
    write_file(path, "tar", 0644);
    cr_expect_eq(rzbench(status), 1, "task 0 failed: %s\n%s", out, err);
    cr_expect(strstr(out, "FAILED") && strstr(out, "| rzbench: no such claim"), "%s", out);
    cr_expect(strstr(out, "COMPLETED") && strstr(out, "bundles/4242_1.tar"), "%s", out);

    snprintf(path, sizeof path, "%s/tasks/4242_0.exit", dir);
    write_file(path, "0 4 n1\n", 0644);
    cr_expect_eq(rzbench(status), 1, "COMPLETED without a bundle fails: %s", out);
    cr_expect(strstr(out, "no bundle"), "%s", out);
    snprintf(path, sizeof path, "%s/bundles/4242_0.tar", dir);
    write_file(path, "tar", 0644);
    cr_expect_eq(rzbench(status), 0, "%s\n%s", out, err);
}

Test(fleet, nodelist_gives_one_task_per_node_named) {
    fake_slurm();
    char dir[128], path[256];
    snprintf(dir, sizeof dir, "%s/fleet", fake_dir);
    const char *args[] = {"fleet", "submit", "--nodelist", "rz2", "--out", dir};
    cr_assert_eq(rzbench(args), 0, "%s", err);
    snprintf(path, sizeof path, "%s/fleet.sbatch", dir);
    const char *script = read_file(path);
    cr_expect(strstr(script, "--array=0-0\n") && strstr(script, "#SBATCH --exclude=rz1\n"), "%s",
              script);
    fake("scontrol", "rz3", 0);
    cr_expect_eq(rzbench(args), 2, "%s", err);
    cr_expect(strstr(err, "rz3 is not a responding node of the default partition"), "%s", err);
}

/* The library calls under the commands, against the stand-in Slurm. */
Test(fleet, library_against_stand_in_slurm) {
    fake_slurm();
    char why[1024], id[32], *names;
    unsetenv("SLURM_CONF");
    cr_expect_eq(rzb_slurm_config(why, sizeof why), RZB_SLURM_OK, "%s", why);
    setenv("SLURM_CONF", "/nonexistent.conf", 1);
    cr_expect_eq(rzb_slurm_config(why, sizeof why), RZB_SLURM_MISSING);
    unsetenv("SLURM_CONF");
    char *echo[] = {"sinfo", NULL};
    cr_assert_eq(rzb_slurm_run(echo, "ignored", &names, why, sizeof why), RZB_SLURM_OK, "%s", why);
    cr_expect(strstr(names, "rz1 debug*"), "%s", names);
    free(names);
    int n;
    cr_assert_eq(rzb_slurm_nodes(NULL, &names, &n, why, sizeof why), RZB_SLURM_OK, "%s", why);
    cr_expect_eq(n, 2);
    free(names);
    cr_assert_eq(rzb_slurm_hostnames("rz[2]", &names, why, sizeof why), RZB_SLURM_OK, "%s", why);
    cr_expect_str_eq(names, "rz2\n");
    free(names);
    cr_expect_eq(rzb_slurm_submit("#!/bin/bash\n", id, why, sizeof why), RZB_SLURM_OK, "%s", why);
    cr_expect_str_eq(id, "4242");

    rzb_fleet_record rec = {.job_id = "4242", .tasks = 1, .claims = "R1", .command = "rzbench"},
                     back;
    cr_assert(rzb_fleet_record_write(fake_dir, &rec, why, sizeof why), "%s", why);
    cr_assert(rzb_fleet_record_read(fake_dir, &back, why, sizeof why), "%s", why);
    cr_expect_str_eq(back.job_id, "4242");
    cr_expect_eq(back.tasks, 1);
    char path[256], note[1024], tail[256];
    snprintf(path, sizeof path, "%s/logs", fake_dir);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/logs/4242_0.out", fake_dir);
    write_file(path, "one\ntwo\nthree\n", 0644);
    rzb_fleet_task task;
    cr_assert_eq(rzb_fleet_status(fake_dir, &back, &task, note, sizeof note, why, sizeof why),
                 RZB_SLURM_OK, "%s", why);
    cr_expect_str_eq(task.state, "UNKNOWN");
    cr_expect_eq(task.phase, RZB_TASK_FAILED);
    rzb_fleet_log_tail(&task, 2, tail, sizeof tail);
    cr_expect_str_eq(tail, "two\nthree");
}
