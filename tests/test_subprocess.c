/* Processes that rzbench starts run on explicit CPU sets: never the measuring thread's pin by
 * inheritance. Read back from the kernel (/proc/PID/status, Cpus_allowed_list). */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/baseline.h"
#include "harness/load.h"
#include "harness/subprocess.h"
#include "harness/timer.h"
#include "tests/support/temp.h"

/* Pins the calling thread to the last CPU it may use; returns that CPU. */
static int pin_last(void) {
    cpu_set_t set;
    cr_assert_eq(sched_getaffinity(0, sizeof set, &set), 0);
    int last = -1;
    for (int i = 0; i < CPU_SETSIZE; i++)
        if (CPU_ISSET(i, &set)) last = i;
    CPU_ZERO(&set);
    CPU_SET(last, &set);
    cr_assert_eq(sched_setaffinity(0, sizeof set, &set), 0);
    return last;
}

static void start_cat(const rzb_cpus *cpus, rzb_child *c) {
    char *argv[] = {"cat", NULL}, err[256];
    cr_assert(rzb_child_start(argv, cpus, c, err, sizeof err), "%s", err);
}

Test(subprocess, a_child_gets_every_cpu_not_the_callers_pin) {
    rzb_cpus all;
    rzb_cpus_all(&all);
    char want[64];
    rzb_cpus_text(&all, want, sizeof want);
    int pinned = pin_last();
    rzb_child c;
    start_cat(NULL, &c);
    char seen[64];
    cr_assert(rzb_cpus_of_pid(c.pid, seen, sizeof seen));
    cr_expect_str_eq(seen, want, "child allowed %s, rzbench started with %s", seen, want);
    cr_expect_str_eq(c.cpus, want);
    cpu_set_t own;
    sched_getaffinity(0, sizeof own, &own);
    cr_expect(CPU_COUNT(&own) == 1 && CPU_ISSET(pinned, &own), "the caller keeps its pin");
    cr_expect_eq(rzb_child_finish(&c, NULL, 0), 0);
}

Test(subprocess, a_child_gets_the_set_it_is_given) {
    rzb_cpus one;
    rzb_cpus_one(&one, 0);
    rzb_child c;
    start_cat(&one, &c);
    char seen[64];
    cr_assert(rzb_cpus_of_pid(c.pid, seen, sizeof seen));
    cr_expect_str_eq(seen, "0");
    rzb_child_finish(&c, NULL, 0);
}

Test(subprocess, cpu_lists_are_written_as_ranges) {
    rzb_cpus c;
    CPU_ZERO(&c.mask);
    const int cpus[] = {0, 1, 2, 5, 7, 8};
    for (size_t i = 0; i < sizeof cpus / sizeof cpus[0]; i++)
        CPU_SET(cpus[i], &c.mask);
    char text[64];
    cr_expect_str_eq(rzb_cpus_text(&c, text, sizeof text), "0-2,5,7-8");
}

Test(subprocess, a_signal_is_named_with_its_likely_cause) {
    char *argv[] = {"sh", "-c", "kill -ILL $$", NULL}, err[256];
    rzb_child c;
    cr_assert(rzb_child_start(argv, NULL, &c, err, sizeof err), "%s", err);
    int status = rzb_child_finish(&c, NULL, 0);
    cr_expect_eq(status, 128 + SIGILL);
    char why[512];
    rzb_signal_reason(status, why, sizeof why);
    cr_expect(strstr(why, "SIGILL (illegal instruction)") != NULL, "%s", why);
    cr_expect(strstr(why, "scripts/build-llama-cpp") != NULL, "%s", why);
}

/* A process rzbench did not start, busy for the whole window, shows as foreign load. */
Test(load, work_outside_rzbench_is_seen) {
    pid_t spinner = fork();
    cr_assert(spinner >= 0);
    if (spinner == 0) {
        uint64_t end = rz_now_ns() + 2000000000ull;
        while (rz_now_ns() < end)
            continue;
        _exit(0);
    }
    rzb_load start;
    rzb_load_mark(&start);
    usleep(500000);
    double steal, foreign = rzb_load_foreign_cpus(&start, &steal);
    kill(spinner, SIGKILL);
    waitpid(spinner, NULL, 0);
    cr_expect(foreign > 0.5, "a busy process outside: %.2f CPUs", foreign);
    cr_expect(!isnan(steal));
}

