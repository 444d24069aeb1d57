/* rzb_change_report: the workload-by-workload changes between two builds or two runs (what
 * `rzbench compare` and `rzbench gate` print), written as Markdown (a table like llama.cpp's
 * compare-llama-bench), CSV, JSON and a self-contained HTML page with a forest plot.
 * Contract: rzb_change_report_write writes DIR/STEM.{md,csv,json,html}, each atomically, so an
 * interrupted run leaves the previous files intact. Every number carries its unit. */
#ifndef RZB_CHANGE_REPORT_H
#define RZB_CHANGE_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "harness/compare.h"

enum { RZB_CHANGE_NOTES = 12 };

typedef struct {
    const char *kind;      /* "compare" or "gate" */
    const char *old_label; /* e.g. "reports/old.json" or "HEAD~1 (1a2b3c4)" */
    const char *new_label;
    const char *command;          /* the rzbench invocation */
    const char *environment_json; /* the machine's fingerprint as a JSON object, or NULL */
    rzb_compare_row *rows;
    size_t n_rows;
    char notes[RZB_CHANGE_NOTES][512]; /* method, sources of counts, what was left out */
    int n_notes;
} rzb_change_report;

void rzb_change_note(rzb_change_report *rep, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The JSON and HTML writers (change_report_json.c, change_report_html.c); false on a write
 * error. */
bool rzb_change_report_json(const rzb_change_report *rep, FILE *out);
bool rzb_change_report_html(const rzb_change_report *rep, FILE *out);

/* format: "md", "csv" or "json"; false for another. */
bool rzb_change_report_print(const rzb_change_report *rep, const char *format, FILE *out);

/* Writes the four files; false with a message naming the path when one cannot be written. */
bool rzb_change_report_write(const rzb_change_report *rep, const char *dir, const char *stem,
                             char *err, size_t cap);

#endif
