/* The change report's Markdown and CSV writers, its notes, and writing the four files. */
#include "harness/change_report.h"

#include <csv.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "harness/atomic_file.h"

void rzb_change_note(rzb_change_report *rep, const char *fmt, ...) {
    if (rep->n_notes >= RZB_CHANGE_NOTES) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rep->notes[rep->n_notes++], sizeof rep->notes[0], fmt, ap);
    va_end(ap);
}

static void num(FILE *out, double v) {
    if (isnan(v))
        fputs("n/a", out);
    else
        fprintf(out, "%.4g", v);
}

/* "+9.8%" for a ratio of 1.098. */
static void percent(FILE *out, double ratio) {
    if (isnan(ratio))
        fputs("n/a", out);
    else
        fprintf(out, "%+.1f%%", 100 * (ratio - 1));
}

static bool rzb_change_report_md(const rzb_change_report *rep, FILE *out) {
    double level = rep->n_rows ? 100 * (1 - 2 * rep->rows[0].alpha) : 90;
    fprintf(out, "%s: OLD = %s, NEW = %s\n\n", rep->kind, rep->old_label, rep->new_label);
    fprintf(
        out,
        "| workload | metric | unit | runs | OLD | NEW | NEW/OLD | %.0f%% CI | change | verdict |\n",
        level);
    fputs("|---|---|---|---:|---:|---:|---:|---|---:|---|\n", out);
    for (size_t i = 0; i < rep->n_rows; i++) {
        const rzb_compare_row *r = &rep->rows[i];
        fprintf(out, "| %s | %s | %s | %zu | ", r->workload, r->metric, r->unit, r->runs);
        num(out, r->old_value);
        fputs(" | ", out);
        num(out, r->new_value);
        fputs(" | ", out);
        num(out, r->ratio);
        fputs(" | ", out);
        if (isnan(r->lo)) {
            fputs("- (one count per side)", out);
        } else {
            fputc('[', out);
            num(out, r->lo);
            fputs(", ", out);
            num(out, r->hi);
            fputc(']', out);
        }
        fputs(" | ", out);
        percent(out, r->ratio);
        fprintf(out, " | **%s** (margin ±%.0f%%) |\n", rzb_change_name(r->change), 100 * r->margin);
    }
    fputc('\n', out);
    for (int i = 0; i < rep->n_notes; i++)
        fprintf(out, "- %s\n", rep->notes[i]);
    return !ferror(out);
}

static void text(FILE *out, const char *s, bool last) {
    csv_fwrite(out, s, strlen(s));
    fputc(last ? '\n' : ',', out);
}

static void cnum(FILE *out, double v, bool last) {
    if (!isnan(v)) fprintf(out, "%.9g", v);
    fputc(last ? '\n' : ',', out);
}

static bool rzb_change_report_csv(const rzb_change_report *rep, FILE *out) {
    static const char *const cols[] = {
        "workload", "metric",   "unit",   "old",    "new",    "runs",     "new_over_old", "ci_lo",
        "ci_hi",    "ci_level", "margin", "change", "passes", "old_side", "new_side"};
    size_t n = sizeof cols / sizeof cols[0];
    for (size_t i = 0; i < n; i++)
        text(out, cols[i], i + 1 == n);
    for (size_t i = 0; i < rep->n_rows; i++) {
        const rzb_compare_row *r = &rep->rows[i];
        text(out, r->workload, false);
        text(out, r->metric, false);
        text(out, r->unit, false);
        cnum(out, r->old_value, false);
        cnum(out, r->new_value, false);
        fprintf(out, "%zu,", r->runs);
        cnum(out, r->ratio, false);
        cnum(out, r->lo, false);
        cnum(out, r->hi, false);
        cnum(out, 1 - 2 * r->alpha, false);
        cnum(out, r->margin, false);
        text(out, rzb_change_name(r->change), false);
        text(out, r->pass ? "yes" : "no", false);
        text(out, rep->old_label, false);
        text(out, rep->new_label, true);
    }
    return !ferror(out);
}

bool rzb_change_report_print(const rzb_change_report *rep, const char *format, FILE *out) {
    if (!strcmp(format, "md")) return rzb_change_report_md(rep, out);
    if (!strcmp(format, "csv")) return rzb_change_report_csv(rep, out);
    if (!strcmp(format, "json")) return rzb_change_report_json(rep, out);
    return false;
}

bool rzb_change_report_write(const rzb_change_report *rep, const char *dir, const char *stem,
                             char *err, size_t cap) {
    static const struct {
        const char *suffix;
        bool (*write)(const rzb_change_report *, FILE *);
    } files[] = {{"md", rzb_change_report_md},
                 {"csv", rzb_change_report_csv},
                 {"json", rzb_change_report_json},
                 {"html", rzb_change_report_html}};
    if (!rzb_make_dirs(dir, err, cap)) return false;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s.%s", dir, stem, files[i].suffix);
        rzb_atomic_file a;
        if (!rzb_atomic_open_said(&a, path, err, cap) ||
            !rzb_atomic_close_said(&a, files[i].write(rep, a.f), err, cap))
            return false;
    }
    return true;
}