Test(subprocess, read_all_takes_every_byte) {
    char *argv[] = {"sh", "-c", "head -c 200000 /dev/zero | tr '\\0' x; printf end", NULL};
    char err[256];
    rzb_child c;
    cr_assert(rzb_child_start(argv, NULL, &c, err, sizeof err), "%s", err);
    char *out = rzb_child_read_all(&c);
    cr_assert_not_null(out);
    cr_expect_eq(strlen(out), 200003);
    cr_expect_str_eq(out + 200000, "end");
    free(out);
    cr_expect_eq(rzb_child_finish(&c, NULL, 0), 0);
}

/* A child's own peak, not this process's: with 256 MiB resident here, `true` must stay small
 * (Linux hands a spawning process's high-water mark to its child's rusage). */
Test(subprocess, the_childs_own_peak_rss_is_kept) {
    enum { BIG = 256 << 20 };
    char *ballast = malloc(BIG);
    cr_assert_not_null(ballast);
    memset(ballast, 1, BIG);
    char *small[] = {"true", NULL};
    char *big[] = {"dd", "if=/dev/zero", "of=/dev/null", "bs=64M", "count=1", "status=none", NULL};
    char err[256];
    rzb_child c;
    cr_assert(rzb_child_start_rss(small, NULL, &c, err, sizeof err), "%s", err);
    cr_expect_eq(rzb_child_finish(&c, NULL, 0), 0);
    const long small_kib = c.peak_rss_kib;
    cr_assert(rzb_child_start_rss(big, NULL, &c, err, sizeof err), "%s", err);
    cr_expect_eq(rzb_child_finish(&c, NULL, 0), 0);
    cr_expect(small_kib > 0 && small_kib < 32 * 1024, "true: %ld KiB", small_kib);
    cr_expect(c.peak_rss_kib >= 64 * 1024 && c.peak_rss_kib < 128 * 1024,
              "dd with a 64 MiB buffer: %ld KiB", c.peak_rss_kib);
    cr_assert(rzb_child_start(small, NULL, &c, err, sizeof err), "%s", err);
    cr_expect_eq(rzb_child_finish(&c, NULL, 0), 0);
    cr_expect_eq(c.peak_rss_kib, -1, "not measured");
    cr_assert(rzb_child_start_rss((char *[]){"sh", "-c", "kill -SEGV $$", NULL}, NULL, &c, err,
                                  sizeof err),
              "%s", err);
    cr_expect_eq(rzb_child_finish(&c, NULL, 0), 128 + SIGSEGV, "a signal as a shell reports it");
    free(ballast);
}

Test(subprocess, line_protocol_ask_and_read) {
    char *argv[] = {"sh", "-c", "echo ready; while read l; do echo \"got $l\"; done", NULL};
    char err[256];
    rzb_child c;
    cr_assert(rzb_child_start(argv, NULL, &c, err, sizeof err), "%s", err);
    cr_expect_str_eq(rzb_child_read(&c), "ready", "the newline is dropped");
    cr_expect_str_eq(rzb_child_ask(&c, "one"), "got one");
    cr_expect_str_eq(rzb_child_ask(&c, "two words"), "got two words");
    fclose(c.to);
    c.to = NULL;
    cr_expect_null(rzb_child_read(&c), "end of file once the child is done");
    cr_expect_eq(rzb_child_finish(&c, NULL, 0), 0);
}

/* A child that exits without reading its stdin: sending to it fails with EPIPE, SIGPIPE does not
 * kill the sender (its default action here), and nothing is left for fclose to write. */
Test(subprocess, a_send_to_a_child_that_stopped_reading_fails_without_sigpipe) {
    char *argv[] = {"true", NULL}, err[256];
    rzb_child c;
    cr_assert(rzb_child_start(argv, NULL, &c, err, sizeof err), "%s", err);
    siginfo_t info;
    cr_assert_eq(waitid(P_PID, (id_t)c.pid, &info, WEXITED | WNOWAIT), 0, "the child has exited");
    cr_assert_eq(signal(SIGPIPE, SIG_DFL), SIG_DFL);
    cr_expect_not(rzb_child_send(&c, "nobody reads this\n"));
    cr_expect_eq(errno, EPIPE);
    cr_expect_null(rzb_child_ask(&c, "nor this"));
    sigset_t pending;
    sigpending(&pending);
    cr_expect_not(sigismember(&pending, SIGPIPE), "no SIGPIPE is left pending");
    cr_expect_eq(rzb_child_finish(&c, NULL, 0), 0);
}

