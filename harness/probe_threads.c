#include "harness/probe_threads.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <unistd.h>

typedef struct {
    int caller_cpu, n_cpus;
    atomic_int placed;
} pin_job;

int rzb_online_cpus(void) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

static void pin_part(void *ctx, int i, int n) {
    (void)n;
    pin_job *j = ctx;
    if (i == 0) {
        atomic_fetch_add(&j->placed, 1);
        return;
    }
    int others = j->n_cpus > 1 ? j->n_cpus - 1 : 1;
    int cpu = (i - 1) % others;
    if (j->n_cpus > 1 && cpu >= j->caller_cpu) cpu++;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (pthread_setaffinity_np(pthread_self(), sizeof set, &set) == 0 && i < j->n_cpus)
        atomic_fetch_add(&j->placed, 1);
}

int rzb_pool_pin(rz_pool *p) {
    int caller = sched_getcpu();
    pin_job j = {caller < 0 ? 0 : caller, rzb_online_cpus(), 0};
    rz_pool_run(p, pin_part, &j);
    return atomic_load(&j.placed);
}
