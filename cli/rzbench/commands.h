/* The rzbench subcommands beyond the claim runners in main.c, one file each (cmd_NAME.c).
 * Each takes the whole argv (argv[1] is the command's name) and the command line as one string,
 * and returns the process's exit code: 0 success, 1 failure (or what the command's help says),
 * 2 usage error. Each answers --help on stdout with exit 0. */
#ifndef RZBENCH_COMMANDS_H
#define RZBENCH_COMMANDS_H

int rzb_cmd_compare(int argc, char **argv, const char *command);
int rzb_cmd_gate(int argc, char **argv, const char *command);
int rzb_cmd_history(int argc, char **argv, const char *command);
int rzb_cmd_workload(int argc, char **argv, const char *command);

#endif
