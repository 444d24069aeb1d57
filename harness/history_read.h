/* rzb_history_read: the trends stored in a history database (see harness/history.h).
 * Contract: a missing, corrupt or foreign file gives false with the path and SQLite's message. */
#ifndef RZB_HISTORY_READ_H
#define RZB_HISTORY_READ_H

#include <stdbool.h>
#include <stddef.h>

#include "harness/changepoint.h"

/* A point pools every value stored for its commit on that machine: the run medians of the
 * entries, or an entry's ratio when it has none; values <= 0 are left out. Its figure is the
 * geometric mean with the 95% CI (t on the log values); with one value, the entry's own CI when it
 * has one. */
typedef struct {
    char commit[128];    /* as stored */
    char short_hash[16]; /* the hash's first 7 characters, and "+" when the tree was dirty */
    char date[32];       /* date_utc of the commit's first run on this machine */
    char verdict[32];    /* the commit's last verdict stored; "" when none */
    /* The commit's rank in time across the database, from 0. A commit's time is its first run's
     * date anywhere in the database, so every machine's trend orders the commits alike. */
    long order;
    double *values;
    size_t n;
    double gmean, lo, hi; /* NaN without values */
    double change;        /* gmean over the previous point's, less 1; NaN for the first */
    int step;             /* the index in the trend's steps of the step that starts here, or -1 */
} rzb_trend_point;

/* A trend is one workload's figures (one metric and unit) on one machine: one point per commit,
 * in time order. */
typedef struct {
    char workload[256], metric[32], unit[32];
    char machine[24];
    char machine_text[640]; /* "CPU; ISA" from the machine's latest fingerprint */
    rzb_trend_point *points;
    size_t n_points;
    /* From rzb_changepoints with RZB_CP_DEFAULTS over the points that have values; `at` indexes
     * points. */
    rzb_changepoint *steps;
    size_t n_steps;
} rzb_trend;

typedef struct {
    rzb_trend *trends; /* ordered by workload, metric, unit, then machine */
    size_t n;
    long runs, commits; /* in the whole database */
} rzb_history;

/* Reads the trends of one workload (NULL: all) on the machines whose id starts with `machine`
 * (NULL: all). An empty result is not an error. */
bool rzb_history_read(const char *db_path, const char *workload, const char *machine,
                      rzb_history *out, char *why, size_t cap);

void rzb_history_free(rzb_history *h);

/* The distinct workload names (or machine ids), quoted and comma-separated, the first `max` of
 * them, into out; *total gets how many there are. For error messages. */
bool rzb_history_names(const char *db_path, bool machines, size_t max, char *out, size_t out_cap,
                       size_t *total, char *why, size_t cap);

#endif
