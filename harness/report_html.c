#include "harness/report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/claim.h"

/* Plot geometry in SVG user units. */
enum {
    SVG_W = 1000,
    LABEL_X = 212, /* right edge of the series labels */
    PLOT_X0 = 224,
    PLOT_W = 752,
    TOP = 8,
    ROW_H = 66,
    BAR_H = 46,
    AXIS_H = 36,
    RATIO_H = 92,
    N_BINS = 60,
    MIN_BIN_PX = 2,
    MAX_TICKS = 32,
};

typedef struct {
    double lo, hi; /* log10 of the values at the axis ends */
} log_axis;

/* The series that share one log axis: those whose units convert to the first one's. */
typedef struct {
    const rzb_series *series[RZB_MAX_SERIES];
    int index[RZB_MAX_SERIES];    /* position in the result, to find the compared pair */
    double scale[RZB_MAX_SERIES]; /* factor from the series unit to the axis unit */
    int n;
    const char *unit;
    log_axis axis;
} plot;

/* A histogram of one series on a log scale, binned over that series' own range. */
typedef struct {
    size_t count[N_BINS];
    double lo, width; /* log10 of the first bin's left edge, and the bins' width in decades */
    size_t skipped;   /* samples a log axis cannot show */
} bins;

static const char CSS[] =
    "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1f2328;max-width:1400px;margin:24px auto;padding:0 16px}\n"
    "h1{font-size:24px;margin-bottom:4px}\n"
    "h2{margin-top:36px;border-bottom:1px solid #d0d7de;padding-bottom:4px}\n"
    "h3{font-size:15px;margin:18px 0 6px}\n"
    "table{border-collapse:collapse;margin:6px 0}\n"
    "th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}\n"
    "th{background:#f6f8fa;font-weight:600}\n"
    "td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}\n"
    "td.na{color:#57606a;text-align:center}\n"
    "table.kv th{white-space:nowrap}\n"
    ".wide{overflow-x:auto}\n"
    ".badge{display:inline-block;padding:1px 9px;border-radius:10px;color:#fff;font-weight:600;font-size:12px;white-space:nowrap}\n"
    "dl.spec{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px}\n"
    "dl.spec dt{font-weight:600}\n"
    "dl.spec dd{margin:0}\n"
    "code{background:#f6f8fa;padding:2px 5px;border-radius:4px}\n"
    "small,.muted{color:#57606a}\n"
    ".none{color:#57606a;font-style:italic}\n"
    "figure{margin:12px 0}\n"
    "figcaption{color:#57606a;font-size:12px}\n"
    "svg{max-width:100%;height:auto}\n"
    "svg text{font:11px system-ui,sans-serif;fill:#1f2328}\n"
    "svg text.lbl{font-size:12px;font-weight:600}\n"
    "svg text.sub{fill:#57606a}\n"
    "svg text.warn{fill:#cf222e}\n";

enum { N_COLOURS = 8 };
static const char *const PALETTE[N_COLOURS] = {
    "#4269d0", "#efb118", "#ff725c", "#6cc5b0", "#3ca951", "#ff8ab7", "#a463f2", "#97bbf5",
};

/* The entity for an HTML special character, or NULL for any other character. */
static const char *entity(char c) {
    switch (c) {
    case '&':
        return "&amp;";
    case '<':
        return "&lt;";
    case '>':
        return "&gt;";
    case '"':
        return "&quot;";
    case '\'':
        return "&#39;";
    }
    return NULL;
}

/* Writes s (NULL counts as empty) with the HTML special characters escaped. */
static void put_text(FILE *out, const char *s) {
    for (; s && *s; s++) {
        const char *e = entity(*s);
        if (e)
            fputs(e, out);
        else
            fputc(*s, out);
    }
}

/* Four significant digits as %.4g, but without an exponent from 1e4 up to 1e7 (53300, not
 * 5.33e+04); "n/a" for NaN. */
static const char *fmt_num(char *buf, size_t cap, double v) {
    if (isnan(v)) return "n/a";
    snprintf(buf, cap, "%.4g", v);
    if (fabs(v) >= 1e4 && fabs(v) < 1e7) snprintf(buf, cap, "%.0f", strtod(buf, NULL));
    return buf;
}

static void put_num(FILE *out, double v) {
    char buf[32];
    fputs(fmt_num(buf, sizeof buf, v), out);
}

