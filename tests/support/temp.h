/* Temporary files and folders of a test, removed when the test's process exits (Criterion runs
 * each test in a process of its own), whether the test passed or failed; a crash leaves them.
 * Contract: paths start with /tmp/rzt-; at most RZT_TEMP_MAX of them exist at once per process
 * (more aborts the test: a leak is a bug); a path the test removed itself no longer counts. */
#ifndef RZ_TESTS_TEMP_H
#define RZ_TESTS_TEMP_H

#include <stddef.h>

enum { RZT_TEMP_MAX = 64 };

/* Removes path (a file, or a folder and everything in it) when this process exits. */
void rzt_remove_at_exit(const char *path);

/* mkdtemp(templ) ("/tmp/rzt-NAME-XXXXXX"), removed at exit; templ, or NULL when it failed. */
char *rzt_temp_dir(char *templ);

/* Writes buf to a fresh temporary file /tmp/rzt-XXXXXX`suffix`, removed at exit; returns its
 * path (a static buffer), or NULL when the write failed. */
const char *rzt_write_temp(const void *buf, size_t len, const char *suffix);

#endif
