#include "harness/history_plot.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Geometry in SVG user units. */
enum {
    SVG_W = 1000,
    X0 = 84, /* left edge of the plot area */
    PLOT_W = 892,
    PLOT_H = 240,
    LABEL_ROW = 16, /* height of one row of step labels above the plot */
    MAX_LABEL_ROWS = 4,
    AXIS_H = 74, /* room for the rotated commit labels */
    MAX_X_LABELS = 40,
    Y_TICKS = 5,
};

/* The smallest y range, as a fraction of the values: twice the smallest step called (1%). */
#define MIN_SPAN 0.02

enum { N_COLOURS = 8 };
static const char *const PALETTE[N_COLOURS] = {
    "#4269d0", "#efb118", "#ff725c", "#6cc5b0", "#3ca951", "#ff8ab7", "#a463f2", "#97bbf5",
};

/* The axes of one plot: the commits on x (their time ranks, sorted) and the range on y. */
typedef struct {
    long *orders;
    const char **labels;
    size_t n_x;
    double ymin, ymax;
    double top; /* y of the plot area's top edge */
} axes;

const char *rzb_history_colour(size_t i) {
    return PALETTE[i % N_COLOURS];
}

/* The position of a commit on the x axis (binary search of the sorted ranks). */
static size_t index_of(const axes *a, long order) {
    size_t lo = 0, hi = a->n_x;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (a->orders[mid] <= order)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

static double x_of(const axes *a, long order) {
    return X0 + ((double)index_of(a, order) + 0.5) * PLOT_W / (double)a->n_x;
}

static double y_of(const axes *a, double v) {
    return a->top + PLOT_H * (a->ymax - v) / (a->ymax - a->ymin);
}

static int by_order(const void *l, const void *r) {
    long a = *(const long *)l, b = *(const long *)r;
    return (a > b) - (a < b);
}

/* The commits of every trend, once each, in time order, with their short hashes. */
static void x_axis(const rzb_trend *t, size_t n, axes *a) {
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += t[i].n_points;
    a->orders = malloc((total ? total : 1) * sizeof *a->orders);
    a->labels = malloc((total ? total : 1) * sizeof *a->labels);
    if (!a->orders || !a->labels) abort();
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < t[i].n_points; j++)
            a->orders[a->n_x++] = t[i].points[j].order;
    qsort(a->orders, a->n_x, sizeof *a->orders, by_order);
    size_t k = 0;
    for (size_t i = 0; i < a->n_x; i++)
        if (!k || a->orders[k - 1] != a->orders[i]) a->orders[k++] = a->orders[i];
    a->n_x = k;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < t[i].n_points; j++)
            a->labels[index_of(a, t[i].points[j].order)] = t[i].points[j].short_hash;
}

/* The range of the means and CIs, padded; false when no point has a value. */
static bool y_range(const rzb_trend *t, size_t n, axes *a) {
    a->ymin = INFINITY;
    a->ymax = -INFINITY;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < t[i].n_points; j++) {
            const rzb_trend_point *p = &t[i].points[j];
            if (!p->n) continue;
            a->ymin = fmin(a->ymin, isfinite(p->lo) ? p->lo : p->gmean);
            a->ymax = fmax(a->ymax, isfinite(p->hi) ? p->hi : p->gmean);
        }
    if (!(a->ymin <= a->ymax)) return false;
    /* At least MIN_SPAN of the values' middle, so that a change too small to be a step (an
     * instruction count moving by 0.01%) does not fill the plot like one. */
    const double mid = 0.5 * (a->ymin + a->ymax), span = MIN_SPAN * fabs(mid);
    if (a->ymax - a->ymin < span) {
        a->ymin = mid - span / 2;
        a->ymax = mid + span / 2;
    }
    double pad = a->ymax > a->ymin ? 0.08 * (a->ymax - a->ymin) : 0.05 * fabs(a->ymin) + 1e-9;
    a->ymin -= pad;
    a->ymax += pad;
    return true;
}

static double nice_step(double range) {
    double raw = range / Y_TICKS, mag = pow(10, floor(log10(raw))), f = raw / mag;
    return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag;
}

static void draw_axes(const axes *a, const rzb_trend *t, FILE *out) {
    double step = nice_step(a->ymax - a->ymin), bottom = a->top + PLOT_H;
    for (double v = ceil(a->ymin / step) * step; v <= a->ymax; v += step) {
        double y = y_of(a, v);
        fprintf(out, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#d8dee4\"/>\n", X0,
                X0 + PLOT_W, y, y);
        fprintf(out, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.6g</text>\n", X0 - 6, y + 4,
                fabs(v) < step * 1e-9 ? 0 : v);
    }
    fprintf(
        out,
        "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#8c959f\"/>\n",
        X0, a->top, PLOT_W, PLOT_H);
    fprintf(
        out,
        "<text class=\"sub\" transform=\"translate(16 %.1f) rotate(-90)\" text-anchor=\"middle\">",
        a->top + PLOT_H / 2.0);
    rzb_html_escape(strcmp(t->metric, "verdict") ? t->metric : "claim ratio", out);
    fputs(" (", out);
    rzb_html_escape(t->unit, out);
    fputs(")</text>\n", out);
    size_t every = (a->n_x + MAX_X_LABELS - 1) / MAX_X_LABELS;
    for (size_t i = 0; i < a->n_x; i += every) {
        double x = x_of(a, a->orders[i]);
        fprintf(
            out,
            "<text class=\"hash\" transform=\"translate(%.1f %.1f) rotate(-40)\" text-anchor=\"end\">",
            x + 3, bottom + 14);
        rzb_html_escape(a->labels[i], out);
        fputs("</text>\n", out);
    }
}

