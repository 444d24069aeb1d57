#include "harness/counters.h"

#include <papi.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

static int probed;
static bool usable;
static char status_text[512];

static const struct {
    int code;
    const char *name;
} wanted[RZB_MAX_EVENTS] = {
    {PAPI_TOT_INS, "instructions"},
    {PAPI_TOT_CYC, "cycles"},
    {PAPI_FP_OPS, "fp_ops"},
    {PAPI_L3_TCM, "l3_misses"},
};

bool rzb_counters_probe(const char **status) {
    if (!probed) {
        probed = 1;
        int v = PAPI_library_init(PAPI_VER_CURRENT);
        if (v != PAPI_VER_CURRENT) {
            snprintf(status_text, sizeof status_text, "unavailable: PAPI_library_init failed: %s",
                     PAPI_strerror(v));
        } else {
            int n = PAPI_num_cmp_hwctrs(0);
            const PAPI_component_info_t *ci = PAPI_get_component_info(0);
            if (n <= 0) {
                snprintf(status_text, sizeof status_text,
                         "unavailable: PAPI %s reports %d hardware counters on component '%s'%s%s",
                         rzb_counters_papi_version(), n, ci ? ci->name : "?",
                         ci && ci->disabled_reason[0] ? ": " : " (no PMU exposed, e.g. a VM)",
                         ci && ci->disabled_reason[0] ? ci->disabled_reason : "");
            } else {
                usable = true;
                snprintf(status_text, sizeof status_text,
                         "available: PAPI %s, %d hardware counters on component '%s'",
                         rzb_counters_papi_version(), n, ci ? ci->name : "?");
            }
        }
    }
    if (status) *status = status_text;
    return usable;
}

const char *rzb_counters_papi_version(void) {
    static char v[32];
    snprintf(v, sizeof v, "%d.%d.%d.%d", PAPI_VERSION_MAJOR(PAPI_VERSION),
             PAPI_VERSION_MINOR(PAPI_VERSION), PAPI_VERSION_REVISION(PAPI_VERSION),
             PAPI_VERSION_INCREMENT(PAPI_VERSION));
    return v;
}

static void rusage_now(long out[4]) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    out[0] = ru.ru_minflt;
    out[1] = ru.ru_majflt;
    out[2] = ru.ru_nvcsw;
    out[3] = ru.ru_nivcsw;
}

void rzb_counters_start(rzb_counters *c) {
    memset(c, 0, sizeof *c);
    c->event_set = PAPI_NULL;
    if (rzb_counters_probe(NULL) && PAPI_create_eventset(&c->event_set) == PAPI_OK) {
        for (int i = 0; i < RZB_MAX_EVENTS; i++)
            if (PAPI_add_event(c->event_set, wanted[i].code) == PAPI_OK)
                snprintf(c->event[c->n_events++], sizeof c->event[0], "%s", wanted[i].name);
        c->hw = c->n_events > 0 && PAPI_start(c->event_set) == PAPI_OK;
    }
    rusage_now(c->ru_start);
}

void rzb_counters_stop(rzb_counters *c) {
    long now[4];
    rusage_now(now);
    if (c->hw) {
        PAPI_stop(c->event_set, c->value);
        PAPI_cleanup_eventset(c->event_set);
        PAPI_destroy_eventset(&c->event_set);
    }
    c->minor_faults = now[0] - c->ru_start[0];
    c->major_faults = now[1] - c->ru_start[1];
    c->voluntary_switches = now[2] - c->ru_start[2];
    c->involuntary_switches = now[3] - c->ru_start[3];
}

void rzb_counters_add(rzb_counters *total, const rzb_counters *one) {
    total->hw = one->hw;
    total->n_events = one->n_events;
    for (int i = 0; i < one->n_events; i++) {
        memcpy(total->event[i], one->event[i], sizeof total->event[i]);
        total->value[i] += one->value[i];
    }
    total->minor_faults += one->minor_faults;
    total->major_faults += one->major_faults;
    total->voluntary_switches += one->voluntary_switches;
    total->involuntary_switches += one->involuntary_switches;
}
