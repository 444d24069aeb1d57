#include "harness/pin.h"

#include <errno.h>
#include <hwloc.h>
#include <stdio.h>
#include <string.h>

void rzb_pin_init(rzb_pin *p, int core) {
    memset(p, 0, sizeof *p);
    p->pu = p->observed_pu = -1;
    hwloc_topology_t topo;
    if (hwloc_topology_init(&topo) || hwloc_topology_load(topo)) {
        snprintf(p->detail, sizeof p->detail, "not pinned: hwloc could not load the topology");
        return;
    }
    p->topology = topo;
    p->n_cores = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE);
    p->n_pus = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PU);
    if (core < 0 || core >= p->n_cores) core = p->n_cores - 1;
    hwloc_obj_t obj = hwloc_get_obj_by_type(topo, HWLOC_OBJ_CORE, (unsigned)core);
    if (!obj) {
        snprintf(p->detail, sizeof p->detail, "not pinned: hwloc reports no cores");
        return;
    }
    hwloc_bitmap_t set = hwloc_bitmap_dup(obj->cpuset);
    hwloc_bitmap_singlify(set);
    p->cpuset = set;
    p->pu = hwloc_bitmap_first(set);
    if (hwloc_set_cpubind(topo, set, HWLOC_CPUBIND_THREAD | HWLOC_CPUBIND_STRICT) != 0) {
        snprintf(p->detail, sizeof p->detail, "not pinned: binding to PU %d failed: %s", p->pu,
                 strerror(errno));
        return;
    }
    hwloc_bitmap_t last = hwloc_bitmap_alloc();
    if (hwloc_get_last_cpu_location(topo, last, HWLOC_CPUBIND_THREAD) == 0)
        p->observed_pu = hwloc_bitmap_first(last);
    hwloc_bitmap_free(last);
    p->enforced = p->observed_pu == p->pu;
    snprintf(p->detail, sizeof p->detail, "%s to core %d (PU %d), last CPU location PU %d",
             p->enforced ? "pinned" : "binding not enforced", core, p->pu, p->observed_pu);
}

const char *rzb_pin_hwloc_version(void) {
    static char v[32];
    unsigned api = hwloc_get_api_version();
    snprintf(v, sizeof v, "%u.%u.%u", api >> 16, (api >> 8) & 0xff, api & 0xff);
    return v;
}

void rzb_pin_fini(rzb_pin *p) {
    if (p->cpuset) hwloc_bitmap_free(p->cpuset);
    if (p->topology) hwloc_topology_destroy(p->topology);
    p->cpuset = p->topology = NULL;
}
