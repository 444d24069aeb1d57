/* rz convert IN OUT.gguf [--type TYPE] [--vocab VOCAB.gguf] [--threads N] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/common/arg_number.h"
#include "cli/common/error_report.h"
#include "cli/rz/commands.h"
#include "engine/convert/hf.h"
#include "engine/convert/llama2c.h"

static const char help[] =
    "usage: rz convert IN OUT.gguf [--type TYPE] [--vocab VOCAB.gguf] [--threads N]\n\n"
    "Converts a llama model to GGUF (llama architecture, llama.cpp's tensor names):\n"
    "  - a llama2.c checkpoint (e.g. stories260K.bin): weights copied as llama.cpp's\n"
    "    convert-llama2c-to-ggml does (Meta layout, no Q/K permutation);\n"
    "  - a Hugging Face llama checkpoint: a directory with config.json and *.safetensors, or a\n"
    "    .safetensors file with config.json beside it (Q/K rows permuted as llama.cpp's\n"
    "    convert_hf_to_gguf.py does).\n\n"
    "  --type TYPE     F32 (default), F16, BF16, or any type `rz quantize` accepts; 1-D tensors\n"
    "                  stay F32\n"
    "  --vocab FILE    copy the tokenizer.* keys of this GGUF (its token count must equal the\n"
    "                  model's vocabulary size). Without it the file has no tokenizer:\n"
    "                  tokenizer.ggml.model = \"no_vocab\", which llama.cpp loads (vocab type\n"
    "                  NONE: evaluate token ids, no text) and rz reads as a token-id model\n"
    "  --threads N     worker threads (default: every CPU this process may use)\n";

static bool is_hf(const char *in) {
    struct stat sb;
    size_t n = strlen(in);
    return (stat(in, &sb) == 0 && S_ISDIR(sb.st_mode)) ||
           (n > 12 && !strcmp(in + n - 12, ".safetensors"));
}

int rz_cmd_convert(int argc, char **argv) {
    const char *pos[2] = {NULL, NULL}, *type = "F32", *vocab = NULL;
    int n_pos = 0;
    rz_convert_target tg = {0};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(help, stdout);
            return 0;
        } else if (!strcmp(a, "--type") && i + 1 < argc) {
            type = argv[++i];
        } else if (!strcmp(a, "--vocab") && i + 1 < argc) {
            vocab = argv[++i];
        } else if (!strcmp(a, "--threads") && i + 1 < argc) {
            long long n;
            if (rz_arg_int("rz convert", a, argv[++i], 1, 1024, &n)) return 2;
            tg.n_threads = (int)n;
        } else if (a[0] == '-') {
            fprintf(stderr, "rz convert: unknown or incomplete option '%s'\n\n%s", a, help);
            return 2;
        } else if (n_pos < 2) {
            pos[n_pos++] = a;
        } else {
            fprintf(stderr, "rz convert: unexpected argument '%s'\n\n%s", a, help);
            return 2;
        }
    }
    if (n_pos != 2) {
        fprintf(stderr, "rz convert: expected IN and OUT.gguf\n\n%s", help);
        return 2;
    }
    if (!(tg.spec = rz_quant_spec_find(type))) {
        fprintf(stderr, "rz convert: --type: unknown type '%s' (see rz convert --help)\n", type);
        return 2;
    }
    rz_error err;
    rz_gguf v;
    if (vocab && rz_gguf_open(vocab, &v, &err)) {
        rz_cli_error("rz convert", &err);
        return 1;
    }
    tg.vocab = vocab ? &v : NULL;
    rz_status st = is_hf(pos[0]) ? rz_convert_hf(pos[0], pos[1], &tg, &err)
                                 : rz_convert_llama2c(pos[0], pos[1], &tg, &err);
    if (vocab) rz_gguf_close(&v);
    if (st) {
        rz_cli_error("rz convert", &err);
        return 1;
    }
    printf(
        "wrote %s: llama, dim %u, %u layers, %u heads (%u kv), ffn %u, vocab %u, context %u, %s%s\n",
        pos[1], tg.hp.dim, tg.hp.n_layers, tg.hp.n_heads, tg.hp.n_kv_heads, tg.hp.ffn, tg.hp.vocab,
        tg.hp.ctx, tg.spec->name, vocab ? "" : ", no tokenizer");
    return 0;
}
