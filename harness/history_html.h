/* rzb_history_html: the trends as one self-contained HTML page: inline CSS and SVG, no scripts,
 * no external fonts or files. One section per workload (and metric): its plot (see
 * harness/history_plot.h), a legend naming each machine by id with its CPU and ISA, and the steps
 * in words. Contract: returns false on a stream error; every stored string is escaped. */
#ifndef RZB_HISTORY_HTML_H
#define RZB_HISTORY_HTML_H

#include <stdbool.h>
#include <stdio.h>

#include "harness/history_read.h"

/* db_path is named in the page's header. */
bool rzb_history_html(const rzb_history *h, const char *db_path, FILE *out);

#endif
