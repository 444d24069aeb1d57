#include "cli/common/arg_number.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

int rz_arg_int(const char *prog, const char *opt, const char *text, long long lo, long long hi,
               long long *out) {
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (end == text || *end || errno || v < lo || v > hi) {
        fprintf(stderr, "%s: %s: expected an integer in [%lld, %lld], got '%s'\n", prog, opt, lo,
                hi, text);
        return -1;
    }
    *out = v;
    return 0;
}

int rz_arg_number(const char *prog, const char *opt, const char *text, double lo, double hi,
                  double *out) {
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end || errno || !(v >= lo && v <= hi)) {
        fprintf(stderr, "%s: %s: expected a number in [%g, %g], got '%s'\n", prog, opt, lo, hi,
                text);
        return -1;
    }
    *out = v;
    return 0;
}
