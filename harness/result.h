/* rzb_result: everything one claim run produced: raw series, derived metrics, the comparison
 * behind the verdict, notes (units, methods, labels such as "synthetic weights") and counters. */
#ifndef RZB_RESULT_H
#define RZB_RESULT_H

#include <stdbool.h>

#include "harness/counters.h"
#include "harness/series.h"
#include "harness/verdict.h"

enum { RZB_MAX_SERIES = 40, RZB_MAX_METRICS = 64, RZB_MAX_NOTES = 32, RZB_MAX_CMPS = 8 };

typedef struct {
    char name[80];
    double value;
    char unit[24];
} rzb_metric;

/* A run-level comparison: how many times as long `slow` takes as `fast`, from the per-run medians
 * of two series measured back to back in each run (see rzb_paired_log_ratio). */
typedef struct {
    bool present;
    int fast, slow;       /* indices of the series given by handle to rzb_result_compare */
    int runs;             /* paired runs */
    double ratio, lo, hi; /* geometric mean of the per-run ratios; CI at level 1 - 2 alpha */
    double threshold;     /* the claimed ratio */
    double alpha;         /* one-sided level of the test, the same as each CI bound's */
    double p;             /* one-sided p against "ratio <= threshold" */
    double p_below;       /* one-sided p against "ratio >= threshold" */
    double p_holm;        /* p Holm-adjusted across the claims of one verify run (NaN: none) */
    double ratio_cv;      /* sd of the per-run log-ratios: about the CV of the per-run ratios */
    double cohen_d;       /* on the per-run log medians; positive when fast is faster */
    rzb_verdict verdict;  /* this comparison alone */
    char what[128];       /* what the ratio measures, for the verdict text */
} rzb_comparison;

typedef struct rzb_claim rzb_claim;

typedef struct {
    const rzb_claim *claim;
    rzb_verdict verdict;
    char reason[1024];
    rzb_series series[RZB_MAX_SERIES];
    int n_series;
    rzb_metric metrics[RZB_MAX_METRICS];
    int n_metrics;
    char notes[RZB_MAX_NOTES][512];
    int n_notes;
    rzb_comparison cmps[RZB_MAX_CMPS]; /* every comparison the claim made */
    int n_cmps;
    rzb_comparison cmp;  /* the claim-level one: the weakest of cmps (largest p) after judging */
    double foreign_cpus; /* CPUs' worth of other work on the machine during the run (NaN: unread) */
    double foreign_bound; /* the bound the runner holds it to; 0: RZB_MAX_FOREIGN_CPUS */
    rzb_counters counters;
    double wall_s;
    bool smoke; /* a smoke run's result: not a measurement (harness/claim.h) */
} rzb_result;

rzb_series *rzb_result_series(rzb_result *r, const char *label, const char *unit,
                              const char *method);
void rzb_result_metric(rzb_result *r, const char *name, double value, const char *unit);
void rzb_result_note(rzb_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void rzb_result_verdict(rzb_result *r, rzb_verdict v, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Run-level ratio of two series (slow over fast), paired by run index; the series need not be
 * finished. For figures reported beside a claim's comparisons. */
rzb_paired rzb_series_ratio(rzb_series *fast, rzb_series *slow, double threshold, double alpha);

/* Compares two series by handle, run by run (finishing them first): slow's per-run medians over
 * fast's, paired by run index. Returns the comparison, or NULL when RZB_MAX_CMPS are taken. */
rzb_comparison *rzb_result_compare(rzb_result *r, rzb_series *fast, rzb_series *slow,
                                   double threshold, double alpha, const char *what);

/* Judges every comparison (SUPPORTED when its CI's lower bound reaches the threshold, FALSIFIED
 * when its upper bound stays below, INCONCLUSIVE otherwise) and then the claim, as an
 * intersection-union test: SUPPORTED when every comparison is, FALSIFIED when any is,
 * INCONCLUSIVE otherwise. r->cmp becomes the weakest comparison; its p is the claim's p. */
void rzb_result_judge(rzb_result *r);

/* The runner's rules, applied after every claim whose verdict rests on timing (not `untimed`):
 * a SUPPORTED or FALSIFIED verdict becomes INCONCLUSIVE when a comparison has fewer than
 * RZB_MIN_RUNS paired runs, or per-run ratios whose CV exceeds RZB_MAX_RATIO_CV while the
 * threshold lies within three of their standard deviations of the estimate (noise that could
 * move the verdict), or when other work on the machine exceeded the claim's foreign bound. */
enum { RZB_MIN_RUNS = 5 };
#define RZB_MAX_RATIO_CV 0.10
#define RZB_MAX_FOREIGN_CPUS 0.25
void rzb_result_apply_run_rules(rzb_result *r);

/* Sets p_holm and judges the claim again (a SUPPORTED verdict can become INCONCLUSIVE). */
void rzb_result_apply_holm(rzb_result *r, double p_holm);

void rzb_result_free(rzb_result *r);

#endif
