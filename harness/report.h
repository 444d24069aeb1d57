/* rzb_report: one rzbench run's results, written as files and printed.
 * Contract: numbers keep their units in column names or unit fields. */
#ifndef RZB_REPORT_H
#define RZB_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "harness/fingerprint.h"
#include "harness/result.h"

typedef struct {
    const char *name;    /* file stem: "verify" or a claim id */
    const char *command; /* the rzbench invocation, for the record */
    const rzb_fingerprint *fp;
    rzb_result *results;
    int n_results;
} rzb_report;

/* Writes the five files, NAME.samples.csv, NAME.summary.csv, NAME.verdicts.csv, NAME.json and
 * NAME.html, into dir, each atomically (temporary file, fsync, rename), so an interrupted run
 * leaves the previous report intact; on failure returns false with a message naming the path. */
bool rzb_report_write(const rzb_report *rep, const char *dir, char *err, size_t cap);

/* Writes the verdict table to a stream. format: "csv", "json" or "md". Returns false for an
 * unknown format. */
bool rzb_report_print(const rzb_report *rep, const char *format, FILE *out);

/* Individual writers (each returns false on a stream error). */
bool rzb_report_samples_csv(const rzb_report *rep, FILE *out);
bool rzb_report_summary_csv(const rzb_report *rep, FILE *out);
bool rzb_report_verdicts_csv(const rzb_report *rep, FILE *out);
bool rzb_report_json(const rzb_report *rep, FILE *out);       /* with every raw sample */
bool rzb_report_json_brief(const rzb_report *rep, FILE *out); /* summaries only */
bool rzb_report_html(const rzb_report *rep, FILE *out);
bool rzb_report_md(const rzb_report *rep, FILE *out);

#endif
