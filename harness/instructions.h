/* rzb_instr: user-mode instruction counts of a measured region, from PAPI or from callgrind.
 * Contract: nothing here prints or exits. */
#ifndef RZB_INSTRUCTIONS_H
#define RZB_INSTRUCTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum { RZB_INSTR_MAX_THREADS = 64 };

typedef struct {
    int code;
    char event[32]; /* "PAPI_TOT_INS" or "perf::INSTRUCTIONS" */
    char why[384];  /* why this event (or, when none works, why not) */
} rzb_instr_papi;

typedef struct {
    int n_sets;
    int sets[RZB_INSTR_MAX_THREADS];
} rzb_instr_region;

/* True with p filled when PAPI can count instructions here; false with p->why saying why not.
 * Chooses the PAPI event (the PAPI_TOT_INS preset, else the native perf::INSTRUCTIONS) after
 * trying it on this thread, and says in words which and why, or why neither works. */
bool rzb_instr_papi_find(rzb_instr_papi *p);

/* Starts counting p's event on the calling thread (pid 0) or on every thread process `pid` has
 * when the region starts, user mode only. */
bool rzb_instr_papi_start(const rzb_instr_papi *p, pid_t pid, rzb_instr_region *r, char *why,
                          size_t cap);

/* Stops the region and sums its counts into *count. */
bool rzb_instr_papi_stop(rzb_instr_region *r, long long *count, char *why, size_t cap);

/* True when this process runs under valgrind. */
bool rzb_instr_under_valgrind(void);

/* The callgrind side brackets a region of this process with client requests (no-ops when not
 * under valgrind): zeroes callgrind's counts and starts its instrumentation; stops it. */
void rzb_instr_callgrind_start(void);
void rzb_instr_callgrind_stop(void);

/* The version valgrind prints (e.g. "valgrind-3.19.0"), or false with why it cannot run. */
bool rzb_instr_valgrind_version(char *out, size_t cap);

/* A fresh empty temporary file for callgrind's output (in $TMPDIR, else /tmp). */
bool rzb_instr_callgrind_file(char *path, size_t cap, char *why, size_t why_cap);

/* The total Ir ("totals:", else "summary:") of a callgrind output file. */
bool rzb_instr_callgrind_total(const char *path, double *ir, char *why, size_t cap);

#endif
