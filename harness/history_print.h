/* rzb_history_print: trends (harness/history_read.h) as text on a stream.
 * md: one section per workload and machine, one table row per commit, steps marked in the row of
 * the first commit after them. csv: one row per commit, every column typed by its name. json: an
 * array of trends with their points and steps. Missing numbers are empty (csv) or null (json).
 * Contract: returns false on a stream error or an unknown format. */
#ifndef RZB_HISTORY_PRINT_H
#define RZB_HISTORY_PRINT_H

#include <stdbool.h>
#include <stdio.h>

#include "harness/history_read.h"

/* format: "md", "csv" or "json". */
bool rzb_history_print(const rzb_history *h, const char *format, FILE *out);

#endif
