/* rzb_history: every claim, verify, gate and compare run, appended to a SQLite database
 * (default reports/history.sqlite) with its commit, machine, workloads, raw run medians and
 * verdicts; read back as trends per workload and machine.
 * Contract: one append is one transaction, so an interrupted run leaves the database as it was;
 * a file that is not a history database (or is corrupt) gives false with the path and SQLite's
 * message, never a crash; the schema carries a version, checked on open. */
#ifndef RZB_HISTORY_H
#define RZB_HISTORY_H

#include <stdbool.h>
#include <stddef.h>

#include "harness/report.h"

#define RZB_HISTORY_DEFAULT "reports/history.sqlite"

/* One workload's figures in one run. */
typedef struct {
    const char *workload;  /* e.g. "decode" (gate) or "P1: rz predict" (a claim's series) */
    const char *metric;    /* "time", "instructions" or "ratio" */
    const char *unit;      /* unit of the medians, e.g. "ns" */
    const char *verdict;   /* e.g. "SUPPORTED", "regression"; "" when none */
    double ratio, lo, hi;  /* a comparison's ratio and CI; NaN when none */
    const double *medians; /* the run medians (or one count per run) */
    size_t n_medians;
} rzb_history_entry;

/* One rzbench run. */
typedef struct {
    const char *kind;             /* "claim", "verify", "gate" or "compare" */
    const char *commit;           /* the measured build's git commit ("unknown" when not known) */
    const char *machine;          /* short id of the machine: a hash of CPU model, ISA and cores */
    const char *fingerprint_json; /* the whole environment, as JSON text */
    const char *command;
    const char *date_utc; /* ISO 8601 */
    const rzb_history_entry *entries;
    size_t n_entries;
} rzb_history_run;

/* Appends one run (creating the database and its parent folder when absent). */
bool rzb_history_append(const char *db_path, const rzb_history_run *run, char *why, size_t cap);

/* Appends a claim or verify report: one entry per series (metric "time", its run medians) and
 * one per comparison (metric "ratio", with verdict and CI). `kind` is "claim" or "verify". */
bool rzb_history_append_report(const char *db_path, const rzb_report *rep, const char *kind,
                               char *why, size_t cap);

/* The machine id for a fingerprint, as stored in `machine`. */
void rzb_history_machine_id(const rzb_fingerprint *fp, char out[17]);

#endif
