/* The command-line tools' one adapter from an engine error to the user: "PROG: MESSAGE" and a
 * newline on stderr, MESSAGE being rz_error's text (which names the file, offset and what was
 * expected). The caller picks the exit status (1: the work failed, 2: the input was unusable). */
#ifndef RZ_CLI_ERROR_REPORT_H
#define RZ_CLI_ERROR_REPORT_H

#include "engine/core/status.h"

void rz_cli_error(const char *prog, const rz_error *err);

#endif
