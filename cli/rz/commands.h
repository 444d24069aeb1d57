/* The `rz` subcommands. Each takes argv after its own name and returns the process exit code:
 * 0 success, 1 failure (bad file, bad data), 2 usage error. */
#ifndef RZ_CLI_COMMANDS_H
#define RZ_CLI_COMMANDS_H

int rz_cmd_predict(int argc, char **argv);
int rz_cmd_inspect(int argc, char **argv);
int rz_cmd_tensor(int argc, char **argv);
int rz_cmd_synth(int argc, char **argv);
int rz_cmd_quantize(int argc, char **argv);
int rz_cmd_convert(int argc, char **argv);
int rz_cmd_tokenize(int argc, char **argv);
int rz_cmd_detokenize(int argc, char **argv);
int rz_cmd_run(int argc, char **argv);
int rz_cmd_perplexity(int argc, char **argv);
int rz_cmd_embed(int argc, char **argv);
int rz_cmd_serve(int argc, char **argv);

#endif