static void put_cell(FILE *out, const char *text) {
    fputs("<td>", out);
    put_text(out, text);
    fputs("</td>", out);
}

static void put_num_cell(FILE *out, double v) {
    fputs("<td class=\"num\">", out);
    put_num(out, v);
    fputs("</td>", out);
}

/* "[lo, hi]" with both ends formatted like every other number. */
static void put_interval(FILE *out, double lo, double hi) {
    fputs("[", out);
    put_num(out, lo);
    fputs(", ", out);
    put_num(out, hi);
    fputs("]", out);
}

static const char *verdict_colour(rzb_verdict v) {
    switch (v) {
    case RZB_SUPPORTED:
        return "#1a7f37";
    case RZB_FALSIFIED:
        return "#cf222e";
    case RZB_INCONCLUSIVE:
        return "#bf8700";
    case RZB_SKIPPED:
        return "#6e7781";
    }
    return "#6e7781";
}

static void put_badge(FILE *out, rzb_verdict v) {
    fprintf(out, "<span class=\"badge\" style=\"background:%s\">%s</span>", verdict_colour(v),
            rzb_verdict_name(v));
}

static const char *claim_id(const rzb_result *r) {
    return r->claim && r->claim->id ? r->claim->id : "?";
}

static const char *claim_title(const rzb_result *r) {
    return r->claim && r->claim->title ? r->claim->title : "";
}

/* The label of series i of r, or `fallback` when i does not name a series. */
static const char *series_label(const rzb_result *r, int i, const char *fallback) {
    return i >= 0 && i < r->n_series ? r->series[i].label : fallback;
}

static void write_head(FILE *out, const rzb_report *rep) {
    fputs(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>rzbench report: ",
        out);
    put_text(out, rep->name);
    fprintf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<h1>rzbench report: ", CSS);
    put_text(out, rep->name);
    fputs("</h1>\n<p>Command: <code>", out);
    put_text(out, rep->command);
    fputs("</code></p>\n", out);
}

/* One line counting the results by verdict. */
static void write_tally(FILE *out, const rzb_report *rep) {
    int count[RZB_SKIPPED + 1] = {0};
    for (int i = 0; i < rep->n_results; i++)
        if (rep->results[i].verdict <= RZB_SKIPPED) count[rep->results[i].verdict]++;
    fprintf(out, "<p>%d result%s:", rep->n_results, rep->n_results == 1 ? "" : "s");
    for (int v = RZB_SUPPORTED; v <= RZB_SKIPPED; v++) {
        fprintf(out, " %d ", count[v]);
        put_badge(out, (rzb_verdict)v);
    }
    fputs("</p>\n", out);
}

static void write_fingerprint(FILE *out, const rzb_fingerprint *fp) {
    fputs("<h2>Environment</h2>\n", out);
    if (!fp || fp->n == 0) {
        fputs("<p class=\"none\">No fingerprint recorded.</p>\n", out);
        return;
    }
    fputs("<table class=\"kv\">\n", out);
    for (int i = 0; i < fp->n; i++) {
        fputs("<tr><th>", out);
        put_text(out, fp->key[i]);
        fputs("</th>", out);
        put_cell(out, fp->value[i]);
        fputs("</tr>\n", out);
    }
    fputs("</table>\n", out);
}

/* The ratio, threshold, p and Cohen's d cells of a verdict row. */
static void write_cmp_cells(FILE *out, const rzb_comparison *c) {
    if (!c->present) {
        fputs("<td class=\"na\" colspan=\"4\">no comparison</td>", out);
        return;
    }
    fputs("<td class=\"num\">", out);
    put_num(out, c->ratio);
    fputs("x ", out);
    put_interval(out, c->lo, c->hi);
    fputs("</td><td class=\"num\">", out);
    put_num(out, c->threshold);
    fputs("x</td><td class=\"num\">", out);
    put_num(out, c->p);
    if (!isnan(c->p_holm)) {
        fputs("<br><small>Holm ", out);
        put_num(out, c->p_holm);
        fputs("</small>", out);
    }
    fputs("</td>", out);
    put_num_cell(out, c->cohen_d);
}

