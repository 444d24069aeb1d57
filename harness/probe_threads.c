#include "harness/probe_threads.h"

#include <unistd.h>

#include "engine/core/pool_pin.h"

int rzb_online_cpus(void) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

int rzb_pool_pin(rz_pool *p) {
    const int on_own = 1 + rz_pool_pin(p), cpus = rzb_online_cpus();
    return on_own < cpus ? on_own : cpus;
}
