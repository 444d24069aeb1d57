/* rzb_report_read: the workloads of a report JSON written by rzbench, read back for `compare`.
 * Contract: a claim or verify report gives one workload per series ("ID: label") with its run
 * medians (the "run_medians" array, or the medians of "samples" by "sample_run" in reports that
 * predate it); a gate or compare report gives each row's NEW side. A file that cannot be read,
 * is not JSON, or is not an rzbench report gives false with the path, the byte offset where
 * parsing stopped, and what was expected. */
#ifndef RZB_REPORT_READ_H
#define RZB_REPORT_READ_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    char workload[160];
    char metric[16]; /* "time" for ns/us/ms/s, "instructions", else the unit */
    char unit[16];
    double *runs; /* run medians, in run order */
    size_t n;
} rzb_read_workload;

typedef struct {
    char kind[16];   /* the report's "report" field: a claim id, "verify", "gate", ... */
    char commit[64]; /* environment.git_commit, or "" */
    char *environment_json;
    rzb_read_workload *w;
    size_t n;
} rzb_read_report;

bool rzb_report_read(const char *path, rzb_read_report *out, char *why, size_t cap);
void rzb_read_report_free(rzb_read_report *r);

/* Resolves a report argument: an existing file as it is, else DIR/NAME.json (a saved baseline).
 * False with a message naming both places when neither exists. */
bool rzb_report_resolve(const char *arg, const char *baselines_dir, char *path, size_t path_cap,
                        char *why, size_t cap);

#endif