Test(subprocess, a_timed_process_gives_status_output_and_time) {
    char *ok[] = {"sh", "-c", "printf hello; echo noise >&2; exit 3", NULL};
    char out[4];
    uint64_t ns = 0;
    cr_expect_eq(rzb_time_process(ok, &ns, out, sizeof out), 3);
    cr_expect_str_eq(out, "hel", "stdout truncated to cap - 1, stderr discarded");
    cr_expect_gt(ns, 0);
    char *killed[] = {"sh", "-c", "kill -KILL $$", NULL};
    cr_expect_eq(rzb_time_process(killed, &ns, out, sizeof out), -1);
    char *absent[] = {"/nonexistent/rzt-no-such-tool", NULL};
    cr_expect_eq(rzb_time_process(absent, &ns, out, sizeof out), -2);
}

/* A context whose baseline helpers are shell scripts: scripts_dir/baselines/NAME runs `body`. */
static void fake_helper(rzb_context *ctx, const char *name, const char *body) {
    if (!ctx->scripts_dir[0]) {
        char dir[] = "/tmp/rzt-baselines-XXXXXX", sub[64];
        cr_assert_not_null(rzt_temp_dir(dir));
        snprintf(sub, sizeof sub, "%s/baselines", dir);
        cr_assert_eq(mkdir(sub, 0755), 0);
        snprintf(ctx->scripts_dir, sizeof ctx->scripts_dir, "%s", dir);
        snprintf(ctx->python, sizeof ctx->python, "sh");
    }
    char path[4200];
    snprintf(path, sizeof path, "%s/baselines/%s", ctx->scripts_dir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(body, f);
    fclose(f);
}

/* Removes the helpers' folder. */
static void remove_helpers(const rzb_context *ctx) {
    char *argv[] = {"rm", "-rf", (char *)ctx->scripts_dir, NULL};
    uint64_t ns;
    char out[8];
    cr_expect_eq(rzb_time_process(argv, &ns, out, sizeof out), 0);
}

Test(baseline, greeting_samples_and_a_protocol_error) {
    rzb_context ctx = {0};
    fake_helper(&ctx, "ok.sh",
                "echo '{\"ready\": true, \"torch\": \"2.0-fake\", \"threads\": 4}'\n"
                "while read l; do case \"$l\" in quit) exit 0;;\n"
                "bad) echo '{\"samples_ns\": [1]}';;\n"
                "*) echo '{\"samples_ns\": [100, 200, 300]}';; esac; done\n");
    rzb_baseline b;
    char why[1024];
    cr_assert(rzb_baseline_start(&b, &ctx, "ok.sh", NULL, NULL, why, sizeof why), "%s", why);
    cr_expect_str_eq(rzb_baseline_info(&b, "torch"), "2.0-fake");
    cr_expect_str_eq(rzb_baseline_info(&b, "numpy"), "?");
    cr_expect_eq(rzb_baseline_number(&b, "threads"), 4);
    cr_expect(isnan(rzb_baseline_number(&b, "torch")), "a string is not a number");
    rzb_series s;
    rzb_series_init(&s, "torch", "ns", "per call");
    cr_expect(rzb_baseline_sample(&b, "go", 3, 10, 1, &s));
    cr_assert_eq(s.n, 3);
    cr_expect(s.values[0] == 10 && s.values[2] == 30 && s.run[1] == 1);
    cr_expect_not(rzb_baseline_sample(&b, "bad", 3, 1, 2, &s), "one sample where three were due");
    cr_expect_not(b.alive, "a protocol error stops the helper");
    cr_expect_not(rzb_baseline_sample(&b, "go", 3, 1, 2, &s));
    cr_expect_eq(s.n, 3);
    rzb_baseline_stop(&b);
    rzb_series_free(&s);
    remove_helpers(&ctx);
}

Test(baseline, a_helper_that_cannot_start_says_why) {
    rzb_context ctx = {0};
    fake_helper(&ctx, "err.sh", "echo 'no module named torch' >&2; exit 1\n");
    fake_helper(&ctx, "quiet.sh", "exit 0\n");
    fake_helper(&ctx, "ill.sh", "kill -ILL $$\n");
    rzb_baseline b;
    char why[1024], want[4400];
    cr_expect_not(rzb_baseline_start(&b, &ctx, "err.sh", NULL, NULL, why, sizeof why));
    snprintf(want, sizeof want, "sh %s/baselines/err.sh: no module named torch", ctx.scripts_dir);
    cr_expect_str_eq(why, want);
    cr_expect_not(rzb_baseline_start(&b, &ctx, "quiet.sh", NULL, NULL, why, sizeof why));
    cr_expect(strstr(why, "quiet.sh: exited without a greeting") != NULL, "%s", why);
    cr_expect_not(rzb_baseline_start(&b, &ctx, "ill.sh", NULL, NULL, why, sizeof why));
    cr_expect(strstr(why, "SIGILL") != NULL, "%s", why);
    remove_helpers(&ctx);
}
