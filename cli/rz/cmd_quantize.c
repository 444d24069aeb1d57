/* rz quantize IN.gguf OUT.gguf TYPE [--pure] [--threads N] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/common/arg_number.h"
#include "cli/common/error_report.h"
#include "cli/common/tensor_progress.h"
#include "cli/rz/commands.h"
#include "engine/quantize/quantize.h"
#include "engine/types/types.h"

static const char help[] =
    "usage: rz quantize IN.gguf OUT.gguf TYPE [--pure] [--threads N]\n\n"
    "Re-encodes a GGUF model's tensors, choosing each tensor's type as llama-quantize does:\n"
    "output.weight (or a tied token_embd.weight) gets q6_K, attn_v and ffn_down of some layers\n"
    "q6_K in *_M files, 1-D tensors and norms keep their type, rows that are not a multiple of\n"
    "the block fall back (q4_K -> q5_0 -> q8_0 where rz cannot write q5_0, q6_K -> q8_0, then\n"
    "f16). Every key/value is copied; general.file_type is set to llama.cpp's LLAMA_FTYPE.\n\n"
    "  TYPE          F32, F16, BF16, Q4_0, Q4_1, Q5_0, Q8_0, Q4_K_S, Q4_K_M, Q5_K_S, Q5_K_M, Q6_K\n"
    "                (Q4_K and Q5_K are llama-quantize's aliases of Q4_K_M and Q5_K_M)\n"
    "  --pure        every quantizable tensor gets TYPE's base type (llama-quantize --pure)\n"
    "  --threads N   worker threads (default: every CPU this process may use)\n";

int rz_cmd_quantize(int argc, char **argv) {
    const char *pos[3] = {NULL, NULL, NULL};
    int n_pos = 0;
    rz_quantize_options o = {0};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(help, stdout);
            return 0;
        } else if (!strcmp(a, "--pure")) {
            o.pure = true;
        } else if (!strcmp(a, "--threads") && i + 1 < argc) {
            long long n;
            if (rz_arg_int("rz quantize", a, argv[++i], 1, 1024, &n)) return 2;
            o.n_threads = (int)n;
        } else if (a[0] == '-') {
            fprintf(stderr, "rz quantize: unknown or incomplete option '%s'\n\n%s", a, help);
            return 2;
        } else if (n_pos < 3) {
            pos[n_pos++] = a;
        } else {
            fprintf(stderr, "rz quantize: unexpected argument '%s'\n\n%s", a, help);
            return 2;
        }
    }
    if (n_pos != 3) {
        fprintf(stderr, "rz quantize: expected IN.gguf OUT.gguf TYPE\n\n%s", help);
        return 2;
    }
    if (!(o.spec = rz_quant_spec_find(pos[2]))) {
        fprintf(stderr, "rz quantize: TYPE: unknown type '%s' (see rz quantize --help)\n", pos[2]);
        return 2;
    }
    if (isatty(2)) o.progress = rz_cli_tensor_progress;
    rz_quantize_stats stats;
    rz_error err;
    if (rz_quantize_file(pos[0], pos[1], &o, &stats, &err)) {
        rz_cli_error("rz quantize", &err);
        return 1;
    }
    printf("wrote %s: %s, %zu tensors (%zu re-encoded), %llu -> %llu bytes of tensor data\n",
           pos[1], o.spec->name, stats.n_tensors, stats.n_converted,
           (unsigned long long)stats.bytes_in, (unsigned long long)stats.bytes_out);
    for (uint32_t t = 0; t < 64; t++)
        if (stats.per_type[t])
            printf("  %-5s %zu tensors\n", rz_type_ggml_name(t), stats.per_type[t]);
    return 0;
}
