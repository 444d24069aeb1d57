#include "harness/series.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rzb_series_init(rzb_series *s, const char *label, const char *unit, const char *method) {
    memset(s, 0, sizeof *s);
    snprintf(s->label, sizeof s->label, "%s", label);
    snprintf(s->unit, sizeof s->unit, "%s", unit);
    snprintf(s->method, sizeof s->method, "%s", method);
}

void rzb_series_push(rzb_series *s, int run, double value) {
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 1024;
        double *v = realloc(s->values, cap * sizeof *v);
        uint32_t *r = realloc(s->run, cap * sizeof *r);
        if (!v || !r) abort();
        s->values = v;
        s->run = r;
        s->cap = cap;
    }
    s->values[s->n] = value;
    s->run[s->n] = (uint32_t)run;
    s->n++;
}

size_t rzb_series_run_medians(const rzb_series *s, double *out, size_t cap) {
    size_t runs = 0;
    for (size_t i = 0; i < s->n; i++)
        if (s->run[i] + 1 > runs) runs = s->run[i] + 1;
    if (runs > cap) runs = cap;
    double *buf = malloc((s->n ? s->n : 1) * sizeof *buf);
    if (!buf) abort();
    for (size_t r = 0; r < runs; r++) {
        size_t k = 0;
        for (size_t i = 0; i < s->n; i++)
            if (s->run[i] == r) buf[k++] = s->values[i];
        out[r] = k ? rzb_median(buf, k) : NAN;
    }
    free(buf);
    return runs;
}

void rzb_series_finish(rzb_series *s) {
    rzb_summarize(s->values, s->n, &s->summary);
    s->run_median_cv = s->run_gmean = s->run_lo = s->run_hi = NAN;
    s->runs = 0;
    if (!s->n) return;
    double *medians = malloc(s->n * sizeof *medians);
    if (!medians) abort();
    size_t n = rzb_series_run_medians(s, medians, s->n), used = 0;
    for (size_t r = 0; r < n; r++)
        if (!isnan(medians[r])) medians[used++] = medians[r];
    s->runs = used;
    if (used >= 2) {
        rzb_summary ms;
        rzb_summarize(medians, used, &ms);
        s->run_median_cv = ms.cv;
        rzb_log_mean_ci(medians, used, 0.95, &s->run_gmean, &s->run_lo, &s->run_hi);
    }
    free(medians);
}

void rzb_series_free(rzb_series *s) {
    free(s->values);
    free(s->run);
    s->values = NULL;
    s->run = NULL;
    s->n = s->cap = 0;
}
