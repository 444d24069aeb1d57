/* Option values for the rzbench commands: each parser prints "rzbench: OPTION: expected ..., got
 * 'TEXT'" to stderr and returns false on bad input, so a command can exit 2 at once. */
#ifndef RZBENCH_ARGS_H
#define RZBENCH_ARGS_H

#include <stdbool.h>
#include <stddef.h>

/* An integer from min to INT_MAX. */
bool rzb_arg_count(const char *opt, const char *text, long min, long long *out);

/* A number > 0 and <= max, written as 0.03 or 3%. */
bool rzb_arg_fraction(const char *opt, const char *text, double max, double *out);

/* A number > 0 (seconds, CPUs). */
bool rzb_arg_positive(const char *opt, const char *text, double *out);

/* One of the words in `choices` (NULL-terminated); the message lists them. */
bool rzb_arg_choice(const char *opt, const char *text, const char *const *choices);

/* The command line of `rzbench merge` and `rzbench reverify`: BUNDLE... [--out DIR]
 * [--format md|csv|json] [--allow-mixed], from argv[2]. */
typedef struct {
    const char **bundles; /* the positional arguments, heap (free it) */
    size_t n;
    const char *out_dir, *format; /* default "reports" and "md" */
    bool allow_mixed;
} rzb_bundle_args;

/* 0 parsed; -1 after printing help on --help; 2 after a "rzbench CMD: ..." usage message. */
int rzb_arg_bundles(int argc, char **argv, const char *cmd, const char *help, rzb_bundle_args *o);

#endif
