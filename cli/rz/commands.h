/* The `rz` subcommands. Each takes argv after its own name and returns the process exit code:
 * 0 success, 1 failure (bad file, bad data), 2 usage error. */
#ifndef RZ_CLI_COMMANDS_H
#define RZ_CLI_COMMANDS_H

int rz_cmd_predict(int argc, char **argv);

#endif
