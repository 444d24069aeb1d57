/* The rzbench subcommands beyond the claim runners in main.c, one file each (cmd_NAME.c).
 * Each takes the whole argv (argv[1] is the command's name) and the command line as one string,
 * and returns the process's exit code: 0 success, 1 failure (or what the command's help says),
 * 2 usage error. Each answers --help on stdout with exit 0. */
#ifndef RZBENCH_COMMANDS_H
#define RZBENCH_COMMANDS_H

#include <stddef.h>

#include "harness/claim.h"

int rzb_cmd_compare(int argc, char **argv, const char *command);
int rzb_cmd_fleet(int argc, char **argv, const char *command);
int rzb_cmd_gate(int argc, char **argv, const char *command);
int rzb_cmd_history(int argc, char **argv, const char *command);
int rzb_cmd_merge(int argc, char **argv, const char *command);
int rzb_cmd_reverify(int argc, char **argv, const char *command);
int rzb_cmd_serve_load(int argc, char **argv, const char *command);
int rzb_cmd_workload(int argc, char **argv, const char *command);

/* Runs claims in-process as `claim` and `verify` do (pinned, Holm across them, DIR/NAME.*
 * written), printing no report on stdout and appending no history: what `reverify` re-runs.
 * Returns what `claim` would exit with. Defined in main.c. */
int rzb_run_claims_to(const rzb_claim *const *claims, size_t n, const char *name,
                      const rzb_options *run, const char *out_dir, const char *command);

#endif
