/* rzb_fleet_status: the state of every task of a submitted fleet job (`rzbench fleet status`).
 * Contract: a task is never dropped. Nothing here exits. */
#ifndef RZB_FLEET_STATUS_H
#define RZB_FLEET_STATUS_H

#include <stdbool.h>
#include <stddef.h>

#include "harness/fleet.h"
#include "harness/fleet_slurm.h"

typedef enum { RZB_TASK_WAITING, RZB_TASK_DONE, RZB_TASK_FAILED } rzb_task_phase;

typedef struct {
    char state[32];     /* Slurm's word (PENDING, RUNNING, COMPLETED, FAILED, TIMEOUT, ...) or
                           UNKNOWN */
    char exit_code[16]; /* STATUS:SIGNAL as Slurm writes it; "-" when unknown */
    char elapsed[32];   /* as Slurm writes it; "-" when unknown */
    char node[64];
    const char *source; /* "sacct", "squeue", "exit record" or "nowhere" */
    rzb_task_phase phase;
    char bundle[4200];     /* DIR/bundles/JOB_TASK.tar */
    char log_prefix[4200]; /* DIR/logs/JOB_TASK, with .out and .err */
} rzb_fleet_task;

/* Applies lines of `sacct --parsable2 --format=JobID,State,Elapsed,NodeList,ExitCode` or of
 * `squeue --Format=JobArrayID:|,State:|,TimeUsed:|,NodeList:|,exit_code:` (a raw wait status,
 * given as STATUS:SIGNAL) for job job_id to the tasks among tasks[0..n) not set yet (source
 * NULL); JOB_[0-3,5%2] covers each task listed. Returns how many tasks it set. */
int rzb_fleet_parse_lines(const char *text, const char *job_id, const char *source,
                          rzb_fleet_task *tasks, int n);

/* Applies an exit record "STATUS SECONDS NODE" to t; false when text is not one. */
bool rzb_fleet_parse_exit(const char *text, rzb_fleet_task *t);

/* The phase of a Slurm state word: waiting (pending, running, ...), done (COMPLETED) or failed. */
rzb_task_phase rzb_fleet_phase(const char *state);

/* Fills tasks[0..rec->tasks) for the job rec names; note says where the states came from. sacct
 * answers first, for every task, finished ones included, where Slurm keeps accounting; for the
 * tasks it does not know (accounting off), squeue gives the pending and running ones and those that
 * ended in the last MinJobAge seconds (300 by default), and DIR/tasks/JOB_TASK.exit, the record
 * each task leaves, the older ones. A task found nowhere is UNKNOWN, and a COMPLETED task without
 * its bundle is failed. A failure (squeue missing, the controller down) comes back with its
 * sentence in why. */
rzb_slurm_status rzb_fleet_status(const char *out_dir, const rzb_fleet_record *rec,
                                  rzb_fleet_task *tasks, char *note, size_t note_cap, char *why,
                                  size_t cap);

/* The last `lines` lines of the task's log (its stderr, else its stdout) into out; "" when
 * both are empty or absent. */
void rzb_fleet_log_tail(const rzb_fleet_task *t, int lines, char *out, size_t cap);

#endif
