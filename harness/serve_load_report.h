/* rzb_sl_report: the tables of `rzbench serve-load`: one row per target and rate (rounds pooled)
 * with p50/p90/p99 of TTFT, TPOT, ITL and E2E in ms, request and output-token throughput, goodput
 * and the failures by name; beside them the command, the SLO, the workload, each server's command
 * line and version, and the environment fingerprint. Contract: md, csv (one header line, one line
 * per row; the notes as "# " lines above) or json; returns false on a stream error. */
#ifndef RZB_SERVE_LOAD_REPORT_H
#define RZB_SERVE_LOAD_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "harness/serve_load_stats.h"

enum { RZB_SL_MAX_NOTES = 48 };

typedef struct {
    const char *target;
    double rate; /* requests/s offered */
    int rounds;
    rzb_sl_summary s;
} rzb_sl_row;

typedef struct {
    const char *command;
    const char *fingerprint_json; /* an object's text; NULL: none */
    rzb_sl_slo slo;
    char notes[RZB_SL_MAX_NOTES][512]; /* workload, servers, warnings */
    int n_notes;
    rzb_sl_row *rows;
    int n_rows;
} rzb_sl_report;

void rzb_sl_report_note(rzb_sl_report *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

bool rzb_sl_report_print(const rzb_sl_report *r, const char *format, FILE *out);

#endif
