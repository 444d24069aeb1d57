/* rzb_fleet: rzbench's claims across a Slurm cluster, as one job array (`rzbench fleet submit`).
 * Contract: DIR (the spec's out_dir) must be an absolute path that every node sees (a shared file
 * system). Nothing here exits or talks to Slurm (fleet_slurm.h). */
#ifndef RZB_FLEET_H
#define RZB_FLEET_H

#include <stdbool.h>
#include <stddef.h>

/* One submission. */
typedef struct {
    const char *out_dir;     /* absolute, on a file system every node sees */
    const char *partition;   /* NULL: the cluster's default partition */
    int tasks;               /* array size: one task per node */
    const char *exclude;     /* comma-separated nodes no task may use (--nodelist); NULL: none */
    const char *claims;      /* comma-separated claim ids; NULL: every claim */
    const char *verify_args; /* further `rzbench verify` options, checked, space-separated */
    const char *source_dir;  /* the rz source tree, seen by every node */
    const char *build_dir;   /* the submitting build (its rzbench) */
} rzb_fleet_spec;

/* Whether text can stand in an #SBATCH line or a Slurm file name pattern unquoted: no
 * whitespace, quotes, backslashes or '%'. */
bool rzb_fleet_plain(const char *text);

/* For --nodelist: `all` (the partition's nodes) and `chosen` hold node names, one a line.
 * Returns the names in all but not in chosen, comma-separated (malloc'd, "" when none), with
 * *n the number of names chosen has; NULL with the first chosen name that is not in all copied
 * to `stranger` ("" when memory ran out). */
char *rzb_fleet_exclude(const char *all, const char *chosen, int *n, char stranger[64]);

/* The sbatch script for spec: a malloc'd string, NULL when memory runs out. Every array task
 * runs, on its node, `rzbench verify --claims LIST --bundle DIR/bundles/JOB_TASK.tar` with the
 * reports in DIR/reports/JOB_TASK, so `rzbench merge` gets one row per task. It uses the
 * submitting build's rzbench when that is newer than every source it is built from, else it
 * builds rz with cmake in DIR/build/NODE (one build per node at a time, under a lock). On exit it
 * leaves DIR/tasks/JOB_TASK.exit: "STATUS SECONDS NODE", the record `fleet status` reads where
 * Slurm keeps no accounting. Slurm writes the task logs to DIR/logs/JOB_TASK.{out,err}. */
char *rzb_fleet_script(const rzb_fleet_spec *spec);

/* What `fleet submit` records in DIR/fleet.json: what was submitted. */
typedef struct {
    char job_id[32];
    int tasks;
    char claims[1024];  /* "" when every claim */
    char command[1024]; /* the rzbench command line */
    char submitted_utc[32];
} rzb_fleet_record;

/* Writes DIR/fleet.json atomically; false with the reason. */
bool rzb_fleet_record_write(const char *out_dir, const rzb_fleet_record *r, char *why, size_t cap);

/* Reads DIR/fleet.json; false with the reason (absent, unreadable, malformed). */
bool rzb_fleet_record_read(const char *out_dir, rzb_fleet_record *r, char *why, size_t cap);

#endif
