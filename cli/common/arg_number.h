/* Numbers given on the command line, for every CLI (rz, rz-serve, rzbench): text parsed whole
 * as an integer or a number in [lo, hi]. On failure each prints
 * "PROG: OPT: expected an integer in [LO, HI], got 'TEXT'" (or "a number") to stderr and
 * returns -1; 0 on success. */
#ifndef RZ_CLI_ARG_NUMBER_H
#define RZ_CLI_ARG_NUMBER_H

int rz_arg_int(const char *prog, const char *opt, const char *text, long long lo, long long hi,
               long long *out);

int rz_arg_number(const char *prog, const char *opt, const char *text, double lo, double hi,
                  double *out);

#endif
