/* rz_pool: every share runs once per job; rz_pool_pin binds each worker to one CPU and leaves
 * the caller's binding alone; rz_pool_pin_cores binds every thread, the caller's too, to the
 * cores from a given one on. */
#include <criterion/criterion.h>
#include <sched.h>
#include <stdatomic.h>

#include "engine/core/pool.h"
#include "engine/core/pool_pin.h"

typedef struct {
    atomic_int calls;
    int seen[8];
    int allowed[8]; /* CPUs the thread may run on */
} record;

static void note(void *ctx, int i, int n) {
    record *r = ctx;
    atomic_fetch_add(&r->calls, 1);
    r->seen[i] = n;
    cpu_set_t set;
    r->allowed[i] = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : -1;
}

/* Records the one CPU thread i is bound to (in seen[i]) and how many it may use. */
static void note_cpu(void *ctx, int i, int n) {
    (void)n;
    record *r = ctx;
    cpu_set_t set;
    r->allowed[i] = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : -1;
    r->seen[i] = -1;
    for (int c = 0; c < CPU_SETSIZE && r->seen[i] < 0; c++)
        if (CPU_ISSET(c, &set)) r->seen[i] = c;
}

Test(pool, each_share_runs_once) {
    rz_pool *p;
    rz_error err;
    cr_assert_eq(rz_pool_new(4, &p, &err), RZ_OK, "%s", err.msg);
    cr_assert_eq(rz_pool_size(p), 4);
    for (int job = 0; job < 50; job++) {
        record r = {0};
        rz_pool_run(p, note, &r);
        cr_assert_eq(atomic_load(&r.calls), 4);
        for (int i = 0; i < 4; i++)
            cr_assert_eq(r.seen[i], 4, "job %d share %d", job, i);
    }
    rz_pool_free(p);
    cr_assert_eq(rz_pool_new(0, &p, &err), RZ_EINVAL);
    cr_expect(strstr(err.msg, "thread count 0: expected 1..1024"), "%s", err.msg);
}

Test(pool, pinned_workers_leave_the_caller_unbound) {
    cpu_set_t before, after;
    cr_assert_eq(sched_getaffinity(0, sizeof before, &before), 0);
    rz_pool *p;
    rz_error err;
    cr_assert_eq(rz_pool_new(2, &p, &err), RZ_OK, "%s", err.msg);
    cr_assert_eq(rz_pool_pin(p), 1, "hwloc binds the one worker");
    record r = {0};
    rz_pool_run(p, note, &r);
    cr_expect_eq(r.allowed[1], 1, "the worker runs on one CPU, not %d", r.allowed[1]);
    cr_expect_eq(r.allowed[0], CPU_COUNT(&before), "the caller keeps its %d CPUs",
                 CPU_COUNT(&before));
    cr_assert_eq(sched_getaffinity(0, sizeof after, &after), 0);
    cr_expect(CPU_EQUAL(&before, &after), "the caller's own binding is untouched");
    rz_pool_free(p);
    cr_assert_eq(rz_pool_pin(NULL), 0, "no pool, no workers");
}

/* The CLIs' default thread count: the physical cores under this process's affinity, never more
 * than its CPUs; the CPU count follows a narrowed mask. */
Test(pool, default_threads_follow_the_affinity) {
    cpu_set_t all, one;
    cr_assert_eq(sched_getaffinity(0, sizeof all, &all), 0);
    cr_expect_eq(rz_allowed_cpus(), CPU_COUNT(&all));
    cr_expect(rz_default_threads() >= 1 && rz_default_threads() <= rz_allowed_cpus());
    CPU_ZERO(&one);
    for (int c = 0; c < CPU_SETSIZE; c++)
        if (CPU_ISSET(c, &all)) {
            CPU_SET(c, &one);
            break;
        }
    cr_assert_eq(sched_setaffinity(0, sizeof one, &one), 0);
    cr_expect_eq(rz_allowed_cpus(), 1);
    cr_expect_eq(rz_default_threads(), 1);
    sched_setaffinity(0, sizeof all, &all);
}

/* Thread i of the pool (0: the caller) runs on the CPU of core (first + i) mod the cores, read
 * back from the OS. */
Test(pool, pinned_to_cores_from_a_first_one) {
    int cores = rz_allowed_cores();
    if (!cores) cr_skip_test("hwloc cannot read the topology");
    rz_pool *p;
    rz_error err;
    cr_assert_eq(rz_pool_new(2, &p, &err), RZ_OK, "%s", err.msg);
    for (int first = 0; first < 3; first++) {
        cr_assert_eq(rz_pool_pin_cores(p, first), 2);
        record r = {0};
        rz_pool_run(p, note_cpu, &r);
        for (int i = 0; i < 2; i++) {
            cr_expect_eq(r.allowed[i], 1, "thread %d runs on one CPU", i);
            cr_expect_eq(r.seen[i], rz_core_cpu((first + i) % cores), "first %d thread %d", first,
                         i);
        }
    }
    rz_pool_free(p);
    cr_assert_eq(rz_pool_pin_cores(NULL, 1), 1, "no pool: the caller alone");
    cpu_set_t set;
    cr_assert_eq(sched_getaffinity(0, sizeof set, &set), 0);
    cr_expect_eq(CPU_COUNT(&set), 1);
    cr_expect(CPU_ISSET(rz_core_cpu(1 % cores), &set));
    cr_expect_eq(rz_core_cpu(cores), rz_core_cpu(0), "core indices wrap");
}
