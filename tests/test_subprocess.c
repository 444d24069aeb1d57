/* Processes that rzbench starts run on explicit CPU sets: never the measuring thread's pin by
 * inheritance. Read back from the kernel (/proc/PID/status, Cpus_allowed_list). */
#include <criterion/criterion.h>
#include <math.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/load.h"
#include "harness/subprocess.h"
#include "harness/timer.h"

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