static void write_verdict_row(FILE *out, const rzb_result *r, int i) {
    fprintf(out, "<tr><td><a href=\"#claim-%d\">", i);
    put_text(out, claim_id(r));
    fputs("</a></td>", out);
    put_cell(out, claim_title(r));
    fputs("<td>", out);
    put_badge(out, r->verdict);
    fputs("</td>", out);
    write_cmp_cells(out, &r->cmp);
    put_cell(out, r->reason);
    fputs("</tr>\n", out);
}

static void write_verdict_table(FILE *out, const rzb_report *rep) {
    fputs("<h2>Verdicts</h2>\n", out);
    write_tally(out, rep);
    fputs(
        "<div class=\"wide\"><table>\n<tr><th>Claim</th><th>Title</th><th>Verdict</th><th>Ratio [CI, from runs]</th><th>Claimed</th><th>one-sided p</th><th>Cohen's d</th><th>Reason</th></tr>\n",
        out);
    for (int i = 0; i < rep->n_results; i++)
        write_verdict_row(out, &rep->results[i], i);
    fputs("</table></div>\n", out);
}

static void put_dl_entry(FILE *out, const char *term, const char *text) {
    if (!text || !*text) return;
    fprintf(out, "<dt>%s</dt><dd>", term);
    put_text(out, text);
    fputs("</dd>\n", out);
}

static void write_spec(FILE *out, const rzb_claim *c) {
    if (!c) return;
    fputs("<dl class=\"spec\">\n", out);
    put_dl_entry(out, "Statement", c->statement);
    put_dl_entry(out, "Source", c->source);
    put_dl_entry(out, "Workload", c->workload);
    put_dl_entry(out, "Baseline", c->baseline);
    put_dl_entry(out, "Threshold", c->threshold);
    put_dl_entry(out, "Test", c->test);
    put_dl_entry(out, "Verdict rule", c->verdict_rule);
    fputs("</dl>\n", out);
}

static void write_notes(FILE *out, const rzb_result *r) {
    if (r->n_notes == 0) return;
    fputs("<h3>Notes</h3>\n<ul>\n", out);
    for (int i = 0; i < r->n_notes; i++) {
        fputs("<li>", out);
        put_text(out, r->notes[i]);
        fputs("</li>\n", out);
    }
    fputs("</ul>\n", out);
}

/* Wall time of the claim's run and its counters (hardware events when they were read). */
static void write_run_info(FILE *out, const rzb_result *r) {
    const rzb_counters *c = &r->counters;
    fputs("<p class=\"muted\">Wall time ", out);
    put_num(out, r->wall_s);
    fputs(" s;", out);
    for (int i = 0; c->hw && i < c->n_events; i++) {
        fputs(" ", out);
        put_text(out, c->event[i]);
        fprintf(out, " %lld,", c->value[i]);
    }
    fprintf(
        out,
        " minor faults %ld, major faults %ld, voluntary switches %ld, involuntary switches %ld.</p>\n",
        c->minor_faults, c->major_faults, c->voluntary_switches, c->involuntary_switches);
}

static void write_metrics(FILE *out, const rzb_result *r) {
    if (r->n_metrics == 0) return;
    fputs("<h3>Metrics</h3>\n<table>\n<tr><th>Metric</th><th>Value</th><th>Unit</th></tr>\n", out);
    for (int i = 0; i < r->n_metrics; i++) {
        const rzb_metric *m = &r->metrics[i];
        fputs("<tr>", out);
        put_cell(out, m->name);
        put_num_cell(out, m->value);
        put_cell(out, m->unit);
        fputs("</tr>\n", out);
    }
    fputs("</table>\n", out);
}

static void write_series_row(FILE *out, const rzb_series *s) {
    const rzb_summary *m = &s->summary;
    const double central[] = {m->mean, m->median, m->sd, m->mad, m->p50, m->p95, m->p99};
    fputs("<tr>", out);
    put_cell(out, s->label);
    put_cell(out, s->method);
    put_cell(out, s->unit);
    fprintf(out, "<td class=\"num\">%zu</td>", s->n);
    for (size_t i = 0; i < sizeof central / sizeof central[0]; i++)
        put_num_cell(out, central[i]);
    fputs("<td class=\"num\">", out);
    put_interval(out, m->ci_lo, m->ci_hi);
    fputs("</td>", out);
    put_num_cell(out, m->min);
    put_num_cell(out, m->max);
    fprintf(out, "<td class=\"num\">%zu / %zu</td><td class=\"num\">", m->outliers_low,
            m->outliers_high);
    put_num(out, 100 * s->run_median_cv);
    fputs(isnan(s->run_median_cv) ? "</td></tr>\n" : "%</td></tr>\n", out);
}

