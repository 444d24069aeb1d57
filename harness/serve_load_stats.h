/* rzb_sl_summary: what one target did at one rate, over one or more rounds, in the figures of
 * vLLM's benchmark_serving. */
#ifndef RZB_SERVE_LOAD_STATS_H
#define RZB_SERVE_LOAD_STATS_H

#include <stddef.h>

#include "harness/serve_load.h"

/* The q-th percentile (0..100) of x[0..n) (a private copy is sorted); NaN when n is 0.
 * Percentiles interpolate linearly between order statistics (numpy's default). */
double rzb_sl_percentile(const double *x, size_t n, double q);

typedef struct {
    double p50, p90, p99, mean;
    size_t n;
} rzb_sl_pcts;

typedef struct {
    double ttft_ms, tpot_ms; /* <= 0: not applied */
} rzb_sl_slo;

enum { RZB_SL_MAX_FAILURES = 8 };

/* TPOT of a request is (E2E - TTFT) / (output tokens - 1) and is undefined (left out, and within
 * any TPOT SLO) for a single token; ITL pools every gap of every successful request; goodput
 * counts the successful requests with TTFT <= slo_ttft_ms and TPOT <= slo_tpot_ms (an SLO <= 0 is
 * not applied) per second of the runs' duration. Failed requests enter no latency figure and are
 * counted by failure name. */
typedef struct {
    int requests, ok, failed, good;
    double duration_s;    /* summed over rounds */
    double req_per_s;     /* successful requests per second */
    double out_tok_per_s; /* output tokens of successful requests per second */
    double goodput;       /* requests within the SLO per second */
    double good_fraction; /* good / requests */
    long long out_tokens; /* of successful requests */
    int usage_mismatch;   /* successful requests whose text events != usage tokens */
    double late_max_ms;   /* the latest send after its arrival time */
    rzb_sl_pcts ttft, tpot, itl, e2e;
    char failure[RZB_SL_MAX_FAILURES][48]; /* distinct failure names; the last bucket "other" */
    int failure_n[RZB_SL_MAX_FAILURES];
    int n_failures;
    char first_detail[160]; /* the first failure's detail */
} rzb_sl_summary;

/* Whether a successful outcome met the SLO. */
bool rzb_sl_within(const rzb_sl_outcome *o, const rzb_sl_slo *slo);

/* Summarizes o[0..n) (any number of rounds pooled) over duration_s seconds. False when memory
 * runs out. */
bool rzb_sl_summarize(const rzb_sl_outcome *o, int n, double duration_s, const rzb_sl_slo *slo,
                      rzb_sl_summary *s);

#endif