static void point_title(const rzb_trend *t, const rzb_trend_point *p, FILE *out) {
    fputs("<title>", out);
    rzb_html_escape(p->short_hash, out);
    fprintf(out, " %.10s: %.6g ", p->date, p->gmean);
    rzb_html_escape(t->unit, out);
    if (isfinite(p->lo)) fprintf(out, ", 95%% CI [%.6g, %.6g]", p->lo, p->hi);
    fprintf(out, ", %zu value%s</title>", p->n, p->n == 1 ? "" : "s");
}

static void draw_trend(const axes *a, const rzb_trend *t, const char *colour, FILE *out) {
    fprintf(out,
            "<g stroke=\"%s\" fill=\"%s\">\n<polyline fill=\"none\" stroke-width=\"2\" points=\"",
            colour, colour);
    for (size_t j = 0; j < t->n_points; j++)
        if (t->points[j].n)
            fprintf(out, "%.1f,%.1f ", x_of(a, t->points[j].order), y_of(a, t->points[j].gmean));
    fputs("\"/>\n", out);
    for (size_t j = 0; j < t->n_points; j++) {
        const rzb_trend_point *p = &t->points[j];
        if (!p->n) continue;
        double x = x_of(a, p->order);
        if (isfinite(p->lo))
            fprintf(out, "<path fill=\"none\" d=\"M%.1f %.1fV%.1fM%.1f %.1fh8M%.1f %.1fh8\"/>\n", x,
                    y_of(a, p->lo), y_of(a, p->hi), x - 4, y_of(a, p->lo), x - 4, y_of(a, p->hi));
        fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\">", x, y_of(a, p->gmean));
        point_title(t, p, out);
        fputs("</circle>\n", out);
    }
    fputs("</g>\n", out);
}

/* The x of the last point with values before point `at`. */
static double x_before(const axes *a, const rzb_trend *t, size_t at) {
    while (at > 0 && !t->points[at - 1].n)
        at--;
    return x_of(a, t->points[at ? at - 1 : 0].order);
}

/* Dashed lines (shifted by `shift` so that machines stepping at one commit stay apart) and
 * labels in rows above the plot; *row counts the labels drawn so far in this plot. */
static void draw_steps(const axes *a, const rzb_trend *t, const char *colour, double shift,
                       size_t *row, FILE *out) {
    for (size_t i = 0; i < t->n_steps; i++, ++*row) {
        const rzb_changepoint *c = &t->steps[i];
        double x = (x_before(a, t, c->at) + x_of(a, t->points[c->at].order)) / 2 + shift;
        double label_x = fmin(fmax(x, X0 + 90), X0 + PLOT_W - 90);
        double label_y = 8 + (double)(*row % MAX_LABEL_ROWS + 1) * LABEL_ROW - 4;
        char label[48];
        rzb_changepoint_text(c, label, sizeof label);
        fprintf(
            out,
            "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>\n",
            x, x, a->top, a->top + PLOT_H, colour);
        fprintf(
            out,
            "<text class=\"step\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"%s\">%s</text>\n",
            label_x, label_y, colour, label);
    }
}

void rzb_history_plot(const rzb_trend *trends, size_t n, FILE *out) {
    axes a = {0};
    x_axis(trends, n, &a);
    size_t steps = 0, row = 0;
    for (size_t i = 0; i < n; i++)
        steps += trends[i].n_steps;
    size_t rows = steps < MAX_LABEL_ROWS ? steps : MAX_LABEL_ROWS;
    a.top = 12 + (double)(rows * LABEL_ROW);
    double height = a.top + PLOT_H + AXIS_H;
    fprintf(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %.0f\" width=\"%d\" height=\"%.0f\" role=\"img\">\n",
        SVG_W, height, SVG_W, height);
    if (!y_range(trends, n, &a)) {
        fprintf(out, "<text x=\"%d\" y=\"%.1f\">no values to plot (verdicts only)</text>\n", X0,
                a.top + 20);
    } else {
        draw_axes(&a, trends, out);
        for (size_t i = 0; i < n; i++)
            draw_trend(&a, &trends[i], rzb_history_colour(i), out);
        for (size_t i = 0; i < n; i++)
            draw_steps(&a, &trends[i], rzb_history_colour(i), 3 * ((double)i - (double)(n - 1) / 2),
                       &row, out);
    }
    fputs("</svg>\n", out);
    free(a.orders);
    free(a.labels);
}