static void write_series_table(FILE *out, const rzb_result *r) {
    if (r->n_series == 0) return;
    fputs(
        "<h3>Series</h3>\n<div class=\"wide\"><table>\n<tr><th>Series</th><th>Method</th><th>Unit</th><th>n</th><th>Mean</th><th>Median</th><th>SD</th><th>MAD</th><th>p50</th><th>p95</th><th>p99</th><th>95% CI of mean (log scale)</th><th>Min</th><th>Max</th><th>Outliers low / high</th><th>CV of run medians</th></tr>\n",
        out);
    for (int i = 0; i < r->n_series; i++)
        write_series_row(out, &r->series[i]);
    fputs("</table></div>\n", out);
}

/* Seconds per unit for the time units a series may use, 0 for any other unit. */
static double unit_seconds(const char *unit) {
    static const struct {
        const char *name;
        double seconds;
    } units[] = {{"ns", 1e-9}, {"us", 1e-6}, {"\u00b5s", 1e-6}, {"ms", 1e-3}, {"s", 1}};
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (!strcmp(unit, units[i].name)) return units[i].seconds;
    return 0;
}

/* The factor converting values in unit `from` to unit `to`, 0 when they do not convert. */
static double unit_factor(const char *from, const char *to) {
    if (!strcmp(from, to)) return 1;
    double f = unit_seconds(from), t = unit_seconds(to);
    return f > 0 && t > 0 ? f / t : 0;
}

static bool plottable(double v) {
    return isfinite(v) && v > 0;
}

/* Gathers the next group of unplotted series with samples; false when none is left. */
static bool next_plot(const rzb_result *r, bool *done, plot *p) {
    memset(p, 0, sizeof *p);
    for (int i = 0; i < r->n_series; i++) {
        const rzb_series *s = &r->series[i];
        if (done[i] || s->n == 0) continue;
        if (!p->unit) p->unit = s->unit;
        double f = unit_factor(s->unit, p->unit);
        if (f == 0) continue;
        done[i] = true;
        p->series[p->n] = s;
        p->index[p->n] = i;
        p->scale[p->n++] = f;
    }
    return p->n > 0;
}

/* The log axis over [lo, hi] (both > 0), padded so the extremes do not touch its ends. */
static log_axis axis_over(double lo, double hi) {
    double l = log10(lo), h = log10(hi), pad = fmax(0.04 * (h - l), 0.05);
    return (log_axis){l - pad, h + pad};
}

/* Widens [lo, hi] to the plottable samples of series k, in the axis unit. */
static void series_extent(const plot *p, int k, double *lo, double *hi) {
    for (size_t i = 0; i < p->series[k]->n; i++) {
        double v = p->series[k]->values[i] * p->scale[k];
        if (!plottable(v)) continue;
        *lo = fmin(*lo, v);
        *hi = fmax(*hi, v);
    }
}

/* Sets the plot's axis to cover every plottable sample; false when there is none. */
static bool plot_range(plot *p) {
    double lo = INFINITY, hi = -INFINITY;
    for (int k = 0; k < p->n; k++)
        series_extent(p, k, &lo, &hi);
    if (lo > hi) return false;
    p->axis = axis_over(lo, hi);
    return true;
}

/* The x coordinate of the value 10^l, clamped to the plot area. */
static double x_of_log(const log_axis *a, double l) {
    double t = (l - a->lo) / (a->hi - a->lo);
    return PLOT_X0 + fmin(fmax(t, 0), 1) * PLOT_W;
}

/* The x coordinate of v (v <= 0 lands on the left end). */
static double x_of(const log_axis *a, double v) {
    return x_of_log(a, log10(v));
}

/* Round step for about five linear ticks across `span`: 1, 2 or 5 times a power of ten. */
static double nice_step(double span) {
    double raw = span / 5, mag = pow(10, floor(log10(raw))), m = raw / mag;
    return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * mag;
}

