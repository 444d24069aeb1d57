/* rzb_subprocess: baseline helper processes and whole-process timings.
 * Contract: a helper runs with its stdin and stdout as pipes (line protocol) and its stderr kept
 * in a temporary file, so its error text can go into a SKIPPED reason. Nothing here exits.
 * Every process starts on an explicit CPU set, never on the measuring thread's pin by
 * inheritance: the set given, or every CPU this process was allowed when it started (what the
 * OpenMP runtime of a llama.cpp child counts once, at load). */
#ifndef RZB_SUBPROCESS_H
#define RZB_SUBPROCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sched.h>
#include <stdio.h>
#include <sys/types.h>

typedef struct {
    cpu_set_t mask;
} rzb_cpus;

/* Every CPU this process was allowed when it started (before any pinning). */
void rzb_cpus_all(rzb_cpus *c);
/* Just CPU `cpu` (an OS index). */
void rzb_cpus_one(rzb_cpus *c, int cpu);
/* The set as a list, e.g. "0-1" or "3". */
const char *rzb_cpus_text(const rzb_cpus *c, char *buf, size_t cap);
/* What the kernel says process `pid` may run on (Cpus_allowed_list in /proc/PID/status); false
 * when it cannot be read. */
bool rzb_cpus_of_pid(pid_t pid, char *list, size_t cap);

typedef struct {
    pid_t pid;
    char cpus[64]; /* Cpus_allowed_list of the child, read back after it started */
    FILE *to;      /* child's stdin */
    FILE *from;    /* child's stdout */
    FILE *errors;  /* child's stderr, readable after it exits */
    char *line;    /* last line read */
    size_t line_cap;
    char rss_path[64]; /* rzb_child_start_rss: where GNU time writes the peak */
    long peak_rss_kib; /* set by rzb_child_finish after rzb_child_start_rss; -1: unknown */
} rzb_child;

/* Starts argv[0] (searched on PATH) on `cpus` (NULL: every CPU). Returns false and a message in
 * err when it cannot. */
bool rzb_child_start(char *const argv[], const rzb_cpus *cpus, rzb_child *c, char *err, size_t cap);

/* The same under GNU time (/usr/bin/time, Debian package time), so that rzb_child_finish can give
 * the child's own peak resident set. The rusage that waiting for a spawned child returns cannot:
 * Linux carries the spawning process's high-water mark over the child's exec, so every child of
 * a large rzbench would seem as large. Without GNU time the child starts plainly (peak -1). */
bool rzb_child_start_rss(char *const argv[], const rzb_cpus *cpus, rzb_child *c, char *err,
                         size_t cap);

/* Writes text to the child's stdin and flushes it. False (errno EPIPE) when the child has closed
 * its stdin or exited: a child that stops reading never kills the caller with SIGPIPE. */
bool rzb_child_send(rzb_child *c, const char *text);

/* Sends one line (a newline is appended) and reads one reply line; NULL at end of file. */
const char *rzb_child_ask(rzb_child *c, const char *request);

/* Reads one line without sending anything; NULL at end of file. */
const char *rzb_child_read(rzb_child *c);

/* Reads the child's stdout to its end: a malloc'd NUL-terminated string, NULL when memory runs
 * out. */
char *rzb_child_read_all(rzb_child *c);

/* Closes the pipes, waits, and returns the exit status, or 128 + the signal's number when a
 * signal killed it (as a shell reports it). The last `cap` bytes of the child's stderr go into
 * `stderr_tail` when it is non-NULL. Clears c but for peak_rss_kib (KiB; -1 when unknown). */
int rzb_child_finish(rzb_child *c, char *stderr_tail, size_t cap);

/* The next two run argv on every CPU. */
/* Runs argv to completion with stdout captured into out (NUL-terminated, truncated to cap-1) and
 * stderr discarded; *ns is the time from spawn to reaped exit. Returns the exit status, -1 when
 * killed by a signal, -2 when it could not start. */
int rzb_time_process(char *const argv[], uint64_t *ns, char *out, size_t cap);

/* Runs argv to completion with stdout and stderr appended to log_path; returns the exit status,
 * -1 when killed by a signal, -2 when it could not start. */
int rzb_run_logged(char *const argv[], const char *log_path);

/* A sentence naming the signal behind a status of 128 + N from rzb_child_finish and its likely
 * cause (SIGILL: an instruction this CPU lacks, with the x86 ISA extensions it does not have). */
const char *rzb_signal_reason(int status, char *buf, size_t cap);

#endif
