/* rz synth --like MODEL --type T -o OUT.gguf [--seed S] [--pure] [--threads N] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/common/arg_number.h"
#include "cli/common/error_report.h"
#include "cli/common/tensor_progress.h"
#include "cli/rz/commands.h"
#include "engine/core/clock.h"
#include "engine/synth/synth.h"
#include "engine/types/types.h"

static const char help[] =
    "usage: rz synth --like MODEL --type TYPE -o OUT.gguf [--seed S] [--pure] [--threads N]\n\n"
    "Writes a GGUF model with the exact shapes and metadata of a real model and random weights\n"
    "(N(0, 0.02)-like, norms 1.0, deterministic from the seed), for speed work only. The file\n"
    "says so: general.name ends in \"(synthetic weights)\" and rz.synthetic = true. It carries a\n"
    "synthetic llama SentencePiece vocabulary of the model's size, so llama.cpp loads it.\n\n"
    "  --like MODEL   tinyllama-1.1b, llama2-7b, smollm2-135m, or tiny-2l (2 layers, dim 256,\n"
    "                 512 tokens: for smoke tests)\n"
    "  --type TYPE    F32, F16, BF16, Q4_0, Q4_1, Q5_0, Q8_0, Q4_K_S, Q4_K_M, Q5_K_S, Q5_K_M, Q6_K\n"
    "                 (Q4_K and Q5_K are llama-quantize's aliases of Q4_K_M and Q5_K_M); per-tensor\n"
    "                 types follow llama-quantize's choices\n"
    "  --pure         every quantizable tensor gets TYPE (llama-quantize --pure)\n"
    "  -o OUT.gguf    output path (written to a temporary file, renamed when complete)\n"
    "  --seed S       random seed (default 0)\n"
    "  --threads N    worker threads (default: every CPU this process may use)\n";

int rz_cmd_synth(int argc, char **argv) {
    const char *like = NULL, *type = NULL, *out = NULL;
    rz_synth_options o = {0};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        char *end = NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(help, stdout);
            return 0;
        } else if (!strcmp(a, "--pure")) {
            o.pure = true;
        } else if (!strcmp(a, "--like") && i + 1 < argc) {
            like = argv[++i];
        } else if (!strcmp(a, "--type") && i + 1 < argc) {
            type = argv[++i];
        } else if (!strcmp(a, "-o") && i + 1 < argc) {
            out = argv[++i];
        } else if (!strcmp(a, "--seed") && i + 1 < argc) {
            o.seed = strtoull(argv[++i], &end, 0);
            if (!*argv[i] || *end) {
                fprintf(stderr, "rz synth: --seed: expected an integer, got '%s'\n", argv[i]);
                return 2;
            }
        } else if (!strcmp(a, "--threads") && i + 1 < argc) {
            long long n;
            if (rz_arg_int("rz synth", a, argv[++i], 1, 1024, &n)) return 2;
            o.n_threads = (int)n;
        } else {
            fprintf(stderr, "rz synth: unknown or incomplete option '%s'\n\n%s", a, help);
            return 2;
        }
    }
    if (!like || !type || !out) {
        fprintf(stderr, "rz synth: expected --like, --type and -o\n\n%s", help);
        return 2;
    }
    if (!(o.preset = rz_synth_preset_find(like))) {
        fprintf(stderr, "rz synth: --like: unknown model '%s'; expected one of:", like);
        for (const rz_synth_preset *p = rz_synth_presets; p->id; p++)
            fprintf(stderr, " %s", p->id);
        fputc('\n', stderr);
        return 2;
    }
    if (!(o.spec = rz_quant_spec_find(type))) {
        fprintf(stderr, "rz synth: --type: unknown type '%s' (see rz synth --help)\n", type);
        return 2;
    }
    if (isatty(2)) o.progress = rz_cli_tensor_progress;
    double t0 = rz_now_s();
    rz_synth_stats stats;
    rz_error err;
    if (rz_synth_write(out, &o, &stats, &err)) {
        rz_cli_error("rz synth", &err);
        return 1;
    }
    double secs = rz_now_s() - t0;
    printf("wrote %s: %s, %s, %zu tensors, %llu parameters, %llu bytes of tensor data, %.2f s\n",
           out, o.preset->name, o.spec->name, stats.n_tensors, (unsigned long long)stats.n_params,
           (unsigned long long)stats.bytes, secs);
    return 0;
}