/* Powers of ten in [lo, hi], every `every` decades. */
static int decade_ticks(double lo, double hi, int every, double *t) {
    int n = 0;
    for (int k = (int)ceil(log10(lo) - 1e-9); k <= (int)floor(log10(hi) + 1e-9); k++)
        if (k % every == 0 && n < MAX_TICKS) t[n++] = pow(10, k);
    return n;
}

/* 1, 2 and 5 times powers of ten in [lo, hi]. */
static int one_two_five_ticks(double lo, double hi, double *t) {
    static const double mantissa[] = {1, 2, 5};
    int n = 0;
    for (int k = (int)floor(log10(lo)); k <= (int)ceil(log10(hi)); k++)
        for (int j = 0; j < 3; j++) {
            double v = mantissa[j] * pow(10, k);
            if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9) && n < MAX_TICKS) t[n++] = v;
        }
    return n;
}

/* Evenly spaced round values in [lo, hi], for ranges too narrow for 1-2-5 ticks. */
static int linear_ticks(double lo, double hi, double *t) {
    double step = nice_step(hi - lo);
    int n = 0;
    for (double k = ceil(lo / step); k * step <= hi * (1 + 1e-9) && n < MAX_TICKS; k++)
        t[n++] = k * step;
    return n;
}

/* Tick values for a log axis: decades over wide ranges, 1-2-5 over a few decades, linear steps
 * within less than a decade. */
static int nice_ticks(const log_axis *a, double *t) {
    double lo = pow(10, a->lo), hi = pow(10, a->hi), decades = a->hi - a->lo;
    if (decades > 3.5) return decade_ticks(lo, hi, (int)ceil(decades / 8), t);
    int n = one_two_five_ticks(lo, hi, t);
    return n >= 3 ? n : linear_ticks(lo, hi, t);
}

/* Grid lines from y_top down to the axis line at y_axis, with tick labels "value<suffix>". */
static void write_axis(FILE *out, const log_axis *a, double y_top, double y_axis,
                       const char *suffix) {
    double t[MAX_TICKS];
    int n = nice_ticks(a, t);
    fprintf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#57606a\"/>\n",
            PLOT_X0, y_axis, PLOT_X0 + PLOT_W, y_axis);
    for (int i = 0; i < n; i++) {
        double x = x_of(a, t[i]);
        fprintf(
            out,
            "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#d8dee4\"/><line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#57606a\"/><text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">",
            x, y_top, x, y_axis, x, y_axis, x, y_axis + 5, x, y_axis + 17);
        put_num(out, t[i]);
        put_text(out, suffix);
        fputs("</text>\n", out);
    }
}

/* Bins series k's plottable samples over their own log range, each bin at least MIN_BIN_PX
 * wide on the axis, so a narrow series keeps its detail beside a wide one. */
static void histogram(const plot *p, int k, bins *h) {
    const rzb_series *s = p->series[k];
    double lo = INFINITY, hi = -INFINITY;
    series_extent(p, k, &lo, &hi);
    double l = log10(lo), span = log10(hi) - l;
    double min_span = (p->axis.hi - p->axis.lo) * N_BINS * MIN_BIN_PX / PLOT_W;
    memset(h, 0, sizeof *h);
    h->width = fmax(span, min_span) / N_BINS;
    h->lo = l - (h->width * N_BINS - span) / 2;
    for (size_t i = 0; i < s->n; i++) {
        double v = s->values[i] * p->scale[k];
        if (!plottable(v)) {
            h->skipped++;
            continue;
        }
        int b = (int)((log10(v) - h->lo) / h->width);
        h->count[b < 0 ? 0 : b >= N_BINS ? N_BINS - 1 : b]++;
    }
}

/* The label block left of a row: name, median and n, and how many samples the log axis omits. */
static void write_row_label(FILE *out, const rzb_series *s, size_t skipped, double y) {
    fprintf(out, "<text class=\"lbl\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\"", LABEL_X, y + 20);
    if (strlen(s->label) > 28) fputs(" textLength=\"200\" lengthAdjust=\"spacingAndGlyphs\"", out);
    fputs(">", out);
    put_text(out, s->label);
    fprintf(out, "</text>\n<text class=\"sub\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">median ",
            LABEL_X, y + 35);
    put_num(out, s->summary.median);
    fputs(" ", out);
    put_text(out, s->unit);
    fprintf(out, ", n %zu</text>\n", s->n);
    if (skipped)
        fprintf(
            out,
            "<text class=\"warn\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%zu value%s &#8804; 0 or not finite, not shown</text>\n",
            LABEL_X, y + 50, skipped, skipped == 1 ? "" : "s");
}

