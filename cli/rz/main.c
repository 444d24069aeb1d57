/* rz: the engine's command line. Dispatches to one subcommand per file (cmd_*.c). */
#include <stdio.h>
#include <string.h>

#include "cli/rz/commands.h"

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} commands[] = {
    {"predict", rz_cmd_predict, "run an APR model (logistic regression) on one input vector"},
    {"inspect", rz_cmd_inspect, "show a GGUF, safetensors or APR file's metadata and tensors"},
    {"tensor", rz_cmd_tensor, "write one tensor of a GGUF or safetensors file as raw float32"},
    {"synth", rz_cmd_synth, "write a random-weight GGUF with the shapes of a real model"},
    {"quantize", rz_cmd_quantize, "re-encode a GGUF model's tensors (llama-quantize's choices)"},
    {"convert", rz_cmd_convert, "convert a llama2.c or Hugging Face llama checkpoint to GGUF"},
    {"tokenize", rz_cmd_tokenize, "print the token ids of a text with a GGUF vocabulary"},
    {"detokenize", rz_cmd_detokenize, "print the text of token ids with a GGUF vocabulary"},
    {"run", rz_cmd_run, "generate text with a llama-family GGUF model (llama, gemma3)"},
    {"perplexity", rz_cmd_perplexity, "perplexity and KL divergence over a text, as llama.cpp"},
    {"embed", rz_cmd_embed, "sentence embeddings with a BERT encoder (all-MiniLM-L6-v2)"},
    {"serve", rz_cmd_serve, "serve a model over HTTP (OpenAI-compatible, /v1/predict, /metrics)"},
};

static void usage(FILE *out) {
    fprintf(out, "usage: rz COMMAND [OPTIONS]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(
        out,
        "\n`rz COMMAND --help` describes a command. RZ_BACKEND=scalar|avx2|avx512 overrides the CPU kernel choice.\n");
}

int main(int argc, char **argv) {
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name)) return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "rz: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return 2;
}
