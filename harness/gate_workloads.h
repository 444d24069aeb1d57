/* rzb_gw: the named workloads `rzbench gate` compares between two builds, one run per process
 * (`rzbench workload NAME`), on fixture files both builds share (gate_fixtures.h).
 * Contract: a workload opens its state from the fixtures directory for a given size (units of
 * work per sample), runs samples, each exactly `units` units of the same work, and closes.
 * Nothing here prints or exits. */
#ifndef RZB_GATE_WORKLOADS_H
#define RZB_GATE_WORKLOADS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

typedef enum { RZB_GW_OK, RZB_GW_MISSING, RZB_GW_SKIPPED, RZB_GW_FAILED } rzb_gw_status;

typedef struct {
    const char *fixtures; /* directory made by rzb_gw_fixtures_make */
    const char *rz_bin;   /* the rz executable beside rzbench */
    int threads;
    const char *const *server_wrapper; /* NULL-terminated argv put before `rz serve`, or NULL */
} rzb_gw_env;

typedef struct {
    int units;      /* units of work per sample */
    int iterations; /* samples per run */
    int warmup;     /* samples before them, not reported */
} rzb_gw_size;

typedef struct {
    const char *name;
    const char *what; /* what one sample times */
    const char *per;  /* the unit of work: "token", "call", ... */
    /* The sizes differ by metric: time samples are sized for 0.2-1 s of timed work per run
     * natively at one thread; instruction counts use sizes that keep a run under valgrind within
     * about 15 s. */
    rzb_gw_size time, instructions;
    const char *fixtures[3]; /* the fixture files it reads, NULL-terminated */
    bool threaded;           /* honours --threads (else runs on one thread) */
    bool spins;              /* its threads spin-wait: instructions need one thread */
    double time_margin;      /* its default time margin, where the gate's 3% is finer than its runs
                              * resolve on a 2-core VM (0: the gate's); --margin overrides it */
    /* samples: how many will run (warmup included). Fails with RZB_GW_MISSING when a fixture
     * file is absent (the message names it), RZB_GW_SKIPPED when the fixture could not be made
     * here (shared data absent), RZB_GW_FAILED otherwise. */
    rzb_gw_status (*open)(void **state, const rzb_gw_env *e, int units, int samples, char *why,
                          size_t cap);
    bool (*sample)(void *state, char *why, size_t cap);
    void (*close)(void *state);
    /* Set for a workload with a server, which does its work in that process: instructions are
     * counted there. NULL: the work runs on the calling thread. */
    pid_t (*server_pid)(void *state);
} rzb_gw;

extern const rzb_gw *const rzb_gws[];
extern const size_t rzb_n_gws;

/* NULL when no workload has that name. */
const rzb_gw *rzb_gw_find(const char *name);

/* rzb_gw_fixture for each of w's fixtures: the first that is not RZB_GW_OK. */
rzb_gw_status rzb_gw_check_fixtures(const rzb_gw *w, const rzb_gw_env *e, char *why, size_t cap);

/* The path of fixture `name` in e->fixtures; RZB_GW_MISSING naming it when it does not exist,
 * RZB_GW_SKIPPED with the reason recorded beside it (NAME.skipped) when it could not be made. */
rzb_gw_status rzb_gw_fixture(const rzb_gw_env *e, const char *name, char *path, size_t cap,
                             char *why, size_t why_cap);

#endif
