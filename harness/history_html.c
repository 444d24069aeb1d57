#include "harness/history_html.h"

#include <string.h>
#include <time.h>

#include "harness/history_plot.h"

static const char CSS[] =
    "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1f2328;max-width:1060px;margin:24px auto;padding:0 16px}\n"
    "h1{font-size:24px;margin-bottom:4px}\n"
    "h2{font-size:17px;margin-top:32px;border-bottom:1px solid #d0d7de;padding-bottom:4px}\n"
    "h2 small{font-weight:400;color:#57606a}\n"
    "code{background:#f6f8fa;padding:2px 5px;border-radius:4px}\n"
    ".muted{color:#57606a}\n"
    "figure{margin:8px 0}\n"
    "ul.legend{list-style:none;padding:0;margin:4px 0}\n"
    "ul.legend li{margin:2px 0}\n"
    ".sw{display:inline-block;width:22px;height:4px;vertical-align:middle;margin-right:6px}\n"
    "ul.steps{margin:4px 0;padding-left:20px}\n"
    "svg{max-width:100%;height:auto}\n"
    "svg text{font:11px system-ui,sans-serif;fill:#1f2328}\n"
    "svg text.sub{fill:#57606a}\n"
    "svg text.hash{font:11px ui-monospace,monospace}\n"
    "svg text.step{font-size:12px;font-weight:600}\n";

static void header(const rzb_history *h, const char *db_path, FILE *out) {
    char now[32];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(now, sizeof now, "%Y-%m-%d %H:%M UTC", &tm);
    fprintf(out,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<title>rzbench history</title>\n<style>\n%s</style>\n</head>\n<body>\n"
            "<h1>rzbench history</h1>\n<p class=\"muted\"><code>",
            CSS);
    rzb_html_escape(db_path, out);
    fprintf(out, "</code>: %ld run%s over %ld commit%s; written %s.</p>\n", h->runs,
            h->runs == 1 ? "" : "s", h->commits, h->commits == 1 ? "" : "s", now);
    fputs("<p>Each point is the geometric mean of a commit's run medians on one machine,\n"
          "its whisker the 95% CI (t on the log values).\n"
          "Commits run left to right in the order they were first measured.\n"
          "A dashed line marks a step found by binary segmentation over the commits:\n"
          "Welch t on the log run medians, Bonferroni-corrected at 0.01;\n"
          "steps under 1% are not called.\n"
          "Its label gives the step's size and 95% CI against the segments on either side.</p>\n",
          out);
}

static void legend(const rzb_trend *t, size_t n, FILE *out) {
    fputs("<ul class=\"legend\">\n", out);
    for (size_t i = 0; i < n; i++) {
        fprintf(out, "<li><span class=\"sw\" style=\"background:%s\"></span><code>",
                rzb_history_colour(i));
        rzb_html_escape(t[i].machine, out);
        fputs("</code> ", out);
        rzb_html_escape(t[i].machine_text, out);
        fputs("</li>\n", out);
    }
    fputs("</ul>\n", out);
}

static void step_list(const rzb_trend *t, size_t n, FILE *out) {
    size_t steps = 0;
    for (size_t i = 0; i < n; i++)
        steps += t[i].n_steps;
    if (!steps) {
        fputs("<p class=\"muted\">No steps found.</p>\n", out);
        return;
    }
    fputs("<ul class=\"steps\">\n", out);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < t[i].n_steps; j++) {
            const rzb_changepoint *c = &t[i].steps[j];
            char label[48], evidence[96];
            rzb_changepoint_text(c, label, sizeof label);
            fputs("<li>at <code>", out);
            rzb_html_escape(t[i].points[c->at].short_hash, out);
            fputs("</code> on <code>", out);
            rzb_html_escape(t[i].machine, out);
            rzb_changepoint_evidence(c, evidence, sizeof evidence);
            fprintf(out, "</code>: <b>%s</b> (%s)</li>\n", label, evidence);
        }
    fputs("</ul>\n", out);
}

static bool same_plot(const rzb_trend *a, const rzb_trend *b) {
    return !strcmp(a->workload, b->workload) && !strcmp(a->metric, b->metric) &&
           !strcmp(a->unit, b->unit);
}

static void section(const rzb_trend *t, size_t n, FILE *out) {
    fputs("<h2>", out);
    rzb_html_escape(t->workload, out);
    fputs(" <small>", out);
    rzb_html_escape(t->metric, out);
    fputs(", ", out);
    rzb_html_escape(t->unit, out);
    fputs("</small></h2>\n<figure>\n", out);
    rzb_history_plot(t, n, out);
    legend(t, n, out);
    fputs("</figure>\n", out);
    step_list(t, n, out);
}

bool rzb_history_html(const rzb_history *h, const char *db_path, FILE *out) {
    header(h, db_path, out);
    if (!h->n) fputs("<p>No runs stored yet.</p>\n", out);
    for (size_t i = 0, j; i < h->n; i = j) {
        for (j = i + 1; j < h->n && same_plot(&h->trends[i], &h->trends[j]); j++)
            continue;
        section(&h->trends[i], j - i, out);
    }
    fputs("</body>\n</html>\n", out);
    return !ferror(out);
}
