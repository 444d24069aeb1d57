/* The change report as one self-contained HTML page: a forest plot (each workload's NEW / OLD
 * ratio with its CI on a log axis, the margin band shaded), the table, both sides' run medians
 * as dots, and the notes. No scripts, no external files. */
#include <math.h>
#include <string.h>

#include "harness/change_report.h"
#include "harness/html_escape.h"

enum { W = 960, LABEL_W = 260, PLOT_W = 560, ROW_H = 28, TOP = 30 };

static const char CSS[] =
    "body{font:14px/1.45 system-ui,sans-serif;color:#1f2328;max-width:1100px;margin:24px auto;padding:0 16px}\n"
    "table{border-collapse:collapse;margin:10px 0}th,td{border:1px solid #d0d7de;padding:4px 8px}\nth{background:#f6f8fa}td.num{text-align:right;font-variant-numeric:tabular-nums}\n"
    ".regression{color:#cf222e;font-weight:600}.improvement{color:#1a7f37;font-weight:600}\n"
    ".equivalent,.not-worse{color:#0969da}.inconclusive{color:#9a6700}\n";

static const char *css_class(rzb_change c) {
    return c == RZB_CHANGE_NOT_WORSE ? "not-worse" : rzb_change_name(c);
}

/* The log10 range of the axis: every CI and the margin band, padded. */
static void axis_range(const rzb_change_report *rep, double *lo, double *hi) {
    double margin = rep->n_rows ? rep->rows[0].margin : 0.03;
    *lo = -log10(1 + 2 * margin);
    *hi = log10(1 + 2 * margin);
    for (size_t i = 0; i < rep->n_rows; i++) {
        const rzb_compare_row *r = &rep->rows[i];
        double v[3] = {r->ratio, r->lo, r->hi};
        for (int k = 0; k < 3; k++)
            if (v[k] > 0) {
                *lo = fmin(*lo, log10(v[k]));
                *hi = fmax(*hi, log10(v[k]));
            }
    }
    double pad = 0.08 * (*hi - *lo);
    *lo -= pad;
    *hi += pad;
}

static double x_of(double v, double lo, double hi) {
    return LABEL_W + PLOT_W * (log10(v) - lo) / (hi - lo);
}

static void forest(const rzb_change_report *rep, FILE *out) {
    double lo, hi;
    axis_range(rep, &lo, &hi);
    int h = TOP + ROW_H * (int)rep->n_rows + 40;
    double margin = rep->n_rows ? rep->rows[0].margin : 0.03;
    fprintf(
        out,
        "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' font-size='12' font-family='sans-serif'>\n",
        W, h);
    double band0 = x_of(1 / (1 + margin), lo, hi), band1 = x_of(1 + margin, lo, hi);
    fprintf(out, "<rect x='%.1f' y='%d' width='%.1f' height='%d' fill='#ddf4ff'/>\n", band0,
            TOP - 6, band1 - band0, ROW_H * (int)rep->n_rows + 6);
    double one = x_of(1, lo, hi);
    fprintf(out, "<line x1='%.1f' x2='%.1f' y1='%d' y2='%d' stroke='#57606a'/>\n", one, one,
            TOP - 6, TOP + ROW_H * (int)rep->n_rows);
    fprintf(
        out,
        "<text x='%.1f' y='%d' text-anchor='middle'>NEW / OLD (log scale); shaded: the margin ±%.0f%%</text>\n",
        LABEL_W + PLOT_W / 2.0, 14, 100 * margin);
    for (size_t i = 0; i < rep->n_rows; i++) {
        const rzb_compare_row *r = &rep->rows[i];
        double y = TOP + ROW_H * (double)i + ROW_H / 2.0;
        fprintf(out, "<text x='%d' y='%.1f' text-anchor='end'>", LABEL_W - 8, y + 4);
        rzb_html_escape(r->workload, out);
        fputs("</text>\n", out);
        const char *color = r->change == RZB_CHANGE_REGRESSION     ? "#cf222e"
                            : r->change == RZB_CHANGE_IMPROVEMENT  ? "#1a7f37"
                            : r->change == RZB_CHANGE_INCONCLUSIVE ? "#9a6700"
                                                                   : "#0969da";
        if (!isnan(r->lo) && r->lo > 0)
            fprintf(
                out,
                "<line x1='%.1f' x2='%.1f' y1='%.1f' y2='%.1f' stroke='%s' stroke-width='3'/>\n",
                x_of(r->lo, lo, hi), x_of(r->hi, lo, hi), y, y, color);
        if (r->ratio > 0) {
            fprintf(out, "<circle cx='%.1f' cy='%.1f' r='5' fill='%s'/>\n", x_of(r->ratio, lo, hi),
                    y, color);
            fprintf(out, "<text x='%d' y='%.1f'>%+.1f%% %s</text>\n", LABEL_W + PLOT_W + 10, y + 4,
                    100 * (r->ratio - 1), rzb_change_name(r->change));
        }
    }
    double ticks[] = {0.5, 0.8, 0.9, 0.95, 1, 1.05, 1.1, 1.25, 1.5, 2, 3};
    for (size_t k = 0; k < sizeof ticks / sizeof ticks[0]; k++) {
        double t = log10(ticks[k]);
        if (t < lo || t > hi) continue;
        double x = x_of(ticks[k], lo, hi);
        int y = TOP + ROW_H * (int)rep->n_rows;
        fprintf(
            out,
            "<line x1='%.1f' x2='%.1f' y1='%d' y2='%d' stroke='#57606a'/><text x='%.1f' y='%d' text-anchor='middle'>%g</text>\n",
            x, x, y, y + 5, x, y + 18, ticks[k]);
    }
    fputs("</svg>\n", out);
}

