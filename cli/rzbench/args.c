#include "cli/rzbench/args.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/common/arg_number.h"

bool rzb_arg_count(const char *opt, const char *text, long min, long long *out) {
    return rz_arg_int("rzbench", opt, text, min, INT_MAX, out) == 0;
}

bool rzb_arg_fraction(const char *opt, const char *text, double max, double *out) {
    char *end;
    double v = strtod(text, &end);
    if (end != text && *end == '%' && !end[1]) {
        v /= 100;
        end++;
    }
    if (end == text || *end || !(v > 0) || v > max) {
        fprintf(stderr,
                "rzbench: %s: expected a fraction > 0 and <= %g (e.g. 0.03 or 3%%), got '%s'\n",
                opt, max, text);
        return false;
    }
    *out = v;
    return true;
}

bool rzb_arg_positive(const char *opt, const char *text, double *out) {
    char *end;
    double v = strtod(text, &end);
    if (end == text || *end || !(v > 0) || v > 1e12) {
        fprintf(stderr, "rzbench: %s: expected a number > 0, got '%s'\n", opt, text);
        return false;
    }
    *out = v;
    return true;
}

bool rzb_arg_choice(const char *opt, const char *text, const char *const *choices) {
    for (int i = 0; choices[i]; i++)
        if (!strcmp(text, choices[i])) return true;
    char list[256] = "";
    for (int i = 0; choices[i]; i++) {
        size_t used = strlen(list);
        snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", choices[i]);
    }
    fprintf(stderr, "rzbench: %s: expected one of %s, got '%s'\n", opt, list, text);
    return false;
}

int rzb_arg_bundles(int argc, char **argv, const char *cmd, const char *help, rzb_bundle_args *o) {
    static const char *const formats[] = {"md", "csv", "json", NULL};
    *o = (rzb_bundle_args){
        .bundles = calloc((size_t)argc, sizeof(char *)), .out_dir = "reports", .format = "md"};
    if (!o->bundles) return 2;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(help, stdout);
            return -1;
        } else if (!strcmp(a, "--allow-mixed")) {
            o->allow_mixed = true;
        } else if ((!strcmp(a, "--out") || !strcmp(a, "--format")) && i + 1 == argc) {
            fprintf(stderr, "rzbench %s: %s: missing value\n", cmd, a);
            return 2;
        } else if (!strcmp(a, "--out")) {
            o->out_dir = argv[++i];
        } else if (!strcmp(a, "--format")) {
            o->format = argv[++i];
            if (!rzb_arg_choice(a, o->format, formats)) return 2;
        } else if (a[0] == '-') {
            fprintf(stderr, "rzbench %s: unknown option '%s' (see --help)\n", cmd, a);
            return 2;
        } else {
            o->bundles[o->n++] = a;
        }
    }
    return 0;
}
