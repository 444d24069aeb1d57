/* rzb_result: everything one claim run produced: raw series, derived metrics, the comparison
 * behind the verdict, notes (units, methods, labels such as "synthetic weights") and counters. */
#ifndef RZB_RESULT_H
#define RZB_RESULT_H

#include <stdbool.h>

#include "harness/counters.h"
#include "harness/series.h"
#include "harness/verdict.h"

enum { RZB_MAX_SERIES = 8, RZB_MAX_METRICS = 32, RZB_MAX_NOTES = 16 };

typedef struct {
    char name[80];
    double value;
    char unit[24];
} rzb_metric;

/* A two-sided comparison: how many times `slow` takes longer than `fast`. */
typedef struct {
    bool present;
    int fast, slow;       /* series indices */
    double ratio, lo, hi; /* ratio of medians and its bootstrap 95% CI */
    double threshold;     /* the claimed ratio */
    double p, p_holm;     /* Welch on log-times; Holm-adjusted across one verify run */
    double alpha;         /* significance level the claim states */
    double cohen_d;
    char what[128]; /* what the ratio measures, for the verdict text */
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
    char notes[RZB_MAX_NOTES][256];
    int n_notes;
    rzb_comparison cmp;
    rzb_counters counters;
    double wall_s;
} rzb_result;

rzb_series *rzb_result_series(rzb_result *r, const char *label, const char *unit,
                              const char *method);
void rzb_result_metric(rzb_result *r, const char *name, double value, const char *unit);
void rzb_result_note(rzb_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void rzb_result_verdict(rzb_result *r, rzb_verdict v, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Fills r->cmp from two finished series: ratio, bootstrap CI, Welch p, Cohen's d. */
void rzb_result_compare(rzb_result *r, int fast, int slow, double threshold, double alpha);

/* The standard rule for "fast is at least `threshold` times faster than slow":
 * SUPPORTED when the CI's lower bound reaches the threshold and p < alpha; FALSIFIED when the CI's
 * upper bound stays below it; INCONCLUSIVE otherwise. Uses p_holm when set. */
void rzb_result_judge_ratio(rzb_result *r, const char *what);

/* Sets p_holm and judges the ratio again (a SUPPORTED verdict can become INCONCLUSIVE). */
void rzb_result_apply_holm(rzb_result *r, double p_holm);

void rzb_result_free(rzb_result *r);

#endif