/* Histogram bars of one row, heights relative to the row's fullest bin. */
static void write_bars(FILE *out, const log_axis *a, const bins *h, double base,
                       const char *colour) {
    size_t max = 1;
    for (int b = 0; b < N_BINS; b++)
        if (h->count[b] > max) max = h->count[b];
    double w = h->width / (a->hi - a->lo) * PLOT_W;
    fprintf(out, "<g fill=\"%s\" fill-opacity=\"0.75\">\n", colour);
    for (int b = 0; b < N_BINS; b++) {
        if (!h->count[b]) continue;
        double height = fmax(1, (double)h->count[b] / (double)max * BAR_H);
        fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.2f\" height=\"%.1f\"/>\n",
                x_of_log(a, h->lo + b * h->width), base - height, fmax(w - 0.4, 1), height);
    }
    fprintf(out, "</g>\n<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#afb8c1\"/>\n",
            PLOT_X0, base, PLOT_X0 + PLOT_W, base);
}

/* The 95% CI of the mean as a shaded band with a bracket above it, and the median as a line. */
static void write_markers(FILE *out, const plot *p, int k, double top, double base) {
    const rzb_summary *m = &p->series[k]->summary;
    double f = p->scale[k];
    if (isfinite(m->ci_lo) && isfinite(m->ci_hi) && m->ci_hi > 0) {
        double x1 = x_of(&p->axis, m->ci_lo * f), x2 = fmax(x_of(&p->axis, m->ci_hi * f), x1 + 1.5);
        fprintf(
            out,
            "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#1f2328\" fill-opacity=\"0.18\"/>\n<path d=\"M%.1f %.1fV%.1fH%.1fV%.1f\" fill=\"none\" stroke=\"#1f2328\" stroke-width=\"1.5\"/>\n",
            x1, top + 4, x2 - x1, base - top - 4, x1, top + 8, top + 2, x2, top + 8);
    }
    if (plottable(m->median * f)) {
        double x = x_of(&p->axis, m->median * f);
        fprintf(
            out,
            "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#1f2328\" stroke-width=\"2\"/>\n",
            x, top + 10, x, base);
    }
}

static void write_row(FILE *out, const plot *p, int k, double y) {
    bins h;
    histogram(p, k, &h);
    double base = y + ROW_H - 6;
    write_row_label(out, p->series[k], h.skipped, y);
    write_bars(out, &p->axis, &h, base, PALETTE[k % N_COLOURS]);
    write_markers(out, p, k, base - BAR_H - 4, base);
}

static bool ratio_drawable(const rzb_comparison *c) {
    return plottable(c->ratio) && plottable(c->lo) && plottable(c->hi) && plottable(c->threshold);
}

/* Left label and top line of the ratio panel: which medians, the estimate, CI and claim. */
static void write_ratio_text(FILE *out, const rzb_result *r, double y) {
    const rzb_comparison *c = &r->cmp;
    fprintf(
        out,
        "<text class=\"lbl\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">Speedup</text>\n"
        "<text class=\"sub\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">ratio of medians</text>\n<text x=\"%d\" y=\"%.1f\">median ",
        LABEL_X, y + 34, LABEL_X, y + 49, PLOT_X0, y + 12);
    put_text(out, series_label(r, c->slow, "slow"));
    fputs(" / median ", out);
    put_text(out, series_label(r, c->fast, "fast"));
    fputs(": ratio ", out);
    put_num(out, c->ratio);
    fputs("x ", out);
    put_interval(out, c->lo, c->hi);
    fputs(", claimed ", out);
    put_num(out, c->threshold);
    fputs("x</text>\n", out);
}

