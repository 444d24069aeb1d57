/* Markdown writer: the verdict table, then per claim its series (p50/p95/p99, mean with CI),
 * metrics and notes: what a person reads in a terminal or pastes into a pull request. */
#include "harness/report.h"

#include <math.h>

#include "harness/claim.h"

/* Prints v with 4 significant digits, or n/a. */
static void num(FILE *out, double v) {
    if (isnan(v))
        fputs("n/a", out);
    else
        fprintf(out, "%.4g", v);
}

static void verdict_row(FILE *out, const rzb_result *r) {
    const rzb_comparison *c = &r->cmp;
    fprintf(out, "| %s | %s | **%s** | ", r->claim->id, r->claim->title,
            rzb_verdict_name(r->verdict));
    if (c->present) {
        num(out, c->ratio);
        fputs("x [", out);
        num(out, c->lo);
        fputs(", ", out);
        num(out, c->hi);
        fputs("] vs ", out);
        num(out, c->threshold);
        fputs("x | ", out);
        char ptext[32];
        fputs(rzb_p_text(isnan(c->p_holm) ? c->p : c->p_holm, ptext), out);
        fputs(" | ", out);
        num(out, c->cohen_d);
    } else {
        fputs("- | - | -", out);
    }
    fprintf(out, " | %s |\n", r->reason);
}

static void series_table(FILE *out, const rzb_result *r) {
    fprintf(
        out,
        "| series | method | n | p50 | p95 | p99 | mean [95%% CI, log scale] | outliers | run-median CV |\n|---|---|---|---|---|---|---|---|---|\n");
    for (int i = 0; i < r->n_series; i++) {
        const rzb_series *s = &r->series[i];
        const rzb_summary *m = &s->summary;
        fprintf(out, "| %s | %s | %zu | ", s->label, s->method, m->n);
        const double q[] = {m->p50, m->p95, m->p99};
        for (int k = 0; k < 3; k++) {
            num(out, q[k]);
            fprintf(out, " %s | ", s->unit);
        }
        num(out, m->mean);
        fputs(" [", out);
        num(out, m->ci_lo);
        fputs(", ", out);
        num(out, m->ci_hi);
        fprintf(out, "] %s | %zu low, %zu high | ", s->unit, m->outliers_low, m->outliers_high);
        num(out, 100 * s->run_median_cv);
        fputs("% |\n", out);
    }
}

bool rzb_report_md(const rzb_report *rep, FILE *out) {
    fprintf(
        out,
        "| claim | title | verdict | ratio [CI] vs claimed | one-sided p | Cohen's d | reason |\n|---|---|---|---|---|---|---|\n");
    for (int i = 0; i < rep->n_results; i++)
        verdict_row(out, &rep->results[i]);
    for (int i = 0; i < rep->n_results; i++) {
        const rzb_result *r = &rep->results[i];
        fprintf(out, "\n### %s: %s\n\n", r->claim->id, r->claim->title);
        if (r->n_series) series_table(out, r);
        if (r->n_metrics) fputs("\n", out);
        for (int k = 0; k < r->n_metrics; k++) {
            fprintf(out, "- %s: ", r->metrics[k].name);
            num(out, r->metrics[k].value);
            fprintf(out, " %s\n", r->metrics[k].unit);
        }
        if (r->n_notes) fputs("\n", out);
        for (int k = 0; k < r->n_notes; k++)
            fprintf(out, "- note: %s\n", r->notes[k]);
    }
    return !ferror(out);
}
