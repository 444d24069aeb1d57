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

void rzb_series_finish(rzb_series *s) {
    rzb_summarize(s->values, s->n, &s->summary);
    s->run_median_cv = NAN;
    if (!s->n) return;
    uint32_t runs = 0;
    for (size_t i = 0; i < s->n; i++)
        if (s->run[i] + 1 > runs) runs = s->run[i] + 1;
    if (runs < 2) return;
    double *medians = calloc(runs, sizeof *medians), *buf = malloc(s->n * sizeof *buf);
    if (!medians || !buf) abort();
    size_t used = 0;
    for (uint32_t r = 0; r < runs; r++) {
        size_t k = 0;
        for (size_t i = 0; i < s->n; i++)
            if (s->run[i] == r) buf[k++] = s->values[i];
        if (k) medians[used++] = rzb_median(buf, k);
    }
    rzb_summary ms;
    rzb_summarize(medians, used, &ms);
    s->run_median_cv = ms.cv;
    free(medians);
    free(buf);
}

void rzb_series_free(rzb_series *s) {
    free(s->values);
    free(s->run);
    s->values = NULL;
    s->run = NULL;
    s->n = s->cap = 0;
}