/* The ratio's point estimate with its CI as an error bar, against a dashed threshold line. */
static void write_ratio_bar(FILE *out, const rzb_result *r, double y) {
    const rzb_comparison *c = &r->cmp;
    log_axis a = axis_over(fmin(c->lo, c->threshold), fmax(c->hi, c->threshold));
    double xl = x_of(&a, c->lo), xh = x_of(&a, c->hi), xr = x_of(&a, c->ratio);
    double xt = x_of(&a, c->threshold), yb = y + 44, axis_y = y + 66;
    const char *colour = verdict_colour(r->verdict);
    write_axis(out, &a, y + 20, axis_y, "x");
    fprintf(
        out,
        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#57606a\" stroke-width=\"1.5\" stroke-dasharray=\"5 4\"/>\n"
        "<text x=\"%.1f\" y=\"%.1f\" class=\"sub\">claimed ",
        xt, y + 20, xt, axis_y, xt + 4, y + 30);
    put_num(out, c->threshold);
    fprintf(
        out,
        "x</text>\n<g stroke=\"%s\" stroke-width=\"2\"><line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/><line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/><line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/></g>\n"
        "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4.5\" fill=\"%s\"/>\n",
        colour, xl, yb, xh, yb, xl, yb - 6, xl, yb + 6, xh, yb - 6, xh, yb + 6, xr, yb, colour);
}

static void write_ratio(FILE *out, const rzb_result *r, double y) {
    write_ratio_text(out, r, y);
    if (ratio_drawable(&r->cmp)) write_ratio_bar(out, r, y);
}

/* Whether the plot holds the series at index i of the result. */
static bool plot_has(const plot *p, int i) {
    for (int k = 0; k < p->n; k++)
        if (p->index[k] == i) return true;
    return false;
}

static void write_plot(FILE *out, const rzb_result *r, plot *p) {
    if (!plot_range(p)) {
        fputs("<p class=\"none\">No sample in unit ", out);
        put_text(out, p->unit);
        fputs(" is positive: nothing to plot on a log axis.</p>\n", out);
        return;
    }
    bool ratio = r->cmp.present && plot_has(p, r->cmp.fast);
    double rows = TOP + p->n * ROW_H, height = rows + AXIS_H + (ratio ? RATIO_H : 0);
    fprintf(
        out,
        "<figure>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%.0f\" viewBox=\"0 0 %d %.0f\" role=\"img\">\n",
        SVG_W, height, SVG_W, height);
    char suffix[sizeof p->series[0]->unit + 1];
    snprintf(suffix, sizeof suffix, " %s", p->unit);
    write_axis(out, &p->axis, TOP, rows, suffix);
    for (int k = 0; k < p->n; k++)
        write_row(out, p, k, TOP + k * ROW_H);
    if (ratio) write_ratio(out, r, rows + AXIS_H);
    fputs("</svg>\n<figcaption>Histograms of the raw samples on a shared log axis (", out);
    put_text(out, p->unit);
    fprintf(
        out,
        "); each series in %d bins over its own range, heights normalised per series; dark line: median; shaded band with bracket: 95%% CI of the mean.</figcaption>\n"
        "</figure>\n",
        N_BINS);
}

/* One plot per group of series with convertible units; a note when there are no samples. */
static void write_plots(FILE *out, const rzb_result *r) {
    bool done[RZB_MAX_SERIES] = {false};
    plot p;
    int n = 0;
    while (next_plot(r, done, &p)) {
        write_plot(out, r, &p);
        n++;
    }
    if (n == 0)
        fputs("<p class=\"none\">No samples were recorded, so there is no plot.</p>\n", out);
}

static void write_claim_section(FILE *out, const rzb_result *r, int i) {
    fprintf(out, "<section id=\"claim-%d\">\n<h2>", i);
    put_text(out, claim_id(r));
    fputs(": ", out);
    put_text(out, claim_title(r));
    fputs("</h2>\n<p>", out);
    put_badge(out, r->verdict);
    fputs(" ", out);
    put_text(out, r->reason);
    fputs("</p>\n", out);
    write_spec(out, r->claim);
    write_notes(out, r);
    write_run_info(out, r);
    write_metrics(out, r);
    write_series_table(out, r);
    write_plots(out, r);
    fputs("</section>\n", out);
}

bool rzb_report_html(const rzb_report *rep, FILE *out) {
    write_head(out, rep);
    write_fingerprint(out, rep->fp);
    write_verdict_table(out, rep);
    for (int i = 0; i < rep->n_results; i++)
        write_claim_section(out, &rep->results[i], i);
    fputs("</body>\n</html>\n", out);
    return fflush(out) == 0 && !ferror(out);
}
