/* rzb_series: one named sequence of raw samples (with the run each came from) and its summary. */
#ifndef RZB_SERIES_H
#define RZB_SERIES_H

#include <stddef.h>
#include <stdint.h>

#include "harness/stats.h"

typedef struct {
    char label[64];
    char unit[16];   /* unit of `values`, e.g. "ns", "ms" */
    char method[96]; /* how one sample was taken, e.g. "per call" or "batched, 1000 calls" */
    double *values;
    uint32_t *run;
    size_t n, cap;
    rzb_summary summary;  /* filled by rzb_series_finish */
    double run_median_cv; /* CV of the per-run medians (the R2 reproducibility figure) */
    size_t runs;          /* runs with samples */
    double run_gmean, run_lo, run_hi; /* geometric mean of the run medians, 95% CI from runs */
} rzb_series;

void rzb_series_init(rzb_series *s, const char *label, const char *unit, const char *method);
void rzb_series_push(rzb_series *s, int run, double value);
/* Computes the summary and the run-level figures: CV and CI of the per-run medians. */
void rzb_series_finish(rzb_series *s);
/* The median of each run, indexed by run (NaN where a run has no sample); returns the number of
 * run indices (the highest + 1), at most cap. */
size_t rzb_series_run_medians(const rzb_series *s, double *out, size_t cap);
void rzb_series_free(rzb_series *s);

#endif
