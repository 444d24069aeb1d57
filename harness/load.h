/* rzb_load: how much other work ran on the machine while a claim measured.
 * Contract: interrupt time is left out on both sides, steal time is reported apart. */
#ifndef RZB_LOAD_H
#define RZB_LOAD_H

#include <stdint.h>

typedef struct {
    double machine_busy_s, machine_steal_s, own_s;
    uint64_t wall_ns;
} rzb_load;

/* Reads the busy CPU time of the whole machine (/proc/stat: user, nice, system) and of this process
 * with its reaped children (getrusage). */
void rzb_load_mark(rzb_load *l);

/* Other work since `start`, in CPUs (0.5: half a CPU busy on average); *steal_cpus gets the
 * hypervisor's steal time the same way when non-NULL. Called after every child of the run has
 * been reaped, returns the difference divided by the wall time: how many CPUs' worth of work ran
 * outside rzbench and its children. NaN where /proc/stat cannot be read. */
double rzb_load_foreign_cpus(const rzb_load *start, double *steal_cpus);

#endif
