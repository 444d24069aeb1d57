/* rz predict MODEL.apr (--input FILE | --demo) [--backend NAME] [--format text|json] */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/common/error_report.h"
#include "cli/rz/commands.h"
#include "engine/core/file.h"
#include "engine/models/logreg.h"

static const char help[] =
    "usage: rz predict MODEL.apr (--input FILE | --demo) [--backend scalar|avx2|avx512]\n"
    "                  [--format text|json]\n\n"
    "Runs a logistic-regression APR model on one input vector and prints the probability of\n"
    "class 1 and the class (p >= 0.5).\n\n"
    "  --input FILE   the vector: exactly as many numbers as the model has features, separated\n"
    "                 by spaces, commas or newlines\n"
    "  --demo         realizar's benchmark input x[j] = (j %% 256) / 255\n"
    "  --backend B    kernel table (default: $RZ_BACKEND, else the widest the CPU supports)\n"
    "  --format F     text (default) or json\n";

/* Parses n floats from text; the message names the byte offset of the first bad number. */
static int parse_vector(const char *path, const char *text, float *x, size_t n) {
    const char *p = text;
    size_t count = 0;
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == ',')
            p++;
        if (!*p) break;
        char *end;
        errno = 0;
        float v = strtof(p, &end);
        if (end == p || errno == ERANGE) {
            fprintf(stderr, "rz predict: %s: offset %zu: expected a number, got '%.12s'\n", path,
                    (size_t)(p - text), p);
            return -1;
        }
        if (count == n) {
            fprintf(stderr, "rz predict: %s: offset %zu: expected %zu numbers, found more\n", path,
                    (size_t)(p - text), n);
            return -1;
        }
        x[count++] = v;
        p = end;
    }
    if (count != n) {
        fprintf(stderr, "rz predict: %s: expected %zu numbers (one per feature), got %zu\n", path,
                n, count);
        return -1;
    }
    return 0;
}

static int read_input(const char *path, float *x, size_t n) {
    unsigned char *buf;
    size_t len;
    rz_error err;
    if (rz_file_read_all(path, &buf, &len, &err)) {
        rz_cli_error("rz predict", &err);
        return -1;
    }
    if (memchr(buf, 0, len)) {
        fprintf(stderr, "rz predict: %s: expected text, found a NUL byte\n", path);
        free(buf);
        return -1;
    }
    char *text = realloc(buf, len + 1);
    if (!text) {
        free(buf);
        return -1;
    }
    text[len] = 0;
    int rc = parse_vector(path, text, x, n);
    free(text);
    return rc;
}

int rz_cmd_predict(int argc, char **argv) {
    const char *model = NULL, *input = NULL, *backend = NULL, *format = "text";
    int demo = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(help, stdout);
            return 0;
        } else if (!strcmp(a, "--demo")) {
            demo = 1;
        } else if ((!strcmp(a, "--input") || !strcmp(a, "--backend") || !strcmp(a, "--format")) &&
                   i + 1 < argc) {
            const char **slot = a[2] == 'i' ? &input : a[2] == 'b' ? &backend : &format;
            *slot = argv[++i];
        } else if (a[0] == '-') {
            fprintf(stderr, "rz predict: unknown or incomplete option '%s'\n\n%s", a, help);
            return 2;
        } else if (!model) {
            model = a;
        } else {
            fprintf(stderr, "rz predict: unexpected argument '%s'\n\n%s", a, help);
            return 2;
        }
    }
    if (!model || demo == (input != NULL)) {
        fprintf(stderr, "rz predict: expected MODEL.apr and exactly one of --input or --demo\n\n%s",
                help);
        return 2;
    }
    if (strcmp(format, "text") && strcmp(format, "json")) {
        fprintf(stderr, "rz predict: --format: expected text or json, got '%s'\n", format);
        return 2;
    }
    rz_error err;
    if (rz_backend_select(backend, &err)) {
        rz_cli_error("rz predict", &err);
        return 2;
    }
    rz_logreg m;
    if (rz_logreg_load(model, &m, &err)) {
        rz_cli_error("rz predict", &err);
        return 1;
    }
    float *x = malloc(m.n_features * sizeof *x);
    int rc = 1;
    if (x && (demo ? (rz_logreg_demo_input(x, m.n_features), 0)
                   : read_input(input, x, m.n_features)) == 0) {
        float p = rz_logreg_predict(&m, x);
        if (!strcmp(format, "json"))
            printf("{\"probability\": %.6f, \"class\": %d, \"backend\": \"%s\"}\n", p,
                   rz_logreg_class(p), rz_backend_active()->name);
        else
            printf("probability %.6f\nclass %d\n", p, rz_logreg_class(p));
        rc = 0;
    }
    free(x);
    rz_logreg_free(&m);
    return rc;
}
