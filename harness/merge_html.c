/* The merge as one self-contained HTML page: the verdict matrix with coloured cells, where each
 * claim holds, and per claim an inline SVG plot of every machine's ratio (log axis) with its CI
 * as a whisker and the claimed threshold as a dashed line. No scripts, no external files. */
#include <math.h>
#include <string.h>

#include "harness/html_escape.h"
#include "harness/merge.h"

enum { W = 1000, LABEL_W = 300, PLOT_W = 500, ROW_H = 26, TOP = 28 };

static const char CSS[] =
    "body{font:14px/1.45 system-ui,sans-serif;color:#1f2328;max-width:1100px;margin:24px auto;padding:0 16px}\n"
    "table{border-collapse:collapse;margin:10px 0}th,td{border:1px solid #d0d7de;padding:4px 8px}\nth{background:#f6f8fa}td.num{text-align:right;font-variant-numeric:tabular-nums}\n"
    ".SUPPORTED{background:#dafbe1;color:#1a7f37;font-weight:600}\n"
    ".FALSIFIED{background:#ffebe9;color:#cf222e;font-weight:600}\n"
    ".INCONCLUSIVE{background:#fff8c5;color:#9a6700}.SKIPPED{background:#f6f8fa;color:#6e7781}\n";

static const char *colour(const char *verdict) {
    return !strcmp(verdict, "SUPPORTED")      ? "#1a7f37"
           : !strcmp(verdict, "FALSIFIED")    ? "#cf222e"
           : !strcmp(verdict, "INCONCLUSIVE") ? "#9a6700"
                                              : "#6e7781";
}

static void text(FILE *out, const char *s) {
    rzb_html_escape(s, out);
}

static void matrix(const rzb_merge *m, FILE *out) {
    fputs("<table><tr><th>machine</th><th>host</th><th>class</th><th>bundle</th>", out);
    for (size_t c = 0; c < m->n_claims; c++) {
        fputs("<th>", out);
        text(out, m->claims[c]);
        fputs("</th>", out);
    }
    fputs("</tr>\n", out);
    for (size_t i = 0; i < m->n_rows; i++) {
        const rzb_merge_row *r = &m->rows[i];
        const char *cells[] = {r->machine, r->hostname, r->hw_class, r->file};
        fputs("<tr>", out);
        for (size_t k = 0; k < 4; k++) {
            fputs("<td>", out);
            text(out, cells[k]);
            fputs("</td>", out);
        }
        for (size_t c = 0; c < m->n_claims; c++) {
            const rzb_outcome *o = rzb_outcome_find(&r->out, m->claims[c]);
            fputs(o ? "<td class='" : "<td>-", out);
            if (o) {
                text(out, o->verdict);
                fputs("'>", out);
                text(out, o->verdict);
            }
            fputs("</td>", out);
        }
        fputs("</tr>\n", out);
    }
    fputs("</table>\n", out);
}

/* The log10 range of one claim's ratios, CIs and threshold, padded; false with none. */
static bool range(const rzb_merge *m, const char *claim, double *lo, double *hi) {
    *lo = INFINITY;
    *hi = -INFINITY;
    for (size_t i = 0; i < m->n_rows; i++) {
        const rzb_outcome *o = rzb_outcome_find(&m->rows[i].out, claim);
        double v[4] = {o ? o->ratio : NAN, o ? o->lo : NAN, o ? o->hi : NAN,
                       o ? o->threshold : NAN};
        for (int k = 0; k < 4; k++)
            if (v[k] > 0 && isfinite(v[k])) {
                *lo = fmin(*lo, log10(v[k]));
                *hi = fmax(*hi, log10(v[k]));
            }
    }
    if (!(*lo <= *hi)) return false;
    double pad = *hi > *lo ? 0.08 * (*hi - *lo) : 0.1;
    *lo -= pad;
    *hi += pad;
    return true;
}

static double x_of(double v, double lo, double hi) {
    return LABEL_W + PLOT_W * (log10(v) - lo) / (hi - lo);
}

