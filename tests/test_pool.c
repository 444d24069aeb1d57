/* rz_pool: every share runs once per job; rz_pool_pin binds each thread to a CPU of its own
 * when there are enough. */
#include <criterion/criterion.h>
#include <sched.h>
#include <stdatomic.h>
#include <unistd.h>

#include "engine/core/pool.h"
#include "engine/core/pool_pin.h"

typedef struct {
    atomic_int calls;
    int seen[8];
    int cpu[8];
} record;

static void note(void *ctx, int i, int n) {
    record *r = ctx;
    atomic_fetch_add(&r->calls, 1);
    r->seen[i] = n;
    r->cpu[i] = sched_getcpu();
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

Test(pool, pinned_threads_get_cpus_of_their_own) {
    const long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    rz_pool *p;
    rz_error err;
    cr_assert_eq(rz_pool_new(2, &p, &err), RZ_OK, "%s", err.msg);
    cr_assert_eq(rz_pool_pin(p), 2, "hwloc binds both threads");
    record r = {0};
    rz_pool_run(p, note, &r);
    if (cpus >= 2) cr_expect_neq(r.cpu[0], r.cpu[1], "both threads on CPU %d", r.cpu[0]);
    rz_pool_free(p);
    cr_assert_eq(rz_pool_pin(NULL), 1, "no pool: the caller's thread alone");
}
