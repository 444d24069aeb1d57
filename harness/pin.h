/* rzb_pin: binds the measuring thread to one core with hwloc (processes it starts get explicit
 * CPU sets of their own: harness/subprocess.h).
 * Contract: a failed binding is reported, never fatal. */
#ifndef RZB_PIN_H
#define RZB_PIN_H

#include <stdbool.h>
#include <sys/types.h>

typedef struct {
    void *topology; /* hwloc_topology_t */
    void *cpuset;   /* hwloc_bitmap_t of the chosen PU */
    int n_cores, n_pus;
    int pu;           /* OS index of the chosen PU, -1 when none */
    int observed_pu;  /* where the thread last ran after binding */
    bool enforced;    /* the OS honoured the binding */
    char detail[256]; /* what happened, in words */
} rzb_pin;

/* Loads the topology and binds the calling thread to a single PU of the chosen core (the last
 * core by default, away from where interrupts usually land), then verifies the binding with
 * hwloc_get_last_cpu_location. core < 0 chooses the last core. */
void rzb_pin_init(rzb_pin *p, int core);

/* The hwloc API version of the loaded library, e.g. "2.8.0". */
const char *rzb_pin_hwloc_version(void);

void rzb_pin_fini(rzb_pin *p);

#endif