static void ticks(double lo, double hi, int bottom, FILE *out) {
    static const double steps[] = {1, 2, 5};
    int per_decade = hi - lo > 3 ? 1 : 3;
    for (double d = floor(lo); d <= ceil(hi); d++)
        for (int s = 0; s < per_decade; s++) {
            double v = steps[s] * pow(10, d);
            if (log10(v) < lo || log10(v) > hi) continue;
            double x = x_of(v, lo, hi);
            fprintf(
                out,
                "<line x1='%.1f' x2='%.1f' y1='%d' y2='%d' stroke='#57606a'/><text x='%.1f' y='%d' text-anchor='middle'>%g</text>\n",
                x, x, bottom, bottom + 5, x, bottom + 18, v);
        }
}

static void point(const rzb_merge_row *r, const rzb_outcome *o, double y, double lo, double hi,
                  FILE *out) {
    fprintf(out, "<text x='%d' y='%.1f' text-anchor='end'>", LABEL_W - 8, y + 4);
    text(out, r->hostname);
    fputs(" (", out);
    text(out, r->hw_class);
    fputs(", ", out);
    text(out, r->file);
    fputs(")</text>\n", out);
    if (!o || !(o->ratio > 0)) return;
    const char *c = colour(o->verdict);
    if (o->lo > 0 && o->hi > 0)
        fprintf(out,
                "<line x1='%.1f' x2='%.1f' y1='%.1f' y2='%.1f' stroke='%s' stroke-width='3'/>\n",
                x_of(o->lo, lo, hi), x_of(o->hi, lo, hi), y, y, c);
    fprintf(out, "<circle cx='%.1f' cy='%.1f' r='5' fill='%s'/>\n", x_of(o->ratio, lo, hi), y, c);
    fprintf(out, "<text x='%d' y='%.1f'>%.4g %s</text>\n", LABEL_W + PLOT_W + 10, y + 4, o->ratio,
            o->verdict);
}

static void plot(const rzb_merge *m, const char *claim, FILE *out) {
    double lo, hi, threshold = NAN;
    if (!range(m, claim, &lo, &hi)) {
        fputs("<p>No machine measured a ratio for this claim.</p>\n", out);
        return;
    }
    int bottom = TOP + ROW_H * (int)m->n_rows;
    fprintf(
        out,
        "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' font-size='12' font-family='sans-serif'>\n<text x='%.1f' y='14' text-anchor='middle'>ratio (log scale), CI as a whisker; dashed: the claimed threshold</text>\n",
        W, bottom + 30, LABEL_W + PLOT_W / 2.0);
    for (size_t i = 0; i < m->n_rows; i++) {
        const rzb_outcome *o = rzb_outcome_find(&m->rows[i].out, claim);
        if (o && o->threshold > 0) threshold = o->threshold;
        point(&m->rows[i], o, TOP + ROW_H * (double)i + ROW_H / 2.0, lo, hi, out);
    }
    if (threshold > 0)
        fprintf(
            out,
            "<line x1='%.1f' x2='%.1f' y1='%d' y2='%d' stroke='#57606a' stroke-dasharray='5,4'/>\n",
            x_of(threshold, lo, hi), x_of(threshold, lo, hi), TOP - 6, bottom);
    fprintf(out, "<line x1='%d' x2='%d' y1='%d' y2='%d' stroke='#57606a'/>\n", LABEL_W,
            LABEL_W + PLOT_W, bottom, bottom);
    ticks(lo, hi, bottom, out);
    fputs("</svg>\n", out);
}

bool rzb_merge_html(const rzb_merge *m, FILE *out) {
    fprintf(
        out,
        "<!doctype html><html><head><meta charset='utf-8'><title>rzbench merge</title><style>%s</style></head><body>\n<h1>rzbench merge: %zu bundles</h1>\n<p>command: <code>",
        CSS, m->n_rows);
    text(out, m->command ? m->command : "");
    fprintf(out, "</code>%s</p>\n",
            m->mixed ? "<br><b>The bundles come from different rz commits (--allow-mixed).</b>"
                     : "");
    matrix(m, out);
    fputs("<ul>\n", out);
    for (size_t c = 0; c < m->n_claims; c++) {
        char sentence[1024];
        rzb_merge_sentence(m, m->claims[c], sentence, sizeof sentence);
        fputs("<li>", out);
        text(out, sentence);
        fputs("</li>\n", out);
    }
    fputs("</ul>\n", out);
    for (size_t c = 0; c < m->n_claims; c++) {
        fputs("<h2>", out);
        text(out, m->claims[c]);
        fputs("</h2>\n", out);
        plot(m, m->claims[c], out);
    }
    fputs("</body></html>\n", out);
    return !ferror(out);
}
