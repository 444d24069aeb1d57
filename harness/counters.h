/* rzb_counters: hardware counters (PAPI) around a measured region, with getrusage as the fallback.
 * Contract: nothing here fails the measurement. */
#ifndef RZB_COUNTERS_H
#define RZB_COUNTERS_H

#include <stdbool.h>

enum { RZB_MAX_EVENTS = 4 };

typedef struct {
    bool hw; /* PAPI counters were read */
    int n_events;
    char event[RZB_MAX_EVENTS][24];
    long long value[RZB_MAX_EVENTS];
    long minor_faults, major_faults, voluntary_switches, involuntary_switches;
    /* private state between start and stop */
    int event_set;
    long ru_start[4];
} rzb_counters;

/* Returns true when hardware counters are usable; `status` (static text) says why or why not.
 * Initialises PAPI once and says whether the CPU's counters can be read; where they cannot (a VM
 * with no PMU: PAPI reports 0 hardware counters) `status` holds "unavailable: " and PAPI's own
 * reason. */
bool rzb_counters_probe(const char **status);

/* PAPI's library version, e.g. "7.0.0.0". */
const char *rzb_counters_papi_version(void);

/* Where the CPU's counters cannot be read, start/stop still record the getrusage deltas (page
 * faults, context switches). */
void rzb_counters_start(rzb_counters *c);
void rzb_counters_stop(rzb_counters *c);

/* Adds the counts of one measured region to a running total. */
void rzb_counters_add(rzb_counters *total, const rzb_counters *one);

#endif
