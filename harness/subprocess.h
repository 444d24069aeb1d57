/* rzb_subprocess: baseline helper processes and whole-process timings.
 * Contract: a helper runs with its stdin and stdout as pipes (line protocol) and its stderr kept
 * in a temporary file, so its error text can go into a SKIPPED reason. Nothing here exits. */
#ifndef RZB_SUBPROCESS_H
#define RZB_SUBPROCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

typedef struct {
    pid_t pid;
    FILE *to;     /* child's stdin */
    FILE *from;   /* child's stdout */
    FILE *errors; /* child's stderr, readable after it exits */
    char *line;   /* last line read */
    size_t line_cap;
} rzb_child;

/* Starts argv[0] (searched on PATH). Returns false and a message in err when it cannot. */
bool rzb_child_start(char *const argv[], rzb_child *c, char *err, size_t cap);

/* Sends one line (a newline is appended) and reads one reply line; NULL at end of file. */
const char *rzb_child_ask(rzb_child *c, const char *request);

/* Reads one line without sending anything; NULL at end of file. */
const char *rzb_child_read(rzb_child *c);

/* Closes the pipes, waits, and returns the exit status (-1 when killed by a signal). The last
 * `cap` bytes of the child's stderr go into `stderr_tail` when it is non-NULL. */
int rzb_child_finish(rzb_child *c, char *stderr_tail, size_t cap);

/* Runs argv to completion with stdout captured into out (NUL-terminated, truncated to cap-1) and
 * stderr discarded; *ns is the time from spawn to reaped exit. Returns the exit status, -1 when
 * killed by a signal, -2 when it could not start. */
int rzb_time_process(char *const argv[], uint64_t *ns, char *out, size_t cap);

/* Runs argv to completion with stdout and stderr appended to log_path; returns the exit status,
 * -1 when killed by a signal, -2 when it could not start. */
int rzb_run_logged(char *const argv[], const char *log_path);

#endif
