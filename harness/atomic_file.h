/* Atomic file replacement: write to a temporary file in the target's directory, flush, fsync,
 * then rename over the target. Readers see the old file or the new one, never a partial one. */
#ifndef RZB_ATOMIC_FILE_H
#define RZB_ATOMIC_FILE_H

#include <stdbool.h>
#include <stdio.h>

typedef struct {
    FILE *f;
    char tmp[4096];
    char path[4096];
} rzb_atomic_file;

/* Opens a temporary file beside path; false (errno set) when it cannot. */
bool rzb_atomic_open(rzb_atomic_file *a, const char *path);

/* Flushes, fsyncs and renames over the target when ok is true and the stream had no error;
 * otherwise removes the temporary file. Returns true when the target was replaced. */
bool rzb_atomic_close(rzb_atomic_file *a, bool ok);

/* The two steps with the error text every writer gives: "PATH: cannot create a temporary file
 * beside it: REASON" and "PATH: write failed (REASON); the previous file is untouched". */
bool rzb_atomic_open_said(rzb_atomic_file *a, const char *path, char *err, size_t cap);
bool rzb_atomic_close_said(rzb_atomic_file *a, bool ok, char *err, size_t cap);

/* Creates dir and its missing parents; false with "DIR: cannot create REASON". */
bool rzb_make_dirs(const char *dir, char *err, size_t cap);

#endif
