/* rz_pool_pin, rz_pool_pin_cores, rz_default_threads, rz_allowed_cpus, rz_allowed_cores and
 * rz_core_cpu (engine/core/pool_pin.h). */
#include "engine/core/pool_pin.h"

#include <hwloc.h>
#include <pthread.h>
#include <sched.h>
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
    int skip; /* the unit the caller last ran on, or -1 */
    atomic_int bound;
} pin_job;

/* Worker i's unit: the units in order without the caller's, round robin. */
static void pin_part(void *ctx, int i, int n) {
    (void)n;
    pin_job *j = ctx;
    if (i == 0) return;
    const int others = j->skip >= 0 && j->n_units > 1 ? j->n_units - 1 : j->n_units;
    int u = (i - 1) % others;
    if (j->skip >= 0 && j->n_units > 1 && u >= j->skip) u++;
    hwloc_obj_t obj =
        hwloc_get_obj_inside_cpuset_by_type(topology, j->allowed, j->unit, (unsigned)u);
    hwloc_bitmap_t set = obj ? hwloc_bitmap_dup(obj->cpuset) : NULL;
    if (!set) return;
    hwloc_bitmap_and(set, set, j->allowed);
    hwloc_bitmap_singlify(set);
    if (hwloc_set_cpubind(topology, set, HWLOC_CPUBIND_THREAD) == 0) atomic_fetch_add(&j->bound, 1);
    hwloc_bitmap_free(set);
}

/* The index among the allowed units of type `unit` of the one the calling thread last ran on. */
static int caller_unit(hwloc_const_cpuset_t allowed, hwloc_obj_type_t unit, int n_units) {
    hwloc_bitmap_t last = hwloc_bitmap_alloc();
    int found = -1;
    if (last && hwloc_get_last_cpu_location(topology, last, HWLOC_CPUBIND_THREAD) == 0)
        for (int u = 0; u < n_units && found < 0; u++) {
            hwloc_obj_t obj =
                hwloc_get_obj_inside_cpuset_by_type(topology, allowed, unit, (unsigned)u);
            if (obj && hwloc_bitmap_intersects(obj->cpuset, last)) found = u;
        }
    hwloc_bitmap_free(last);
    return found;
}

int rz_pool_pin(rz_pool *p) {
    pthread_once(&topology_once, load_topology);
    if (!topology || rz_pool_size(p) < 2) return 0;
    pin_job j = {.allowed = hwloc_topology_get_allowed_cpuset(topology), .unit = HWLOC_OBJ_CORE};
    j.n_units = hwloc_get_nbobjs_inside_cpuset_by_type(topology, j.allowed, HWLOC_OBJ_CORE);
    if (j.n_units < rz_pool_size(p)) {
        j.unit = HWLOC_OBJ_PU;
        j.n_units = hwloc_get_nbobjs_inside_cpuset_by_type(topology, j.allowed, HWLOC_OBJ_PU);
    }
    if (j.n_units < 1) return 0;
    j.skip = caller_unit(j.allowed, j.unit, j.n_units);
    atomic_init(&j.bound, 0);
    rz_pool_run(p, pin_part, &j);
    return atomic_load(&j.bound);
}

/* The cores with a PU in the calling thread's binding (what the threads it starts inherit). */
static int bound_cores(void) {
    hwloc_bitmap_t bound = hwloc_bitmap_alloc();
    int n = 0;
    if (bound && hwloc_get_cpubind(topology, bound, HWLOC_CPUBIND_THREAD) == 0)
        for (hwloc_obj_t core = NULL;
             (core = hwloc_get_next_obj_by_type(topology, HWLOC_OBJ_CORE, core));)
            n += hwloc_bitmap_intersects(core->cpuset, bound);
    hwloc_bitmap_free(bound);
    return n;
}

int rz_allowed_cpus(void) {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0) return CPU_COUNT(&set);
    return 1;
}

int rz_default_threads(void) {
    pthread_once(&topology_once, load_topology);
    const int cores = topology ? bound_cores() : 0;
    return cores > 0 ? cores : rz_allowed_cpus();
}

int rz_allowed_cores(void) {
    pthread_once(&topology_once, load_topology);
    if (!topology) return 0;
    int n = hwloc_get_nbobjs_inside_cpuset_by_type(
        topology, hwloc_topology_get_allowed_cpuset(topology), HWLOC_OBJ_CORE);
    return n > 0 ? n : 0;
}

/* The single allowed PU of allowed core `core` mod the allowed cores; NULL when unknown. The
 * caller frees it. */
static hwloc_bitmap_t core_pu(int core) {
    int n = rz_allowed_cores();
    if (!n) return NULL;
    hwloc_const_cpuset_t allowed = hwloc_topology_get_allowed_cpuset(topology);
    hwloc_obj_t obj = hwloc_get_obj_inside_cpuset_by_type(topology, allowed, HWLOC_OBJ_CORE,
                                                          (unsigned)(core % n));
    hwloc_bitmap_t set = obj ? hwloc_bitmap_dup(obj->cpuset) : NULL;
    if (!set) return NULL;
    hwloc_bitmap_and(set, set, allowed);
    hwloc_bitmap_singlify(set);
    return set;
}

int rz_core_cpu(int core) {
    hwloc_bitmap_t set = core_pu(core);
    int cpu = set ? hwloc_bitmap_first(set) : -1;
    hwloc_bitmap_free(set);
    return cpu;
}

typedef struct {
    int first;
    atomic_int bound;
} cores_job;

static void pin_core(void *ctx, int i, int n) {
    (void)n;
    cores_job *j = ctx;
    hwloc_bitmap_t set = core_pu(j->first + i);
    if (set && hwloc_set_cpubind(topology, set, HWLOC_CPUBIND_THREAD) == 0)
        atomic_fetch_add(&j->bound, 1);
    hwloc_bitmap_free(set);
}

int rz_pool_pin_cores(rz_pool *p, int first) {
    if (!rz_allowed_cores()) return 0;
    cores_job j = {.first = first};
    atomic_init(&j.bound, 0);
    if (p)
        rz_pool_run(p, pin_core, &j);
    else
        pin_core(&j, 0, 1);
    return atomic_load(&j.bound);
}
