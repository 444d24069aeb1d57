/* rzb_history_plot: one inline SVG plot of the trends of one workload (one metric and unit)
 * across machines. x: the commits any of them measured, in time order, labelled by short hash;
 * y: each point's geometric mean (linear axis), its 95% CI as a whisker; one line per machine, in
 * the colour rzb_history_colour gives its position among the trends; each step a dashed vertical
 * line between the last commit before it and the first after it, labelled at the top with its
 * size and CI in the same colour. Contract: writes only to out; the text it writes is escaped. */
#ifndef RZB_HISTORY_PLOT_H
#define RZB_HISTORY_PLOT_H

#include <stdio.h>

#include "harness/history_read.h"
#include "harness/html_escape.h"

/* trends[0..n) share workload, metric and unit. */
void rzb_history_plot(const rzb_trend *trends, size_t n, FILE *out);

/* The line colour of the i-th trend of a plot, as "#rrggbb". */
const char *rzb_history_colour(size_t i);

#endif
