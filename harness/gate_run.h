/* rzb_gate_run: the measuring half of `rzbench gate`: the chosen workloads run by two builds'
 * `rzbench workload` (OLD = the revision, NEW = this build), one process per run, judged as
 * changes (harness/compare.h). */
#ifndef RZB_GATE_RUN_H
#define RZB_GATE_RUN_H

#include <stdbool.h>
#include <stddef.h>

#include "harness/compare.h"

typedef struct {
    const char *old_rzbench, *new_rzbench;
    const char *fixtures;
    char **workloads;
    size_t n_workloads;
    const char *metric;  /* "time" or "instructions" */
    const char *counter; /* for instructions: "auto", "papi" or "valgrind" */
    double margin, alpha, budget_s, max_foreign_cpus;
    bool margin_given; /* --margin: every workload's; else time takes each workload's own */
    int min_runs, max_runs;
    bool progress; /* live progress (a TTY); otherwise one plain line per round */
} rzb_gate_plan;

typedef struct {
    rzb_compare_row *rows; /* one per workload, in plan order */
    size_t n_rows;
    int rounds;
    double wall_s, foreign_cpus;
    bool budget_spent, too_busy;
    char source[512]; /* instructions: where the counts came from, and why */
    /* Workloads that cannot run here (`rzbench workload` exit 3, e.g. its shared data is absent),
     * with their reasons ("" when none); they are left out of the rows. */
    char skipped[512];
} rzb_gate_outcome;

/* Runs the plan.
 * Time: rounds of one run per side and workload, the sides in ABBA order (OLD first in even
 * rounds, NEW first in odd ones), every process on the same CPU set; the run's median is the
 * unit of evidence and runs pair by round. From round `min_runs` on, the gate stops as soon as
 * every workload is decided (a regression, or not worse than the margin) or the budget is spent.
 * Other work on the machine above `max_foreign_cpus` makes every timing verdict inconclusive.
 * Instructions: one run per side (counts need no repetitions), decided on the ratio alone.
 * False with the failing side's command and its error text when a process fails
 * (the outcome is then freed). */
bool rzb_gate_run(const rzb_gate_plan *plan, rzb_gate_outcome *out, char *why, size_t cap);

void rzb_gate_outcome_free(rzb_gate_outcome *out);

#endif