static void cell(FILE *out, double v) {
    if (isnan(v))
        fputs("<td class='num'>n/a</td>", out);
    else
        fprintf(out, "<td class='num'>%.4g</td>", v);
}

static void table(const rzb_change_report *rep, FILE *out) {
    fputs(
        "<table><tr><th>workload</th><th>metric</th><th>unit</th><th>runs</th><th>OLD</th><th>NEW</th><th>NEW/OLD</th><th>CI</th><th>change</th><th>run medians OLD | NEW</th></tr>\n",
        out);
    for (size_t i = 0; i < rep->n_rows; i++) {
        const rzb_compare_row *r = &rep->rows[i];
        fputs("<tr><td>", out);
        rzb_html_escape(r->workload, out);
        fprintf(out, "</td><td>%s</td><td>", r->metric);
        rzb_html_escape(r->unit, out);
        fprintf(out, "</td><td class='num'>%zu</td>", r->runs);
        cell(out, r->old_value);
        cell(out, r->new_value);
        cell(out, r->ratio);
        if (isnan(r->lo))
            fputs("<td>one count per side</td>", out);
        else
            fprintf(out, "<td class='num'>[%.4g, %.4g] (%.0f%%)</td>", r->lo, r->hi,
                    100 * (1 - 2 * r->alpha));
        fprintf(out, "<td class='%s'>%s</td><td class='num'>", css_class(r->change),
                rzb_change_name(r->change));
        for (size_t k = 0; k < r->n_old; k++)
            fprintf(out, "%s%.4g", k ? " " : "", r->old_runs[k]);
        fputs(" | ", out);
        for (size_t k = 0; k < r->n_new; k++)
            fprintf(out, "%s%.4g", k ? " " : "", r->new_runs[k]);
        fputs("</td></tr>\n", out);
    }
    fputs("</table>\n", out);
}

bool rzb_change_report_html(const rzb_change_report *rep, FILE *out) {
    fprintf(
        out,
        "<!doctype html><html><head><meta charset='utf-8'><title>rzbench %s</title><style>%s</style></head><body>\n<h1>rzbench %s</h1>\n<p>OLD: <code>",
        rep->kind, CSS, rep->kind);
    rzb_html_escape(rep->old_label, out);
    fputs("</code><br>NEW: <code>", out);
    rzb_html_escape(rep->new_label, out);
    fputs("</code><br>command: <code>", out);
    rzb_html_escape(rep->command ? rep->command : "", out);
    fputs("</code></p>\n", out);
    forest(rep, out);
    table(rep, out);
    fputs("<ul>\n", out);
    for (int i = 0; i < rep->n_notes; i++) {
        fputs("<li>", out);
        rzb_html_escape(rep->notes[i], out);
        fputs("</li>\n", out);
    }
    fputs("</ul>\n", out);
    if (rep->environment_json) {
        fputs("<h2>Environment</h2><pre>", out);
        rzb_html_escape(rep->environment_json, out);
        fputs("</pre>\n", out);
    }
    fputs("</body></html>\n", out);
    return !ferror(out);
}
