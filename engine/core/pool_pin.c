/* rz_pool_pin (engine/core/pool_pin.h). */
#include "engine/core/pool_pin.h"

#include <hwloc.h>
#include <pthread.h>
#include <stdatomic.h>

static hwloc_topology_t topology;
static pthread_once_t topology_once = PTHREAD_ONCE_INIT;

static void load_topology(void) {
    if (hwloc_topology_init(&topology)) return;
    if (hwloc_topology_load(topology)) {
        hwloc_topology_destroy(topology);
        topology = NULL;
    }
}

typedef struct {
    hwloc_const_cpuset_t allowed;
    hwloc_obj_type_t unit;
    int n_units;
    atomic_int bound;
} pin_job;

static void pin_part(void *ctx, int i, int n) {
    (void)n;
    pin_job *j = ctx;
    hwloc_obj_t obj = hwloc_get_obj_inside_cpuset_by_type(topology, j->allowed, j->unit,
                                                          (unsigned)(i % j->n_units));
    if (!obj) return;
    hwloc_bitmap_t set = hwloc_bitmap_dup(obj->cpuset);
    if (!set) return;
    hwloc_bitmap_and(set, set, j->allowed);
    hwloc_bitmap_singlify(set);
    if (hwloc_set_cpubind(topology, set, HWLOC_CPUBIND_THREAD) == 0) atomic_fetch_add(&j->bound, 1);
    hwloc_bitmap_free(set);
}

int rz_pool_pin(rz_pool *p) {
    pthread_once(&topology_once, load_topology);
    if (!topology) return 0;
    pin_job j = {.allowed = hwloc_topology_get_allowed_cpuset(topology), .unit = HWLOC_OBJ_CORE};
    j.n_units = hwloc_get_nbobjs_inside_cpuset_by_type(topology, j.allowed, HWLOC_OBJ_CORE);
    if (j.n_units < rz_pool_size(p)) {
        j.unit = HWLOC_OBJ_PU;
        j.n_units = hwloc_get_nbobjs_inside_cpuset_by_type(topology, j.allowed, HWLOC_OBJ_PU);
    }
    if (j.n_units < 1) return 0;
    atomic_init(&j.bound, 0);
    rz_pool_run(p, pin_part, &j);
    return atomic_load(&j.bound);
}
